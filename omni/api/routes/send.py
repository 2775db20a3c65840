"""Sending: `/messages/send[/media|/reaction|/sticker|/contact|/location|/poll|/embed|/presence|/forward]` and the
platform actions (`/messages/:id/read`, `/messages/read`, `/messages/edit-channel`, `/messages/delete-channel`,
`/messages/:id/star`).

A send is checked (instance, capability, recipient), then goes out by the shortest way that keeps it durable (see
`_start`): straight to the channel when the instance runs in the serving worker, through its owner asked directly when
it runs elsewhere, and queued durably on the command stream when neither can take it now. The request waits for the
outcome up to `wait` seconds (5 by default): 201 `status: "sent"` when the platform took it, 202 `status: "queued"`
when it is still on its way (`?async=true` answers 202 at once). `Idempotency-Key` makes a retried request return the
first answer and send nothing again.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import orjson
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from pydantic import BaseModel, Field, model_validator
from sanic import Blueprint, Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response
from tortoise import Tortoise

from omni.api.auth import check_instance, principal_of
from omni.api.errors import NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel, json_time
from omni.api.routing import endpoint, validate
from omni.channels.base import NEEDS
from omni.channels.types import Contact, Embed, Location, Media, Outbound, Poll
from omni.pipeline import outbound
from omni.pipeline.outbound import Waiters

bp = Blueprint("send", url_prefix="/messages")

CAPABILITY_NOT_SUPPORTED = "CAPABILITY_NOT_SUPPORTED"
DEFAULT_WAIT = 5.0
MAX_UPLOAD = 100 * 1024 * 1024
IDEMPOTENCY_TTL = 86_400.0


# -- bodies ---------------------------------------------------------------------------------------------------------


class Target(ApiModel):
    instance_id: uuid.UUID
    to: str = Field(min_length=1, max_length=255, description="a platform chat/user id, or a person UUID")


class Mention(ApiModel):
    id: str = Field(min_length=1, max_length=255)
    type: Literal["user", "role", "channel", "everyone", "here"] = "user"


class SendText(Target):
    text: str = Field(min_length=1, max_length=100_000)
    reply_to: str | None = Field(None, max_length=255, description="external id of the message to quote")
    mentions: list[Mention] = Field(default_factory=list, max_length=100)


class SendMedia(Target):
    type: Literal["image", "audio", "video", "document"]
    url: str | None = Field(None, max_length=4000, pattern=r"^https?://")
    base64: str | None = Field(None, max_length=140_000_000)
    mime_type: str | None = Field(None, max_length=255)
    filename: str | None = Field(None, max_length=255)
    caption: str | None = Field(None, max_length=10_000)
    voice_note: bool = False
    reply_to: str | None = Field(None, max_length=255)

    @model_validator(mode="after")
    def _one_source(self) -> SendMedia:
        if (self.url is None) == (self.base64 is None):
            raise ValueError("give exactly one of url or base64 (or upload the file as multipart/form-data)")
        return self


class SendReaction(Target):
    message_id: str = Field(min_length=1, max_length=255, description="omni message UUID or the platform's id")
    emoji: str = Field(max_length=64, description="empty removes our reaction")


class SendSticker(Target):
    url: str | None = Field(None, max_length=4000, pattern=r"^https?://")
    base64: str | None = Field(None, max_length=10_000_000)

    @model_validator(mode="after")
    def _one_source(self) -> SendSticker:
        if (self.url is None) == (self.base64 is None):
            raise ValueError("give exactly one of url or base64")
        return self


class SendContact(Target):
    name: str = Field(min_length=1, max_length=255)
    phone: str | None = Field(None, max_length=64)
    email: str | None = Field(None, max_length=255)
    organization: str | None = Field(None, max_length=255)


class SendLocation(Target):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    name: str | None = Field(None, max_length=255)
    address: str | None = Field(None, max_length=1000)


class SendPoll(Target):
    question: str = Field(min_length=1, max_length=300)
    answers: list[str] = Field(min_length=2, max_length=10)
    duration_hours: int | None = Field(None, ge=1, le=168)
    multi_select: bool = False

    @model_validator(mode="after")
    def _answers(self) -> SendPoll:
        if any(not a or len(a) > 55 for a in self.answers):
            raise ValueError("each answer is 1 to 55 characters")
        return self


class EmbedField(ApiModel):
    name: str = Field(min_length=1, max_length=256)
    value: str = Field(min_length=1, max_length=1024)
    inline: bool = False


class SendEmbed(Target):
    title: str | None = Field(None, max_length=256)
    description: str | None = Field(None, max_length=4096)
    url: str | None = Field(None, max_length=2000)
    color: int | None = Field(None, ge=0, le=0xFFFFFF)
    fields: list[EmbedField] = Field(default_factory=list, max_length=25)
    footer: str | None = Field(None, max_length=2048)
    image_url: str | None = Field(None, max_length=2000)


class SendPresence(Target):
    type: Literal["typing", "recording", "paused"] = "typing"


class SendForward(Target):
    message_id: str = Field(min_length=1, max_length=255)
    from_chat_id: str = Field(min_length=1, max_length=255)


class ReadOne(ApiModel):
    instance_id: uuid.UUID | None = None


class ReadBatch(ApiModel):
    instance_id: uuid.UUID
    chat_id: str = Field(min_length=1, max_length=255)
    message_ids: list[str] = Field(min_length=1, max_length=100)


class EditChannel(ApiModel):
    instance_id: uuid.UUID
    chat_id: str = Field(min_length=1, max_length=255)
    message_id: str = Field(min_length=1, max_length=255)
    text: str = Field(min_length=1, max_length=100_000)


class DeleteChannel(ApiModel):
    instance_id: uuid.UUID
    chat_id: str = Field(min_length=1, max_length=255)
    message_id: str = Field(min_length=1, max_length=255)
    from_me: bool = True


class SendQuery(ApiModel):
    async_: bool = Field(False, alias="async")
    wait: float = Field(DEFAULT_WAIT, ge=0, le=30, description="seconds to wait for the platform")


class SendOut(BaseModel):
    message_id: str | None = Field(alias="messageId")
    external_message_id: str | None = Field(alias="externalMessageId")
    status: Literal["sent", "queued"]
    instance_id: str = Field(alias="instanceId")
    to: str
    timestamp: str


class SendData(BaseModel):
    data: SendOut


# -- the one path every send takes -----------------------------------------------------------------------------------


def _error(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> ApiError:
    return ApiError(status, code, message, details or {})


_INSTANCES: dict[uuid.UUID, tuple[float, dict[str, Any]]] = {}
INSTANCE_TTL = 5.0  # an instance's channel never changes; a deleted one is caught by the insert's foreign key


async def _instance(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    check_instance(request, instance_id)
    cached = _INSTANCES.get(instance_id)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    client = Tortoise.get_connection("default")
    async with client.acquire_connection() as conn:
        row = await conn.fetchrow("select id, channel, is_active from instances where id = $1", instance_id)
    if row is None:
        _INSTANCES.pop(instance_id, None)
        raise _error(404, NOT_FOUND, f"no instance {instance_id}", {"fields": {"instanceId": ["not found"]}})
    if len(_INSTANCES) > 10_000:
        _INSTANCES.clear()
    _INSTANCES[instance_id] = (time.monotonic() + INSTANCE_TTL, dict(row))
    return dict(row)


def _capable(request: Request, channel: str, kind: str) -> None:
    cls = request.app.ctx.plugins.channels.get(channel)
    if cls is None:
        raise _error(400, "CHANNEL_NOT_AVAILABLE", f"no loaded plugin provides the {channel!r} channel",
                     {"channel": channel})  # fmt: skip
    flag = NEEDS[kind]
    if not getattr(cls.capabilities, flag):
        raise _error(400, CAPABILITY_NOT_SUPPORTED, f"the {channel} channel cannot {kind.replace('_', ' ')}",
                     {"channel": channel, "capability": flag})  # fmt: skip


UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


async def _recipient(instance: dict[str, Any], to: str) -> str:
    """A person UUID becomes that person's id on the instance; anything else is a platform id."""
    if not UUID_RE.match(to):
        return to
    conn = Tortoise.get_connection("default")
    person = await conn.execute_query_dict("select 1 from persons where id = $1", [uuid.UUID(to)])
    if not person:
        return to  # a platform id that happens to look like a UUID
    rows = await conn.execute_query_dict(
        "select platform_user_id from platform_identities where person_id = $1 and instance_id = $2 "
        "order by last_seen_at desc nulls last limit 1", [uuid.UUID(to), instance["id"]])  # fmt: skip
    if not rows:
        raise _error(400, VALIDATION_ERROR, "this person has no identity on the instance's channel",
                     {"fields": {"to": ["person without an identity on this instance"]}})  # fmt: skip
    return rows[0]["platform_user_id"]


