"""The audit log: one row per authenticated request, written in batches off the request path, plus the key's usage
counters (usageCount, lastUsedAt, lastUsedIp) folded into one update per key per batch."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise import Tortoise

log = logging.getLogger("omni.api.audit")

FLUSH_EVERY = 0.2  # small batches: a flush never holds the event loop long (the p99 of a busy worker)
MAX_BATCH = 2000
MAX_QUEUE = 100_000


@dataclass(frozen=True)
class AuditEntry:
    key_id: uuid.UUID
    method: str
    path: str
    status: int
    ip: str
    duration_ms: float
    at: datetime


class AuditWriter:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[AuditEntry] = asyncio.Queue(MAX_QUEUE)
        self.task: asyncio.Task[None] | None = None
        self.dropped = 0

    def record(self, entry: AuditEntry) -> None:
        try:
            self.queue.put_nowait(entry)
        except asyncio.QueueFull:
            self.dropped += 1  # never block a request on the audit log; counted for /metrics

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="audit-writer")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.flush()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY)
            try:
                await self.flush()
            except Exception:
                log.exception("writing audit rows failed; will retry")

    async def flush(self) -> None:
        while not self.queue.empty():
            batch = [self.queue.get_nowait() for _ in range(min(MAX_BATCH, self.queue.qsize()))]
            await write(batch)


async def write(batch: list[AuditEntry]) -> None:
    """The batch as one insert and one usage update, each a single statement over arrays (a deleted key's rows
    are dropped by the join rather than failing the batch)."""
    usage: dict[uuid.UUID, tuple[int, datetime, str]] = {}
    for e in batch:
        count, _, _ = usage.get(e.key_id, (0, e.at, e.ip))
        usage[e.key_id] = (count + 1, e.at, e.ip)
    client = Tortoise.get_connection("default")
    async with client.acquire_connection() as conn, conn.transaction():
        await conn.execute(
            "insert into api_key_audit_logs (id, api_key_id, method, path, status, ip, duration_ms, created_at) "
            "select u.id, u.key, u.method, u.path, u.status, u.ip, u.ms, u.at from unnest($1::uuid[], $2::uuid[], "
            "$3::text[], $4::text[], $5::int[], $6::text[], $7::float8[], $8::timestamptz[]) "
            "as u(id, key, method, path, status, ip, ms, at) join api_keys k on k.id = u.key",
            [uuid.uuid4() for _ in batch], [e.key_id for e in batch], [e.method for e in batch],
            [e.path[:500] for e in batch], [e.status for e in batch], [e.ip[:64] for e in batch],
            [round(e.duration_ms, 3) for e in batch], [e.at for e in batch],
        )  # fmt: skip
        keys = sorted(usage)
        # the key rows locked in one order by every writer first (an UPDATE … FROM locks in its plan's order, which
        # could differ between two workers' batches and deadlock)
        await conn.execute("select 1 from api_keys where id = any($1::uuid[]) order by id for no key update", keys)
        await conn.execute(
            "update api_keys k set usage_count = k.usage_count + u.n, last_used_at = greatest(k.last_used_at, u.at), "
            "last_used_ip = u.ip from unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::text[]) as u(id, n, at, ip) "
            "where k.id = u.id",
            keys, [usage[k][0] for k in keys], [usage[k][1] for k in keys], [usage[k][2] for k in keys],
        )  # fmt: skip


def now() -> datetime:
    return datetime.now(UTC)
