"""Routes of `/automations` (see the reference §6): "when event X matches conditions Y, run actions Z", and the log of
their runs. Automations belong to no instance (they see every instance's events), so instance-restricted keys may read
them but not change them. The engine that runs them comes later; `test`/`execute` come with it.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from sanic import Blueprint, Request

from omni.api.common import (
    EVENT_TYPE_HINT,
    Input,
    InputList,
    get_or_404,
    opt,
    require_unrestricted,
    valid_event_type,
)
from omni.api.models import Data, Out, Page, Success
from omni.api.pagination import paginate
from omni.api.routing import endpoint
from omni.db.models import Automation, AutomationLog
from omni.db.models import enums as E

bp = Blueprint("automations", url_prefix="/automations")

Template = Annotated[str, Field(max_length=20_000)]
VarName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]


class Condition(Input):
    field: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$",
                       description="a dot path into the event, e.g. payload.content.text")  # fmt: skip
    operator: Literal[E.AUTOMATION_OPERATORS]  # type: ignore[valid-type]
    value: Any = None

    @model_validator(mode="after")
    def _value(self) -> Condition:
        op, value = self.operator, self.value
        if op in ("exists", "not_exists"):
            return self
        if value is None:
            raise ValueError(f"operator {op} needs a value")
        if op in ("gt", "lt", "gte", "lte") and (isinstance(value, bool) or not isinstance(value, int | float | str)):
            raise ValueError(f"operator {op} compares with a number (or an ISO date string)")
        if op in ("contains", "not_contains") and not isinstance(value, str | int | float):
            raise ValueError(f"operator {op} takes a string")
        if op == "regex":
            if not isinstance(value, str) or len(value) > 1000:
                raise ValueError("operator regex takes a pattern string of at most 1000 characters")
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regex: {exc}") from None
        return self


class WebhookConfig(Input):
    url: str = Field(max_length=2048, pattern=r"^https?://\S+$")
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    headers: dict[str, str] | None = Field(None, max_length=50)
    body_template: Template | None = None
    wait_for_response: bool = False
    timeout_ms: int = Field(30_000, ge=1000, le=120_000)
    response_as: VarName | None = None


class SendMessageConfig(Input):
    instance_id: str = Field(min_length=1, max_length=255, description="an instance id or a {{template}}")
    to: str = Field(min_length=1, max_length=255)
    content_template: Template = Field(min_length=1)


class EmitEventConfig(Input):
    event_type: str = Field(min_length=1, max_length=255)
    payload_template: dict[str, Any] | Template | None = None

    @field_validator("event_type")
    @classmethod
    def _event(cls, value: str) -> str:
        if not valid_event_type(value):
            raise ValueError(f"must be {EVENT_TYPE_HINT}")
        return value


class LogConfig(Input):
    level: Literal["debug", "info", "warn", "error"] = "info"
    message: Template = Field(min_length=1)


class CallAgentConfig(Input):
    provider_id: uuid.UUID
    agent_id: str = Field(min_length=1, max_length=255)
    agent_type: Literal[E.AGENT_TYPES] = "agent"  # type: ignore[valid-type]
    session_strategy: Literal[E.AGENT_SESSION_STRATEGIES] = "per_user_per_chat"  # type: ignore[valid-type]
    prefix_sender_name: bool = True
    timeout_ms: int = Field(60_000, ge=1000, le=600_000)
    response_as: VarName | None = None


class WebhookAction(Input):
    type: Literal["webhook"]
    config: WebhookConfig


class SendMessageAction(Input):
    type: Literal["send_message"]
    config: SendMessageConfig


class EmitEventAction(Input):
    type: Literal["emit_event"]
    config: EmitEventConfig


class LogAction(Input):
    type: Literal["log"]
    config: LogConfig


class CallAgentAction(Input):
    type: Literal["call_agent"]
    config: CallAgentConfig


Action = Annotated[WebhookAction | SendMessageAction | EmitEventAction | LogAction | CallAgentAction,
                   Field(discriminator="type")]  # fmt: skip


class Debounce(Input):
    mode: Literal[E.AUTOMATION_DEBOUNCE_MODES]  # type: ignore[valid-type]
    delay_ms: int | None = Field(None, ge=100, le=300_000)
    min_ms: int | None = Field(None, ge=0, le=300_000)
    max_ms: int | None = Field(None, ge=0, le=300_000)
    base_delay_ms: int | None = Field(None, ge=0, le=300_000)
    max_wait_ms: int | None = Field(None, ge=0, le=3_600_000)
    extend_on_events: list[str] | None = Field(None, max_length=20)

    @model_validator(mode="after")
    def _shape(self) -> Debounce:
        if self.mode == "fixed" and self.delay_ms is None:
            raise ValueError("fixed debounce needs delayMs")
        if self.mode == "range":
            if self.min_ms is None or self.max_ms is None:
                raise ValueError("range debounce needs minMs and maxMs")
            if self.min_ms > self.max_ms:
                raise ValueError("minMs must not exceed maxMs")
        if self.mode == "presence" and (self.base_delay_ms is None or self.max_wait_ms is None):
            raise ValueError("presence debounce needs baseDelayMs and maxWaitMs")
        if self.extend_on_events and not all(valid_event_type(e) for e in self.extend_on_events):
            raise ValueError(f"extendOnEvents must be event types: {EVENT_TYPE_HINT}")
        return self


def _check_event(value: str | None) -> str | None:
    if value is not None and not valid_event_type(value):
        raise ValueError(f"must be {EVENT_TYPE_HINT}")
    return value


class AutomationFields(Input):
    description: str | None = opt(max_length=2000)
    trigger_conditions: list[Condition] | None = opt(max_length=50)
    condition_logic: Literal[E.AUTOMATION_CONDITION_LOGIC] = opt()  # type: ignore[valid-type]
    debounce: Debounce | None = opt()
    enabled: bool = opt()
    priority: int = opt(ge=-1_000_000, le=1_000_000)


class AutomationCreate(AutomationFields):
    name: str = Field(min_length=1, max_length=255, pattern=r"\S")
    trigger_event_type: str = Field(min_length=1, max_length=255)
    actions: list[Action] = Field(min_length=1, max_length=20)

    @field_validator("trigger_event_type")
    @classmethod
    def _event(cls, value: str) -> str | None:
        return _check_event(value)


class AutomationUpdate(AutomationFields):
    name: str = opt(min_length=1, max_length=255, pattern=r"\S")
    trigger_event_type: str = opt(min_length=1, max_length=255)
    actions: list[Action] = opt(min_length=1, max_length=20)

    @field_validator("trigger_event_type")
    @classmethod
    def _event(cls, value: str) -> str | None:
        return _check_event(value)


class AutomationQuery(InputList):
    enabled: bool | None = None
    trigger_event_type: str | None = Field(None, max_length=255)


class LogQuery(InputList):
    status: Literal[E.AUTOMATION_LOG_STATUSES] | None = None  # type: ignore[valid-type]


class AutomationOut(Out):
    id: uuid.UUID
    name: str
    description: str | None
    trigger_event_type: str
    trigger_conditions: list[dict[str, Any]] | None
    condition_logic: str
    actions: list[dict[str, Any]]
    debounce: dict[str, Any] | None
    enabled: bool
    priority: int
    created_at: datetime
    updated_at: datetime


class LogOut(Out):
    id: uuid.UUID
    automation_id: uuid.UUID
    event_id: uuid.UUID
    status: str
    conditions_matched: bool
    dry_run: bool
    actions_executed: list[dict[str, Any]] | None
    error: str | None
    execution_time_ms: int | None
    created_at: datetime


def render(row: Automation) -> dict[str, Any]:
    return AutomationOut.model_validate(row.__dict__).dump()


def _columns(body: AutomationFields) -> dict[str, Any]:
    """The sent fields, JSON columns in their camelCase wire form."""
    changes: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if name == "trigger_conditions" and value is not None:
            value = [c.model_dump(mode="json", by_alias=True) for c in value]
        elif name == "actions":
            value = [a.model_dump(mode="json", by_alias=True, exclude_none=True) for a in value]
        elif name == "debounce" and value is not None:
            value = value.model_dump(mode="json", by_alias=True, exclude_none=True)
        changes[name] = value
    return changes


@endpoint(bp, "GET", "", scope="automations:read", summary="List automations", query=AutomationQuery,
          response=Page[AutomationOut])  # fmt: skip
async def list_automations(request: Request, query: AutomationQuery) -> dict[str, Any]:
    qs = Automation.all()
    if query.enabled is not None:
        qs = qs.filter(enabled=query.enabled)
    if query.trigger_event_type:
        qs = qs.filter(trigger_event_type=query.trigger_event_type)
    return await paginate(qs, query, render)


@endpoint(bp, "POST", "", scope="automations:write", summary="Create an automation", body=AutomationCreate,
          response=Data[AutomationOut], status=201)  # fmt: skip
async def create_automation(request: Request, body: AutomationCreate) -> dict[str, Any]:
    require_unrestricted(request, "automations")
    row = await Automation.create(**_columns(body))
    return {"data": render(row)}


@endpoint(bp, "GET", "/<automation_id:uuid>", scope="automations:read", summary="Get an automation",
          response=Data[AutomationOut])  # fmt: skip
async def get_automation(request: Request, automation_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render(await get_or_404(Automation, automation_id, "automation"))}


@endpoint(bp, "PATCH", "/<automation_id:uuid>", scope="automations:write", summary="Update an automation",
          body=AutomationUpdate, response=Data[AutomationOut])  # fmt: skip
async def update_automation(request: Request, automation_id: uuid.UUID, body: AutomationUpdate) -> dict[str, Any]:
    require_unrestricted(request, "automations")
    row = await get_or_404(Automation, automation_id, "automation")
    changes = _columns(body)
    if changes:
        await row.update_from_dict(changes).save()
    return {"data": render(row)}


@endpoint(bp, "DELETE", "/<automation_id:uuid>", scope="automations:delete", summary="Delete an automation",
          response=Success)  # fmt: skip
async def delete_automation(request: Request, automation_id: uuid.UUID) -> dict[str, Any]:
    require_unrestricted(request, "automations")
    row = await get_or_404(Automation, automation_id, "automation")
    await row.delete()
    return {"success": True}


async def _set_enabled(request: Request, automation_id: uuid.UUID, enabled: bool) -> dict[str, Any]:
    require_unrestricted(request, "automations")
    row = await get_or_404(Automation, automation_id, "automation")
    if row.enabled != enabled:
        row.enabled = enabled
        await row.save(update_fields=["enabled", "updated_at"])
    return {"data": render(row)}


@endpoint(bp, "POST", "/<automation_id:uuid>/enable", scope="automations:write", summary="Enable an automation",
          response=Data[AutomationOut])  # fmt: skip
async def enable_automation(request: Request, automation_id: uuid.UUID) -> dict[str, Any]:
    return await _set_enabled(request, automation_id, True)


@endpoint(bp, "POST", "/<automation_id:uuid>/disable", scope="automations:write", summary="Disable an automation",
          response=Data[AutomationOut])  # fmt: skip
async def disable_automation(request: Request, automation_id: uuid.UUID) -> dict[str, Any]:
    return await _set_enabled(request, automation_id, False)


@endpoint(bp, "GET", "/<automation_id:uuid>/logs", scope="automations:read", summary="An automation's runs",
          query=LogQuery, response=Page[LogOut])  # fmt: skip
async def automation_logs(request: Request, automation_id: uuid.UUID, query: LogQuery) -> dict[str, Any]:
    await get_or_404(Automation, automation_id, "automation")
    qs = AutomationLog.filter(automation_id=automation_id)
    if query.status:
        qs = qs.filter(status=query.status)
    return await paginate(qs, query, lambda r: LogOut.model_validate(r).dump())