async def _record(instance: dict[str, Any], to: str, message_id: uuid.UUID, message_type: str, text: str | None,
                  media: Media | None, reply_to: str | None, **how: Any) -> dict[str, Any] | None:  # fmt: skip
    try:
        return await outbound.record(instance, to, message_id, message_type, text, media, reply_to, **how)
    except outbound.InstanceGone:
        _INSTANCES.pop(instance["id"], None)
        raise _error(404, NOT_FOUND, f"no instance {instance['id']}",
                     {"fields": {"instanceId": ["not found"]}}) from None  # fmt: skip


async def _idempotent(request: Request) -> tuple[Any, str] | None:
    key = request.headers.get("idempotency-key")
    if not key:
        return None
    if len(key) > 255:
        raise _error(400, VALIDATION_ERROR, "Idempotency-Key is at most 255 characters",
                     {"fields": {"Idempotency-Key": ["too long"]}})  # fmt: skip
    digest = hashlib.sha256(f"{principal_of(request).id}:{request.path}:{key}".encode()).hexdigest()
    try:
        return await asyncio.wait_for(request.app.ctx.idempotency(), 5), digest
    except Exception as exc:
        raise _error(503, "SERVICE_UNAVAILABLE", f"the idempotency store is unavailable ({type(exc).__name__}); "
                     "nothing was sent, try again") from None  # fmt: skip


