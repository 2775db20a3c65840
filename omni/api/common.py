"""Helpers shared by the resource modules: safe input strings, 404s, unique clashes as 409s, global-config writes,
event type names."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from sanic import Request
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.queryset import QuerySet

from omni.api.auth import principal_of
from omni.api.errors import CONFLICT, FORBIDDEN, NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel
from omni.api.pagination import ListQuery


class Input(ApiModel):
    """An API input (NUL characters, which PostgreSQL cannot store, are refused for every route in routing.validate)."""


class InputList(Input, ListQuery):
    """A list query (limit, cursor, includeTotal)."""


class InstanceListQuery(InputList):
    """A list of instance data: `instanceId` (repeatable) narrows it, within the key's instances."""

    instance_id: list[uuid.UUID] | None = Field(None, max_length=100)


async def get_or_404(model: type[Model] | Any, row_id: Any, what: str) -> Any:
    row = await model.filter(id=row_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no {what} {row_id}")
    return row


def is_unique_violation(exc: IntegrityError) -> bool:
    cause = exc.args[0] if exc.args else None
    return getattr(cause, "sqlstate", None) == "23505" or "unique" in str(exc).lower()


@asynccontextmanager
async def unique_as_conflict(field: str, message: str) -> AsyncIterator[None]:
    """A unique violation inside the block becomes 409 CONFLICT naming `field` (nothing was written)."""
    try:
        yield
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise ApiError(409, CONFLICT, message, {"fields": {field: ["already exists"]}}) from None


def conflict(field: str, message: str) -> ApiError:
    return ApiError(409, CONFLICT, message, {"fields": {field: ["already exists"]}})


def invalid(field: str, problem: str) -> ApiError:
    return ApiError(400, VALIDATION_ERROR, f"invalid {field}: {problem}", {"fields": {field: [problem]}})


def require_unrestricted(request: Request, what: str) -> None:
    """Global configuration (rows of no instance) is changed only by keys that are not restricted to instances."""
    if principal_of(request).instance_ids is not None:
        raise ApiError(403, FORBIDDEN, f"an instance-restricted key cannot change {what} (global configuration)")


# Event types: the core catalog (reference §3), plus `custom.*` and `system.*` names.
CORE_EVENT_TYPES = (
    "message.received", "message.sent", "message.delivered", "message.read", "message.failed",
    "media.received", "media.processed",
    "identity.created", "identity.linked", "identity.merged", "identity.unlinked",
    "instance.connected", "instance.disconnected", "instance.qr_code",
    "access.allowed", "access.denied",
    "presence.typing", "presence.online", "presence.offline",
    "sync.started", "sync.progress", "sync.completed", "sync.failed", "profile.synced",
    "reaction.received", "reaction.removed",
    "batch-job.created", "batch-job.started", "batch-job.progress", "batch-job.completed", "batch-job.cancelled",
    "batch-job.failed",
)  # fmt: skip
_OPEN_EVENT = re.compile(r"^(custom|system)(\.[A-Za-z0-9_-]+)+$")


def valid_event_type(value: str) -> bool:
    return value in CORE_EVENT_TYPES or bool(_OPEN_EVENT.match(value))


EVENT_TYPE_HINT = "a core event type (message.received, reaction.received …) or custom.<name> / system.<name>"


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def opt(**kwargs: Any) -> Any:
    """An optional field that, when sent, must hold a value of its type (null only if the type allows it)."""
    return Field(None, json_schema_extra=_drop_default, **kwargs)


_EVENT_TYPE_FILTER = re.compile(r"^[A-Za-z0-9_.\-]+(\.\*)?$|^\*$")


def _event_type_filter(value: str) -> str:
    if not _EVENT_TYPE_FILTER.match(value):
        raise ValueError("an event type (letters, digits, '.', '_', '-'), optionally ending in '.*'")
    return value


EventTypeFilter = Annotated[str, Field(max_length=128, description="exact, or a prefix wildcard: `message.*`"),
                            AfterValidator(_event_type_filter)]  # fmt: skip


def by_event_type(qs: QuerySet[Any], value: str | None) -> QuerySet[Any]:
    """`qs` filtered by an `EventTypeFilter`: exact, a prefix wildcard (`message.*`), or `*` (all)."""
    if not value or value == "*":
        return qs
    if value.endswith(".*"):
        return qs.filter(event_type__startswith=value[:-1])
    return qs.filter(event_type=value)
