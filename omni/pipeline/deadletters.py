"""Dead letters: events a consumer gave up on, kept in postgres (`dead_letter_events`) and announced as
`system.dead_letter`, so a poison event never blocks its stream. Retried automatically after 1 h, 6 h and 24 h,
or by hand (`POST /dead-letters/:id/retry`): a retry publishes the event again on its subject."""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from nats.js import JetStreamContext
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from omni.bus import subjects
from omni.pipeline import envelope as envelopes

log = logging.getLogger("omni.pipeline.deadletters")

HEADER = "Omni-Dead-Letter"  # on a retried event: the dead letter it came from
AUTO_RETRY_AFTER = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24))
MAX_PUBLISH_FAILURES = 3  # publishes failing in a row before a retry sweep gives up until the next one


def next_retry(auto_retries_done: int, now: datetime | None = None) -> datetime | None:
    if auto_retries_done >= len(AUTO_RETRY_AFTER):
        return None
    return (now or datetime.now(UTC)) + AUTO_RETRY_AFTER[auto_retries_done]


class DeadLetters:
    def __init__(self, js: JetStreamContext) -> None:
        self.js = js

    async def record(self, consumer: str, subject: str, payload: Any, error: str, stack: str | None,
                     dead_letter_id: str | None = None) -> None:  # fmt: skip
        """Keep the event; announce it. Raises when it could not be stored (the caller keeps the event then).
        A retried dead letter that fails again updates its own row (`dead_letter_id`), keeping its retry schedule."""
        event_id = str(payload.get("id", "")) if isinstance(payload, dict) else ""
        event_type = str(payload.get("type", "unknown")) if isinstance(payload, dict) else "unknown"
        if dead_letter_id:
            with contextlib.suppress(ValueError):
                rows = await Tortoise.get_connection("default").execute_query_dict(
                    "update dead_letter_events set error = $2, stack = $3, updated_at = now(), status = case when "
                    "status in ('resolved', 'abandoned') then status else 'pending' end where id = $1 returning id",
                    [uuid.UUID(dead_letter_id), error[:10_000], stack])  # fmt: skip
                if rows:
                    return
        row_id = uuid.uuid4()
        await Tortoise.get_connection("default").execute_query(
            "insert into dead_letter_events (id, event_id, event_type, subject, consumer, payload, error, stack, "
            "auto_retry_count, manual_retry_count, next_auto_retry_at, status, created_at, updated_at) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, 'pending', now(), now())",
            [row_id, event_id[:64] or str(row_id), event_type[:128], subject[:255], consumer[:128],
             orjson.dumps(payload).decode(), error[:10_000], stack, next_retry(0)],
        )  # fmt: skip
        env = envelopes.make("system.dead_letter", {"deadLetterId": str(row_id), "eventId": event_id,
                             "eventType": event_type, "subject": subject, "consumer": consumer, "error": error[:2000]},
                             instance_id=None, channel=None, source="pipeline")  # fmt: skip
        with contextlib.suppress(Exception):  # the row is the record; the announcement is best effort
            await self.js.publish(subjects.system_event("dead_letter"), envelopes.encode(env), timeout=5)

    async def republish(self, row: dict[str, Any], attempt_label: str) -> None:
        """Publish a dead event again on its subject (a new de-duplication id, so JetStream takes it)."""
        payload = row["payload"]
        data = orjson.dumps(payload) if not isinstance(payload, str | bytes) else payload
        if isinstance(data, str):
            data = data.encode()
        await self.js.publish(row["subject"], data, timeout=5,
                              headers={"Nats-Msg-Id": f"dl:{row['id']}:{attempt_label}", HEADER: str(row["id"])})  # fmt: skip

    async def resolve_retried(self, dead_letter_ids: list[str]) -> None:
        """Retried events that went through: their dead letters are resolved (no more automatic retries)."""
        ids = []
        for value in dead_letter_ids:
            with contextlib.suppress(ValueError):
                ids.append(uuid.UUID(value))
        if ids:
            await Tortoise.get_connection("default").execute_query(
                "update dead_letter_events set status = 'resolved', resolved_at = now(), resolved_by = 'retry', "
                "resolution_note = coalesce(resolution_note, 'went through when retried'), next_auto_retry_at = null, "
                "updated_at = now() where id = any($1::uuid[]) and status in ('pending', 'retrying')", [ids])  # fmt: skip

    async def retry_due(self, now: datetime | None = None, *, batch: int = 100) -> int:
        """Republish every open dead letter whose automatic retry is due (`next_auto_retry_at <= now`); returns how
        many. Rows are claimed with `for update skip locked`, so workers and servers sweeping at the same time never
        retry one twice. A row whose publish fails stays due (the next sweep tries again, under the same
        de-duplication id); after `MAX_PUBLISH_FAILURES` failures in a row the sweep stops (the bus is down)."""
        now = now or datetime.now(UTC)
        done = 0
        while True:
            moved, failures = 0, 0
            async with in_transaction("default") as conn:
                rows = await conn.execute_query_dict(
                    "select id, subject, payload, auto_retry_count from dead_letter_events "
                    "where status in ('pending', 'retrying') and next_auto_retry_at <= $1 "
                    "order by next_auto_retry_at limit $2 for update skip locked",
                    [now, batch],
                )
                for row in rows:
                    attempt = row["auto_retry_count"] + 1
                    try:
                        await self.republish(row, f"auto-{attempt}")
                    except Exception as exc:
                        log.warning("dead letter %s: automatic retry %d not published: %s", row["id"], attempt, exc)
                        failures += 1
                        if failures >= MAX_PUBLISH_FAILURES:
                            break
                        continue
                    failures = 0
                    await conn.execute_query(
                        "update dead_letter_events set auto_retry_count = $2, last_retry_at = $3, status = 'retrying', "
                        "next_auto_retry_at = $4, updated_at = now() where id = $1",
                        [row["id"], attempt, now, next_retry(attempt, now)],
                    )
                    moved += 1
            done += moved
            if len(rows) < batch or moved == 0 or failures >= MAX_PUBLISH_FAILURES:
                return done