async def _claim(kv: Any, digest: str, message_id: uuid.UUID) -> dict[str, Any]:
    """The first request with a key claims it for `message_id`; later ones get that claim, or the final answer."""
    while True:
        try:
            await kv.create(digest, orjson.dumps({"messageId": str(message_id)}))
            return {"messageId": str(message_id)}
        except KeyWrongLastSequenceError:
            with contextlib.suppress(KeyNotFoundError):
                entry = await kv.get(digest)
                if entry is not None and entry.value:
                    return orjson.loads(entry.value)


async def _answer(idem: tuple[Any, str] | None, status: int, body: dict[str, Any]) -> HTTPResponse:
    if idem is not None:
        kv, digest = idem
        with contextlib.suppress(Exception):
            await kv.put(digest, orjson.dumps({"status": status, "body": body}))
    return json_response(body, status=status)


async def send(request: Request, query: SendQuery, instance_id: uuid.UUID, to: str, kind: str, *,
               message_type: str | None = None, text: str | None = None, media: Media | None = None,
               reply_to: str | None = None, **fields: Any) -> HTTPResponse:  # fmt: skip
    instance = await _instance(request, instance_id)
    _capable(request, instance["channel"], kind)
    correlation = request.headers.get("x-correlation-id")
    if correlation is not None and len(correlation) > 255:
        raise _error(400, VALIDATION_ERROR, "X-Correlation-Id is at most 255 characters",
                     {"fields": {"X-Correlation-Id": ["too long"]}})  # fmt: skip
    idem = await _idempotent(request)
    message_id = uuid.uuid4()
    fresh = True  # no earlier attempt can have recorded or sent it
    if idem is not None:
        kv, digest = idem
        try:
            first = await asyncio.wait_for(_claim(kv, digest, message_id), 5)
        except Exception as exc:
            raise _error(503, "SERVICE_UNAVAILABLE", f"the idempotency store is unavailable ({type(exc).__name__}); "
                         "nothing was sent, try again") from None  # fmt: skip
        if "body" in first:
            return json_response(first["body"], status=first["status"], headers={"Idempotent-Replayed": "true"})
        claimed = uuid.UUID(first["messageId"])  # a retry after a crash resumes the same send, never a second
        fresh, message_id = claimed == message_id, claimed
    recipient = await _recipient(instance, to)
    record = message_type is not None
    command_id = str(message_id)
    message = Outbound(id=command_id, kind=kind, to=recipient, text=text, media=media, reply_to=reply_to, **fields)
    wait = not query.async_ and query.wait > 0
    deadline = time.monotonic() + (query.wait if wait else 0)
    waiters: Waiters = request.app.ctx.send_waiters
    waiting = await waiters.expect(command_id) if wait else None
    runner = _runner_here(request, instance_id) if record and wait else None
    try:
        # shielded from the row on: a client that hangs up leaves neither a half-done send nor a row nobody sends
        outcome = await asyncio.shield(_start(request.app.ctx, instance, message, message_type, correlation, runner,
                                              fresh=fresh, deadline=deadline if record and wait else None))  # fmt: skip
        if outcome is None and waiting is not None and deadline > time.monotonic():
            with contextlib.suppress(TimeoutError):
                outcome = await asyncio.wait_for(waiting, deadline - time.monotonic())
    finally:
        if waiting is not None:
            waiters.forget(command_id, waiting)
    return await _answer(idem, *_outcome(outcome, instance_id, recipient, command_id if record else None))


