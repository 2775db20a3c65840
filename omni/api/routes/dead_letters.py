"""Routes of `/dead-letters`: events a consumer gave up on (see `omni.pipeline.deadletters`) — list, stats, one with
its payload and stack, and the actions on one: retry now, resolve, abandon.

Dead letters are retried automatically after 1 h, 6 h and 24 h (the pipeline's sweep); `retry` publishes the event
again at once. A resolved or abandoned dead letter is closed: no action applies to it any more.

A dead letter carries the event's payload, so an instance-restricted key sees only the dead letters of its
instances (by the envelope's `metadata.instanceId`; events of no instance, or that could not be decoded, are not
shown to it)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field
from sanic import Blueprint, Request
from tortoise.expressions import RawSQL
from tortoise.functions import Count, Min
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from omni.api.auth import principal_of
from omni.api.common import EventTypeFilter, Input, InputList, by_event_type
from omni.api.errors import CONFLICT, NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import Data, Out, Page
from omni.api.pagination import paginate
from omni.api.routing import endpoint
from omni.db.models import DeadLetterEvent
from omni.db.models.enums import DEAD_LETTER_STATUSES
from omni.pipeline.deadletters import DeadLetters

bp = Blueprint("dead_letters", url_prefix="/dead-letters")

Status = Literal[DEAD_LETTER_STATUSES]  # type: ignore[valid-type]
CLOSED = ("resolved", "abandoned")
INSTANCE_OF = "payload->'metadata'->>'instanceId'"  # the instance of the dead event, as text
LIST_FIELDS = ("id", "event_id", "event_type", "subject", "consumer", "error", "status", "auto_retry_count",
               "manual_retry_count", "next_auto_retry_at", "last_retry_at", "resolved_at", "resolved_by",
               "resolution_note", "created_at", "updated_at")  # fmt: skip


# -- models --------------------------------------------------------------------------------------------------------


class DeadLetterQuery(InputList):
    status: Status | None = None
    event_type: EventTypeFilter | None = None
    consumer: str | None = Field(None, max_length=128, description="the durable consumer that gave up")
    since: datetime | None = Field(None, description="created at or after")
    until: datetime | None = Field(None, description="created before")


class NoteBody(Input):
    note: str | None = Field(None, max_length=10_000)


class DeadLetterOut(Out):
    id: uuid.UUID
    event_id: str
    event_type: str
    subject: str
    consumer: str | None
    error: str
    status: str
    auto_retry_count: int
    manual_retry_count: int
    next_auto_retry_at: datetime | None = Field(description="null: no more automatic retries")
    last_retry_at: datetime | None
    resolved_at: datetime | None = Field(description="when it was resolved or abandoned")
    resolved_by: str | None = Field(description="the name of the API key that resolved or abandoned it")
    resolution_note: str | None
    created_at: datetime
    updated_at: datetime


class DeadLetterDetail(DeadLetterOut):
    payload: Any = Field(None, description="the event as it was received (an envelope, or `{raw}` if undecodable)")
    stack: str | None


class DeadLetterStats(Out):
    total: int
    by_status: dict[str, int] = Field(description="every status, 0 when none")
    by_event_type: dict[str, int]
    oldest_pending_at: datetime | None = Field(description="createdAt of the oldest pending dead letter")


# -- helpers -------------------------------------------------------------------------------------------------------


def render(row: Any) -> dict[str, Any]:
    return DeadLetterOut.model_validate(row).dump()


def render_detail(row: DeadLetterEvent) -> dict[str, Any]:
    return DeadLetterDetail.model_validate(row).dump()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def visible(request: Request, qs: QuerySet[DeadLetterEvent]) -> QuerySet[DeadLetterEvent]:
    """The dead letters the key may see (see the module's doc)."""
    allowed = principal_of(request).instance_ids
    if allowed is None:
        return qs
    return qs.annotate(dl_instance=RawSQL(INSTANCE_OF)).filter(dl_instance__in=sorted(str(i) for i in allowed))


async def _get(request: Request, dead_letter_id: uuid.UUID) -> DeadLetterEvent:
    row = await visible(request, DeadLetterEvent.filter(id=dead_letter_id)).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no dead letter {dead_letter_id}")
    return row


def _closed(row: DeadLetterEvent) -> ApiError:
    return ApiError(409, CONFLICT, f"dead letter {row.id} is already {row.status}", {"status": row.status})


async def _close(request: Request, dead_letter_id: uuid.UUID, status: str, note: str | None) -> DeadLetterEvent:
    await _get(request, dead_letter_id)
    async with in_transaction() as conn:
        row = await DeadLetterEvent.filter(id=dead_letter_id).select_for_update().using_db(conn).get()
        if row.status in CLOSED:
            raise _closed(row)
        row.status = status
        row.resolved_at = datetime.now(UTC)
        row.resolved_by = principal_of(request).name
        row.resolution_note = note
        row.next_auto_retry_at = None
        await row.save(using_db=conn)
    return row


# -- routes --------------------------------------------------------------------------------------------------------


@endpoint(bp, "GET", "", scope="dead-letters:read", summary="List dead letters", query=DeadLetterQuery,
          response=Page[DeadLetterOut])  # fmt: skip
async def list_dead_letters(request: Request, query: DeadLetterQuery) -> dict[str, Any]:
    """Newest first. Items leave out `payload` and `stack` (see `GET /dead-letters/:id`)."""
    if query.since and query.until and _aware(query.since) >= _aware(query.until):
        raise ApiError(400, VALIDATION_ERROR, "since must be before until", {"fields": {"since": ["after until"]}})
    qs = visible(request, DeadLetterEvent.all())
    if query.status:
        qs = qs.filter(status=query.status)
    qs = by_event_type(qs, query.event_type)
    if query.consumer:
        qs = qs.filter(consumer=query.consumer)
    if query.since:
        qs = qs.filter(created_at__gte=query.since)
    if query.until:
        qs = qs.filter(created_at__lt=query.until)
    return await paginate(qs.only(*LIST_FIELDS), query, render)


@endpoint(bp, "GET", "/stats", scope="dead-letters:read", summary="Dead letter counts by status and event type",
          response=Data[DeadLetterStats])  # fmt: skip
async def dead_letter_stats(request: Request) -> dict[str, Any]:
    counted = visible(request, DeadLetterEvent.all()).annotate(n=Count("id"))
    by_status = dict.fromkeys(DEAD_LETTER_STATUSES, 0)
    for r in await counted.group_by("status").values("status", "n"):
        by_status[r["status"]] = r["n"]
    rows = await counted.group_by("event_type").values("event_type", "n")
    by_type = {r["event_type"]: r["n"] for r in sorted(rows, key=lambda r: (-r["n"], r["event_type"]))}
    oldest = await (visible(request, DeadLetterEvent.filter(status="pending")).annotate(oldest=Min("created_at"))
                    .values("oldest"))  # fmt: skip
    stats = DeadLetterStats(total=sum(by_status.values()), by_status=by_status, by_event_type=by_type,
                            oldest_pending_at=oldest[0]["oldest"] if oldest else None)  # fmt: skip
    return {"data": stats.dump()}


@endpoint(bp, "GET", "/<dead_letter_id:uuid>", scope="dead-letters:read", summary="Get a dead letter",
          response=Data[DeadLetterDetail])  # fmt: skip
async def get_dead_letter(request: Request, dead_letter_id: uuid.UUID) -> dict[str, Any]:
    """With the event's payload, the error and the stack of the last failure."""
    return {"data": render_detail(await _get(request, dead_letter_id))}


@endpoint(bp, "POST", "/<dead_letter_id:uuid>/retry", scope="dead-letters:write", summary="Retry a dead letter now",
          response=Data[DeadLetterDetail])  # fmt: skip
async def retry_dead_letter(request: Request, dead_letter_id: uuid.UUID) -> dict[str, Any]:
    """Publishes the event again on its subject (its consumers take it as new); the dead letter becomes `retrying`.
    If it fails again it comes back as a new dead letter. 409 when it is resolved or abandoned; 503 when the event
    bus did not take the event (nothing changed then)."""
    await _get(request, dead_letter_id)
    async with in_transaction() as conn:
        row = await DeadLetterEvent.filter(id=dead_letter_id).select_for_update().using_db(conn).get()
        if row.status in CLOSED:
            raise _closed(row)
        attempt = row.manual_retry_count + 1
        try:
            await DeadLetters(request.app.ctx.js).republish(
                {"id": row.id, "subject": row.subject, "payload": row.payload}, f"manual-{attempt}"
            )
        except Exception as exc:
            raise ApiError(503, "SERVICE_UNAVAILABLE", f"the event bus did not take the event ({type(exc).__name__});"
                           " the dead letter is unchanged") from None  # fmt: skip
        row.manual_retry_count = attempt
        row.last_retry_at = datetime.now(UTC)
        row.status = "retrying"
        await row.save(using_db=conn)
    return {"data": render_detail(row)}


@endpoint(bp, "POST", "/<dead_letter_id:uuid>/resolve", scope="dead-letters:write", summary="Resolve a dead letter",
          body=NoteBody, response=Data[DeadLetterDetail])  # fmt: skip
async def resolve_dead_letter(request: Request, dead_letter_id: uuid.UUID, body: NoteBody) -> dict[str, Any]:
    """Marks it handled (by this key, with an optional note); no more automatic retries. 409 when already closed."""
    return {"data": render_detail(await _close(request, dead_letter_id, "resolved", body.note))}


@endpoint(bp, "POST", "/<dead_letter_id:uuid>/abandon", scope="dead-letters:write", summary="Abandon a dead letter",
          body=NoteBody, response=Data[DeadLetterDetail])  # fmt: skip
async def abandon_dead_letter(request: Request, dead_letter_id: uuid.UUID, body: NoteBody) -> dict[str, Any]:
    """Gives up on it (by this key, with an optional note): no more automatic retries. 409 when already closed."""
    return {"data": render_detail(await _close(request, dead_letter_id, "abandoned", body.note))}
