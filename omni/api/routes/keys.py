"""API keys: create (the plain key is shown once), list, get, update, revoke, delete, audit log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field, field_validator
from sanic import Blueprint, Request
from tortoise.expressions import Q

from omni.api import scopes
from omni.api.auth import principal_of
from omni.api.errors import CONFLICT, FORBIDDEN, NOT_FOUND, ApiError
from omni.api.models import ApiModel, Data, Out, Page, Success
from omni.api.pagination import ListQuery, paginate
from omni.api.routing import endpoint
from omni.bus import subjects
from omni.db import keys as key_material
from omni.db.models import ApiKey, ApiKeyAuditLog
from omni.db.models.api_keys import PRIMARY_KEY_NAME

bp = Blueprint("keys", url_prefix="/keys")

STATUSES = ("active", "revoked", "expired")


class KeyFields(ApiModel):
    description: str | None = Field(None, max_length=2000)
    scopes: list[str] | None = Field(None, max_length=50)
    instance_ids: list[uuid.UUID] | None = Field(None, max_length=1000)
    rate_limit: int | None = Field(None, ge=1, le=1_000_000)
    expires_at: datetime | None = None

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            bad = [s for s in value if not scopes.valid(s)]
            if bad:
                raise ValueError(f"unknown scope(s) {bad}; use namespace:action with namespaces "
                                 f"{', '.join(scopes.NAMESPACES)} and actions {', '.join(scopes.ACTIONS)}, "
                                 "namespace:* or *")  # fmt: skip
        return value

    @field_validator("expires_at")
    @classmethod
    def _future(cls, value: datetime | None) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            if value <= datetime.now(UTC):
                raise ValueError("must be in the future")
        return value


class KeyCreate(KeyFields):
    name: str = Field(min_length=1, max_length=255)
    scopes: list[str] = Field(min_length=1, max_length=50)


class KeyUpdate(KeyFields):
    name: str | None = Field(None, min_length=1, max_length=255)


class KeyListQuery(ListQuery):
    status: Literal["active", "revoked", "expired"] | None = None


class AuditQuery(ListQuery):
    since: datetime | None = None
    until: datetime | None = None
    path: str | None = Field(None, max_length=500)
    status_code: int | None = Field(None, ge=100, le=599)


class RevokeBody(ApiModel):
    reason: str | None = Field(None, max_length=2000)


class KeyOut(Out):
    id: uuid.UUID
    name: str
    description: str | None
    key_prefix: str
    masked_key: str
    scopes: list[str]
    instance_ids: list[uuid.UUID] | None
    status: str
    rate_limit: int | None
    expires_at: datetime | None
    last_used_at: datetime | None
    last_used_ip: str | None
    usage_count: int
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None
    created_at: datetime
    updated_at: datetime


class CreatedKeyOut(KeyOut):
    plain_text_key: str


class AuditOut(Out):
    id: uuid.UUID
    method: str
    path: str
    status: int
    ip: str | None
    duration_ms: float | None
    created_at: datetime


def render(row: ApiKey) -> dict[str, Any]:
    status = row.status
    if status == "active" and row.expires_at is not None and row.expires_at <= datetime.now(UTC):
        status = "expired"
    masked = f"omni_sk_{row.key_prefix}{'*' * 24}"
    return KeyOut.model_validate({**row.__dict__, "status": status, "masked_key": masked}).dump()


async def _get(key_id: uuid.UUID) -> ApiKey:
    row = await ApiKey.filter(id=key_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no API key {key_id}")
    return row


def _check_mintable(
    request: Request, wanted_scopes: list[str] | None, wanted_instances: Any, *, creating: bool
) -> None:
    """A key never grants more than the key that creates or edits it."""
    me = principal_of(request)
    if wanted_scopes is not None:
        missing = scopes.covers(me.scopes, wanted_scopes)
        if missing:
            raise ApiError(403, FORBIDDEN, f"cannot grant scopes this key does not have: {missing}",
                           {"fields": {"scopes": [f"not held: {', '.join(missing)}"]}})  # fmt: skip
    if me.instance_ids is not None and (wanted_instances is not None or creating):
        if wanted_instances is None:
            raise ApiError(403, FORBIDDEN, "an instance-restricted key can only create keys restricted to its instances",
                           {"fields": {"instanceIds": ["required"]}})  # fmt: skip
        extra = sorted(str(i) for i in set(wanted_instances) - me.instance_ids)
        if extra:
            raise ApiError(403, FORBIDDEN, f"cannot grant instances this key cannot access: {extra}",
                           {"fields": {"instanceIds": [f"not accessible: {', '.join(extra)}"]}})  # fmt: skip


async def _changed(request: Request, key_id: uuid.UUID) -> None:
    """Every API worker (and node) drops the key from its cache now."""
    request.app.ctx.keys.evict(str(key_id))
    nc = request.app.ctx.nats
    await nc.publish(subjects.keys_changed(), str(key_id).encode())
    await nc.flush()  # on the server before we answer: the other workers hear of it within milliseconds


@endpoint(bp, "POST", "", scope="keys:write", summary="Create an API key (the key is returned once)", body=KeyCreate,
          response=Data[CreatedKeyOut], status=201)  # fmt: skip
async def create_key(request: Request, body: KeyCreate) -> dict[str, Any]:
    if body.name == PRIMARY_KEY_NAME:
        raise ApiError(409, CONFLICT, f"{PRIMARY_KEY_NAME} is reserved", {"fields": {"name": ["reserved"]}})
    _check_mintable(request, body.scopes, body.instance_ids, creating=True)
    plain = key_material.generate()
    row = await ApiKey.create(
        name=body.name, description=body.description, key_prefix=key_material.prefix(plain),
        key_hash=key_material.digest(plain), scopes=body.scopes,
        instance_ids=None if body.instance_ids is None else [str(i) for i in body.instance_ids],
        rate_limit=body.rate_limit, expires_at=body.expires_at,
    )  # fmt: skip
    return {"data": {**render(row), "plainTextKey": plain}}


@endpoint(bp, "GET", "", scope="keys:read", summary="List API keys", query=KeyListQuery, response=Page[KeyOut])
async def list_keys(request: Request, query: KeyListQuery) -> dict[str, Any]:
    qs = ApiKey.all()
    if query.status == "expired":
        qs = qs.filter(status="active", expires_at__lte=datetime.now(UTC))
    elif query.status == "active":
        qs = qs.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=datetime.now(UTC)), status="active")
    elif query.status:
        qs = qs.filter(status=query.status)
    return await paginate(qs, query, render)


@endpoint(bp, "GET", "/<key_id:uuid>", scope="keys:read", summary="Get an API key", response=Data[KeyOut])
async def get_key(request: Request, key_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render(await _get(key_id))}


@endpoint(bp, "PATCH", "/<key_id:uuid>", scope="keys:write", summary="Update an API key", body=KeyUpdate,
          response=Data[KeyOut])  # fmt: skip
async def update_key(request: Request, key_id: uuid.UUID, body: KeyUpdate) -> dict[str, Any]:
    row = await _get(key_id)
    changes = body.model_dump(exclude_unset=True)
    if row.name == PRIMARY_KEY_NAME and changes:
        raise ApiError(409, CONFLICT, "the primary key cannot be changed; set OMNI_API_KEY to rotate it")
    if changes.get("name") == PRIMARY_KEY_NAME:
        raise ApiError(409, CONFLICT, f"{PRIMARY_KEY_NAME} is reserved", {"fields": {"name": ["reserved"]}})
    _check_mintable(request, changes.get("scopes"), changes.get("instance_ids"), creating=False)
    if "instance_ids" in changes and changes["instance_ids"] is not None:
        changes["instance_ids"] = [str(i) for i in changes["instance_ids"]]
    if changes:
        await row.update_from_dict(changes).save()
        await _changed(request, row.id)
    return {"data": render(row)}


@endpoint(bp, "POST", "/<key_id:uuid>/revoke", scope="keys:write", summary="Revoke an API key (immediately)",
          body=RevokeBody, response=Data[KeyOut])  # fmt: skip
async def revoke_key(request: Request, key_id: uuid.UUID, body: RevokeBody) -> dict[str, Any]:
    row = await _get(key_id)
    if row.name == PRIMARY_KEY_NAME:
        raise ApiError(409, CONFLICT, "the primary key cannot be revoked; set OMNI_API_KEY to rotate it")
    if row.status != "revoked":
        row.status, row.revoked_at = "revoked", datetime.now(UTC)
        row.revoked_by, row.revoke_reason = principal_of(request).name, body.reason
        await row.save()
        await _changed(request, row.id)
    return {"data": render(row)}


@endpoint(bp, "DELETE", "/<key_id:uuid>", scope="keys:delete", summary="Delete an API key", response=Success)
async def delete_key(request: Request, key_id: uuid.UUID) -> dict[str, Any]:
    row = await _get(key_id)
    if row.name == PRIMARY_KEY_NAME:
        raise ApiError(409, CONFLICT, "the primary key cannot be deleted")
    await row.delete()
    await _changed(request, row.id)
    return {"success": True}


@endpoint(bp, "GET", "/<key_id:uuid>/audit", scope="keys:read", summary="A key's audit log", query=AuditQuery,
          response=Page[AuditOut])  # fmt: skip
async def key_audit(request: Request, key_id: uuid.UUID, query: AuditQuery) -> dict[str, Any]:
    """Newest first; filter by time range (`since`, `until`), path prefix and status code."""
    await _get(key_id)
    qs = ApiKeyAuditLog.filter(api_key_id=key_id)
    if query.since:
        qs = qs.filter(created_at__gte=query.since)
    if query.until:
        qs = qs.filter(created_at__lt=query.until)
    if query.path:
        qs = qs.filter(path__startswith=query.path)
    if query.status_code:
        qs = qs.filter(status=query.status_code)
    return await paginate(qs, query, lambda r: AuditOut.model_validate(r).dump())