async def _start(ctx: Any, instance: dict[str, Any], message: Outbound, message_type: str | None,
                 correlation: str | None, runner: Any, *, fresh: bool, deadline: float | None) -> dict[str, Any] | None:  # fmt: skip
    """The send recorded (when it makes a message) and on its way: its outcome when known at once (sent before,
    sent now, refused), else None (queued for the instance's owner).

    - `runner` (the instance runs in this worker) and a `fresh` message (its id just made: no earlier attempt): it
      goes straight to the channel and is recorded once the platform answered, sent or failed. When it can't go
      now, it is recorded pending and queued, as resumed (it may have reached the platform: the owner looks first).
    - `deadline` (a new recorded message the request waits for) and the instance runs elsewhere: it is recorded
      pending, then its owner is asked directly to send it (`outbound.ask_owner`); queued if the owner can't or
      doesn't answer in time.
    - Anything else (a resumed message, `?async=true`, an action that makes no message): recorded, then queued."""
    recorded = message_type is not None
    try:
        if runner is not None and fresh and recorded:

            async def record(status: str, external: str | None, at: datetime) -> None:
                await _record(instance, message.to, uuid.UUID(message.id), message_type, message.text, message.media,
                              message.reply_to, status=status, external_id=external, at=at)  # fmt: skip

            outcome = await runner.send_now(message, correlation, record=record)
            if outcome is not None:
                return outcome
            await _record(instance, message.to, uuid.UUID(message.id), message_type, message.text, message.media,
                          message.reply_to)  # fmt: skip
            resumed = True
        else:
            resumed = False  # the message row was there already: a retry after a crash (Idempotency-Key)
            if recorded:
                already = await _record(instance, message.to, uuid.UUID(message.id), message_type, message.text,
                                        message.media, message.reply_to)  # fmt: skip
                resumed = already is not None
                if already is not None and already["delivery_status"] in outbound.SENT_STATES:
                    return {"status": "sent", "externalMessageId": already["external_id"]}
            if runner is None and deadline is not None and not resumed:
                outcome, resumed = await outbound.ask_owner(ctx.nats, instance, message, correlation=correlation,
                                                            timeout=deadline - time.monotonic())  # fmt: skip
                if outcome is not None:
                    return outcome
        await outbound.queue(ctx.js, instance, message, message_id=message.id if recorded else None,
                             correlation=correlation, resumed=resumed)  # fmt: skip
    except ApiError:
        raise
    except Exception as exc:
        raise _error(503, "SERVICE_UNAVAILABLE", f"the send could not be completed ({type(exc).__name__}); send it "
                     "again (with the same Idempotency-Key it is sent once)",
                     {"messageId": message.id if recorded else None}) from None  # fmt: skip
    return None


