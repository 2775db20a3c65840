"""Leases in NATS KV: exactly one holder of a key at a time across every node, taken over within the TTL when the
holder dies. The channel runtime holds one per instance; the persist consumers one per stream (so one conversation's
events are never written by two processes at once)."""

from __future__ import annotations

import contextlib

from nats.js.errors import KeyWrongLastSequenceError
from nats.js.kv import KeyValue


class Lease:
    def __init__(self, kv: KeyValue, key: str, holder: str) -> None:
        self.kv, self.key, self.holder = kv, key, holder
        self.revision: int | None = None

    @property
    def held(self) -> bool:
        return self.revision is not None

    async def acquire(self) -> bool:
        try:
            self.revision = await self.kv.create(self.key, self.holder.encode())
            return True
        except KeyWrongLastSequenceError:
            return False

    async def renew(self) -> bool:
        if self.revision is None:
            return False
        try:
            self.revision = await self.kv.update(self.key, self.holder.encode(), last=self.revision)
            return True
        except KeyWrongLastSequenceError:
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
