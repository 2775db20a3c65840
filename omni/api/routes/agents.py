"""The agent dispatcher's API: trigger logs (every decision with its reason and timings), follow-up configs at agent,
instance and chat scope (`/follow-up/:scope/:id`, seed 001 `omni follow-up`), pairing requests of unknown senders
(`/instances/:id/access/requests`, `omni access pending|approve|deny`) and the route metrics (`/routes/metrics`)."""

from __future__ import annotations

import contextlib
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator
from sanic import Blueprint, Request
from tortoise.transactions import in_transaction

from omni.agents import followups
from omni.api.auth import check_instance, instance_filter, principal_of
from omni.api.common import Input, InputList, require_unrestricted
from omni.api.errors import CONFLICT, NOT_FOUND, ApiError
from omni.api.models import Data, Out, Page
from omni.api.pagination import paginate
from omni.api.routing import endpoint
from omni.channels.types import Outbound
from omni.db.models import AccessRequest, AccessRule, AgentProvider, Chat, FollowUpConfig, Instance, TriggerLog
from omni.db.models.enums import ACCESS_REQUEST_STATUSES, FOLLOW_UP_SCOPES, TRIGGER_DECISIONS
from omni.pipeline import outbound

bp = Blueprint("agents")
APPROVED_TEXT = "✅ You're approved: this assistant will answer you from now on."


# -- trigger logs ----------------------------------------------------------------------------------------------------


class TriggerLogQuery(InputList):
    instance_id: uuid.UUID | None = None
    chat_id: str | None = Field(None, max_length=255, description="the platform's chat id")
    sender_id: str | None = Field(None, max_length=255, description="the platform's user id")
    decision: Literal[TRIGGER_DECISIONS] | None = None  # type: ignore[valid-type]
    trace_id: str | None = Field(None, max_length=255)
    since: datetime | None = None
    until: datetime | None = None


class TriggerLogOut(Out):
    id: uuid.UUID
    instance_id: uuid.UUID
    provider_id: uuid.UUID | None
    agent_id: str | None
    trace_id: str | None
    event_type: str
    event_id: uuid.UUID
    trigger_type: str
    channel: str | None
    chat_id: str
    sender_id: str | None
    decision: str
    reason: str | None
    fired_at: datetime
    responded_at: datetime | None
    responded: bool
    duration_ms: int | None
    input_tokens: int | None
    output_tokens: int | None
    error: str | None
    metadata: dict[str, Any] | None
    created_at: datetime


@endpoint(bp, "GET", "/trigger-logs", scope="logs:read", summary="List agent trigger decisions",
          query=TriggerLogQuery, response=Page[TriggerLogOut], tag="agents")  # fmt: skip
async def list_trigger_logs(request: Request, query: TriggerLogQuery) -> dict[str, Any]:
    """Newest first: what the dispatcher decided for each inbound event (replied, filtered, rate_limited, denied,
    debounced, paused, failed, reset, stale, pairing, follow_up), why, and how long it took (`metadata.dispatchMs`,
    `agentMs`, `replyMs`)."""
    qs = TriggerLog.all()
    allowed = instance_filter(request, [query.instance_id] if query.instance_id else None)
    if allowed is not None:
        qs = qs.filter(instance_id__in=allowed)
    if query.chat_id:
        qs = qs.filter(chat_id=query.chat_id)
    if query.sender_id:
        qs = qs.filter(sender_id=query.sender_id)
    if query.decision:
        qs = qs.filter(decision=query.decision)
    if query.trace_id:
        qs = qs.filter(trace_id=query.trace_id)
    if query.since:
        qs = qs.filter(created_at__gte=query.since)
    if query.until:
        qs = qs.filter(created_at__lt=query.until)
    return await paginate(qs, query, lambda r: TriggerLogOut.model_validate(r).dump())


class RouteMetrics(Out):
    instance_id: uuid.UUID
    triggers: int
    by_decision: dict[str, int]
    replied: int
    failed: int
    avg_duration_ms: float | None
    p95_duration_ms: float | None
    input_tokens: int
    output_tokens: int


class MetricsQuery(Input):
    instance_id: uuid.UUID | None = None
    hours: int = Field(24, ge=1, le=24 * 90)


@endpoint(bp, "GET", "/routes/metrics", scope="instances:read", summary="Agent dispatch metrics per instance",
          query=MetricsQuery, response=Data[list[RouteMetrics]], tag="agents")  # fmt: skip