def _outcome(outcome: dict[str, Any] | None, instance_id: uuid.UUID, recipient: str,
             message_id: str | None) -> tuple[int, dict[str, Any]]:  # fmt: skip
    """The answer to a send: 201 sent, 502 refused by the platform, 202 still on its way (None)."""
    data = {"messageId": message_id, "instanceId": str(instance_id), "to": recipient,
            "timestamp": json_time(datetime.now(UTC))}  # fmt: skip
    if outcome is not None and outcome.get("status") == "failed":
        return 502, {"error": {"code": "SEND_FAILED", "message": f"the platform refused: {outcome.get('error')}",
                               "details": {"messageId": message_id, "instanceId": data["instanceId"]}}}  # fmt: skip
    if outcome is not None:
        return 201, {"data": {**data, "status": "sent", "externalMessageId": outcome.get("externalMessageId")}}
    return 202, {"data": {**data, "status": "queued", "externalMessageId": None}}


def _runner_here(request: Request, instance_id: uuid.UUID) -> Any:
    pipeline = getattr(request.app.ctx, "pipeline", None)
    runtime = pipeline.runtime if pipeline is not None else None
    return runtime.runner_here(str(instance_id)) if runtime is not None else None


# -- the routes ----------------------------------------------------------------------------------------------------


def _route(path: str, summary: str, body: type[BaseModel]) -> Any:
    return endpoint(bp, "POST", path, scope="messages:send", summary=summary, body=body, query=SendQuery,
                    response=SendData, status=201, tag="send")  # fmt: skip


@_route("/send", "Send a text message", SendText)
async def send_text(request: Request, body: SendText, query: SendQuery) -> HTTPResponse:
    mentions = [m.model_dump() for m in body.mentions]
    return await send(request, query, body.instance_id, body.to, "text", message_type="text", text=body.text,
                      reply_to=body.reply_to, mentions=mentions)  # fmt: skip


def _media_dir(request: Request) -> Path:
    return request.app.ctx.data_dir / "media" / "outbound"


def _save(request: Request, data: bytes, filename: str | None) -> str:
    folder = _media_dir(request) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = Path(filename or "file").name or "file"
    path = folder / name
    path.write_bytes(data)
    return str(path)


def _b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _error(400, VALIDATION_ERROR, "base64 is not valid base64",
                     {"fields": {"base64": ["not base64"]}}) from None  # fmt: skip


@_route("/send/media", "Send an image, audio, video or document (URL, base64 or a multipart upload)", SendMedia)
async def send_media(request: Request, body: SendMedia, query: SendQuery) -> HTTPResponse:
    path = None
    if body.base64 is not None:
        data = _b64(body.base64)
        await _instance(request, body.instance_id)  # access and existence before anything is written
        path = _save(request, data, body.filename)
    media = Media(url=body.url, path=path, mime_type=body.mime_type, filename=body.filename, caption=body.caption,
                  voice_note=body.voice_note)  # fmt: skip
    return await send(request, query, body.instance_id, body.to, "media", message_type=body.type, text=body.caption,
                      media=media, reply_to=body.reply_to)  # fmt: skip


@endpoint(bp, "POST", "/send/upload", scope="messages:send", summary="Send a file uploaded as multipart/form-data",
          query=SendQuery, response=SendData, status=201, tag="send")  # fmt: skip
