"""Leases in NATS KV: exactly one holder of a key at a time across every node, taken over within the TTL when the
holder dies. The channel runtime holds one per instance; the persist consumers one per stream (so one conversation's
events are never written by two processes at once)."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
import zlib

from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

log = logging.getLogger("omni.bus.lease")

WORKER_COUNT_ENV = "OMNI_WORKER_COUNT"  # set by the API server for its forked workers
# The leases of a server's one-per-server work, in the order its workers take them first: worker i of n takes those
# at positions i, i + n, … (the message writer and the agent dispatcher apart).
SERVER_LEASES = ("MESSAGE", "DISPATCH", "REACTION", "INSTANCE", "ACCESS")


def worker_slot() -> tuple[int, int]:
    """(this API worker's index, how many workers this server runs): from Sanic's worker name
    (`Sanic-Server-<i>-<n>`) and what the server set; (0, 1) outside a multi-worker server."""
    count = max(1, int(os.environ.get(WORKER_COUNT_ENV, "1") or 1))
    match = re.search(r"-(\d+)-\d+$", os.environ.get("SANIC_WORKER_NAME", ""))
    return (int(match.group(1)) % count if match else 0), count


def prefers(key: str, rank: int | None = None) -> bool:
    """Whether this worker should take `key` at once (the others wait to see it stay free): the work of a server is
    spread over its workers — by `rank` when given (a fixed order for a few known leases), else by a hash of the key."""
    index, count = worker_slot()
    if count == 1:
        return True
    return (rank if rank is not None else zlib.crc32(key.encode())) % count == index


def prefers_instance(instance_id: str, *, agent: bool = False) -> bool:
    """Whether this worker should take an instance at once. An instance bound to an agent goes with the agent
    dispatcher (its replies then go straight to the channel, not through the command stream and back: measured
    1,270 to 1,420 agent messages/s, against 820 to 1,010 on another worker); the others are spread by hash."""
    if agent:
        return prefers("DISPATCH", SERVER_LEASES.index("DISPATCH"))
    return prefers(instance_id)


class Lease:
    def __init__(self, kv: KeyValue, key: str, holder: str, safe_for: float = 4.0, patience: float = 0.0) -> None:
        self.kv, self.key, self.holder = kv, key, holder
        self.revision: int | None = None
        self.renewed = 0.0
        self.safe_for = safe_for  # the TTL minus the renewal interval
        # > 0: not this worker's lease to take first; `keep()` takes it only once it stayed free this long (the
        # worker it belongs to is gone or busy starting)
        self.patience = patience
        self.free_since: float | None = None

    @property
    def held(self) -> bool:
        return self.revision is not None

    async def acquire(self) -> bool:
        try:
            self.revision = await self.kv.create(self.key, self.holder.encode())
            self.renewed = time.monotonic()
            return True
        except (KeyWrongLastSequenceError, KeyNotFoundError):  # taken, or the holder's entry expired meanwhile
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
        """Renew when held, else try to take it (with `patience`, once it stayed free that long). True while held."""
        if self.held:
            return await self.renew()
        if self.patience <= 0:
            return await self.acquire()
        try:
            entry = await self.kv.get(self.key)
            free = entry is None or not entry.value
        except KeyNotFoundError:  # never held, expired or deleted
            free = True
        now = time.monotonic()
        if not free:
            self.free_since = None
            return False
        if self.free_since is None:
            self.free_since = now
        if now - self.free_since < self.patience:
            return False
        return await self.acquire()

    async def release(self) -> None:
        if self.revision is not None:
            with contextlib.suppress(Exception):
                await self.kv.delete(self.key, last=self.revision)
            self.revision = None
