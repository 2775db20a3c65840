"""The loopback channel (`loopback`): every capability, no platform. Sends land in a mailbox you can read
(`GET /api/v2/instances/:id/loopback/outbox`); inbound traffic of any kind is injected with
`POST /api/v2/instances/:id/loopback/inbound` (messages, and with `kind` reactions, edits, deletes and receipts).
Demos, tests, benchmarks, plugin authors and `omni.testing.LoopbackDriver` use it.

Config (`instances.config`): `connectError` ("not_ready" | "auth" | "crash") makes `connect` fail that way;
`sendError` ("retryable" | "permanent") makes every send fail that way; `sendDelayMs` slows sends down;
`pairAfterMs` makes `connect` pair like a phone channel: it shows a QR code (a new one every `qrRotateMs`) and is
paired after that many milliseconds (`omni instances qr --watch` demos, tests); `contacts` and `groups` (lists of
`{id, name, parentId …}`) are what `GET /instances/:id/contacts|groups` answer; `history` (`{chatId: [{id, from,
fromName, text, at}]}`) is the chats' past that a sync fetches. Account and group actions (check-number, profile,
block, groups create / invite / join / picture / participants, reject call) work on a small account kept in the
instance's plugin store: contacts with a `phone` are the numbers "on the platform".
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, RootModel, Tag, model_validator
from pydantic.alias_generators import to_camel
from sanic import Blueprint, Request
from tortoise import Tortoise

from omni.api.auth import check_instance
from omni.api.common import get_or_404
from omni.api.errors import VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel
from omni.api.pagination import ListQuery, decode_keyset, encode_keyset
from omni.api.routing import endpoint, mount
from omni.channels.base import (
    Capabilities,
    Channel,
    ChannelAuthFailed,
    ChannelContext,
    ChannelError,
    ChannelNotReady,
    MediaType,
    SendFailed,
)
from omni.channels.runtime import publish_inbound
from omni.channels.types import (
    Chat,
    InboundDelete,
    InboundEdit,
    InboundMessage,
    InboundReaction,
    InboundReceipt,
    Media,
    Outbound,
    Sender,
    SendResult,
)
from omni.db.models import Instance
from omni.plugins.hookspecs import hookimpl

KEY = "loopback"
MAX_INJECT = 1000


class LoopbackConfig(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    connect_error: Literal["not_ready", "auth", "crash"] | None = None
    send_error: Literal["retryable", "permanent"] | None = None
    send_delay_ms: int = Field(0, ge=0, le=60_000)
    pair_after_ms: int | None = Field(None, ge=0, le=600_000)
    qr_rotate_ms: int = Field(20_000, ge=100, le=600_000)
    contacts: list[dict[str, Any]] = Field(default_factory=list, max_length=10_000)
    groups: list[dict[str, Any]] = Field(default_factory=list, max_length=10_000)
    history: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)


class Loopback(Channel):
    key = KEY
    name = "Loopback"
    capabilities = Capabilities(
        can_send_text=True, can_send_media=True, can_send_reaction=True, can_send_typing=True, can_send_contact=True,
        can_send_location=True, can_send_sticker=True, can_send_embed=True, can_send_poll=True, can_send_buttons=True,
        can_send_select_menu=True, can_receive_read_receipts=True, can_receive_delivery_receipts=True,
        can_edit_message=True, can_delete_message=True, can_reply_to_message=True, can_forward_message=True,
        can_mark_read=True, can_star_message=True, can_handle_groups=True, can_handle_broadcast=True, can_handle_dms=True,
        can_handle_threads=True, can_stream_response=True, can_fetch_history=True, max_message_length=65_536,
        max_file_size=100 * 1024 * 1024,
        supported_media_types=[MediaType(mime_type="*/*", max_size=100 * 1024 * 1024)],
    )  # fmt: skip
    config_model = LoopbackConfig

    async def connect(self, ctx: ChannelContext) -> None:
        self.ctx = ctx
        config: LoopbackConfig = ctx.config  # type: ignore[assignment]
        if config.connect_error == "not_ready":
            raise ChannelNotReady("loopback configured to be unreachable")
        if config.connect_error == "auth":
            raise ChannelAuthFailed("loopback configured to refuse its credentials")
        if config.connect_error == "crash":
            raise RuntimeError("loopback configured to crash")
        if config.pair_after_ms is not None:
            await self._pair(ctx, config)

    @staticmethod
    async def _pair(ctx: ChannelContext, config: LoopbackConfig) -> None:
        """Show QR codes until "scanned" (after `pairAfterMs`), as a phone channel does."""
        loop = asyncio.get_running_loop()
        paired_at = loop.time() + config.pair_after_ms / 1000  # type: ignore[operator]
        shown = 0
        while (left := paired_at - loop.time()) > 0:
            shown += 1
            rotate = config.qr_rotate_ms / 1000
            await ctx.set_qr(f"omni-loopback-pair:{uuid.uuid4()}:{shown}", expires_in=rotate)
            await asyncio.sleep(min(left, rotate))
        await ctx.set_qr(None)

    async def disconnect(self) -> None:
        return None

    async def fetch_contacts(self, *, parent: str | None = None) -> list[dict[str, Any]]:
        return self._directory(self.ctx.config.contacts, parent)  # type: ignore[attr-defined]

    async def fetch_groups(self, *, parent: str | None = None) -> list[dict[str, Any]]:
        made = [g for _, g in await self.ctx.store.items("group:", limit=10_000)]
        return self._directory([*self.ctx.config.groups, *made], parent)  # type: ignore[attr-defined]

    async def fetch_history(self, chat_id: str, *, before: str | None = None, limit: int = 100) -> list[Any]:
        """The configured past of a chat, newest first, older than `before`."""
        entries = sorted(self.ctx.config.history.get(chat_id, []), key=lambda e: str(e.get("at") or ""), reverse=True)  # type: ignore[attr-defined]
        if before is not None:
            ids = [str(e.get("id")) for e in entries]
            entries = entries[ids.index(before) + 1 :] if before in ids else []
        chat = Chat(id=chat_id, type="group" if chat_id.startswith("lb-group") or "@g" in chat_id else "dm")
        return [self._past(chat, e) for e in entries[:limit]]

    @staticmethod
    def _past(chat: Chat, e: dict[str, Any]) -> InboundMessage:
        at = datetime.fromisoformat(str(e["at"]).replace("Z", "+00:00")) if e.get("at") else datetime.now(UTC)
        sender = Sender(id=str(e.get("from") or chat.id), name=e.get("fromName"))
        return InboundMessage(external_id=str(e["id"]), chat=chat, text=str(e.get("text") or "…"), sender=sender,
                              timestamp=at, is_from_me=bool(e.get("fromMe")))  # fmt: skip

    # -- the account (kept in the plugin store) ----------------------------------------------------------------------

    def _contact(self, ref: str) -> dict[str, Any] | None:
        digits = "".join(c for c in ref if c.isdigit())
        for contact in self.ctx.config.contacts:  # type: ignore[attr-defined]
            phone = "".join(c for c in str(contact.get("phone") or "") if c.isdigit())
            if ref == contact.get("id") or (digits and phone == digits):
                return contact
        return None

    async def check_numbers(self, phones: list[str]) -> list[dict[str, Any]]:
        out = []
        for phone in phones:
            contact = self._contact(phone)
            out.append({"phone": phone, "exists": contact is not None, "id": contact and contact.get("id")})
        return out

    async def get_profile(self, user_id: str | None = None) -> dict[str, Any]:
        if user_id is None:
            own = await self.ctx.store.get("profile", {})
            return {"id": "loopback", "name": own.get("name", "Loopback"), "status": own.get("status"),
                    "pictureUrl": own.get("pictureUrl")}  # fmt: skip
        contact = self._contact(user_id)
        if contact is None:
            raise ChannelError(f"no user {user_id}", code="NOT_FOUND")
        return {"id": contact.get("id"), "name": contact.get("name"), "phone": contact.get("phone")}

    async def update_profile(self, *, name: str | None = None, status: str | None = None) -> dict[str, Any]:
        own = await self.ctx.store.get("profile", {})
        own.update({k: v for k, v in (("name", name), ("status", status)) if v is not None})
        await self.ctx.store.set("profile", own)
        return await self.get_profile()

    async def set_profile_picture(self, data: bytes | None) -> dict[str, Any]:
        own = await self.ctx.store.get("profile", {})
        picture = hashlib.sha256(data).hexdigest()[:16] if data else None
        own["pictureUrl"] = f"https://loopback.invalid/pictures/{picture}" if picture else None
        await self.ctx.store.set("profile", own)
        return {"pictureId": picture}

    async def set_blocked(self, user_id: str, blocked: bool) -> dict[str, Any]:
        ids = set(await self.ctx.store.get("blocklist", []))
        (ids.add if blocked else ids.discard)(user_id)
        await self.ctx.store.set("blocklist", sorted(ids))
        return {"id": user_id, "blocked": blocked}

    async def fetch_blocklist(self) -> list[str]:
        return list(await self.ctx.store.get("blocklist", []))

    async def fetch_privacy(self) -> dict[str, Any]:
        return {"lastSeen": "contacts", "profile": "all", "status": "contacts", "readReceipts": "all",
                "groupAdd": "contacts", "online": "all"}  # fmt: skip

    async def _group(self, group_id: str) -> dict[str, Any]:
        group = await self.ctx.store.get(f"group:{group_id}")
        if group is None:
            raise ChannelError(f"no group {group_id} made here", code="NOT_FOUND")
        return group

    async def create_group(self, subject: str, participants: list[str]) -> dict[str, Any]:
        group_id = f"lb-group-{uuid.uuid4().hex[:12]}"
        members = [{"id": "loopback", "isAdmin": True, "isSuperAdmin": True}]
        members += [{"id": p, "isAdmin": False, "isSuperAdmin": False} for p in dict.fromkeys(participants)]
        group = {"id": group_id, "name": subject, "type": "group", "participants": members,
                 "memberCount": len(members)}  # fmt: skip
        await self.ctx.store.set(f"group:{group_id}", group)
        return group

    async def group_invite_link(self, group_id: str, *, revoke: bool = False) -> dict[str, Any]:
        group = await self._group(group_id)
        if revoke or not group.get("invite"):
            if group.get("invite"):
                await self.ctx.store.delete(f"invite:{group['invite']}")
            group["invite"] = uuid.uuid4().hex[:22]
            await self.ctx.store.set(f"group:{group_id}", group)
            await self.ctx.store.set(f"invite:{group['invite']}", group_id)
        return {"link": f"https://loopback.invalid/invite/{group['invite']}", "code": group["invite"]}

    async def join_group(self, code: str) -> dict[str, Any]:
        group_id = await self.ctx.store.get(f"invite:{code.rstrip('/').rsplit('/', 1)[-1]}")
        if group_id is None:
            raise ChannelError("this invite code is not valid (revoked, or never made)", code="NOT_FOUND")
        group = await self._group(group_id)
        return {"id": group_id, "name": group["name"]}

    async def set_group_picture(self, group_id: str, data: bytes) -> dict[str, Any]:
        await self._group(group_id)
        return {"pictureId": hashlib.sha256(data).hexdigest()[:16]}

    async def update_group_participants(self, group_id: str, action: str,
                                        participants: list[str]) -> list[dict[str, Any]]:  # fmt: skip
        group = await self._group(group_id)
        members = {m["id"]: m for m in group["participants"]}
        out = []
        for who in participants:
            if action == "add":
                status = "ok" if who not in members else "already a member"
                members.setdefault(who, {"id": who, "isAdmin": False, "isSuperAdmin": False})
            elif who not in members:
                status = "not a member"
            elif action == "remove":
                del members[who]
                status = "ok"
            else:
                members[who]["isAdmin"] = action == "promote"
                status = "ok"
            out.append({"id": who, "status": status})
        group["participants"] = list(members.values())
        group["memberCount"] = len(members)
        await self.ctx.store.set(f"group:{group_id}", group)
        return out

    async def reject_call(self, call_id: str, call_from: str) -> None:
        await self.ctx.store.set(f"call:{call_id}", {"from": call_from, "rejected": True})

    @staticmethod
    def _directory(entries: list[dict[str, Any]], parent: str | None) -> list[dict[str, Any]]:
        return [e for e in entries if parent is None or parent in (e.get("parentId"), e.get("id"))]

    async def logout(self) -> None:
        """Forgets the "session": records when, so you can see a logout reached the plugin while connected."""
        await self.ctx.store.set("logout", {"at": datetime.now(UTC).isoformat()})

    def status(self) -> dict[str, Any]:
        return {"profileName": "Loopback", "ownerIdentifier": "loopback"}

    async def send(self, message: Outbound) -> SendResult:
        config: LoopbackConfig = self.ctx.config  # type: ignore[assignment]
        if config.send_delay_ms:
            await asyncio.sleep(config.send_delay_ms / 1000)
        if config.send_error:
            raise SendFailed("loopback configured to fail sends", retryable=config.send_error == "retryable")
        external = f"lb-{message.id}"
        entry = {"messageId": message.id, "externalId": external, "kind": message.kind, "to": message.to,
                 "content": message.dump(), "sentAt": datetime.now(UTC).isoformat()}  # fmt: skip
        await self.ctx.store.add(f"outbox:{message.id}", entry)  # keyed by omni's message id: a resend is a no-op
        return SendResult(external_id=external)

    async def send_typing(self, chat_id: str, state: str = "typing") -> None:
        return None

    async def mark_read(self, chat_id: str, external_ids: list[str]) -> None:
        return None


# -- routes ---------------------------------------------------------------------------------------------------------

bp = Blueprint("loopback", url_prefix="/instances")


class InjectMedia(ApiModel):
    url: str | None = Field(None, max_length=4000)
    mime_type: str | None = Field(None, max_length=255)
    filename: str | None = Field(None, max_length=255)
    size: int | None = Field(None, ge=0)
    caption: str | None = Field(None, max_length=10_000)


class InjectOne(ApiModel):
    """A message by default; `kind` reaction (`target`, `emoji`, `removed`), edit (`target`, `text`), delete (`target`)
    or receipt (`targets`, `status`) injects that event instead."""

    kind: Literal["message", "reaction", "edit", "delete", "receipt"] = "message"
    chat_id: str = Field(min_length=1, max_length=255)
    from_: str = Field(min_length=1, max_length=255, alias="from")
    from_name: str | None = Field(None, max_length=255)
    from_phone: str | None = Field(None, max_length=64)
    text: str | None = Field(None, max_length=100_000)
    type: Literal["text", "image", "audio", "video", "document", "sticker", "system"] = "text"
    media: InjectMedia | None = None
    external_id: str | None = Field(None, min_length=1, max_length=255)
    reply_to: str | None = Field(None, max_length=255)
    is_group: bool = False
    is_from_me: bool = False
    timestamp: datetime | None = None
    target: str | None = Field(None, min_length=1, max_length=255, description="external id acted on")
    emoji: str | None = Field(None, max_length=64)
    removed: bool = False
    targets: list[str] | None = Field(None, min_length=1, max_length=1000)
    status: Literal["delivered", "read", "played"] | None = None

    @model_validator(mode="after")
    def _content(self) -> InjectOne:
        need = {"reaction": ("target",), "edit": ("target", "text"), "delete": ("target",),
                "receipt": ("targets", "status")}.get(self.kind, ())  # fmt: skip
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind} needs {' and '.join(missing)}")
        if self.kind == "reaction" and not self.emoji and not self.removed:
            raise ValueError("a reaction needs an emoji (or removed: true)")
        if self.kind != "message":
            return self
        if self.type == "text" and not self.text:
            raise ValueError("a text message needs text")
        if self.type not in ("text", "system") and self.media is None:
            raise ValueError(f"a {self.type} message needs media")
        return self


class InjectMany(ApiModel):
    messages: list[InjectOne] = Field(min_length=1, max_length=MAX_INJECT)


def _which(value: Any) -> str:
    return "messages" if isinstance(value, dict) and "messages" in value else "message"


class InjectBody(RootModel[Annotated[Annotated[InjectMany, Tag("messages")] | Annotated[InjectOne, Tag("message")],
                                    Discriminator(_which)]]):  # fmt: skip
    """One message, or `{"messages": [...]}`."""


class Injected(BaseModel):
    accepted: int
    external_ids: list[str] = Field(alias="externalIds")


class InjectedData(BaseModel):
    data: Injected


class OutboxItem(BaseModel):
    message_id: str = Field(alias="messageId")
    external_id: str | None = Field(None, alias="externalId")
    kind: str
    to: str
    content: dict[str, Any]
    sent_at: str = Field(alias="sentAt")


class OutboxMeta(BaseModel):
    has_more: bool = Field(alias="hasMore")
    cursor: str | None = None
    total: int | None = None


class OutboxPage(BaseModel):
    items: list[OutboxItem]
    meta: OutboxMeta


class OutboxQuery(ListQuery):
    to: str | None = Field(None, max_length=255)


async def _loopback_instance(request: Request, instance_id: uuid.UUID) -> Instance:
    check_instance(request, instance_id)
    row = await get_or_404(Instance, instance_id, "instance")
    if row.channel != KEY:
        raise ApiError(400, VALIDATION_ERROR, f"instance {instance_id} is a {row.channel} instance, not loopback",
                       {"fields": {"instanceId": ["not a loopback instance"]}})  # fmt: skip
    return row


def _inbound(one: InjectOne) -> Any:
    base = {"external_id": one.external_id or f"lb-in-{uuid.uuid4().hex}",
            "chat": Chat(id=one.chat_id, type="group" if one.is_group else "dm"),
            "sender": Sender(id=one.from_, name=one.from_name, phone=one.from_phone),
            "timestamp": one.timestamp or datetime.now(UTC)}  # fmt: skip
    if one.kind == "reaction":
        return InboundReaction(**base, target=one.target, emoji=one.emoji or "", removed=one.removed)
    if one.kind == "edit":
        return InboundEdit(**base, target=one.target, text=one.text)
    if one.kind == "delete":
        return InboundDelete(**base, target=one.target)
    if one.kind == "receipt":
        return InboundReceipt(**base, targets=one.targets, status=one.status)
    media = None
    if one.media is not None:
        media = Media(url=one.media.url, mime_type=one.media.mime_type, filename=one.media.filename,
                      size=one.media.size, caption=one.media.caption)  # fmt: skip
    return InboundMessage(
        external_id=one.external_id or f"lb-in-{uuid.uuid4().hex}", type=one.type, text=one.text, media=media,
        chat=Chat(id=one.chat_id, type="group" if one.is_group else "dm"),
        sender=Sender(id=one.from_, name=one.from_name, phone=one.from_phone), reply_to=one.reply_to,
        is_from_me=one.is_from_me, timestamp=one.timestamp or datetime.now(UTC),
    )  # fmt: skip


@endpoint(bp, "POST", "/<instance_id:uuid>/loopback/inbound", scope="messages:write",
          summary="Inject inbound messages into a loopback instance", body=InjectBody,
          response=InjectedData, status=202, tag="loopback")  # fmt: skip
async def inject(request: Request, instance_id: uuid.UUID, body: InjectBody) -> dict[str, Any]:
    """One message, or `{"messages": [...]}` (up to 1,000). Each is published to the pipeline exactly as a platform
    event would be, and the answer comes once JetStream has them all; the same `externalId` is stored once."""
    await _loopback_instance(request, instance_id)
    items = body.root.messages if isinstance(body.root, InjectMany) else [body.root]
    events = [_inbound(one) for one in items]
    js = request.app.ctx.js
    results = await asyncio.gather(
        *(publish_inbound(js, str(instance_id), KEY, e, "api:loopback") for e in events), return_exceptions=True
    )
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise ApiError(503, "SERVICE_UNAVAILABLE", f"{len(failed)} of {len(events)} messages were not accepted by "
                       "the event bus; send them again (the same externalId is stored once)",
                       {"externalIds": [e.external_id for e, r in zip(events, results, strict=True)
                                        if isinstance(r, BaseException)]})  # fmt: skip
    return {"data": {"accepted": len(events), "externalIds": [e.external_id for e in events]}}


@endpoint(bp, "GET", "/<instance_id:uuid>/loopback/outbox", scope="messages:read",
          summary="What a loopback instance sent, oldest first", query=OutboxQuery, response=OutboxPage,
          tag="loopback")  # fmt: skip
async def outbox(request: Request, instance_id: uuid.UUID, query: OutboxQuery) -> dict[str, Any]:
    await _loopback_instance(request, instance_id)
    namespace = f"{KEY}:{instance_id}"
    conn = Tortoise.get_connection("default")
    params: list[Any] = [namespace]
    where = "plugin_id = $1 and key like 'outbox:%'"
    if query.to:
        params.append(query.to)
        where += f" and (value::jsonb)->>'to' = ${len(params)}"
    meta: dict[str, Any] = {}
    if query.include_total:
        rows = await conn.execute_query_dict(f"select count(*) as n from plugin_storage where {where}", params)  # noqa: S608
        meta["total"] = rows[0]["n"]
    if query.cursor:
        at, row_id = decode_keyset(query.cursor, "t")
        if "-" not in row_id:
            raise ApiError(400, VALIDATION_ERROR, "invalid cursor", {"fields": {"cursor": ["not from this list"]}})
        params += [at, row_id]
        where += f" and (created_at, id) > (${len(params) - 1}, ${len(params)}::uuid)"
    params.append(query.limit + 1)
    rows = await conn.execute_query_dict(
        f"select id, value, created_at from plugin_storage where {where} order by created_at, id "  # noqa: S608
        f"limit ${len(params)}", params)  # fmt: skip
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    meta["hasMore"] = more
    meta["cursor"] = encode_keyset(rows[-1]["created_at"], rows[-1]["id"]) if more and rows else None
    return {"items": [json.loads(r["value"]) for r in rows], "meta": meta}


@hookimpl
def register_channels(register: Any) -> None:
    register(Loopback)


@hookimpl
def register_routes(app: Any) -> None:
    mount(app, bp)