async def send_upload(request: Request, query: SendQuery) -> HTTPResponse:
    """Form fields `instanceId`, `to`, `type` (image|audio|video|document), optional `caption`, `voiceNote`, `replyTo`;
    the file in `file`."""
    upload = request.files.get("file") if request.files else None
    if upload is None:
        raise _error(400, VALIDATION_ERROR, "no file", {"fields": {"file": ["required (multipart/form-data)"]}})
    if len(upload.body) > MAX_UPLOAD:
        raise _error(413, "PAYLOAD_TOO_LARGE", f"the file is larger than {MAX_UPLOAD} bytes")
    form = {k: v[0] for k, v in (request.form or {}).items() if v}
    target = validate(SendMedia, {"instanceId": form.get("instanceId"), "to": form.get("to"),
                                  "type": form.get("type"), "base64": "", "caption": form.get("caption"),
                                  "voiceNote": form.get("voiceNote") in ("true", "1"),
                                  "replyTo": form.get("replyTo")})  # fmt: skip
    await _instance(request, target.instance_id)  # access and existence before anything is written
    filename = (Path(upload.name or "file").name or "file")[:255]
    path = _save(request, upload.body, filename)
    media = Media(path=path, mime_type=(upload.type or None) and upload.type[:255], filename=filename,
                  size=len(upload.body), caption=target.caption, voice_note=target.voice_note)  # fmt: skip
    return await send(request, query, target.instance_id, target.to, "media", message_type=target.type,
                      text=target.caption, media=media, reply_to=target.reply_to)  # fmt: skip


async def _external_id(message_id: str) -> str:
    """An omni message UUID becomes its platform id; a platform id stays."""
    if UUID_RE.match(message_id):
        rows = await Tortoise.get_connection("default").execute_query_dict(
            "select external_id from messages where id = $1", [uuid.UUID(message_id)])  # fmt: skip
        if rows:
            return rows[0]["external_id"]
    return message_id


@_route("/send/reaction", "React to a message", SendReaction)
async def send_reaction(request: Request, body: SendReaction, query: SendQuery) -> HTTPResponse:
    return await send(request, query, body.instance_id, body.to, "reaction", emoji=body.emoji,
                      target=await _external_id(body.message_id))  # fmt: skip


@_route("/send/sticker", "Send a sticker", SendSticker)
async def send_sticker(request: Request, body: SendSticker, query: SendQuery) -> HTTPResponse:
    path = None
    if body.base64:
        data = _b64(body.base64)
        await _instance(request, body.instance_id)
        path = _save(request, data, "sticker.webp")
    media = Media(url=body.url, path=path, mime_type="image/webp")
    return await send(request, query, body.instance_id, body.to, "sticker", message_type="sticker", media=media)


@_route("/send/contact", "Send a contact card", SendContact)
async def send_contact(request: Request, body: SendContact, query: SendQuery) -> HTTPResponse:
    contact = Contact(name=body.name, phone=body.phone, email=body.email, organization=body.organization)
    return await send(request, query, body.instance_id, body.to, "contact", message_type="contact", text=body.name,
                      contact=contact)  # fmt: skip


@_route("/send/location", "Send a location", SendLocation)
async def send_location(request: Request, body: SendLocation, query: SendQuery) -> HTTPResponse:
    location = Location(lat=body.lat, lng=body.lng, name=body.name, address=body.address)
    return await send(request, query, body.instance_id, body.to, "location", message_type="location",
                      text=body.name or body.address, location=location)  # fmt: skip


@_route("/send/poll", "Send a poll", SendPoll)
async def send_poll(request: Request, body: SendPoll, query: SendQuery) -> HTTPResponse:
    poll = Poll(question=body.question, answers=body.answers, multi_select=body.multi_select,
                duration_hours=body.duration_hours)  # fmt: skip
    return await send(request, query, body.instance_id, body.to, "poll", message_type="poll", text=body.question,
                      poll=poll)  # fmt: skip


