"""Routes of `/settings` (see the reference §1): typed global settings, each change recorded in their history with
who (the API key's name) and why. Secret values are stored encrypted and shown masked, in the history too.

Settings are global configuration: instance-restricted keys may read them (secrets stay masked) but not change them.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sanic import Blueprint, Request
from tortoise.transactions import in_transaction

from omni.api.auth import principal_of
from omni.api.common import Input, InputList, invalid, opt, require_unrestricted, unique_as_conflict
from omni.api.errors import NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import Data, Out, Page, Success
from omni.api.pagination import paginate
from omni.api.routing import endpoint
from omni.db.crypto import mask
from omni.db.models import GlobalSetting, SettingChange
from omni.db.models import enums as E

bp = Blueprint("settings", url_prefix="/settings")

KEY = r"^[a-z0-9_.-]{1,200}$"
MAX_INT = 2**63 - 1
ValueType = Literal[E.SETTING_VALUE_TYPES]  # type: ignore[valid-type]


class SettingPut(Input):
    value: Any = Field(description="of the setting's valueType; null clears it")
    value_type: ValueType = opt(description="required the first time unless it can be told from the value")
    category: str | None = opt(max_length=64)
    description: str | None = opt(max_length=2000)
    reason: str | None = Field(None, max_length=2000)


class BulkItem(Input):
    key: str = Field(pattern=KEY)
    value: Any
    reason: str | None = Field(None, max_length=2000)


class BulkBody(Input):
    settings: list[BulkItem] = Field(min_length=1, max_length=200)


class SettingQuery(InputList):
    category: str | None = Field(None, max_length=64)


class SettingOut(Out):
    key: str
    value: Any = Field(description="masked for secrets")
    value_type: str
    category: str | None
    description: str | None
    is_secret: bool
    is_required: bool
    default_value: Any
    created_by: str | None
    updated_by: str | None
    created_at: datetime
    updated_at: datetime


class SettingList(Out):
    items: list[SettingOut]


class ChangeOut(Out):
    id: uuid.UUID
    key: str
    old_value: Any
    new_value: Any
    changed_by: str | None
    change_reason: str | None
    changed_at: datetime


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _current(row: GlobalSetting) -> Any:
    """The plain value (a secret decrypted): for the server's own use, never sent."""
    return _loads(row.encrypted_value if row.is_secret else row.value)


def _shown(value: Any, secret: bool) -> Any:
    return mask(value if isinstance(value, str) else json.dumps(value)) if secret and value is not None else value


def render(row: GlobalSetting) -> dict[str, Any]:
    values = {**row.__dict__, "value": _shown(_current(row), row.is_secret), "default_value": _loads(row.default_value)}
    return SettingOut.model_validate(values).dump()


def _infer(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, str) or value is None:
        return "string"
    return "json"


def _check_value(field: str, value: Any, value_type: str) -> None:
    if value is None:
        return
    ok = {
        "string": isinstance(value, str),
        "secret": isinstance(value, str) and value != "",
        "integer": isinstance(value, int) and not isinstance(value, bool) and -MAX_INT <= value <= MAX_INT,
        "boolean": isinstance(value, bool),
        "json": True,
    }[value_type]
    if not ok:
        raise invalid(field, f"must be a {'non-empty string' if value_type == 'secret' else value_type} value")


def _check_key(key: str) -> None:
    if not re.match(KEY, key):
        raise ApiError(400, VALIDATION_ERROR, "invalid setting key",
                       {"fields": {"key": ["must match ^[a-z0-9_.-]{1,200}$"]}})  # fmt: skip


async def _apply(request: Request, key: str, row: GlobalSetting | None, value: Any, *, value_type: str | None,
                 extra: dict[str, Any], reason: str | None, field: str) -> GlobalSetting:  # fmt: skip
    """Validate then write one setting and its history row (inside the caller's transaction)."""
    kind = value_type or (row.value_type if row is not None else _infer(value))
    _check_value(field, value, kind)
    who = principal_of(request).name
    secret = kind == "secret"
    old = None if row is None else _shown(_current(row), row.is_secret)
    text = None if value is None else json.dumps(value)
    columns = {"value_type": kind, "is_secret": secret, "value": None if secret else text,
               "encrypted_value": text if secret else None, "updated_by": who, **extra}  # fmt: skip
    if row is None:
        row = await GlobalSetting.create(key=key, created_by=who, **columns)
    else:
        await row.update_from_dict(columns).save()
    new = _shown(value, secret)
    await SettingChange.create(setting_id=row.id, old_value=None if old is None else json.dumps(old),
                               new_value=None if new is None else json.dumps(new), changed_by=who,
                               change_reason=reason)  # fmt: skip
    return row


