"""Routes of `/chats` (see the reference §1): stored chats, their state (archive, pin, mute, read), messages and
participants. Platform actions (marking read on the platform, sync) come with the channels."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from omni.agents import followups
from omni.api import sqllist
from omni.api.auth import check_instance, instance_filter
from omni.api.common import conflict, is_unique_violation
from omni.api.errors import NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel, Data, Out, Page, Success
from omni.api.pagination import ListQuery, paginate
from omni.api.routes.messages import BY_TIME as MESSAGES_BY_TIME
from omni.api.routes.messages import ROW_SHAPE as MESSAGE_ROW_SHAPE
from omni.api.routes.messages import MessageFilters, MessageOut, message_where
from omni.api.routing import endpoint
from omni.db.models import Chat, ChatParticipant, Instance
from omni.db.models.enums import CHAT_TYPES, PARTICIPANT_ROLES

bp = Blueprint("chats", url_prefix="/chats")

ChatType = Literal[CHAT_TYPES]  # type: ignore[valid-type]
Role = Literal[PARTICIPANT_ROLES]  # type: ignore[valid-type]
DEFAULT_MUTE_MS = 8 * 3600 * 1000
MUTED_SQL = ("(coalesce((r.settings->>'muted')::boolean, false) and "
             "coalesce((r.settings->>'muteUntil')::timestamptz > now(), true))")  # fmt: skip


# -- models --------------------------------------------------------------------------------------------------------


class ChatSettings(ApiModel):
    """Known settings are checked; other keys are kept as given."""

    model_config = {**ApiModel.model_config, "extra": "allow"}  # type: ignore[misc]

    muted: bool | None = None
    mute_until: datetime | None = None
    pinned: bool | None = None
    archived: bool | None = None
    read_only: bool | None = None
    agent_paused: bool | None = None


class ChatFields(ApiModel):
    canonical_id: str | None = Field(None, max_length=255)
    name: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=10_000)
    avatar_url: str | None = Field(None, max_length=4000)
    parent_chat_id: uuid.UUID | None = None
    settings: ChatSettings | None = None
    platform_metadata: dict[str, Any] | None = None


class ChatCreate(ChatFields):
    instance_id: uuid.UUID
    external_id: str = Field(min_length=1, max_length=255)
    chat_type: ChatType
    channel: str | None = Field(None, min_length=1, max_length=64)  # the instance's channel when absent
    participant_count: int = Field(0, ge=0, le=10_000_000)
    unread_count: int = Field(0, ge=0, le=10_000_000)
    last_message_at: datetime | None = None
    last_message_preview: str | None = Field(None, max_length=10_000)


class ChatUpdate(ChatFields):
    chat_type: ChatType | None = None
    unread_count: int | None = Field(None, ge=0, le=10_000_000)
    last_message_at: datetime | None = None
    last_message_preview: str | None = Field(None, max_length=10_000)


class ChatListQuery(ListQuery):
    instance_id: list[uuid.UUID] | None = Field(None, max_length=100)
    channel: str | None = Field(None, max_length=64)
    chat_type: ChatType | None = None
    search: str | None = Field(None, max_length=255)
    archived: bool | None = None
    unread: bool | None = None
    pinned: bool | None = None
    muted: bool | None = None
    include_deleted: bool = False
    sort: Literal["activity", "unread", "name"] = "activity"


class ByExternalQuery(ApiModel):
    instance_id: uuid.UUID
    external_id: str = Field(min_length=1, max_length=255)


class MuteBody(ApiModel):
    duration_ms: int = Field(DEFAULT_MUTE_MS, ge=1, le=100 * 365 * 24 * 3600 * 1000)


class ParticipantListQuery(ListQuery):
    active: bool | None = None
    role: Role | None = None


class ChatOut(Out):
    id: uuid.UUID
    instance_id: uuid.UUID
    external_id: str
    canonical_id: str | None
    chat_type: str
    channel: str
    name: str | None
    description: str | None
    avatar_url: str | None
    parent_chat_id: uuid.UUID | None
    participant_count: int
    message_count: int
    unread_count: int
    last_message_at: datetime | None
    last_message_preview: str | None
    settings: dict[str, Any]
    platform_metadata: dict[str, Any] | None
    is_archived: bool
    is_pinned: bool
    is_muted: bool
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None
    deleted_at: datetime | None


class ParticipantOut(Out):
    id: uuid.UUID
    chat_id: uuid.UUID
    person_id: uuid.UUID | None
    platform_identity_id: uuid.UUID | None
    platform_user_id: str
    display_name: str | None
    avatar_url: str | None
    role: str | None
    is_active: bool
    joined_at: datetime
    left_at: datetime | None
    last_seen_at: datetime | None
    message_count: int
    created_at: datetime
    updated_at: datetime


def _muted(settings: dict[str, Any]) -> bool:
    if not settings.get("muted"):
        return False
    until = settings.get("muteUntil")
    if not until:
        return True
    try:
        return datetime.fromisoformat(str(until)) > datetime.now(UTC)
    except ValueError:
        return True


def render(row: Chat) -> dict[str, Any]:
    settings = row.settings if isinstance(row.settings, dict) else {}
    return ChatOut.model_validate({
        **row.__dict__, "settings": settings, "is_archived": row.archived_at is not None,
        "is_pinned": bool(settings.get("pinned")), "is_muted": _muted(settings),
    }).dump()  # fmt: skip


PINNED_SQL = "coalesce(r.settings->'pinned' = 'true'::jsonb, false)"
LIST_SHAPE = sqllist.Shape(
    ChatOut,
    [f for f in ChatOut.model_fields if f not in ("is_archived", "is_pinned", "is_muted")],
    defaults={"settings": "'{}'::jsonb"},
    exprs={"isArchived": "r.archived_at is not null", "isPinned": PINNED_SQL, "isMuted": MUTED_SQL},
    volatile="r.settings ? 'muteUntil'",  # isMuted turns false when that time passes
)
SORTS = {
    "activity": sqllist.Sort("coalesce(r.last_message_at, '1970-01-01 00:00:00+00'::timestamptz)"),
    "unread": sqllist.Sort("r.unread_count", "i"),
    "name": sqllist.Sort("lower(coalesce(r.name, ''))", "s", descending=False),
}


def render_participant(row: ChatParticipant) -> dict[str, Any]:
    return ParticipantOut.model_validate(row).dump()


async def get_chat(request: Request, chat_id: uuid.UUID) -> Chat:
    """The chat, or 404; 403 when the key cannot access its instance."""
    row = await Chat.filter(id=chat_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no chat {chat_id}")
    check_instance(request, row.instance_id)
    return row


def _settings_dump(settings: ChatSettings) -> dict[str, Any]:
    return settings.model_dump(mode="json", by_alias=True, exclude_unset=True)


async def _check_parent(instance_id: uuid.UUID, parent_id: uuid.UUID | None, own_id: uuid.UUID | None = None) -> None:
    if parent_id is None:
        return
    if parent_id == own_id or not await Chat.filter(id=parent_id, instance_id=instance_id).exists():
        raise ApiError(400, VALIDATION_ERROR, "the parent chat must be another chat of the same instance",
                       {"fields": {"parentChatId": ["no such chat on this instance"]}})  # fmt: skip


# -- routes --------------------------------------------------------------------------------------------------------


@endpoint(bp, "GET", "", scope="chats:read", summary="List chats", query=ChatListQuery, response=Page[ChatOut])
async def list_chats(request: Request, query: ChatListQuery) -> HTTPResponse:
    """Newest activity first by default; `sort=unread` (most unread first) or `sort=name` (A→Z). Deleted chats are
    hidden unless `includeDeleted=true`."""
    where = sqllist.Where()
    allowed = instance_filter(request, query.instance_id)
    if allowed is not None:
        where.add("instance_id = any({}::uuid[])", allowed)
    if not query.include_deleted:
        where.conditions.append("deleted_at is null")
    if query.channel:
        where.add("channel = {}", query.channel)
    if query.chat_type:
        where.add("chat_type = {}", query.chat_type)
    if query.archived is not None:
        where.conditions.append("archived_at is not null" if query.archived else "archived_at is null")
    if query.unread is not None:
        where.conditions.append("unread_count > 0" if query.unread else "unread_count <= 0")
    if query.pinned is not None:
        where.conditions.append(f"{'' if query.pinned else 'not '}{PINNED_SQL}")
    if query.muted is not None:
        where.conditions.append(f"{'' if query.muted else 'not '}{MUTED_SQL}")
    if query.search:
        where.add("name ilike {}", sqllist.like_pattern(query.search))
    return await sqllist.page("chats", where, query, LIST_SHAPE, SORTS[query.sort])


@endpoint(bp, "POST", "", scope="chats:write", summary="Create a chat record", body=ChatCreate, response=Data[ChatOut],
          status=201)  # fmt: skip
async def create_chat(request: Request, body: ChatCreate) -> dict[str, Any]:
    check_instance(request, body.instance_id)
    instance = await Instance.filter(id=body.instance_id).first()
    if instance is None:
        raise ApiError(404, NOT_FOUND, f"no instance {body.instance_id}", {"fields": {"instanceId": ["not found"]}})
    await _check_parent(instance.id, body.parent_chat_id)
    values = body.model_dump(exclude_unset=True, exclude={"settings", "channel"})
    settings = _settings_dump(body.settings) if body.settings is not None else {}
    if body.external_id and await Chat.filter(instance_id=instance.id, external_id=body.external_id).exists():
        raise conflict("externalId", f"this instance already has a chat {body.external_id!r}")
    try:
        row = await Chat.create(**values, channel=body.channel or instance.channel, settings=settings)
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise conflict("externalId", f"this instance already has a chat {body.external_id!r}") from None
        raise
    return {"data": render(row)}


@endpoint(bp, "GET", "/by-external", scope="chats:read", summary="Find a chat by its platform id",
          query=ByExternalQuery, response=Data[ChatOut])  # fmt: skip
async def chat_by_external(request: Request, query: ByExternalQuery) -> dict[str, Any]:
    check_instance(request, query.instance_id)
    row = await Chat.filter(instance_id=query.instance_id, external_id=query.external_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no chat {query.external_id!r} on instance {query.instance_id}")
    return {"data": render(row)}


@endpoint(bp, "GET", "/<chat_id:uuid>", scope="chats:read", summary="Get a chat", response=Data[ChatOut])
async def get_chat_route(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render(await get_chat(request, chat_id))}


@endpoint(bp, "PATCH", "/<chat_id:uuid>", scope="chats:write", summary="Update a chat", body=ChatUpdate,
          response=Data[ChatOut])  # fmt: skip
async def update_chat(request: Request, chat_id: uuid.UUID, body: ChatUpdate) -> dict[str, Any]:
    row = await get_chat(request, chat_id)
    changes = body.model_dump(exclude_unset=True, exclude={"settings"})
    if "chat_type" in changes and changes["chat_type"] is None:
        del changes["chat_type"]
    if "unread_count" in changes and changes["unread_count"] is None:
        changes["unread_count"] = 0
    if "parent_chat_id" in changes:
        await _check_parent(row.instance_id, changes["parent_chat_id"], row.id)
    async with in_transaction() as conn:
        row = await Chat.filter(id=chat_id).select_for_update().using_db(conn).get()
        if body.settings is not None:
            settings = {**(row.settings or {}), **_settings_dump(body.settings)}
            changes["settings"] = settings
            if "archived" in body.settings.model_fields_set:
                changes["archived_at"] = (row.archived_at or datetime.now(UTC)) if settings["archived"] else None
        if changes:
            await row.update_from_dict(changes).save(using_db=conn)
    return {"data": render(row)}


@endpoint(bp, "DELETE", "/<chat_id:uuid>", scope="chats:delete", summary="Delete a chat (soft)", response=Success)
async def delete_chat(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    """Marks the chat deleted (`deletedAt`): lists hide it unless `includeDeleted=true`; its messages stay."""
    row = await get_chat(request, chat_id)
    if row.deleted_at is None:
        await Chat.filter(id=row.id, deleted_at__isnull=True).update(deleted_at=datetime.now(UTC))
    return {"success": True}


async def _set_state(request: Request, chat_id: uuid.UUID, settings: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Merge `settings` into the chat's and set `fields`, under a row lock so concurrent actions never undo each
    other."""
    await get_chat(request, chat_id)
    async with in_transaction() as conn:
        row = await Chat.filter(id=chat_id).select_for_update().using_db(conn).get()
        merged = {**(row.settings or {}), **settings}
        for key in [k for k, v in merged.items() if v is None]:
            del merged[key]
        row.settings = merged
        for name, value in fields.items():
            setattr(row, name, value)
        await row.save(using_db=conn, update_fields=["settings", "updated_at", *fields])
    return {"data": render(row)}


