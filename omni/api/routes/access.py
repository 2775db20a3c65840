"""Routes of `/access` (see the reference §7): access rules, and the check the dispatcher runs (`omni.access`).

Global rules (no instance) are shown to every key with `access:read`; only keys not restricted to instances change
them. An instance's rules are seen and changed only by keys that can access the instance.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from sanic import Blueprint, Request
from tortoise.expressions import Q

from omni import access
from omni.api.auth import check_instance, instance_filter
from omni.api.common import Input, InstanceListQuery, get_or_404, invalid, opt, require_unrestricted
from omni.api.models import Data, Out, Page, Success
from omni.api.pagination import paginate
from omni.api.routing import endpoint
from omni.db.models import AccessRule, Instance, Person
from omni.db.models import enums as E

bp = Blueprint("access", url_prefix="/access")

PHONE_PATTERN = r"^\+?[0-9*][0-9* ()-]{0,40}$"


class RuleFields(Input):
    rule_type: Literal[E.RULE_TYPES] = opt()  # type: ignore[valid-type]
    phone_pattern: str | None = opt(min_length=1, max_length=64, pattern=PHONE_PATTERN)
    platform_user_id: str | None = opt(min_length=1, max_length=255)
    person_id: uuid.UUID | None = opt()
    priority: int = opt(ge=-1_000_000, le=1_000_000)
    enabled: bool = opt()
    reason: str | None = opt(max_length=2000)
    expires_at: datetime | None = opt()
    action: Literal[E.ACCESS_ACTIONS] = opt()  # type: ignore[valid-type]
    block_message: str | None = opt(max_length=4000)

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class RuleCreate(RuleFields):
    instance_id: uuid.UUID | None = Field(None, description="null: a global rule")
    rule_type: Literal[E.RULE_TYPES]  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _matcher(self) -> RuleCreate:
        if not (self.phone_pattern or self.platform_user_id or self.person_id):
            raise ValueError("a rule needs phonePattern, platformUserId or personId")
        return self


class RuleUpdate(RuleFields):
    instance_id: uuid.UUID | None = opt(description="null: a global rule")


class RuleQuery(InstanceListQuery):
    rule_type: Literal[E.RULE_TYPES] | None = None  # type: ignore[valid-type]
    enabled: bool | None = None


class CheckBody(Input):
    instance_id: uuid.UUID
    platform_user_id: str = Field(min_length=1, max_length=255)
    phone: str | None = Field(None, max_length=64)
    person_id: uuid.UUID | None = None
    channel: Literal[E.CHANNELS] | None = None  # type: ignore[valid-type]


class RuleOut(Out):
    id: uuid.UUID
    instance_id: uuid.UUID | None
    rule_type: str
    phone_pattern: str | None
    platform_user_id: str | None
    person_id: uuid.UUID | None
    priority: int
    enabled: bool
    reason: str | None
    expires_at: datetime | None
    action: str
    block_message: str | None
    created_at: datetime
    updated_at: datetime


class CheckOut(Out):
    allowed: bool
    action: str
    rule: RuleOut | None = None
    reason: str


def render(row: AccessRule) -> dict[str, Any]:
    return RuleOut.model_validate(row.__dict__).dump()


async def _check_refs(request: Request, changes: dict[str, Any]) -> None:
    if "instance_id" in changes:
        if changes["instance_id"] is None:
            require_unrestricted(request, "global access rules")
        else:
            check_instance(request, changes["instance_id"])
            if not await Instance.filter(id=changes["instance_id"]).exists():
                raise invalid("instanceId", f"no instance {changes['instance_id']}")
    if changes.get("person_id") is not None and not await Person.filter(id=changes["person_id"]).exists():
        raise invalid("personId", f"no person {changes['person_id']}")


async def _get(request: Request, rule_id: uuid.UUID, *, writing: bool = False) -> AccessRule:
    row = await get_or_404(AccessRule, rule_id, "access rule")
    if row.instance_id is None:
        if writing:
            require_unrestricted(request, "global access rules")
    else:
        check_instance(request, row.instance_id)
    return row


@endpoint(bp, "GET", "/rules", scope="access:read", summary="List access rules", query=RuleQuery,
          response=Page[RuleOut])  # fmt: skip
async def list_rules(request: Request, query: RuleQuery) -> dict[str, Any]:
    """Rules in evaluation order is priority then newest; this list is newest first. With `instanceId` only those
    instances' rules; without it the global rules too."""
    qs = AccessRule.all()
    allowed = instance_filter(request, query.instance_id)
    if query.instance_id is not None:
        qs = qs.filter(instance_id__in=allowed or [])
    elif allowed is not None:
        qs = qs.filter(Q(instance_id__in=allowed) | Q(instance_id__isnull=True)) if allowed else qs.filter(
            instance_id__isnull=True)  # fmt: skip
    if query.rule_type:
        qs = qs.filter(rule_type=query.rule_type)
    if query.enabled is not None:
        qs = qs.filter(enabled=query.enabled)
    return await paginate(qs, query, render)


@endpoint(bp, "POST", "/rules", scope="access:write", summary="Create an access rule", body=RuleCreate,
          response=Data[RuleOut], status=201)  # fmt: skip
async def create_rule(request: Request, body: RuleCreate) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True)
    values["instance_id"] = body.instance_id
    await _check_refs(request, values)
    row = await AccessRule.create(**values)
    return {"data": render(row)}


@endpoint(bp, "GET", "/rules/<rule_id:uuid>", scope="access:read", summary="Get an access rule",
          response=Data[RuleOut])  # fmt: skip
async def get_rule(request: Request, rule_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render(await _get(request, rule_id))}


@endpoint(bp, "PATCH", "/rules/<rule_id:uuid>", scope="access:write", summary="Update an access rule",
          body=RuleUpdate, response=Data[RuleOut])  # fmt: skip
async def update_rule(request: Request, rule_id: uuid.UUID, body: RuleUpdate) -> dict[str, Any]:
    row = await _get(request, rule_id, writing=True)
    changes = body.model_dump(exclude_unset=True)
    await _check_refs(request, changes)
    merged = {f: changes.get(f, getattr(row, f)) for f in ("phone_pattern", "platform_user_id", "person_id")}
    if not any(merged.values()):
        raise invalid("phonePattern", "a rule needs phonePattern, platformUserId or personId")
    if changes:
        await row.update_from_dict(changes).save()
    return {"data": render(row)}


@endpoint(bp, "DELETE", "/rules/<rule_id:uuid>", scope="access:delete", summary="Delete an access rule",
          response=Success)  # fmt: skip
async def delete_rule(request: Request, rule_id: uuid.UUID) -> dict[str, Any]:
    row = await _get(request, rule_id, writing=True)
    await row.delete()
    return {"success": True}


@endpoint(bp, "POST", "/check", scope="access:read", summary="Would this sender be allowed on this instance?",
          body=CheckBody, response=Data[CheckOut])  # fmt: skip
async def check_access(request: Request, body: CheckBody) -> dict[str, Any]:
    check_instance(request, body.instance_id)
    await get_or_404(Instance, body.instance_id, "instance")
    decision = await access.check(body.instance_id, platform_user_id=body.platform_user_id, phone=body.phone,
                                  person_id=body.person_id)  # fmt: skip
    rule = None if decision.rule is None else render(decision.rule)
    return {"data": {"allowed": decision.allowed, "action": decision.action, "rule": rule, "reason": decision.reason}}
