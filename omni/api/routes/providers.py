"""Routes of `/providers` (see the reference §5): agent providers, their API key encrypted and shown masked.

Providers are global configuration: instance-restricted keys may read them (to bind their instances) but not change
them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator
from sanic import Blueprint, Request
from tortoise.transactions import in_transaction

from omni.api.common import (
    Input,
    InputList,
    conflict,
    get_or_404,
    opt,
    require_unrestricted,
    unique_as_conflict,
)
from omni.api.errors import CONFLICT, ApiError
from omni.api.models import Data, Out, Page, Success
from omni.api.pagination import paginate
from omni.api.routing import endpoint
from omni.db.crypto import mask
from omni.db.models import AgentProvider, AgentRoute, Instance
from omni.db.models import enums as E

bp = Blueprint("providers", url_prefix="/providers")


class ProviderFields(Input):
    base_url: str | None = opt(min_length=1, max_length=2048, pattern=r"^(https?|wss?)://\S+$")
    api_key: str | None = opt(min_length=1, max_length=4096)
    schema_config: dict[str, Any] | None = opt()
    default_stream: bool = opt()
    default_timeout: int = opt(ge=1, le=3600)
    supports_streaming: bool = opt()
    supports_images: bool = opt()
    supports_audio: bool = opt()
    supports_documents: bool = opt()
    description: str | None = opt(max_length=2000)
    tags: list[str] | None = opt(max_length=50)
    is_active: bool = opt()

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not t or len(t) > 64 for t in value):
            raise ValueError("each tag must be 1 to 64 characters")
        return value


class ProviderCreate(ProviderFields):
    name: str = Field(min_length=1, max_length=255, pattern=r"\S")
    schema_: Literal[E.PROVIDER_SCHEMAS] = Field(alias="schema")  # type: ignore[valid-type]


class ProviderUpdate(ProviderFields):
    name: str = opt(min_length=1, max_length=255, pattern=r"\S")
    schema_: Literal[E.PROVIDER_SCHEMAS] = opt(alias="schema")  # type: ignore[valid-type]


class ProviderQuery(InputList):
    active: bool | None = None


class DeleteQuery(Input):
    force: bool = False


class ProviderOut(Out):
    id: uuid.UUID
    name: str
    schema_: str = Field(alias="schema")
    base_url: str | None
    api_key: str | None = Field(description="masked")
    has_api_key: bool
    schema_config: dict[str, Any] | None
    default_stream: bool
    default_timeout: int
    supports_streaming: bool
    supports_images: bool
    supports_audio: bool
    supports_documents: bool
    description: str | None
    tags: list[str] | None
    is_active: bool
    last_health_check: datetime | None
    last_health_status: str | None
    last_health_error: str | None
    created_at: datetime
    updated_at: datetime


def render(row: AgentProvider) -> dict[str, Any]:
    values = {**row.__dict__, "schema_": row.schema, "api_key": mask(row.api_key), "has_api_key": bool(row.api_key)}
    return ProviderOut.model_validate(values).dump()


def _columns(body: ProviderFields) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    if "schema_" in changes:
        changes["schema"] = changes.pop("schema_")
    return changes


@endpoint(bp, "GET", "", scope="providers:read", summary="List agent providers", query=ProviderQuery,
          response=Page[ProviderOut])  # fmt: skip
async def list_providers(request: Request, query: ProviderQuery) -> dict[str, Any]:
    qs = AgentProvider.all()
    if query.active is not None:
        qs = qs.filter(is_active=query.active)
    return await paginate(qs, query, render)


@endpoint(bp, "POST", "", scope="providers:write", summary="Create an agent provider", body=ProviderCreate,
          response=Data[ProviderOut], status=201)  # fmt: skip
async def create_provider(request: Request, body: ProviderCreate) -> dict[str, Any]:
    require_unrestricted(request, "agent providers")
    message = f"a provider named {body.name!r} exists"
    if await AgentProvider.filter(name=body.name).exists():
        raise conflict("name", message)
    async with unique_as_conflict("name", message):
        row = await AgentProvider.create(**_columns(body))
    return {"data": render(row)}


@endpoint(bp, "GET", "/<provider_id:uuid>", scope="providers:read", summary="Get an agent provider",
          response=Data[ProviderOut])  # fmt: skip
async def get_provider(request: Request, provider_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render(await get_or_404(AgentProvider, provider_id, "agent provider"))}


@endpoint(bp, "PATCH", "/<provider_id:uuid>", scope="providers:write", summary="Update an agent provider",
          body=ProviderUpdate, response=Data[ProviderOut])  # fmt: skip
async def update_provider(request: Request, provider_id: uuid.UUID, body: ProviderUpdate) -> dict[str, Any]:
    require_unrestricted(request, "agent providers")
    row = await get_or_404(AgentProvider, provider_id, "agent provider")
    changes = _columns(body)
    name = changes.get("name")
    message = f"a provider named {name!r} exists"
    if name is not None and name != row.name and await AgentProvider.filter(name=name).exists():
        raise conflict("name", message)
    if changes:
        async with unique_as_conflict("name", message):
            await row.update_from_dict(changes).save()
    return {"data": render(row)}


@endpoint(bp, "DELETE", "/<provider_id:uuid>", scope="providers:delete", query=DeleteQuery, response=Success,
          summary="Delete an agent provider (refused while instances use it, unless force=true unbinds them)")  # fmt: skip
async def delete_provider(request: Request, provider_id: uuid.UUID, query: DeleteQuery) -> dict[str, Any]:
    require_unrestricted(request, "agent providers")
    row = await get_or_404(AgentProvider, provider_id, "agent provider")
    async with in_transaction():
        users = await Instance.filter(agent_provider_id=provider_id).values_list("id", flat=True)
        if users and not query.force:
            raise ApiError(409, CONFLICT, f"{len(users)} instance(s) use this provider; unbind them or pass force=true",
                           {"instanceIds": [str(i) for i in users]})  # fmt: skip
        await Instance.filter(agent_provider_id=provider_id).update(agent_provider_id=None)
        await AgentRoute.filter(agent_provider_id=provider_id).update(agent_provider_id=None)
        await row.delete()
    return {"success": True}