@_route("/send/embed", "Send an embed (rich card)", SendEmbed)
async def send_embed(request: Request, body: SendEmbed, query: SendQuery) -> HTTPResponse:
    embed = Embed(title=body.title, description=body.description, url=body.url, color=body.color,
                  fields=[f.model_dump() for f in body.fields], footer=body.footer, image_url=body.image_url)  # fmt: skip
    return await send(request, query, body.instance_id, body.to, "embed", message_type="text",
                      text=body.title or body.description, embed=embed)  # fmt: skip


@_route("/send/presence", "Show typing / recording / paused", SendPresence)
async def send_presence(request: Request, body: SendPresence, query: SendQuery) -> HTTPResponse:
    return await send(request, query, body.instance_id, body.to, "presence", presence=body.type)


@_route("/send/forward", "Forward a message", SendForward)
async def send_forward(request: Request, body: SendForward, query: SendQuery) -> HTTPResponse:
    return await send(request, query, body.instance_id, body.to, "forward", message_type="text",
                      target=await _external_id(body.message_id), from_chat=body.from_chat_id)  # fmt: skip


# -- platform actions ----------------------------------------------------------------------------------------------


async def _stored(request: Request, message_id: uuid.UUID) -> dict[str, Any]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "select m.id, m.instance_id, m.external_id, c.external_id as chat from messages m join chats c on c.id = m.chat_id "
        "where m.id = $1", [message_id])  # fmt: skip
    if not rows:
        raise _error(404, NOT_FOUND, f"no message {message_id}")
    check_instance(request, rows[0]["instance_id"])
    return rows[0]


def _action(path: str, summary: str, body: type[BaseModel] | None, method: str = "POST") -> Any:
    return endpoint(bp, method, path, scope="messages:send", summary=summary, body=body, query=SendQuery,
                    response=SendData, status=201, tag="send")  # fmt: skip


@_action("/<message_id:uuid>/read", "Mark a message read on the platform", None)
async def read_one(request: Request, message_id: uuid.UUID, query: SendQuery) -> HTTPResponse:
    row = await _stored(request, message_id)
    return await send(request, query, row["instance_id"], row["chat"], "read", target=row["external_id"])


@_action("/read", "Mark up to 100 messages of a chat read on the platform", ReadBatch)
async def read_batch(request: Request, body: ReadBatch, query: SendQuery) -> HTTPResponse:
    last = await _external_id(body.message_ids[-1])
    return await send(request, query, body.instance_id, body.chat_id, "read", target=last,
                      metadata={"messageIds": [await _external_id(m) for m in body.message_ids]})  # fmt: skip


@_action("/edit-channel", "Edit a sent message on the platform", EditChannel)
async def edit_channel(request: Request, body: EditChannel, query: SendQuery) -> HTTPResponse:
    return await send(request, query, body.instance_id, body.chat_id, "edit", text=body.text,
                      target=await _external_id(body.message_id))  # fmt: skip


@_action("/delete-channel", "Delete a message on the platform", DeleteChannel)
async def delete_channel(request: Request, body: DeleteChannel, query: SendQuery) -> HTTPResponse:
    return await send(request, query, body.instance_id, body.chat_id, "delete", target=await _external_id(body.message_id),
                      metadata={"fromMe": body.from_me})  # fmt: skip


@_action("/<message_id:uuid>/star", "Star a message on the platform", None)
async def star(request: Request, message_id: uuid.UUID, query: SendQuery) -> HTTPResponse:
    row = await _stored(request, message_id)
    return await send(request, query, row["instance_id"], row["chat"], "star", target=row["external_id"],
                      metadata={"starred": True})  # fmt: skip


@_action("/<message_id:uuid>/star", "Unstar a message on the platform", None, method="DELETE")
async def unstar(request: Request, message_id: uuid.UUID, query: SendQuery) -> HTTPResponse:
    row = await _stored(request, message_id)
    return await send(request, query, row["instance_id"], row["chat"], "star", target=row["external_id"],
                      metadata={"starred": False})  # fmt: skip