async def route_metrics(request: Request, query: MetricsQuery) -> dict[str, Any]:
    """Over the last `hours` (24 by default): triggers by decision, replies, failures, answer time and tokens."""
    since = datetime.now(UTC) - timedelta(hours=query.hours)
    allowed = instance_filter(request, [query.instance_id] if query.instance_id else None)
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "select instance_id, decision, count(*) as n, avg(duration_ms) filter (where decision = 'replied') as avg_ms, "
        "percentile_cont(0.95) within group (order by duration_ms) filter (where decision = 'replied') as p95_ms, "
        "coalesce(sum(input_tokens), 0) as tin, coalesce(sum(output_tokens), 0) as tout from trigger_logs "
        "where fired_at >= $1 and ($2::uuid[] is null or instance_id = any($2::uuid[])) "
        "group by instance_id, decision", [since, allowed],
    )  # fmt: skip
    out: dict[uuid.UUID, dict[str, Any]] = {}
    for r in rows:
        m = out.setdefault(r["instance_id"], {"instance_id": r["instance_id"], "triggers": 0, "by_decision": {},
                                              "replied": 0, "failed": 0, "avg_duration_ms": None,
                                              "p95_duration_ms": None, "input_tokens": 0, "output_tokens": 0})  # fmt: skip
        m["triggers"] += r["n"]
        m["by_decision"][r["decision"]] = r["n"]
        m["input_tokens"] += int(r["tin"])
        m["output_tokens"] += int(r["tout"])
        if r["decision"] == "replied":
            m["replied"] = r["n"]
            m["avg_duration_ms"] = float(r["avg_ms"]) if r["avg_ms"] is not None else None
            m["p95_duration_ms"] = float(r["p95_ms"]) if r["p95_ms"] is not None else None
        elif r["decision"] == "failed":
            m["failed"] = r["n"]
    return {"data": [RouteMetrics.model_validate(m).dump() for m in out.values()]}


# -- follow-ups ------------------------------------------------------------------------------------------------------

Scope = Literal[FOLLOW_UP_SCOPES]  # type: ignore[valid-type]


class FollowUpOut(BaseModel):
    scope: str
    id: str
    config: dict[str, Any] | None = Field(description="null: nothing set at this scope (a broader one applies)")
    effective: dict[str, Any] | None = Field(None, description="for a chat: the config that applies to it")


async def _scope_target(request: Request, scope: str, target: uuid.UUID, *, write: bool = False) -> None:
    """404 unless the agent provider / instance / chat exists; 403 for a chat or instance the key can't touch, and
    for an instance-restricted key changing an agent provider's config (it applies to every instance)."""
    if scope == "agents":
        if write:
            require_unrestricted(request, "an agent provider's follow-up config")
        if not await AgentProvider.exists(id=target):
            raise ApiError(404, NOT_FOUND, f"no agent provider {target}")
    elif scope == "instances":
        check_instance(request, target)
        if not await Instance.exists(id=target):
            raise ApiError(404, NOT_FOUND, f"no instance {target}")
    else:
        chat = await Chat.filter(id=target, deleted_at__isnull=True).values("instance_id")
        if not chat:
            raise ApiError(404, NOT_FOUND, f"no chat {target}")
        check_instance(request, chat[0]["instance_id"])


async def _follow_up_answer(scope: str, target: uuid.UUID) -> dict[str, Any]:
    row = await FollowUpConfig.get_or_none(scope=scope, scope_id=target)
    effective = await followups.effective_for_chat(target) if scope == "chats" else None
    return {"data": FollowUpOut(scope=scope, id=str(target), config=row.config if row else None,
                                effective=effective).model_dump(by_alias=True)}  # fmt: skip


@endpoint(bp, "GET", "/follow-up/<scope:str>/<target:uuid>", scope="instances:read", summary="Read a follow-up config",
          response=Data[FollowUpOut], tag="agents")  # fmt: skip
async def get_follow_up(request: Request, scope: str, target: uuid.UUID) -> dict[str, Any]:
    """`scope` is agents (a provider id), instances or chats. The closest scope wins: chat → instance → agent."""
    _valid_scope(scope)
    await _scope_target(request, scope, target)
    return await _follow_up_answer(scope, target)


@endpoint(bp, "PUT", "/follow-up/<scope:str>/<target:uuid>", scope="instances:write", summary="Set a follow-up config",
          body=followups.FollowUpSettings, response=Data[FollowUpOut], tag="agents")  # fmt: skip
async def set_follow_up(request: Request, scope: str, target: uuid.UUID,
                        body: followups.FollowUpSettings) -> dict[str, Any]:  # fmt: skip
    """`enabled: false` switches follow-ups off at this scope (broader scopes do not leak through)."""
    _valid_scope(scope)
    await _scope_target(request, scope, target, write=True)
    stored = body.model_dump(mode="json", by_alias=True, exclude_none=True)
    await FollowUpConfig.update_or_create(defaults={"config": stored}, scope=scope, scope_id=target)
    return await _follow_up_answer(scope, target)


@endpoint(bp, "DELETE", "/follow-up/<scope:str>/<target:uuid>", scope="instances:write",
          summary="Clear a follow-up config (the broader scope applies again)", response=Data[FollowUpOut],
          tag="agents")  # fmt: skip
async def unset_follow_up(request: Request, scope: str, target: uuid.UUID) -> dict[str, Any]:
    _valid_scope(scope)
    await _scope_target(request, scope, target, write=True)
    await FollowUpConfig.filter(scope=scope, scope_id=target).delete()
    return await _follow_up_answer(scope, target)


