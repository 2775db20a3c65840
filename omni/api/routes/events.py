"""Routes of `/events` (see the reference §1): the event journal — list, get, search, a person's timeline,
analytics, events by sender, and custom events triggered through the API (journalled and published on NATS).

Events of no instance (e.g. global custom events) are visible to every key; a restricted key sees the rest only
for its instances."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import Field, field_validator
from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from omni.api import sqllist
from omni.api.auth import check_instance, instance_filter
from omni.api.common import EventTypeFilter, by_event_type
from omni.api.errors import NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel, Data, Out, Page
from omni.api.pagination import ListQuery, paginate
from omni.api.querying import search as text_search
from omni.api.routing import endpoint
from omni.bus import subjects
from omni.db.models import Instance, OmniEvent
from omni.db.models.enums import EVENT_DIRECTIONS

bp = Blueprint("events", url_prefix="/events")

Direction = Literal[EVENT_DIRECTIONS]  # type: ignore[valid-type]
CUSTOM_TYPE = re.compile(r"^custom(\.[A-Za-z0-9_-]+)+$")
MAX_ANALYTICS_BUCKETS = 24 * 366
PUBLISH_TIMEOUT = 5.0


# -- models --------------------------------------------------------------------------------------------------------


class EventFilters(ApiModel):
    instance_id: list[uuid.UUID] | None = Field(None, max_length=100)
    event_type: EventTypeFilter | None = None
    channel: str | None = Field(None, max_length=64)
    direction: Direction | None = None
    person_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    correlation_id: str | None = Field(None, max_length=255)


class EventListQuery(ListQuery, EventFilters):
    pass


class SearchBody(ApiModel):
    query: str = Field(min_length=1, max_length=1000)
    filters: EventFilters = Field(default_factory=EventFilters)
    format: Literal["full", "summary", "agent"] = "full"
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500, pattern=r"^[A-Za-z0-9_-]*$")
    include_total: bool = False


class AnalyticsQuery(ApiModel):
    granularity: Literal["hourly", "daily"] = "hourly"
    since: datetime | None = None
    until: datetime | None = None
    instance_id: list[uuid.UUID] | None = Field(None, max_length=100)


class TriggerBody(ApiModel):
    event_type: str = Field(max_length=128)
    payload: dict[str, Any] = Field(default_factory=dict)
    correlation_id: str | None = Field(None, max_length=255)
    instance_id: uuid.UUID | None = None

    @field_validator("event_type")
    @classmethod
    def _custom(cls, value: str) -> str:
        if not CUSTOM_TYPE.match(value):
            raise ValueError("must be custom.<name>[.<name>…] with letters, digits, '_' or '-' in each name")
        return value


class EventOut(Out):
    id: uuid.UUID
    event_type: str
    direction: str
    channel: str | None
    instance_id: uuid.UUID | None
    person_id: uuid.UUID | None
    platform_identity_id: uuid.UUID | None
    external_id: str | None
    correlation_id: str | None
    trace_id: str | None
    source: str | None
    content_type: str | None
    text_content: str | None
    transcription: str | None
    image_description: str | None
    video_description: str | None
    document_extraction: str | None
    media_id: uuid.UUID | None
    media_mime_type: str | None
    media_size: int | None
    media_duration: int | None
    media_url: str | None
    chat_id: str | None
    canonical_chat_id: str | None
    reply_to_event_id: uuid.UUID | None
    reply_to_external_id: str | None
    status: str
    error_message: str | None
    error_stage: str | None
    received_at: datetime
    processed_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    processing_time_ms: int | None
    agent_latency_ms: int | None
    total_latency_ms: int | None
    payload: Any = None
    raw_payload: Any = None
    agent_request: Any = None
    agent_response: Any = None
    metadata: Any = None
    created_at: datetime


class SearchItem(Out):
    """`format=full`: every field of the event; `summary`: the fields below; `agent`: id, createdAt and `text`."""

    model_config = {**Out.model_config, "extra": "allow"}  # type: ignore[misc]

    id: uuid.UUID
    created_at: datetime


class Bucket(Out):
    bucket: datetime
    count: int
    by_event_type: dict[str, int]


class AnalyticsOut(Out):
    granularity: str
    since: datetime
    until: datetime
    total: int
    by_event_type: dict[str, int]
    buckets: list[Bucket]


# -- helpers -------------------------------------------------------------------------------------------------------


def render(row: OmniEvent) -> dict[str, Any]:
    return EventOut.model_validate(row).dump()


def _summary(row: OmniEvent) -> dict[str, Any]:
    text = row.text_content or row.transcription or row.image_description
    return {"id": str(row.id), "createdAt": row.created_at.isoformat(), "eventType": row.event_type,
            "direction": row.direction, "channel": row.channel,
            "instanceId": str(row.instance_id) if row.instance_id else None,
            "personId": str(row.person_id) if row.person_id else None, "chatId": row.chat_id,
            "preview": text[:200] if text else None}  # fmt: skip


def _agent(row: OmniEvent) -> dict[str, Any]:
    text = row.text_content or row.transcription or row.image_description or ""
    where = f" chat={row.chat_id}" if row.chat_id else ""
    line = f"{row.created_at:%Y-%m-%d %H:%M:%S} [{row.event_type}] {row.direction}{where}: {text[:500]}"
    return {"id": str(row.id), "createdAt": row.created_at.isoformat(), "text": line}


def _scoped(request: Request, qs: QuerySet[OmniEvent], asked: list[uuid.UUID] | None) -> QuerySet[OmniEvent]:
    allowed = instance_filter(request, asked)
    if allowed is None:
        return qs
    if asked is not None:
        return qs.filter(instance_id__in=allowed)
    return qs.filter(Q(instance_id__in=allowed) | Q(instance_id__isnull=True))


def filter_events(request: Request, qs: QuerySet[OmniEvent], f: EventFilters) -> QuerySet[OmniEvent]:
    qs = _scoped(request, qs, f.instance_id)
    qs = by_event_type(qs, f.event_type)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.direction:
        qs = qs.filter(direction=f.direction)
    if f.person_id:
        qs = qs.filter(person_id=f.person_id)
    if f.since:
        qs = qs.filter(created_at__gte=f.since)
    if f.until:
        qs = qs.filter(created_at__lt=f.until)
    if f.correlation_id:
        qs = qs.filter(correlation_id=f.correlation_id)
    return qs


ROW_SHAPE = sqllist.Shape(EventOut, EventOut.model_fields)
BY_TIME = sqllist.Sort("r.created_at")


def event_where(request: Request, f: EventFilters) -> sqllist.Where:
    """`filter_events` as SQL, for the hot `GET /events`."""
    w = sqllist.Where()
    allowed = instance_filter(request, f.instance_id)
    if allowed is not None:
        if f.instance_id is not None:
            w.add("instance_id = any({}::uuid[])", allowed)
        else:  # events of no instance are visible to restricted keys too
            w.add("(instance_id = any({}::uuid[]) or instance_id is null)", allowed)
    if f.event_type and f.event_type != "*":
        if f.event_type.endswith(".*"):
            w.add("event_type like {}", sqllist.like_pattern(f.event_type[:-1]).removeprefix("%"))
        else:
            w.add("event_type = {}", f.event_type)
    if f.channel:
        w.add("channel = {}", f.channel)
    if f.direction:
        w.add("direction = {}", f.direction)
    if f.person_id:
        w.add("person_id = {}", f.person_id)
    if f.since:
        w.add("created_at >= {}", f.since)
    if f.until:
        w.add("created_at < {}", f.until)
    if f.correlation_id:
        w.add("correlation_id = {}", f.correlation_id)
    return w


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# -- routes --------------------------------------------------------------------------------------------------------


@endpoint(bp, "GET", "", scope="events:read", summary="List events, newest first", query=EventListQuery,
          response=Page[EventOut])  # fmt: skip
async def list_events(request: Request, query: EventListQuery) -> HTTPResponse:
    return await sqllist.page("omni_events", event_where(request, query), query, ROW_SHAPE, BY_TIME)


@endpoint(bp, "POST", "/search", scope="events:read", summary="Search the journal's text", body=SearchBody,
          response=Page[SearchItem])  # fmt: skip
async def search_events(request: Request, body: SearchBody) -> dict[str, Any]:
    """Substring search (any case) of the events' text, newest first, with the filters of `GET /events`.
    `format`: `full` (every field), `summary` (the main fields and a preview) or `agent` (one line of text each).
    A read, though a POST: it needs `events:read`."""
    qs = text_search(filter_events(request, OmniEvent.all(), body.filters), ["text_content"], body.query)
    renderer = {"full": render, "summary": _summary, "agent": _agent}[body.format]
    page = ListQuery(limit=body.limit, cursor=body.cursor, include_total=body.include_total)
    return await paginate(qs, page, renderer)


@endpoint(bp, "GET", "/analytics", scope="events:read", summary="Event counts per hour or day and per type",
          query=AnalyticsQuery, response=Data[AnalyticsOut])  # fmt: skip
async def event_analytics(request: Request, query: AnalyticsQuery) -> dict[str, Any]:
    """Defaults: the last 24 hours (hourly) or 30 days (daily). Buckets are UTC; empty buckets are left out."""
    until = _aware(query.until) if query.until else datetime.now(UTC)
    span = timedelta(hours=24) if query.granularity == "hourly" else timedelta(days=30)
    try:
        since = _aware(query.since) if query.since else until - span
    except OverflowError:
        raise ApiError(400, VALIDATION_ERROR, "until is too early", {"fields": {"until": ["before year 1"]}}) from None
    if since >= until:
        raise ApiError(400, VALIDATION_ERROR, "since must be before until", {"fields": {"since": ["after until"]}})
    unit = "hour" if query.granularity == "hourly" else "day"
    step = timedelta(hours=1) if unit == "hour" else timedelta(days=1)
    if (until - since) / step > MAX_ANALYTICS_BUCKETS:
        raise ApiError(400, VALIDATION_ERROR, f"at most {MAX_ANALYTICS_BUCKETS} buckets",
                       {"fields": {"since": ["range too long for this granularity"]}})  # fmt: skip
    sql = ("select date_trunc($1, created_at at time zone 'UTC') as bucket, event_type, count(*) as n "
           "from omni_events where created_at >= $2 and created_at < $3")  # fmt: skip
    params: list[Any] = [unit, since, until]
    asked = instance_filter(request, query.instance_id)
    if asked is not None:
        sql += " and (instance_id = any($4::uuid[])" + (
            " or instance_id is null)" if query.instance_id is None else ")"
        )
        params.append([str(i) for i in asked])
    sql += " group by 1, 2 order by 1, 2"
    rows = await Tortoise.get_connection("default").execute_query_dict(sql, params)
    buckets: dict[datetime, dict[str, int]] = {}
    by_type: dict[str, int] = {}
    for row in rows:
        at = row["bucket"].replace(tzinfo=UTC)
        buckets.setdefault(at, {})[row["event_type"]] = row["n"]
        by_type[row["event_type"]] = by_type.get(row["event_type"], 0) + row["n"]
    return {"data": AnalyticsOut(
        granularity=query.granularity, since=since, until=until, total=sum(by_type.values()), by_event_type=by_type,
        buckets=[Bucket(bucket=at, count=sum(types.values()), by_event_type=types) for at, types in buckets.items()],
    ).dump()}  # fmt: skip


@endpoint(bp, "GET", "/timeline/<person_id:uuid>", scope="events:read", summary="A person's events, newest first",
          query=ListQuery, response=Page[EventOut])  # fmt: skip
async def person_events(request: Request, person_id: uuid.UUID, query: ListQuery) -> dict[str, Any]:
    return await paginate(_scoped(request, OmniEvent.filter(person_id=person_id), None), query, render, lean=True)


@endpoint(bp, "GET", "/by-sender/<sender_id:str>", scope="events:read",
          summary="Events of a sender (platform user id), newest first", query=ListQuery, response=Page[EventOut])  # fmt: skip
async def sender_events(request: Request, sender_id: str, query: ListQuery) -> dict[str, Any]:
    qs = OmniEvent.filter(platform_identity__platform_user_id=sender_id[:255])
    return await paginate(_scoped(request, qs, None), query, render, lean=True)


@endpoint(bp, "POST", "/trigger", scope="events:write", summary="Trigger a custom event", body=TriggerBody,
          response=Data[EventOut], status=201)  # fmt: skip
async def trigger_event(request: Request, body: TriggerBody) -> dict[str, Any]:
    """Journals a `custom.*` event and publishes it on `omni.custom.<type>.<instanceId|global>`. The row is kept only
    when the publish is acknowledged by the NATS server (503 otherwise)."""
    if body.instance_id is not None:
        check_instance(request, body.instance_id)
        if not await Instance.filter(id=body.instance_id).exists():
            raise ApiError(404, NOT_FOUND, f"no instance {body.instance_id}", {"fields": {"instanceId": ["not found"]}})
    subject = subjects.custom_event(body.event_type, body.instance_id)
    event_id = uuid.uuid4()
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        row = await OmniEvent.create(
            id=event_id, event_type=body.event_type, direction="internal", instance_id=body.instance_id,
            correlation_id=body.correlation_id, source="api", status="completed", payload=body.payload,
            metadata={"subject": subject}, received_at=now, processed_at=now, using_db=conn,
        )  # fmt: skip
        envelope = {"id": str(event_id), "type": body.event_type, "payload": body.payload,
                    "metadata": {"correlationId": body.correlation_id,
                                 "instanceId": str(body.instance_id) if body.instance_id else None, "source": "api"},
                    "timestamp": int(now.timestamp() * 1000)}  # fmt: skip
        nc = request.app.ctx.nats
        try:
            await nc.publish(subject, json.dumps(envelope).encode())
            await nc.flush(timeout=PUBLISH_TIMEOUT)
        except Exception as exc:  # a timeout, a closed connection …
            request.app.ctx.log.warning("publishing %s failed: %s", subject, exc)
            raise ApiError(
                503, "SERVICE_UNAVAILABLE", "the event bus is unavailable; the event was not stored"
            ) from None
    return {"data": render(row)}


@endpoint(bp, "GET", "/<event_id:uuid>", scope="events:read", summary="Get an event", response=Data[EventOut])
async def get_event(request: Request, event_id: uuid.UUID) -> dict[str, Any]:
    row = await OmniEvent.filter(id=event_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no event {event_id}")
    check_instance(request, row.instance_id)
    return {"data": render(row)}