@endpoint(bp, "POST", "/<chat_id:uuid>/archive", scope="chats:write", summary="Archive a chat",
          response=Data[ChatOut])  # fmt: skip
async def archive_chat(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    row = await get_chat(request, chat_id)
    answer = await _set_state(request, chat_id, {"archived": True}, archived_at=row.archived_at or datetime.now(UTC))
    await followups.disarm_chat(chat_id, "archived")
    return answer


@endpoint(bp, "POST", "/<chat_id:uuid>/unarchive", scope="chats:write", summary="Unarchive a chat",
          response=Data[ChatOut])  # fmt: skip
async def unarchive_chat(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    return await _set_state(request, chat_id, {"archived": False}, archived_at=None)


@endpoint(bp, "POST", "/<chat_id:uuid>/pin", scope="chats:write", summary="Pin a chat", response=Data[ChatOut])
async def pin_chat(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    return await _set_state(request, chat_id, {"pinned": True})


@endpoint(bp, "POST", "/<chat_id:uuid>/unpin", scope="chats:write", summary="Unpin a chat", response=Data[ChatOut])
async def unpin_chat(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    return await _set_state(request, chat_id, {"pinned": False})


@endpoint(bp, "POST", "/<chat_id:uuid>/mute", scope="chats:write", summary="Mute a chat (default 8 hours)",
          body=MuteBody, response=Data[ChatOut])  # fmt: skip
async def mute_chat(request: Request, chat_id: uuid.UUID, body: MuteBody) -> dict[str, Any]:
    until = datetime.now(UTC) + timedelta(milliseconds=body.duration_ms)
    answer = await _set_state(request, chat_id, {"muted": True, "muteUntil": until.isoformat()})
    await followups.disarm_chat(chat_id, "muted")
    return answer


@endpoint(bp, "POST", "/<chat_id:uuid>/agent/pause", scope="chats:write", summary="Pause the agent in a chat",
          response=Data[ChatOut])  # fmt: skip
async def pause_agent(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    """A human takes over: the agent stays quiet in this chat (its messages are still stored and shown) and any
    follow-up sequence stops, until `POST /chats/:id/agent/resume`."""
    answer = await _set_state(request, chat_id, {"agentPaused": True, "agentPausedAt": datetime.now(UTC).isoformat()})
    await followups.disarm_chat(chat_id, "paused")
    return answer


@endpoint(bp, "POST", "/<chat_id:uuid>/agent/resume", scope="chats:write", summary="Resume the agent in a chat",
          response=Data[ChatOut])  # fmt: skip
async def resume_agent(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    return await _set_state(request, chat_id, {"agentPaused": None, "agentPausedAt": None})


@endpoint(bp, "POST", "/<chat_id:uuid>/unmute", scope="chats:write", summary="Unmute a chat", response=Data[ChatOut])
async def unmute_chat(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    return await _set_state(request, chat_id, {"muted": False, "muteUntil": None})


@endpoint(bp, "POST", "/<chat_id:uuid>/read", scope="chats:write", summary="Mark a chat read (stored state)",
          response=Data[ChatOut])  # fmt: skip
async def read_chat(request: Request, chat_id: uuid.UUID) -> dict[str, Any]:
    return await _set_state(request, chat_id, {"lastReadAt": datetime.now(UTC).isoformat()}, unread_count=0)


@endpoint(bp, "GET", "/<chat_id:uuid>/messages", scope="chats:read", summary="A chat's messages, newest first",
          query=MessageFilters, response=Page[MessageOut])  # fmt: skip
async def chat_messages(request: Request, chat_id: uuid.UUID, query: MessageFilters) -> HTTPResponse:
    chat = await get_chat(request, chat_id)  # 404 / 403 for the chat's instance
    where = message_where(query, None, chat.id)
    return await sqllist.page("messages", where, query, MESSAGE_ROW_SHAPE, MESSAGES_BY_TIME)


@endpoint(bp, "GET", "/<chat_id:uuid>/participants", scope="chats:read", summary="A chat's participants",
          query=ParticipantListQuery, response=Page[ParticipantOut])  # fmt: skip
async def chat_participants(request: Request, chat_id: uuid.UUID, query: ParticipantListQuery) -> dict[str, Any]:
    chat = await get_chat(request, chat_id)
    qs = ChatParticipant.filter(chat_id=chat.id)
    if query.active is not None:
        qs = qs.filter(is_active=query.active)
    if query.role:
        qs = qs.filter(role=query.role)
    return await paginate(qs, query, render_participant)