@endpoint(bp, "GET", "", scope="settings:read", summary="List settings", query=SettingQuery, response=Page[SettingOut])
async def list_settings(request: Request, query: SettingQuery) -> dict[str, Any]:
    qs = GlobalSetting.all()
    if query.category:
        qs = qs.filter(category=query.category)
    return await paginate(qs, query, render)


@endpoint(bp, "PATCH", "", scope="settings:write", summary="Change several settings (all or none)", body=BulkBody,
          response=SettingList)  # fmt: skip
async def bulk_update(request: Request, body: BulkBody) -> dict[str, Any]:
    """Each `{key, value, reason?}` is validated against its setting's type (new keys take the value's type); one
    bad item changes nothing."""
    require_unrestricted(request, "settings")
    keys = [item.key for item in body.settings]
    if len(set(keys)) != len(keys):
        raise invalid("settings", "a key appears twice")
    rows = {r.key: r for r in await GlobalSetting.filter(key__in=keys)}
    for i, item in enumerate(body.settings):  # validate everything before writing anything
        row = rows.get(item.key)
        _check_value(f"settings.{i}.value", item.value, row.value_type if row else _infer(item.value))
    out = []
    async with unique_as_conflict("key", "a setting was created concurrently; retry"), in_transaction():
        for i, item in enumerate(body.settings):
            row = await GlobalSetting.filter(key=item.key).select_for_update().first()
            out.append(await _apply(request, item.key, row, item.value, value_type=None, extra={},
                                    reason=item.reason, field=f"settings.{i}.value"))  # fmt: skip
    return {"items": [render(r) for r in out]}


@endpoint(bp, "GET", "/<key:str>", scope="settings:read", summary="Get a setting", response=Data[SettingOut])
async def get_setting(request: Request, key: str) -> dict[str, Any]:
    _check_key(key)
    return {"data": render(await _by_key(key))}


async def _by_key(key: str) -> GlobalSetting:
    row = await GlobalSetting.filter(key=key).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no setting {key}")
    return row


@endpoint(bp, "PUT", "/<key:str>", scope="settings:write", summary="Set a setting (created if new)", body=SettingPut,
          response=Data[SettingOut])  # fmt: skip
async def put_setting(request: Request, key: str, body: SettingPut) -> dict[str, Any]:
    require_unrestricted(request, "settings")
    _check_key(key)
    extra = body.model_dump(exclude_unset=True, include={"category", "description"})
    value_type = body.value_type if "value_type" in body.model_fields_set else None
    async with unique_as_conflict("key", f"the setting {key} was created concurrently; retry"), in_transaction():
        row = await GlobalSetting.filter(key=key).select_for_update().first()
        row = await _apply(request, key, row, body.value, value_type=value_type, extra=extra, reason=body.reason,
                           field="value")  # fmt: skip
    return {"data": render(row)}


@endpoint(bp, "DELETE", "/<key:str>", scope="settings:delete", summary="Delete a setting (and its history)",
          response=Success)  # fmt: skip
async def delete_setting(request: Request, key: str) -> dict[str, Any]:
    require_unrestricted(request, "settings")
    _check_key(key)
    row = await _by_key(key)
    await row.delete()
    return {"success": True}


@endpoint(bp, "GET", "/<key:str>/history", scope="settings:read", summary="A setting's change history",
          query=InputList, response=Page[ChangeOut])  # fmt: skip
async def setting_history(request: Request, key: str, query: InputList) -> dict[str, Any]:
    _check_key(key)
    row = await _by_key(key)

    def render_change(change: SettingChange) -> dict[str, Any]:
        values = {**change.__dict__, "key": row.key, "old_value": _loads(change.old_value),
                  "new_value": _loads(change.new_value)}  # fmt: skip
        return ChangeOut.model_validate(values).dump()

    return await paginate(SettingChange.filter(setting_id=row.id), query, render_change, field="changed_at")
