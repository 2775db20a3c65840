"""Leases in NATS KV: exactly one holder of a key at a time across every node, taken over within the TTL when the
holder dies. The channel runtime holds one per instance; the persist consumers one per stream (so one conversation's
events are never written by two processes at once)."""

from __future__ import annotations

import contextlib
import logging
import time

from nats.js.errors import KeyWrongLastSequenceError
from nats.js.kv import KeyValue

log = logging.getLogger("omni.bus.lease")


class Lease:
    def __init__(self, kv: KeyValue, key: str, holder: str, safe_for: float = 4.0) -> None:
        self.kv, self.key, self.holder = kv, key, holder
        self.revision: int | None = None
        self.renewed = 0.0
        self.safe_for = safe_for  # the TTL minus the renewal interval

    @property
    def held(self) -> bool:
        return self.revision is not None

    async def acquire(self) -> bool:
        try:
            self.revision = await self.kv.create(self.key, self.holder.encode())
            self.renewed = time.monotonic()
            return True
        except KeyWrongLastSequenceError:
            return False

    async def renew(self) -> bool:
        """False when the lease is gone, or could not be renewed for so long that another holder may have it."""
        if self.revision is None:
            return False
        try:
            self.revision = await self.kv.update(self.key, self.holder.encode(), last=self.revision)
            self.renewed = time.monotonic()
            return True
        except KeyWrongLastSequenceError:
            self.revision = None
            return False
        except Exception as exc:
            log.warning("renewing the lease %s failed: %s", self.key, exc)
            if time.monotonic() - self.renewed < self.safe_for:
                return True  # a moment without NATS: the key is still ours
            self.revision = None
            return False

    async def keep(self) -> bool:
        """Renew when held, else try to take it. True while held."""
        return await self.renew() if self.held else await self.acquire()

    async def release(self) -> None:
        if self.revision is not None:
            with contextlib.suppress(Exception):
                await self.kv.delete(self.key, last=self.revision)
            self.revision = None
