"""Routes of `/instances` (see the reference §1): list, supported channels, create, get, update, delete.

Connection routes (connect, qr, pair, sync …) come with the channel runtime. Tokens are stored encrypted and shown
masked. Instance-restricted keys see and change only their instances, and cannot create new ones.
"""

from __future__ import annotations

import asyncio
import functools
import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel
from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from tortoise.transactions import in_transaction

from omni.api import sqllist
from omni.api.auth import check_instance, instance_filter
from omni.api.common import (
    CORE_EVENT_TYPES,
    Input,
    InstanceListQuery,
    conflict,
    get_or_404,
    invalid,
    opt,
    require_unrestricted,
    unique_as_conflict,
)
from omni.api.errors import VALIDATION_ERROR, ApiError
from omni.api.models import Data, Out, Page, Success
from omni.api.routing import endpoint, fields_of
from omni.db import crypto
from omni.db.crypto import mask
from omni.db.models import AgentProvider, Instance
from omni.db.models import enums as E
from omni.plugins.manager import LOADED_CHANNELS

bp = Blueprint("instances", url_prefix="/instances")

MAX_DEBOUNCE_MS = 600_000
MAX_SPLIT_MS = 60_000
DEFAULT_REPLY_FILTER = {"mode": "filtered", "conditions": {"onDm": True, "onMention": True, "onReply": True}}
SECRET_COLUMNS = ("discord_bot_token", "discord_webhook_url", "slack_bot_token", "slack_app_token",
                  "slack_signing_secret", "telegram_bot_token")  # fmt: skip
TOKEN_COLUMN = {"discord": "discord_bot_token", "telegram": "telegram_bot_token", "slack": "slack_bot_token"}

Short = Field(min_length=1, max_length=255)


# -- the reply filter (also used by agent routes) ---------------------------------------------------------------


