"""Routes of `/providers` (see the reference §5): agent providers, their API key encrypted and shown masked; a
health check and the discovery of a provider's agents, teams and workflows.

Providers are global configuration: instance-restricted keys may read them (to bind their instances) but not change
them. `schema` must be the key of a loaded provider plugin, and `schemaConfig` must suit that plugin's `config_model`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator
from sanic import Blueprint, Request
from tortoise.transactions import in_transaction

from omni.agents import checks
from omni.agents.base import INVALID_CONFIG, TIMEOUT, UNKNOWN_SCHEMA, UNREACHABLE, AgentError, NotSupported
from omni.agents.registry import config_errors, missing_settings
from omni.api.common import (
    Input,
    InputList,
    conflict,
    get_or_404,
    opt,
    require_unrestricted,
    unique_as_conflict,
)
from omni.api.errors import (
    CAPABILITY_NOT_SUPPORTED,
    CONFLICT,
    PROVIDER_FAILED,
    PROVIDER_UNREACHABLE,
    VALIDATION_ERROR,
    ApiError,
)
from omni.api.models import Data, Out, Page, Success
from omni.api.pagination import paginate
from omni.api.routing import endpoint
from omni.db.crypto import mask
from omni.db.models import AgentProvider, AgentRoute, Instance
from omni.db.models import enums as E
from omni.plugins.manager import LOADED_PROVIDERS

bp = Blueprint("providers", url_prefix="/providers")

CALL_LIMIT = 25.0  # seconds for a health check or a discovery: within the API's 30 s response timeout


def known_schema(value: str | None) -> str | None:
    """The key of an agent provider plugin loaded in this process."""
    if value is None or value in LOADED_PROVIDERS:
        return value
    known = ", ".join(sorted(LOADED_PROVIDERS))
    if value in E.PROVIDER_SCHEMAS:
        raise ValueError(f"no loaded plugin implements the {value!r} provider; install one that does, or use one of "
                         f"{known}")  # fmt: skip
    raise ValueError(f"unknown provider schema {value!r}: one of {known} (or a loaded provider plugin's key)")


Schema = Annotated[str, Field(min_length=1, max_length=32), AfterValidator(known_schema)]


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
    schema_: Schema = Field(alias="schema")


class ProviderUpdate(ProviderFields):
    name: str = opt(min_length=1, max_length=255, pattern=r"\S")
    schema_: Schema = opt(alias="schema")


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


class HealthOut(Out):
    healthy: bool
    latency_ms: float
    error: str | None = Field(None, description="why it is not healthy")
    code: str | None = Field(None, description="TIMEOUT, AUTH_FAILED, UNREACHABLE, INVALID_CONFIG …")
    detail: str | None = Field(None, description="what it answered when healthy (models, agents, version)")
    status: str = Field(description="as stored in lastHealthStatus: healthy, unhealthy or error")
    checked_at: datetime


class DiscoveredOut(Out):
    id: str | None
    name: str | None = None
    description: str | None = None


def _columns(body: ProviderFields) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    if "schema_" in changes:
        changes["schema"] = changes.pop("schema_")
    return changes


def check_settings(request: Request, values: dict[str, Any]) -> None:
    """`schemaConfig` must suit the provider plugin's `config_model`, and the settings it needs (baseUrl, apiKey)
    must be there: a 400 naming each field (`schemaConfig.<field>`)."""
    cls = request.app.ctx.plugins.providers.get(values["schema"])
    if cls is None:  # loaded in this process, but not by this app's plugins
        raise ApiError(400, VALIDATION_ERROR, f"no loaded plugin provides the provider schema {values['schema']!r}",
                       {"fields": {"schema": ["not provided by a loaded plugin"]}})  # fmt: skip
    fields = {f"schemaConfig.{k}": v for k, v in config_errors(cls, values.get("schema_config")).items()}
    fields |= {k: [v] for k, v in missing_settings(cls, values.get("base_url"), values.get("api_key")).items()}
    if fields:
        raise ApiError(400, VALIDATION_ERROR, f"invalid settings for the {values['schema']} provider schema: "
                       + "; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items()), {"fields": fields})  # fmt: skip


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
    columns = _columns(body)
    check_settings(request, columns)
    message = f"a provider named {body.name!r} exists"
    if await AgentProvider.filter(name=body.name).exists():
        raise conflict("name", message)
    async with unique_as_conflict("name", message):
        row = await AgentProvider.create(**columns)
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
    if changes.keys() & {"schema", "schema_config", "base_url", "api_key"}:
        current = {k: getattr(row, k) for k in ("schema", "schema_config", "base_url", "api_key")}
        check_settings(request, current | changes)
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


@endpoint(bp, "POST", "/<provider_id:uuid>/health", scope="providers:read", response=Data[HealthOut],
          summary="Check that the provider answers (stored as lastHealthCheck/Status/Error)")  # fmt: skip
async def check_health(request: Request, provider_id: uuid.UUID) -> dict[str, Any]:
    """Builds the provider and makes a cheap authenticated call (list models, read the agent card, …) within its
    timeout. An unreachable or failing provider is a 200 with `healthy: false`."""
    row = await get_or_404(AgentProvider, provider_id, "agent provider")
    health, status = await checks.check_health(row, request.app.ctx.plugins, CALL_LIMIT)
    now = datetime.now(UTC)
    error = None if health.ok else health.detail
    # a queryset update leaves updated_at alone: a health check is not a change of the provider
    await AgentProvider.filter(id=row.id).update(last_health_check=now, last_health_status=status,
                                                 last_health_error=error)  # fmt: skip
    out = HealthOut(healthy=health.ok, latency_ms=health.latency_ms, error=error, status=status, checked_at=now,
                    code=None if health.ok else health.code, detail=health.detail if health.ok else None)  # fmt: skip
    return {"data": out.dump()}


async def _discover(
    request: Request, provider_id: uuid.UUID, kind: Literal["agents", "teams", "workflows"]
) -> dict[str, Any]:
    row = await get_or_404(AgentProvider, provider_id, "agent provider")
    try:
        items = await checks.discover(row, request.app.ctx.plugins, kind, CALL_LIMIT)
    except NotSupported as exc:
        raise ApiError(400, CAPABILITY_NOT_SUPPORTED, str(exc), {"schema": row.schema}) from None
    except AgentError as exc:
        if exc.code in (TIMEOUT, UNREACHABLE):
            raise ApiError(502, PROVIDER_UNREACHABLE, str(exc), {"providerCode": exc.code}) from None
        if exc.code in (INVALID_CONFIG, UNKNOWN_SCHEMA):
            raise ApiError(400, VALIDATION_ERROR, str(exc), {"providerCode": exc.code}) from None
        raise ApiError(502, PROVIDER_FAILED, str(exc), {"providerCode": exc.code}) from None
    return {"data": [DiscoveredOut.model_validate(item).dump() for item in items]}


DISCOVERY_ERRORS = {502: "The provider is unreachable (`PROVIDER_UNREACHABLE`) or failed (`PROVIDER_FAILED`)"}


@endpoint(bp, "GET", "/<provider_id:uuid>/agents", scope="providers:read", response=Data[list[DiscoveredOut]],
          summary="The agents the provider offers", errors=DISCOVERY_ERRORS)  # fmt: skip
async def list_agents(request: Request, provider_id: uuid.UUID) -> dict[str, Any]:
    """Agno: the AgentOS agents; A2A: the agent's skills. 400 `CAPABILITY_NOT_SUPPORTED` for providers without."""
    return await _discover(request, provider_id, "agents")


@endpoint(bp, "GET", "/<provider_id:uuid>/teams", scope="providers:read", response=Data[list[DiscoveredOut]],
          summary="The teams the provider offers", errors=DISCOVERY_ERRORS)  # fmt: skip
async def list_teams(request: Request, provider_id: uuid.UUID) -> dict[str, Any]:
    """Agno: the AgentOS teams. 400 `CAPABILITY_NOT_SUPPORTED` for providers without."""
    return await _discover(request, provider_id, "teams")


@endpoint(bp, "GET", "/<provider_id:uuid>/workflows", scope="providers:read", response=Data[list[DiscoveredOut]],
          summary="The workflows the provider offers", errors=DISCOVERY_ERRORS)  # fmt: skip
async def list_workflows(request: Request, provider_id: uuid.UUID) -> dict[str, Any]:
    """Agno: the AgentOS workflows. 400 `CAPABILITY_NOT_SUPPORTED` for providers without."""
    return await _discover(request, provider_id, "workflows")
