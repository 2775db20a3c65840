"""Routes of `/webhook-sources` (see the reference §1): inbound webhook sources, their signing secret encrypted and
shown masked. Global configuration: instance-restricted keys may read them but not change them."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, field_validator
from sanic import Blueprint, Request

from omni.api.common import Input, InputList, conflict, get_or_404, opt, require_unrestricted, unique_as_conflict
from omni.api.models import Data, Out, Page, Success
from omni.api.pagination import paginate
from omni.api.routing import endpoint
from omni.db.crypto import mask
from omni.db.models import WebhookSource

bp = Blueprint("webhook-sources", url_prefix="/webhook-sources")

NAME = r"^[a-z0-9][a-z0-9_-]{0,99}$"
HEADER = r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$"


class SourceFields(Input):
    description: str | None = opt(max_length=2000)
    expected_headers: dict[str, bool | str] | None = opt(
        max_length=50, description="headers a request must carry: name → true (present) or an exact value"
    )
    secret: str | None = opt(min_length=1, max_length=4096)
    enabled: bool = opt()

    @field_validator("expected_headers")
    @classmethod
    def _headers(cls, value: dict[str, bool | str] | None) -> dict[str, bool | str] | None:
        if value is not None:
            bad = [k for k in value if not re.match(HEADER, k)]
            if bad:
                raise ValueError(f"not header names: {bad}")
            if any(isinstance(v, str) and len(v) > 1000 for v in value.values()):
                raise ValueError("header values are at most 1000 characters")
        return value


class SourceCreate(SourceFields):
    name: str = Field(pattern=NAME, description="lowercase letters, digits, - and _ (used in POST /webhooks/:source)")


class SourceUpdate(SourceFields):
    name: str = opt(pattern=NAME)


class SourceQuery(InputList):
    enabled: bool | None = None


class SourceOut(Out):
    id: uuid.UUID
    name: str
    description: str | None
    expected_headers: dict[str, Any] | None
    secret: str | None = Field(description="masked")
    has_secret: bool
    enabled: bool
    last_received_at: datetime | None
    total_received: int
    created_at: datetime
    updated_at: datetime


def render(row: WebhookSource) -> dict[str, Any]:
    return SourceOut.model_validate({**row.__dict__, "secret": mask(row.secret), "has_secret": bool(row.secret)}).dump()


@endpoint(bp, "GET", "", scope="webhooks:read", summary="List webhook sources", query=SourceQuery,
          response=Page[SourceOut])  # fmt: skip
async def list_sources(request: Request, query: SourceQuery) -> dict[str, Any]:
    qs = WebhookSource.all()
    if query.enabled is not None:
        qs = qs.filter(enabled=query.enabled)
    return await paginate(qs, query, render)


@endpoint(bp, "POST", "", scope="webhooks:write", summary="Create a webhook source", body=SourceCreate,
          response=Data[SourceOut], status=201)  # fmt: skip
async def create_source(request: Request, body: SourceCreate) -> dict[str, Any]:
    require_unrestricted(request, "webhook sources")
    message = f"a webhook source named {body.name!r} exists"
    if await WebhookSource.filter(name=body.name).exists():
        raise conflict("name", message)
    async with unique_as_conflict("name", message):
        row = await WebhookSource.create(**body.model_dump(exclude_unset=True))
    return {"data": render(row)}


@endpoint(bp, "GET", "/<source_id:uuid>", scope="webhooks:read", summary="Get a webhook source",
          response=Data[SourceOut])  # fmt: skip
async def get_source(request: Request, source_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render(await get_or_404(WebhookSource, source_id, "webhook source"))}


@endpoint(bp, "PATCH", "/<source_id:uuid>", scope="webhooks:write", summary="Update a webhook source",
          body=SourceUpdate, response=Data[SourceOut])  # fmt: skip
async def update_source(request: Request, source_id: uuid.UUID, body: SourceUpdate) -> dict[str, Any]:
    require_unrestricted(request, "webhook sources")
    row = await get_or_404(WebhookSource, source_id, "webhook source")
    changes = body.model_dump(exclude_unset=True)
    name = changes.get("name")
    message = f"a webhook source named {name!r} exists"
    if name is not None and name != row.name and await WebhookSource.filter(name=name).exists():
        raise conflict("name", message)
    if changes:
        async with unique_as_conflict("name", message):
            await row.update_from_dict(changes).save()
    return {"data": render(row)}


@endpoint(bp, "DELETE", "/<source_id:uuid>", scope="webhooks:delete", summary="Delete a webhook source",
          response=Success)  # fmt: skip
async def delete_source(request: Request, source_id: uuid.UUID) -> dict[str, Any]:
    require_unrestricted(request, "webhook sources")
    row = await get_or_404(WebhookSource, source_id, "webhook source")
    await row.delete()
    return {"success": True}
