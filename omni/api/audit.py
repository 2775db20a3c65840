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

FLUSH_EVERY = 0.5
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
    conn = Tortoise.get_connection("default")
    rows = [(uuid.uuid4(), e.key_id, e.method, e.path[:500], e.status, e.ip[:64], round(e.duration_ms, 3), e.at)
            for e in batch]  # fmt: skip
    usage: dict[uuid.UUID, tuple[int, datetime, str]] = {}
    for e in batch:
        count, _, _ = usage.get(e.key_id, (0, e.at, e.ip))
        usage[e.key_id] = (count + 1, e.at, e.ip)
    async with conn._in_transaction() as tx:
        await tx.execute_many(
            "insert into api_key_audit_logs (id, api_key_id, method, path, status, ip, duration_ms, created_at) "
            "select $1, $2, $3, $4, $5, $6, $7, $8 where exists (select 1 from api_keys where id = $2)",
            rows,
        )
        await tx.execute_many(
            "update api_keys set usage_count = usage_count + $2, last_used_at = greatest(last_used_at, $3), "
            "last_used_ip = $4 where id = $1",
            [(k, n, at, ip) for k, (n, at, ip) in usage.items()],
        )


def now() -> datetime:
    return datetime.now(UTC)