class ReplyConditions(Input):
    on_dm: bool = False
    on_mention: bool = False
    on_reply: bool = False
    on_name_match: bool = False
    name_patterns: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("name_patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        if any(not p.strip() or len(p) > 200 for p in value):
            raise ValueError("each pattern must be 1 to 200 characters")
        return value

    @model_validator(mode="after")
    def _name_match_needs_patterns(self) -> ReplyConditions:
        if self.on_name_match and not self.name_patterns:
            raise ValueError("onNameMatch needs at least one name pattern in namePatterns")
        return self


class ReplyFilter(Input):
    """`all` always replies; `filtered` replies when any enabled condition holds."""

    mode: Literal["all", "filtered"]
    conditions: ReplyConditions | None = None

    @model_validator(mode="after")
    def _filtered_needs_conditions(self) -> ReplyFilter:
        if self.mode == "filtered" and self.conditions is None:
            raise ValueError("mode filtered needs conditions")
        return self

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ReplyFilterOut(BaseModel):
    mode: str
    conditions: dict[str, Any] | None = None


# -- input -------------------------------------------------------------------------------------------------------


class AgentSettings(Input):
    """Agent and timing settings shared by instances and (as overrides) agent routes."""

    agent_provider_id: uuid.UUID | None = opt()
    agent_id: str | None = opt(min_length=1, max_length=255)
    agent_timeout: int = opt(ge=1, le=3600)
    agent_stream_mode: bool = opt()
    agent_reply_filter: ReplyFilter | None = opt()
    agent_session_strategy: Literal[E.AGENT_SESSION_STRATEGIES] = opt()  # type: ignore[valid-type]
    agent_prefix_sender_name: bool = opt()
    agent_wait_for_media: bool = opt()
    agent_send_media_path: bool = opt()
    agent_gate_enabled: bool = opt()
    agent_gate_model: str | None = opt(min_length=1, max_length=128)
    agent_gate_prompt: str | None = opt(max_length=20_000)
    message_debounce_mode: Literal[E.DEBOUNCE_MODES] = opt()  # type: ignore[valid-type]
    message_debounce_min_ms: int = opt(ge=0, le=MAX_DEBOUNCE_MS)
    message_debounce_max_ms: int = opt(ge=0, le=MAX_DEBOUNCE_MS)
    message_debounce_group_ms: int | None = opt(ge=0, le=MAX_DEBOUNCE_MS)
    message_debounce_restart_on_typing: bool = opt()
    message_split_delay_mode: Literal[E.SPLIT_DELAY_MODES] = opt()  # type: ignore[valid-type]
    message_split_delay_fixed_ms: int = opt(ge=0, le=MAX_SPLIT_MS)
    message_split_delay_min_ms: int = opt(ge=0, le=MAX_SPLIT_MS)
    message_split_delay_max_ms: int = opt(ge=0, le=MAX_SPLIT_MS)
    enable_auto_split: bool = opt()


class InstanceSettings(AgentSettings):
    agent_type: Literal[E.AGENT_TYPES] = opt()  # type: ignore[valid-type]
    is_active: bool = opt()
    is_default: bool = opt()
    config: dict[str, Any] = opt()
    secrets: dict[str, str] | None = opt(max_length=100)
    token: str = opt(
        min_length=1, max_length=4096, description="the bot token of a discord, telegram or slack instance"
    )
    discord_bot_token: str | None = opt(min_length=1, max_length=4096)
    discord_client_id: str | None = opt(min_length=1, max_length=64)
    discord_guild_ids: list[str] | None = opt(max_length=1000)
    discord_default_channel_id: str | None = opt(min_length=1, max_length=64)
    discord_voice_enabled: bool = opt()
    discord_slash_commands_enabled: bool = opt()
    discord_webhook_url: str | None = opt(min_length=1, max_length=4096)
    discord_permissions: int | None = opt(ge=0, le=2**53 - 1)
    slack_bot_token: str | None = opt(min_length=1, max_length=4096)
    slack_app_token: str | None = opt(min_length=1, max_length=4096)
    slack_signing_secret: str | None = opt(min_length=1, max_length=4096)
    slack_team_id: str | None = opt(min_length=1, max_length=64)
    telegram_bot_token: str | None = opt(min_length=1, max_length=4096)
    trigger_events: list[str] = opt(min_length=1, max_length=50)
    trigger_reactions: list[str] | None = opt(max_length=200)
    trigger_mention_patterns: list[str] | None = opt(max_length=100)
    trigger_mode: Literal[E.TRIGGER_MODES] = opt()  # type: ignore[valid-type]
    trigger_rate_limit: int = opt(ge=0, le=10_000)
    download_media_on_sync: bool = opt()
    process_audio: bool = opt()
    process_images: bool = opt()
    process_video: bool = opt()
    process_documents: bool = opt()
    process_media_on_blocked: bool = opt()
    disable_username_prefix: bool = opt()
    access_mode: Literal[E.ACCESS_MODES] = opt()  # type: ignore[valid-type]
    access_pairing: bool = opt(description="unknown senders get a pairing code an operator approves (allowlist)")
    agent_ack_reaction: str | None = opt(
        min_length=1, max_length=64, description="reacted to a message the agent is answering, e.g. 👀"
    )
    agent_ack_text: str | None = opt(min_length=1, max_length=2000, description="sent while the agent works")
    agent_error_message: str | None = opt(
        max_length=2000, description="sent when the agent fails (null: the default text, empty: nothing)"
    )
    agent_reset_trigger: str | None = opt(
        min_length=1, max_length=64, description="a message or reaction that starts a new agent session (null: 🗑️)"
    )
    tts_voice_id: str | None = opt(min_length=1, max_length=128)
    tts_model_id: str | None = opt(min_length=1, max_length=128)

    @field_validator("trigger_events")
    @classmethod
    def _events(cls, value: list[str]) -> list[str]:
        bad = [e for e in value if e not in CORE_EVENT_TYPES]
        if bad:
            raise ValueError(f"unknown event type(s) {bad}; e.g. message.received, reaction.received")
        return value

    @field_validator("trigger_reactions", "trigger_mention_patterns", "discord_guild_ids")
    @classmethod
    def _short_strings(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not v or len(v) > 255 for v in value):
            raise ValueError("each item must be 1 to 255 characters")
        return value

    @field_validator("secrets")
    @classmethod
    def _secrets(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None and any(not k or len(k) > 100 or len(v) > 4096 for k, v in value.items()):
            raise ValueError("keys must be 1 to 100 characters and values at most 4096")
        return value


def known_channel(value: str | None) -> str | None:
    """A first-party channel, or the key of a channel plugin loaded in this process."""
    if value is not None and value not in E.CHANNELS and value not in LOADED_CHANNELS:
        known = ", ".join(sorted(set(E.CHANNELS) | LOADED_CHANNELS))
        raise ValueError(f"unknown channel {value!r}: one of {known} (or a loaded channel plugin's key)")
    return value


Channel = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(known_channel)]


class InstanceCreate(InstanceSettings):
    name: str = Field(min_length=1, max_length=255, pattern=r"\S")
    channel: Channel


class InstanceUpdate(InstanceSettings):
    name: str = opt(min_length=1, max_length=255, pattern=r"\S")


class InstanceQuery(InstanceListQuery):
    channel: Channel | None = None
    is_active: bool | None = None
    search: str | None = Field(None, max_length=255)


# -- output ------------------------------------------------------------------------------------------------------


class InstanceOut(Out):
    id: uuid.UUID
    name: str
    channel: str
    is_active: bool
    is_default: bool
    owner_identifier: str | None
    last_message_at: datetime | None
    config: dict[str, Any]
    secrets: dict[str, str | None] | None = Field(description="plugin secrets, masked")
    has_token: bool
    discord_bot_token: str | None = Field(description="masked")
    discord_client_id: str | None
    discord_guild_ids: list[str] | None
    discord_default_channel_id: str | None
    discord_voice_enabled: bool
    discord_slash_commands_enabled: bool
    discord_webhook_url: str | None = Field(description="masked")
    discord_permissions: int | None
    slack_bot_token: str | None = Field(description="masked")
    slack_app_token: str | None = Field(description="masked")
    slack_signing_secret: str | None = Field(description="masked")
    slack_team_id: str | None
    telegram_bot_token: str | None = Field(description="masked")
    agent_provider_id: uuid.UUID | None
    agent_id: str | None
    agent_type: str
    agent_timeout: int
    agent_stream_mode: bool
    agent_reply_filter: ReplyFilterOut | None
    agent_session_strategy: str
    agent_prefix_sender_name: bool
    agent_wait_for_media: bool
    agent_send_media_path: bool
    agent_gate_enabled: bool
    agent_gate_model: str | None
    agent_gate_prompt: str | None
    trigger_events: list[str]
    trigger_reactions: list[str] | None
    trigger_mention_patterns: list[str] | None
    trigger_mode: str
    agent_ack_reaction: str | None
    agent_ack_text: str | None
    agent_error_message: str | None
    agent_reset_trigger: str | None
    access_pairing: bool
    trigger_rate_limit: int
    profile_name: str | None
    profile_pic_url: str | None
    profile_bio: str | None
    profile_synced_at: datetime | None
    download_media_on_sync: bool
    process_audio: bool
    process_images: bool
    process_video: bool
    process_documents: bool
    process_media_on_blocked: bool
    enable_auto_split: bool
    disable_username_prefix: bool
    access_mode: str
    tts_voice_id: str | None
    tts_model_id: str | None
    message_debounce_mode: str
    message_debounce_min_ms: int
    message_debounce_max_ms: int
    message_debounce_group_ms: int | None
    message_debounce_restart_on_typing: bool
    message_split_delay_mode: str
    message_split_delay_fixed_ms: int
    message_split_delay_min_ms: int
    message_split_delay_max_ms: int
    created_at: datetime
    updated_at: datetime


class ChannelOut(Out):
    key: str
    name: str
    plugin: str | None
    capabilities: dict[str, Any]


class ChannelList(BaseModel):
    items: list[ChannelOut]


def render(row: Instance) -> dict[str, Any]:
    values = dict(row.__dict__)
    for column in SECRET_COLUMNS:
        values[column] = mask(values.get(column))
    plugin = _plugin_secrets(row)
    values["secrets"] = None if plugin is None else {k: mask(v) for k, v in plugin.items()}
    values["has_token"] = any(row.__dict__.get(c) for c in SECRET_COLUMNS if c != "discord_webhook_url")
    return InstanceOut.model_validate(values).dump()


def _plugin_secrets(row: Instance) -> dict[str, str] | None:
    return _secrets_dict(row.secrets)


def _secrets_dict(plain: str | None) -> dict[str, str] | None:
    if not plain:
        return None
    try:
        value = json.loads(plain)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# -- the list, in SQL (see omni.api.sqllist): PostgreSQL writes each row but the secrets, which Python decrypts and
# masks (once per stored value: the masks are kept by ciphertext, so a list does not decrypt on every request).

_PLAIN = [f for f in InstanceOut.model_fields if f not in (*SECRET_COLUMNS, "secrets", "has_token",
                                                           "agent_reply_filter")]  # fmt: skip
_REPLY_FILTER_SQL = ("case when r.agent_reply_filter is null then null else json_build_object("
                     "'mode', r.agent_reply_filter->'mode', 'conditions', r.agent_reply_filter->'conditions') end")  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _masked(stored: str) -> str | None:
    return mask(crypto.decrypt(stored))


@functools.lru_cache(maxsize=1024)
def _masked_secrets(stored: str) -> dict[str, str | None] | None:
    plugin = _secrets_dict(crypto.decrypt(stored))
    return None if plugin is None else {k: mask(v) for k, v in plugin.items()}


def _finish_row(text: str, record: Any) -> str:
    extra: dict[str, Any] = {}
    has_token = False
    for column in SECRET_COLUMNS:
        stored = record[column]
        value = None if stored is None else _masked(stored)
        extra[to_camel(column)] = value
        has_token = has_token or (bool(value) and column != "discord_webhook_url")
    extra["hasToken"] = has_token
    extra["secrets"] = None if record["secrets"] is None else _masked_secrets(record["secrets"])
    return sqllist.splice(text, extra)


LIST_SHAPE = sqllist.Shape(InstanceOut, _PLAIN, exprs={"agentReplyFilter": _REPLY_FILTER_SQL}, raw=(*SECRET_COLUMNS, "secrets"),
                           finish=_finish_row)  # fmt: skip
BY_CREATION = sqllist.Sort("r.created_at")


# -- validation of a whole instance (create, or a row with changes) --------------------------------------------


def check_timing(values: dict[str, Any]) -> None:
    """The debounce and split-delay windows are consistent (min ≤ max) when their mode uses them."""
    if values.get("message_debounce_mode") in ("fixed", "randomized"):
        low, high = values.get("message_debounce_min_ms"), values.get("message_debounce_max_ms")
        if values["message_debounce_mode"] == "randomized" and low is not None and high is not None and low > high:
            raise invalid("messageDebounceMinMs", "must not exceed messageDebounceMaxMs")
    if values.get("message_split_delay_mode") == "randomized":
        low, high = values.get("message_split_delay_min_ms"), values.get("message_split_delay_max_ms")
        if low is not None and high is not None and low > high:
            raise invalid("messageSplitDelayMinMs", "must not exceed messageSplitDelayMaxMs")


async def check_provider(provider_id: uuid.UUID | None) -> None:
    if provider_id is not None and not await AgentProvider.filter(id=provider_id).exists():
        raise invalid("agentProviderId", f"no agent provider {provider_id}")


def check_channel_config(request: Request, channel: str, config: dict[str, Any] | None) -> None:
    """`config` must suit the channel plugin's `config_model` (400 naming each bad field, as `config.<field>`)."""
    cls = request.app.ctx.plugins.channels.get(channel)
    if cls is None:
        return
    try:
        cls.config_model.model_validate(config or {})
    except ValidationError as exc:
        raise ApiError(400, VALIDATION_ERROR, "invalid channel config",
                       {"fields": {f"config.{k}": v for k, v in fields_of(exc).items()}}) from None  # fmt: skip


async def check_token(request: Request, channel: str, token: str, config: dict[str, Any] | None) -> None:
    """A bot token is tried on the platform before it is saved (the channel's `check_credentials`): refused → 400
    `AUTH_FAILED` on `token`; the platform unreachable → 502 `CHANNEL_UNREACHABLE` (nothing saved either way)."""
    from omni.channels.base import ChannelAuthFailed, ChannelNotReady

    cls = request.app.ctx.plugins.channels.get(channel)
    if cls is None:
        return
    try:
        await asyncio.wait_for(cls.check_credentials({"token": token}, cls.config_model.model_validate(config or {})),
                               timeout=30)  # fmt: skip
    except ChannelAuthFailed as exc:
        raise ApiError(400, "AUTH_FAILED", f"{channel} refused the token: {exc}",
                       {"fields": {"token": [str(exc) or "refused"]}}) from None  # fmt: skip
    except (ChannelNotReady, TimeoutError, OSError) as exc:
        raise ApiError(502, "CHANNEL_UNREACHABLE", f"could not reach {channel} to check the token: {exc}") from None


def columns(body: InstanceSettings, channel: str) -> dict[str, Any]:
    """The sent fields as column values."""
    changes = body.model_dump(exclude_unset=True, exclude={"token", "agent_reply_filter", "secrets"})
    sent = body.model_fields_set
    if "token" in sent:
        column = TOKEN_COLUMN.get(channel)
        if column is None:
            raise invalid("token", f"a {channel} instance takes no token")
        changes[column] = body.token
    if "agent_reply_filter" in sent:
        changes["agent_reply_filter"] = None if body.agent_reply_filter is None else body.agent_reply_filter.stored()
    if "secrets" in sent:
        changes["secrets"] = None if body.secrets is None else json.dumps(body.secrets)
    return changes


def _bind_default_filter(changes: dict[str, Any], current_filter: Any) -> None:
    """Binding a provider with no reply filter sets v2's default filter (DMs, mentions and replies)."""
    if changes.get("agent_provider_id") is None or "agent_reply_filter" in changes:
        return  # (a filter sent with the binding, even null = "never reply", is kept)
    reply_filter = changes.get("agent_reply_filter", current_filter)
    if reply_filter is None:
        changes["agent_reply_filter"] = dict(DEFAULT_REPLY_FILTER)


async def _clear_other_defaults(row: Instance) -> None:
    if row.is_default:
        await Instance.filter(is_default=True).exclude(id=row.id).update(is_default=False)


# -- routes ------------------------------------------------------------------------------------------------------


@endpoint(bp, "GET", "", scope="instances:read", summary="List instances", query=InstanceQuery,
          response=Page[InstanceOut])  # fmt: skip
async def list_instances(request: Request, query: InstanceQuery) -> HTTPResponse:
    """Newest first."""
    where = sqllist.Where()
    allowed = instance_filter(request, query.instance_id)
    if allowed is not None:
        where.add("id = any({}::uuid[])", allowed)
    if query.channel:
        where.add("channel = {}", query.channel)
    if query.is_active is not None:
        where.add("is_active = {}", query.is_active)
    if query.search:
        where.add("name ilike {}", sqllist.like_pattern(query.search))
    return await sqllist.page("instances", where, query, LIST_SHAPE, BY_CREATION)


@endpoint(bp, "GET", "/supported-channels", scope="instances:read", summary="Channels of the loaded plugins",
          response=ChannelList)  # fmt: skip
async def supported_channels(request: Request) -> dict[str, Any]:
    """Each loaded channel plugin: its key, name and capabilities."""
    plugins = request.app.ctx.plugins
    return {"items": [{"key": key, "name": cls.name or key, "plugin": plugins.owner_of("channel", key),
                       "capabilities": cls.capabilities.model_dump(by_alias=True)}
                      for key, cls in sorted(plugins.channels.items())]}  # fmt: skip


@endpoint(bp, "POST", "", scope="instances:write", summary="Create an instance", body=InstanceCreate,
          response=Data[InstanceOut], status=201)  # fmt: skip
async def create_instance(request: Request, body: InstanceCreate) -> dict[str, Any]:
    require_unrestricted(request, "instances")
    check_channel_config(request, body.channel, body.config if "config" in body.model_fields_set else {})
    values = columns(body, body.channel)
    if body.token:
        await check_token(request, body.channel, body.token, body.config)
    check_timing({**_defaults(), **values})
    await check_provider(values.get("agent_provider_id"))
    _bind_default_filter(values, None)
    if await Instance.filter(name=body.name).exists():
        raise conflict("name", f"an instance named {body.name!r} exists")
    async with unique_as_conflict("name", f"an instance named {body.name!r} exists"), in_transaction():
        row = await Instance.create(**values)
        await _clear_other_defaults(row)
    return {"data": render(row)}


def _defaults() -> dict[str, Any]:
    out = {}
    for name in ("message_debounce_mode", "message_debounce_min_ms", "message_debounce_max_ms",
                 "message_split_delay_mode", "message_split_delay_min_ms", "message_split_delay_max_ms"):  # fmt: skip
        out[name] = Instance._meta.fields_map[name].default
    return out


async def _get(request: Request, instance_id: uuid.UUID) -> Instance:
    check_instance(request, instance_id)
    return await get_or_404(Instance, instance_id, "instance")


@endpoint(bp, "GET", "/<instance_id:uuid>", scope="instances:read", summary="Get an instance",
          response=Data[InstanceOut])  # fmt: skip
async def get_instance(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render(await _get(request, instance_id))}


@endpoint(bp, "PATCH", "/<instance_id:uuid>", scope="instances:write", summary="Update an instance",
          body=InstanceUpdate, response=Data[InstanceOut])  # fmt: skip
async def update_instance(request: Request, instance_id: uuid.UUID, body: InstanceUpdate) -> dict[str, Any]:
    row = await _get(request, instance_id)
    if "config" in body.model_fields_set:
        check_channel_config(request, row.channel, body.config)
    changes = columns(body, row.channel)
    if not changes:
        return {"data": render(row)}
    if body.token:
        await check_token(request, row.channel, body.token, body.config if body.config is not None else row.config)
    check_timing({**row.__dict__, **changes})
    if "agent_provider_id" in changes:
        await check_provider(changes["agent_provider_id"])
        _bind_default_filter(changes, row.agent_reply_filter)
    name = changes.get("name")
    if name is not None and name != row.name and await Instance.filter(name=name).exists():
        raise conflict("name", f"an instance named {name!r} exists")
    async with unique_as_conflict("name", f"an instance named {name!r} exists"), in_transaction():
        await row.update_from_dict(changes).save()
        await _clear_other_defaults(row)
    return {"data": render(await get_or_404(Instance, instance_id, "instance"))}


@endpoint(bp, "DELETE", "/<instance_id:uuid>", scope="instances:delete", summary="Delete an instance",
          response=Success)  # fmt: skip
async def delete_instance(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    row = await _get(request, instance_id)
    await row.delete()
    return {"success": True}
