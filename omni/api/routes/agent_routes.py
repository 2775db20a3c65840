"""Routes of `/instances/:instanceId/routes` (see the reference §5): a chat or a person of an instance handled by
another agent or with other settings. Every override is nullable (null inherits from the instance)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import model_validator
from sanic import Blueprint, Request

from omni.api.auth import check_instance
from omni.api.common import Input, InputList, conflict, get_or_404, invalid, opt, unique_as_conflict
from omni.api.models import Data, Out, Page, Success
from omni.api.pagination import paginate
from omni.api.routes.instances import (
    MAX_DEBOUNCE_MS,
    MAX_SPLIT_MS,
    ReplyFilter,
    ReplyFilterOut,
    check_provider,
    check_timing,
)
from omni.api.routing import endpoint
from omni.db.models import AgentRoute, Chat, Instance, Person
from omni.db.models import enums as E

bp = Blueprint("agent-routes", url_prefix="/instances")


class RouteFields(Input):
    agent_provider_id: uuid.UUID | None = opt()
    agent_id: str | None = opt(min_length=1, max_length=255)
    agent_type: Literal[E.AGENT_TYPES] | None = opt()  # type: ignore[valid-type]
    agent_timeout: int | None = opt(ge=1, le=3600)
    agent_stream_mode: bool | None = opt()
    agent_reply_filter: ReplyFilter | None = opt()
    agent_session_strategy: Literal[E.AGENT_SESSION_STRATEGIES] | None = opt()  # type: ignore[valid-type]
    agent_prefix_sender_name: bool | None = opt()
    agent_wait_for_media: bool | None = opt()
    agent_send_media_path: bool | None = opt()
    agent_gate_enabled: bool | None = opt()
    agent_gate_model: str | None = opt(min_length=1, max_length=128)
    agent_gate_prompt: str | None = opt(max_length=20_000)
    message_debounce_mode: Literal[E.DEBOUNCE_MODES] | None = opt()  # type: ignore[valid-type]
    message_debounce_min_ms: int | None = opt(ge=0, le=MAX_DEBOUNCE_MS)
    message_debounce_max_ms: int | None = opt(ge=0, le=MAX_DEBOUNCE_MS)
    message_debounce_group_ms: int | None = opt(ge=0, le=MAX_DEBOUNCE_MS)
    message_debounce_restart_on_typing: bool | None = opt()
    message_split_delay_mode: Literal[E.SPLIT_DELAY_MODES] | None = opt()  # type: ignore[valid-type]
    message_split_delay_fixed_ms: int | None = opt(ge=0, le=MAX_SPLIT_MS)
    message_split_delay_min_ms: int | None = opt(ge=0, le=MAX_SPLIT_MS)
    message_split_delay_max_ms: int | None = opt(ge=0, le=MAX_SPLIT_MS)
    enable_auto_split: bool | None = opt()
    label: str | None = opt(max_length=255)
    priority: int = opt(ge=-1_000_000, le=1_000_000)
    is_active: bool = opt()


class RouteCreate(RouteFields):
    scope: Literal[E.ROUTE_SCOPES]  # type: ignore[valid-type]
    chat_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _target(self) -> RouteCreate:
        wanted, other = ("chat_id", "person_id") if self.scope == "chat" else ("person_id", "chat_id")
        if getattr(self, wanted) is None:
            raise ValueError(f"a {self.scope} route needs {'chatId' if wanted == 'chat_id' else 'personId'}")
        if getattr(self, other) is not None:
            raise ValueError(f"a {self.scope} route takes no {'chatId' if other == 'chat_id' else 'personId'}")
        return self


class RouteQuery(InputList):
    scope: Literal[E.ROUTE_SCOPES] | None = None  # type: ignore[valid-type]
    is_active: bool | None = None
    chat_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None


class RouteOut(Out):
    id: uuid.UUID
    instance_id: uuid.UUID
    scope: str
    chat_id: uuid.UUID | None
    person_id: uuid.UUID | None
    agent_provider_id: uuid.UUID | None
    agent_id: str | None
    agent_type: str | None
    agent_timeout: int | None
    agent_stream_mode: bool | None
    agent_reply_filter: ReplyFilterOut | None
    agent_session_strategy: str | None
    agent_prefix_sender_name: bool | None
    agent_wait_for_media: bool | None
    agent_send_media_path: bool | None
    agent_gate_enabled: bool | None
    agent_gate_model: str | None
    agent_gate_prompt: str | None
    message_debounce_mode: str | None
    message_debounce_min_ms: int | None
    message_debounce_max_ms: int | None
    message_debounce_group_ms: int | None
    message_debounce_restart_on_typing: bool | None
    message_split_delay_mode: str | None
    message_split_delay_fixed_ms: int | None
    message_split_delay_min_ms: int | None
    message_split_delay_max_ms: int | None
    enable_auto_split: bool | None
    label: str | None
    priority: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


def render(row: AgentRoute) -> dict[str, Any]:
    return RouteOut.model_validate(row.__dict__).dump()


def _columns(body: RouteFields) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, exclude={"agent_reply_filter"})
    if "agent_reply_filter" in body.model_fields_set:
        changes["agent_reply_filter"] = None if body.agent_reply_filter is None else body.agent_reply_filter.stored()
    return changes


async def _instance(request: Request, instance_id: uuid.UUID) -> Instance:
    check_instance(request, instance_id)
    return await get_or_404(Instance, instance_id, "instance")


async def _route(request: Request, instance_id: uuid.UUID, route_id: uuid.UUID) -> AgentRoute:
    await _instance(request, instance_id)
    return await get_or_404(AgentRoute.filter(instance_id=instance_id), route_id, "agent route")


def _unique_field(row_or_body: Any) -> tuple[str, str]:
    return ("chatId", "this chat already has a route") if row_or_body.scope == "chat" else (
        "personId", "this person already has a route")  # fmt: skip


@endpoint(bp, "GET", "/<instance_id:uuid>/routes", scope="instances:read", summary="List an instance's agent routes",
          query=RouteQuery, response=Page[RouteOut])  # fmt: skip
async def list_routes(request: Request, instance_id: uuid.UUID, query: RouteQuery) -> dict[str, Any]:
    await _instance(request, instance_id)
    qs = AgentRoute.filter(instance_id=instance_id)
    for name in ("scope", "is_active", "chat_id", "person_id"):
        value = getattr(query, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    return await paginate(qs, query, render)


@endpoint(bp, "POST", "/<instance_id:uuid>/routes", scope="instances:write", summary="Create an agent route",
          body=RouteCreate, response=Data[RouteOut], status=201)  # fmt: skip
async def create_route(request: Request, instance_id: uuid.UUID, body: RouteCreate) -> dict[str, Any]:
    await _instance(request, instance_id)
    values = _columns(body)
    check_timing(values)
    await check_provider(values.get("agent_provider_id"))
    if body.chat_id is not None and not await Chat.filter(id=body.chat_id, instance_id=instance_id).exists():
        raise invalid("chatId", f"no chat {body.chat_id} on this instance")
    if body.person_id is not None and not await Person.filter(id=body.person_id).exists():
        raise invalid("personId", f"no person {body.person_id}")
    field, message = _unique_field(body)
    target = {"chat_id": body.chat_id} if body.scope == "chat" else {"person_id": body.person_id}
    if await AgentRoute.filter(instance_id=instance_id, **target).exists():
        raise conflict(field, message)
    async with unique_as_conflict(field, message):
        row = await AgentRoute.create(instance_id=instance_id, **values)
    return {"data": render(row)}


@endpoint(bp, "GET", "/<instance_id:uuid>/routes/<route_id:uuid>", scope="instances:read",
          summary="Get an agent route", response=Data[RouteOut])  # fmt: skip
async def get_route(request: Request, instance_id: uuid.UUID, route_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render(await _route(request, instance_id, route_id))}


@endpoint(bp, "PATCH", "/<instance_id:uuid>/routes/<route_id:uuid>", scope="instances:write",
          summary="Update an agent route (its scope and target stay)", body=RouteFields,
          response=Data[RouteOut])  # fmt: skip
async def update_route(
    request: Request, instance_id: uuid.UUID, route_id: uuid.UUID, body: RouteFields
) -> dict[str, Any]:
    row = await _route(request, instance_id, route_id)
    changes = _columns(body)
    check_timing({**row.__dict__, **changes})
    if "agent_provider_id" in changes:
        await check_provider(changes["agent_provider_id"])
    if changes:
        await row.update_from_dict(changes).save()
    return {"data": render(row)}


@endpoint(bp, "DELETE", "/<instance_id:uuid>/routes/<route_id:uuid>", scope="instances:delete",
          summary="Delete an agent route", response=Success)  # fmt: skip
async def delete_route(request: Request, instance_id: uuid.UUID, route_id: uuid.UUID) -> dict[str, Any]:
    row = await _route(request, instance_id, route_id)
    await row.delete()
    return {"success": True}
