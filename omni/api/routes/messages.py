"""Routes of `/messages` (see the reference §1): stored message records — list, find, create (imports), update the
stored fields, soft delete, reactions. Sending and platform actions come with the channels."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from omni.api import sqllist
from omni.api.auth import check_instance, instance_filter
from omni.api.common import conflict, is_unique_violation
from omni.api.errors import NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel, Data, Out, Page, Success
from omni.api.pagination import ListQuery
from omni.api.routing import endpoint
from omni.db.models import Chat, Message, Person
from omni.db.models.enums import DELIVERY_STATUSES, MESSAGE_SOURCES, MESSAGE_STATUSES, MESSAGE_TYPES

bp = Blueprint("messages", url_prefix="/messages")

MessageType = Literal[MESSAGE_TYPES]  # type: ignore[valid-type]
MessageStatus = Literal[MESSAGE_STATUSES]  # type: ignore[valid-type]
DeliveryStatus = Literal[DELIVERY_STATUSES]  # type: ignore[valid-type]
MessageSource = Literal[MESSAGE_SOURCES]  # type: ignore[valid-type]
PREVIEW_CHARS = 200


# -- models --------------------------------------------------------------------------------------------------------


class MessageFilters(ListQuery):
    """The filters of every message list (`GET /messages`, `GET /chats/:id/messages`)."""

    message_type: list[MessageType] | None = Field(None, max_length=20)
    status: MessageStatus | None = None
    delivery_status: DeliveryStatus | None = None
    has_media: bool | None = None
    sender_person_id: uuid.UUID | None = None
    sender_platform_user_id: str | None = Field(None, max_length=255)
    is_from_me: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = Field(None, max_length=1000)
    include_deleted: bool = False


class MessageListQuery(MessageFilters):
    instance_id: list[uuid.UUID] | None = Field(None, max_length=100)
    chat_id: uuid.UUID | None = None


class ByExternalQuery(ApiModel):
    chat_id: uuid.UUID
    external_id: str = Field(min_length=1, max_length=255)


class MessageContent(ApiModel):
    text_content: str | None = None
    transcription: str | None = None
    image_description: str | None = None
    video_description: str | None = None
    document_extraction: str | None = None
    media_mime_type: str | None = Field(None, max_length=255)
    media_url: str | None = Field(None, max_length=4000)
    media_local_path: str | None = Field(None, max_length=4000)
    media_metadata: dict[str, Any] | None = None
    mentions: list[dict[str, Any]] | None = Field(None, max_length=1000)
    delivery_status: DeliveryStatus | None = None


class MessageCreate(MessageContent):
    chat_id: uuid.UUID
    external_id: str = Field(min_length=1, max_length=255)
    source: MessageSource = "import"
    message_type: MessageType = "text"
    sender_person_id: uuid.UUID | None = None
    sender_platform_user_id: str | None = Field(None, max_length=255)
    sender_display_name: str | None = Field(None, max_length=255)
    is_from_me: bool = False
    has_media: bool | None = None  # derived from the media fields when absent
    reply_to_message_id: uuid.UUID | None = None
    reply_to_external_id: str | None = Field(None, max_length=255)
    quoted_text: str | None = None
    quoted_sender_name: str | None = Field(None, max_length=255)
    forwarded_from_external_id: str | None = Field(None, max_length=255)
    is_forwarded: bool = False
    raw_payload: dict[str, Any] | None = None
    platform_timestamp: datetime | None = None  # now when absent


class MessageUpdate(MessageContent):
    """Stored fields only; a new `textContent` is recorded as an edit (history, `status: edited`)."""


class ReactionBody(ApiModel):
    emoji: str = Field(min_length=1, max_length=64)
    platform_user_id: str | None = Field(None, max_length=255)
    person_id: uuid.UUID | None = None
    display_name: str | None = Field(None, max_length=255)
    is_custom_emoji: bool = False


class ReactionRemove(ApiModel):
    emoji: str = Field(min_length=1, max_length=64)
    platform_user_id: str | None = Field(None, max_length=255)


class MessageOut(Out):
    id: uuid.UUID
    chat_id: uuid.UUID
    instance_id: uuid.UUID
    external_id: str
    source: str
    sender_person_id: uuid.UUID | None
    sender_platform_identity_id: uuid.UUID | None
    sender_platform_user_id: str | None
    sender_display_name: str | None
    sender_name: str | None
    is_from_me: bool
    message_type: str
    text_content: str | None
    transcription: str | None
    image_description: str | None
    video_description: str | None
    document_extraction: str | None
    has_media: bool
    media_mime_type: str | None
    media_url: str | None
    media_local_path: str | None
    media_metadata: dict[str, Any] | None
    reply_to_message_id: uuid.UUID | None
    reply_to_external_id: str | None
    quoted_text: str | None
    quoted_sender_name: str | None
    forwarded_from_message_id: uuid.UUID | None
    forwarded_from_external_id: str | None
    forward_count: int
    is_forwarded: bool
    mentions: list[dict[str, Any]] | None
    status: str
    delivery_status: str | None
    edit_count: int
    original_text: str | None
    edit_history: list[dict[str, Any]]
    edited_at: datetime | None
    deleted_at: datetime | None
    reactions: list[dict[str, Any]]
    reaction_counts: dict[str, int]
    original_event_id: uuid.UUID | None
    latest_event_id: uuid.UUID | None
    platform_timestamp: datetime
    received_at: datetime
    created_at: datetime
    updated_at: datetime


def render_message(row: Message) -> dict[str, Any]:
    return MessageOut.model_validate({
        **row.__dict__, "sender_name": row.sender_display_name, "edit_history": row.edit_history or [],
        "reactions": row.reactions or [], "reaction_counts": row.reaction_counts or {},
    }).dump()  # fmt: skip


ROW_SHAPE = sqllist.Shape(
    MessageOut,
    [f for f in MessageOut.model_fields if f != "sender_name"],
    renamed={"senderName": "sender_display_name"},
    defaults={"edit_history": "'[]'::jsonb", "reactions": "'[]'::jsonb", "reaction_counts": "'{}'::jsonb"},
)


BY_TIME = sqllist.Sort("r.platform_timestamp")


def message_where(query: MessageFilters, instances: list[uuid.UUID] | None, chat_id: uuid.UUID | None) -> sqllist.Where:
    """The filters of every message list, as SQL (`GET /messages`, `GET /chats/:id/messages`)."""
    w = sqllist.Where()
    if instances is not None:
        w.add("instance_id = any({}::uuid[])", instances)
    if chat_id:
        w.add("chat_id = {}", chat_id)
    if query.message_type:
        w.add("message_type = any({}::text[])", list(query.message_type))
    if query.status:
        w.add("status = {}", query.status)
    elif not query.include_deleted:
        w.conditions.append("status <> 'deleted'")
    if query.delivery_status:
        w.add("delivery_status = {}", query.delivery_status)
    if query.has_media is not None:
        w.add("has_media = {}", query.has_media)
    if query.sender_person_id:
        w.add("sender_person_id = {}", query.sender_person_id)
    if query.sender_platform_user_id:
        w.add("sender_platform_user_id = {}", query.sender_platform_user_id)
    if query.is_from_me is not None:
        w.add("is_from_me = {}", query.is_from_me)
    if query.since:
        w.add("platform_timestamp >= {}", query.since)
    if query.until:
        w.add("platform_timestamp < {}", query.until)
    if query.search:
        w.add("text_content ilike {}", sqllist.like_pattern(query.search))
    return w


async def get_message(request: Request, message_id: uuid.UUID) -> Message:
    row = await Message.filter(id=message_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no message {message_id}")
    check_instance(request, row.instance_id)
    return row


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, VALIDATION_ERROR, message, {"fields": {field: [message]}})


def _preview(row: Message) -> str | None:
    text = row.text_content or row.transcription or row.image_description
    if text:
        return text[:PREVIEW_CHARS]
    return f"[{row.message_type}]" if row.message_type != "text" else None


def _counts(reactions: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for reaction in reactions:
        counts[reaction["emoji"]] = counts.get(reaction["emoji"], 0) + 1
    return counts


# -- routes --------------------------------------------------------------------------------------------------------


@endpoint(bp, "GET", "", scope="messages:read", summary="List messages, newest first", query=MessageListQuery,
          response=Page[MessageOut])  # fmt: skip
async def list_messages(request: Request, query: MessageListQuery) -> HTTPResponse:
    """Ordered by `platformTimestamp` (newest first). Deleted messages are hidden unless `includeDeleted=true` or
    `status=deleted`."""
    where = message_where(query, instance_filter(request, query.instance_id), query.chat_id)
    return await sqllist.page("messages", where, query, ROW_SHAPE, BY_TIME)


@endpoint(bp, "GET", "/by-external", scope="messages:read", summary="Find a message by its platform id",
          query=ByExternalQuery, response=Data[MessageOut])  # fmt: skip
async def message_by_external(request: Request, query: ByExternalQuery) -> dict[str, Any]:
    row = await Message.filter(chat_id=query.chat_id, external_id=query.external_id).first()
    if row is None:
        raise ApiError(404, NOT_FOUND, f"no message {query.external_id!r} in chat {query.chat_id}")
    check_instance(request, row.instance_id)
    return {"data": render_message(row)}


@endpoint(bp, "POST", "", scope="messages:write", summary="Create a message record (imports)", body=MessageCreate,
          response=Data[MessageOut], status=201)  # fmt: skip
async def create_message(request: Request, body: MessageCreate) -> dict[str, Any]:
    """Stores a message without sending it; the instance is the chat's. The chat's counters, last activity and
    preview follow."""
    chat = await Chat.filter(id=body.chat_id).first()
    if chat is None:
        raise ApiError(404, NOT_FOUND, f"no chat {body.chat_id}", {"fields": {"chatId": ["not found"]}})
    check_instance(request, chat.instance_id)
    if body.sender_person_id and not await Person.filter(id=body.sender_person_id).exists():
        raise _bad("senderPersonId", "no such person")
    if body.reply_to_message_id and not await Message.filter(id=body.reply_to_message_id, chat_id=chat.id).exists():
        raise _bad("replyToMessageId", "no such message in this chat")
    values = body.model_dump(exclude={"chat_id", "has_media", "platform_timestamp"})
    values["delivery_status"] = values["delivery_status"] or "sent"
    has_media = body.has_media
    if has_media is None:
        has_media = bool(body.media_url or body.media_local_path or body.media_mime_type)
    when = body.platform_timestamp or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    clash = conflict("externalId", f"this chat already has a message {body.external_id!r}")
    if await Message.filter(chat_id=chat.id, external_id=body.external_id).exists():
        raise clash
    try:
        async with in_transaction() as conn:
            row = await Message.create(**values, chat_id=chat.id, instance_id=chat.instance_id, has_media=has_media,
                                       platform_timestamp=when, using_db=conn)  # fmt: skip
            await Chat.filter(id=chat.id).using_db(conn).update(message_count=F("message_count") + 1)
            await Chat.filter(Q(last_message_at__isnull=True) | Q(last_message_at__lte=when), id=chat.id).using_db(
                conn).update(last_message_at=when, last_message_preview=_preview(row))  # fmt: skip
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise clash from None
        raise
    return {"data": render_message(row)}


@endpoint(bp, "GET", "/<message_id:uuid>", scope="messages:read", summary="Get a message", response=Data[MessageOut])
async def get_message_route(request: Request, message_id: uuid.UUID) -> dict[str, Any]:
    return {"data": render_message(await get_message(request, message_id))}


@endpoint(bp, "PATCH", "/<message_id:uuid>", scope="messages:write", summary="Update a message's stored fields",
          body=MessageUpdate, response=Data[MessageOut])  # fmt: skip
async def update_message(request: Request, message_id: uuid.UUID, body: MessageUpdate) -> dict[str, Any]:
    await get_message(request, message_id)
    changes = body.model_dump(exclude_unset=True)
    async with in_transaction() as conn:
        row = await Message.filter(id=message_id).select_for_update().using_db(conn).get()
        if "text_content" in changes and changes["text_content"] != row.text_content:
            now = datetime.now(UTC)
            history = list(row.edit_history or [])
            history.append({"text": row.text_content, "at": now.isoformat(), "by": "api"})
            changes.update(edit_history=history, edit_count=row.edit_count + 1, edited_at=now,
                           original_text=row.original_text if row.edit_count else row.text_content)  # fmt: skip
            if row.status == "active":
                changes["status"] = "edited"
        if changes:
            await row.update_from_dict(changes).save(using_db=conn)
    return {"data": render_message(row)}


@endpoint(bp, "DELETE", "/<message_id:uuid>", scope="messages:delete", summary="Delete a message (soft)",
          response=Success)  # fmt: skip
async def delete_message(request: Request, message_id: uuid.UUID) -> dict[str, Any]:
    """Marks the message deleted (`status: deleted`, `deletedAt`); its content stays in the record."""
    row = await get_message(request, message_id)
    if row.status != "deleted":
        await Message.filter(id=row.id).update(status="deleted", deleted_at=datetime.now(UTC))
    return {"success": True}


@endpoint(bp, "POST", "/<message_id:uuid>/reactions", scope="messages:write", summary="Add a reaction (stored)",
          body=ReactionBody, response=Data[MessageOut])  # fmt: skip
async def add_reaction(request: Request, message_id: uuid.UUID, body: ReactionBody) -> dict[str, Any]:
    """One reaction per emoji and reactor (`platformUserId`; none: our own); adding it again changes nothing. The
    list and the counts change together under a row lock, so concurrent reactions are never lost."""
    await get_message(request, message_id)
    async with in_transaction() as conn:
        row = await Message.filter(id=message_id).select_for_update().using_db(conn).get()
        reactions = list(row.reactions or [])
        if not any(r.get("emoji") == body.emoji and r.get("platformUserId") == body.platform_user_id
                   for r in reactions):  # fmt: skip
            reactions.append({
                "emoji": body.emoji, "platformUserId": body.platform_user_id,
                "personId": str(body.person_id) if body.person_id else None, "displayName": body.display_name,
                "at": datetime.now(UTC).isoformat(), "isCustomEmoji": body.is_custom_emoji,
            })  # fmt: skip
            row.reactions, row.reaction_counts = reactions, _counts(reactions)
            await row.save(using_db=conn, update_fields=["reactions", "reaction_counts", "updated_at"])
    return {"data": render_message(row)}


@endpoint(bp, "DELETE", "/<message_id:uuid>/reactions", scope="messages:delete", summary="Remove a reaction (stored)",
          body=ReactionRemove, response=Data[MessageOut])  # fmt: skip
async def remove_reaction(request: Request, message_id: uuid.UUID, body: ReactionRemove) -> dict[str, Any]:
    await get_message(request, message_id)
    async with in_transaction() as conn:
        row = await Message.filter(id=message_id).select_for_update().using_db(conn).get()
        before = list(row.reactions or [])
        after = [r for r in before
                 if not (r.get("emoji") == body.emoji and r.get("platformUserId") == body.platform_user_id)]  # fmt: skip
        if len(after) != len(before):
            row.reactions, row.reaction_counts = after, _counts(after)
            await row.save(using_db=conn, update_fields=["reactions", "reaction_counts", "updated_at"])
    return {"data": render_message(row)}