def _valid_scope(scope: str) -> None:
    if scope not in FOLLOW_UP_SCOPES:
        raise ApiError(400, "VALIDATION_ERROR", f"scope must be one of {', '.join(FOLLOW_UP_SCOPES)}",
                       {"fields": {"scope": [f"one of {', '.join(FOLLOW_UP_SCOPES)}"]}})  # fmt: skip


# -- pairing requests ------------------------------------------------------------------------------------------------


class RequestQuery(InputList):
    status: Literal[ACCESS_REQUEST_STATUSES] | None = "pending"  # type: ignore[valid-type]


class AccessRequestOut(Out):
    id: uuid.UUID
    instance_id: uuid.UUID
    platform_user_id: str
    chat_id: str
    display_name: str | None
    code: str
    status: str
    rule_id: uuid.UUID | None
    created_at: datetime
    decided_at: datetime | None
    expires_at: datetime


class DecideBody(Input):
    reason: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _strip(self) -> DecideBody:
        if self.reason is not None:
            self.reason = self.reason.strip() or None
        return self


def _render_request(row: Any) -> dict[str, Any]:
    return AccessRequestOut.model_validate(row).dump()


@endpoint(bp, "GET", "/instances/<instance_id:uuid>/access/requests", scope="access:read",
          summary="List pairing requests", query=RequestQuery, response=Page[AccessRequestOut], tag="access")  # fmt: skip
async def list_access_requests(request: Request, instance_id: uuid.UUID, query: RequestQuery) -> dict[str, Any]:
    """Unknown senders of an instance with `accessPairing` (pending by default; `status` for the others)."""
    check_instance(request, instance_id)
    if not await Instance.exists(id=instance_id):
        raise ApiError(404, NOT_FOUND, f"no instance {instance_id}")
    qs = AccessRequest.filter(instance_id=instance_id)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.status == "pending":
        qs = qs.filter(expires_at__gt=datetime.now(UTC))
    return await paginate(qs, query, _render_request)


async def _decide(request: Request, instance_id: uuid.UUID, request_id: str, approve: bool,
                  reason: str | None) -> dict[str, Any]:  # fmt: skip
    check_instance(request, instance_id)
    async with in_transaction() as conn:
        qs = AccessRequest.filter(instance_id=instance_id)
        try:
            qs = qs.filter(id=uuid.UUID(request_id))
        except ValueError:
            if not re.fullmatch(r"[A-Za-z0-9-]{1,16}", request_id):  # neither an id nor a code: nothing to find
                raise ApiError(404, NOT_FOUND, f"no pairing request {request_id!r} on instance {instance_id}") from None
            qs = qs.filter(code=request_id.upper())  # the code the sender got works as the request's id
        row = await qs.select_for_update().using_db(conn).first()
        if row is None:
            raise ApiError(404, NOT_FOUND, f"no pairing request {request_id} on instance {instance_id}")
        if row.status == "pending" and row.expires_at <= datetime.now(UTC):
            row.status = "expired"
            await row.save(using_db=conn, update_fields=["status"])
        if row.status != "pending":
            raise ApiError(409, CONFLICT, f"pairing request {row.id} is {row.status}", {"status": row.status})
        if approve:
            rule = await AccessRule.create(
                instance_id=instance_id, rule_type="allow", platform_user_id=row.platform_user_id, priority=100,
                reason=reason or f"pairing approved by {principal_of(request).name}", using_db=conn,
            )  # fmt: skip
            row.rule_id = rule.id
        row.status = "approved" if approve else "denied"
        row.decided_at = datetime.now(UTC)
        await row.save(using_db=conn)
    if approve:  # tell the sender (best effort: the approval stands either way)
        instance = await Instance.filter(id=instance_id).values("id", "channel")
        message = Outbound(id=str(uuid.uuid5(row.id, "approved")), kind="text", to=row.chat_id, text=APPROVED_TEXT)
        with contextlib.suppress(Exception):
            await outbound.deliver(request.app.ctx.js, request.app.ctx.send_waiters, instance[0], message,
                                   message_type="text", wait=0, source="api")  # fmt: skip
    return {"data": _render_request(row)}


@endpoint(bp, "POST", "/instances/<instance_id:uuid>/access/requests/<request_id:str>/approve", scope="access:write",
          summary="Approve a pairing request (creates an allow rule)", body=DecideBody,
          response=Data[AccessRequestOut], tag="access")  # fmt: skip
async def approve_access_request(request: Request, instance_id: uuid.UUID, request_id: str,
                                 body: DecideBody) -> dict[str, Any]:  # fmt: skip
    """`request_id` is the request's id or the code the sender was given."""
    return await _decide(request, instance_id, request_id, True, body.reason)


@endpoint(bp, "POST", "/instances/<instance_id:uuid>/access/requests/<request_id:str>/deny", scope="access:write",
          summary="Deny a pairing request", body=DecideBody, response=Data[AccessRequestOut], tag="access")  # fmt: skip
async def deny_access_request(request: Request, instance_id: uuid.UUID, request_id: str,
                              body: DecideBody) -> dict[str, Any]:  # fmt: skip
    return await _decide(request, instance_id, request_id, False, body.reason)
