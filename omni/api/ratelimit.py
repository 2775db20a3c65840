"""Per-key request limits (requests per minute), fixed one-minute windows.

Counters live in each API worker's memory: with several workers (or nodes) a key can reach the limit once per
worker. A shared counter (NATS KV) is the next step; the headers and the 429 contract stay as they are.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # epoch seconds when the window ends
    retry_after_ms: int

    def headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": str(self.reset_at)}  # fmt: skip


class RateLimiter:
    WINDOW = 60.0

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, int]] = {}  # key id -> (window number, count)

    def hit(self, key: str, limit: int, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        window = int(now // self.WINDOW)
        current, count = self._windows.get(key, (window, 0))
        if current != window:
            count = 0
        count += 1
        self._windows[key] = (window, count)
        if len(self._windows) > 100_000:  # old windows of idle keys
            self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        reset = (window + 1) * self.WINDOW
        allowed = count <= limit
        return Decision(allowed, limit, max(0, limit - count), int(reset),
                        0 if allowed else math.ceil((reset - now) * 1000))  # fmt: skip
