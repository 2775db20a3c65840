"""Per-key request limits (requests per minute) in fixed one-minute windows, shared by every API worker and node.

Each worker counts its own requests at once and, every SHARE_EVERY seconds, publishes what it counted since on NATS;
every worker adds what the others counted. A key therefore gets its limit across all workers together, give or take
what a burst on several workers gets through within one sharing interval.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from dataclasses import dataclass

SHARE_EVERY = 0.2


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
        self.node = uuid.uuid4().hex
        self._counts: dict[str, tuple[int, int]] = {}  # key id -> (window number, requests seen by all workers)
        self._unshared: dict[str, int] = {}  # key id -> this worker's requests not yet published
        self._window = 0

    def _add(self, key: str, window: int, n: int) -> int:
        current, count = self._counts.get(key, (window, 0))
        if current != window:
            count = 0
        count += n
        self._counts[key] = (window, count)
        return count

    def hit(self, key: str, limit: int, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        window = int(now // self.WINDOW)
        if window != self._window:
            self._window, self._unshared = window, {}
            if len(self._counts) > 100_000:  # old windows of idle keys
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        count = self._add(key, window, 1)
        self._unshared[key] = self._unshared.get(key, 0) + 1
        reset = (window + 1) * self.WINDOW
        allowed = count <= limit
        return Decision(allowed, limit, max(0, limit - count), int(reset),
                        0 if allowed else math.ceil((reset - now) * 1000))  # fmt: skip

    def share(self) -> bytes | None:
        """What this worker counted since the last share, as a message for the others (None: nothing new)."""
        if not self._unshared:
            return None
        message = json.dumps({"node": self.node, "window": self._window, "counts": self._unshared}).encode()
        self._unshared = {}
        return message

    def absorb(self, message: bytes) -> None:
        """Add another worker's counts."""
        try:
            data = json.loads(message)
            if data["node"] == self.node:
                return
            window = int(data["window"])
            counts = {str(k): int(v) for k, v in data["counts"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return
        if window < self._window:
            return  # a window that has ended
        for key, n in counts.items():
            self._add(key, window, n)
