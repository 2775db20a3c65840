"""An instance's account and groups on the platform (check numbers, profile, blocklist, privacy, calls, group create /
invite / join / picture / participants) and its sync jobs. The node that owns the instance asks the channel
(`omni.channels.runtime.Runtime._call`); a channel that cannot do something answers 400 `CAPABILITY_NOT_SUPPORTED`."""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import os
import re
import socket
import time
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import httpx
import orjson
from nats.errors import NoRespondersError
from pydantic import BaseModel, Field, field_validator, model_validator
from sanic import Blueprint, Request
from tortoise import Tortoise

from omni.api.errors import NOT_FOUND, VALIDATION_ERROR, ApiError
from omni.api.models import ApiModel, Data, Out
from omni.api.routes.instance_runtime import _row, _status
from omni.api.routing import endpoint
from omni.bus import subjects
from omni.channels.sync import DEPTHS, SYNC_TYPES

bp = Blueprint("instance_account", url_prefix="/instances")

PICTURE_MAX = 5 * 1024 * 1024
PICTURE_FETCH = 10.0  # seconds to download a picture URL
CALL_WAIT = 25.0  # under the server's 30 s response timeout; the node gives the platform 20 s
CODES = {"VALIDATION_ERROR": 400, "CAPABILITY_NOT_SUPPORTED": 400, "NOT_FOUND": 404, "FORBIDDEN": 403,
         "NOT_CONNECTED": 409, "CHANNEL_TIMEOUT": 504}  # fmt: skip


async def ready(request: Request, instance_id: uuid.UUID, method: str) -> None:
    """400 when the channel cannot do `method`, 409 when the instance is not connected (checked before any work)."""
    row = await _row(request, instance_id)
    cls = request.app.ctx.plugins.channels.get(row["channel"])
    if cls is None or not cls.supports(method):
        raise ApiError(400, "CAPABILITY_NOT_SUPPORTED",
                       f"the {row['channel']} channel cannot {method.replace('_', ' ')}", {"method": method})  # fmt: skip
    state = (await _status(request, row))["data"]["state"]
    if state != "connected":
        raise ApiError(409, "NOT_CONNECTED", f"the instance is {state}: connect it first", {"state": state})


async def call(request: Request, instance_id: uuid.UUID, method: str, *, checked: bool = False, **kwargs: Any) -> Any:
    """`method` of the instance's channel on the node that owns it; its answer, or the API error it maps to."""
    if not checked:
        await ready(request, instance_id, method)
    if isinstance(kwargs.get("data"), bytes):
        kwargs["data"] = base64.b64encode(kwargs["data"]).decode()
    message = orjson.dumps({"instanceId": str(instance_id), "action": "call",
                            "args": {"method": method, "kwargs": kwargs}})  # fmt: skip
    nc = request.app.ctx.nats
    if len(message) > nc.max_payload:
        raise ApiError(413, "PAYLOAD_TOO_LARGE", f"too large for the message bus ({nc.max_payload} bytes)",
                       {"fields": {"base64": ["too large"]}})  # fmt: skip
    try:
        reply = await nc.request(subjects.instance_control(instance_id), message, timeout=CALL_WAIT)
    except NoRespondersError:
        raise ApiError(409, "NOT_CONNECTED", "the instance is not running on any node: connect it first") from None
    except TimeoutError:
        raise ApiError(504, "CHANNEL_TIMEOUT", f"no answer from the platform in {CALL_WAIT:g}s; the action may still "
                       "have been applied: check before repeating it") from None  # fmt: skip
    answer = orjson.loads(reply.data)
    if not answer.get("ok"):
        code = str(answer.get("code") or "CHANNEL_ERROR")
        raise ApiError(CODES.get(code, 502), code if code in CODES else "CHANNEL_ERROR", str(answer.get("error")))
    return answer.get("result")


def _public(url: str) -> None:
    """Refuse URLs that point into the server's own network (loopback, private, link-local, cloud metadata): a key
    must not make the server fetch what only the server can reach. `OMNI_ALLOW_PRIVATE_URLS=1` allows them."""
    if os.environ.get("OMNI_ALLOW_PRIVATE_URLS") == "1":
        return
    host = httpx.URL(url).host
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        raise ApiError(
            400, VALIDATION_ERROR, f"cannot resolve {host!r}", {"fields": {"url": ["unknown host"]}}
        ) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise ApiError(400, VALIDATION_ERROR, "the URL points into a private network",
                           {"fields": {"url": ["not a public address"]}})  # fmt: skip


async def _download(url: str) -> bytes:
    try:
        await asyncio.get_running_loop().run_in_executor(None, _public, url)
        async with (
            asyncio.timeout(PICTURE_FETCH),
            httpx.AsyncClient(timeout=PICTURE_FETCH) as client,
            client.stream("GET", url) as response,
        ):
            response.raise_for_status()
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > PICTURE_MAX:
                    raise ApiError(413, "PAYLOAD_TOO_LARGE", f"the picture is over {PICTURE_MAX} bytes",
                                   {"fields": {"url": ["too large"]}})  # fmt: skip
                chunks.append(chunk)
            return b"".join(chunks)
    except ApiError:
        raise
    except TimeoutError:
        raise ApiError(400, VALIDATION_ERROR, f"the picture did not download in {PICTURE_FETCH:g}s",
                       {"fields": {"url": ["too slow"]}}) from None  # fmt: skip
    except Exception as exc:  # bad URL, refused, HTTP error …: the caller's URL, never a 500
        raise ApiError(400, VALIDATION_ERROR, "could not download the picture",
                       {"fields": {"url": [type(exc).__name__]}}) from None  # fmt: skip


async def _picture(body: PictureBody) -> bytes:
    if body.base64 is not None:
        value = re.sub(r"\s+", "", body.base64)
        value = re.sub(r"^data:[\w/+.-]+;base64,", "", value)
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, VALIDATION_ERROR, "base64 is not valid base64",
                           {"fields": {"base64": ["not base64"]}}) from None  # fmt: skip
    else:
        data = await _download(str(body.url))
    if not data:
        raise ApiError(400, VALIDATION_ERROR, "the picture is empty", {"fields": {"base64": ["empty"]}})
    if len(data) > PICTURE_MAX:
        raise ApiError(413, "PAYLOAD_TOO_LARGE", f"the picture is over {PICTURE_MAX} bytes",
                       {"fields": {"base64": ["too large"]}})  # fmt: skip
    if not data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        field = "base64" if body.base64 is not None else "url"
        raise ApiError(
            400, VALIDATION_ERROR, "the picture must be a JPEG or a PNG", {"fields": {field: ["not JPEG/PNG"]}}
        )
    return data


# -- inputs and outputs -------------------------------------------------------------------------------------------------

Member = Annotated[str, Field(min_length=1, max_length=255)]


class CheckNumbersBody(ApiModel):
    phones: list[str] = Field(min_length=1, max_length=100, description="phone numbers, E.164 or digits")

    @field_validator("phones")
    @classmethod
    def _phones(cls, phones: list[str]) -> list[str]:
        bad = [p for p in phones if not (3 <= len(p) <= 32 and sum(c.isdigit() for c in p) >= 3
                                         and all(c.isdigit() or c in "+ ().-" for c in p))]  # fmt: skip
        if bad:
            raise ValueError(f"not phone numbers: {', '.join(bad[:5])}")
        return phones


class NumberOut(BaseModel):
    model_config = {"extra": "allow"}
    phone: str
    exists: bool
    id: str | None = None


class ProfileOut(BaseModel):
    model_config = {"extra": "allow"}
    id: str | None = None
    name: str | None = None
    status: str | None = None
    picture_url: str | None = Field(None, alias="pictureUrl")
    phone: str | None = None


class NameBody(ApiModel):
    name: str = Field(min_length=1, max_length=100)


class StatusBody(ApiModel):
    status: str = Field(max_length=500, description="the profile's status / about / bio text")


class PictureBody(ApiModel):
    base64: str | None = Field(None, max_length=8_000_000, description="JPEG or PNG, base64")
    url: str | None = Field(None, max_length=2000, pattern=r"^https?://", description="or a URL to fetch it from")

    @model_validator(mode="after")
    def _one(self) -> PictureBody:
        if (self.base64 is None) == (self.url is None):
            raise ValueError("give base64 or url (one of them)")
        return self


class BlockBody(ApiModel):
    user_id: str | None = Field(None, min_length=1, max_length=255, description="the platform's user id")
    phone: str | None = Field(None, min_length=3, max_length=32, pattern=r"^\+?[0-9][0-9 ().-]{2,30}$")

    @model_validator(mode="after")
    def _one(self) -> BlockBody:
        if (self.user_id is None) == (self.phone is None):
            raise ValueError("give userId or phone (one of them)")
        return self


class BlockOut(BaseModel):
    model_config = {"extra": "allow"}
    id: str
    blocked: bool


class BlocklistOut(BaseModel):
    items: list[str]
    meta: dict[str, Any]


class RejectCallBody(ApiModel):
    call_id: str = Field(min_length=1, max_length=255)
    call_from: str = Field(min_length=1, max_length=255, description="the caller's id, from the call event")


class Done(BaseModel):
    ok: bool


class GroupCreateBody(ApiModel):
    subject: str = Field(min_length=1, max_length=100)
    participants: list[Member] = Field(default_factory=list, max_length=1024,
                                    description="ids or phone numbers of the members")  # fmt: skip


class GroupOut(BaseModel):
    model_config = {"extra": "allow"}
    id: str
    name: str | None = None


class InviteOut(BaseModel):
    model_config = {"extra": "allow"}
    link: str
    code: str | None = None


class JoinBody(ApiModel):
    code: str = Field(min_length=4, max_length=300, description="the invite code, or the whole invite link")


class ParticipantsBody(ApiModel):
    action: Literal["add", "remove", "promote", "demote"]
    participants: list[Member] = Field(min_length=1, max_length=256)


class ParticipantResult(BaseModel):
    model_config = {"extra": "allow"}
    id: str
    status: str


class PictureOut(BaseModel):
    model_config = {"extra": "allow"}
    picture_id: str | None = Field(None, alias="pictureId")


def _jid(value: str) -> str:
    if not value or len(value) > 255 or any(c.isspace() for c in value):
        raise ApiError(400, VALIDATION_ERROR, "not a group id", {"fields": {"groupId": ["not a group id"]}})
    return value


# -- account ------------------------------------------------------------------------------------------------------------


@endpoint(bp, "POST", "/<instance_id:uuid>/check-number", scope="instances:read",
          summary="Which phone numbers have an account on the platform", body=CheckNumbersBody,
          response=Data[list[NumberOut]])  # fmt: skip
async def check_number(request: Request, instance_id: uuid.UUID, body: CheckNumbersBody) -> dict[str, Any]:
    """Up to 100 numbers per call; answered in the order asked, with the account id where one exists."""
    return {"data": await call(request, instance_id, "check_numbers", phones=body.phones)}


@endpoint(bp, "GET", "/<instance_id:uuid>/profile", scope="instances:read",
          summary="The account's own profile (live from the platform)", response=Data[ProfileOut])  # fmt: skip
async def profile(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    return {"data": await call(request, instance_id, "get_profile", user_id=None)}


@endpoint(bp, "GET", "/<instance_id:uuid>/users/<user_id:str>/profile", scope="instances:read",
          summary="Someone's profile (live from the platform)", response=Data[ProfileOut])  # fmt: skip
async def user_profile(request: Request, instance_id: uuid.UUID, user_id: str) -> dict[str, Any]:
    if len(user_id) > 255:
        raise ApiError(400, VALIDATION_ERROR, "userId is too long", {"fields": {"userId": ["too long"]}})
    return {"data": await call(request, instance_id, "get_profile", user_id=user_id)}


@endpoint(bp, "PUT", "/<instance_id:uuid>/profile/name", scope="instances:write",
          summary="Change the account's display name", body=NameBody, response=Data[ProfileOut])  # fmt: skip
async def profile_name(request: Request, instance_id: uuid.UUID, body: NameBody) -> dict[str, Any]:
    result = await call(request, instance_id, "update_profile", name=body.name)
    await Tortoise.get_connection("default").execute_query(
        "update instances set profile_name = $2, updated_at = now() where id = $1", [instance_id, body.name])  # fmt: skip
    return {"data": result}


@endpoint(bp, "PUT", "/<instance_id:uuid>/profile/status", scope="instances:write",
          summary="Change the account's status (about / bio)", body=StatusBody, response=Data[ProfileOut])  # fmt: skip
async def profile_status(request: Request, instance_id: uuid.UUID, body: StatusBody) -> dict[str, Any]:
    result = await call(request, instance_id, "update_profile", status=body.status)
    await Tortoise.get_connection("default").execute_query(
        "update instances set profile_bio = $2, updated_at = now() where id = $1", [instance_id, body.status])  # fmt: skip
    return {"data": result}


@endpoint(bp, "PUT", "/<instance_id:uuid>/profile/picture", scope="instances:write",
          summary="Set the account's picture", body=PictureBody, response=Data[PictureOut])  # fmt: skip
async def profile_picture(request: Request, instance_id: uuid.UUID, body: PictureBody) -> dict[str, Any]:
    await ready(request, instance_id, "set_profile_picture")
    data = await _picture(body)
    return {"data": await call(request, instance_id, "set_profile_picture", checked=True, data=data)}


@endpoint(bp, "DELETE", "/<instance_id:uuid>/profile/picture", scope="instances:write",
          summary="Remove the account's picture", response=Data[PictureOut])  # fmt: skip
async def remove_profile_picture(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    return {"data": await call(request, instance_id, "set_profile_picture", data=None)}


async def _block(request: Request, instance_id: uuid.UUID, body: BlockBody, blocked: bool) -> dict[str, Any]:
    return {"data": await call(request, instance_id, "set_blocked", user_id=body.user_id or body.phone,
                               blocked=blocked)}  # fmt: skip


@endpoint(bp, "POST", "/<instance_id:uuid>/block", scope="instances:write", summary="Block a user", body=BlockBody,
          response=Data[BlockOut])  # fmt: skip
async def block(request: Request, instance_id: uuid.UUID, body: BlockBody) -> dict[str, Any]:
    return await _block(request, instance_id, body, True)


@endpoint(bp, "DELETE", "/<instance_id:uuid>/block", scope="instances:write", summary="Unblock a user",
          body=BlockBody, response=Data[BlockOut])  # fmt: skip
async def unblock(request: Request, instance_id: uuid.UUID, body: BlockBody) -> dict[str, Any]:
    return await _block(request, instance_id, body, False)


@endpoint(bp, "GET", "/<instance_id:uuid>/blocklist", scope="instances:read", summary="The users the account blocked",
          response=BlocklistOut)  # fmt: skip
async def blocklist(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    items = [str(i) for i in await call(request, instance_id, "fetch_blocklist")]
    return {"items": items, "meta": {"total": len(items), "hasMore": False, "cursor": None}}


@endpoint(bp, "GET", "/<instance_id:uuid>/privacy", scope="instances:read", summary="The account's privacy settings",
          response=Data[dict[str, Any]])  # fmt: skip
async def privacy(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    return {"data": await call(request, instance_id, "fetch_privacy")}


@endpoint(bp, "POST", "/<instance_id:uuid>/calls/reject", scope="instances:write", summary="Reject an incoming call",
          body=RejectCallBody, response=Data[Done])  # fmt: skip
async def reject_call(request: Request, instance_id: uuid.UUID, body: RejectCallBody) -> dict[str, Any]:
    await call(request, instance_id, "reject_call", call_id=body.call_id, call_from=body.call_from)
    return {"data": {"ok": True}}


# -- groups -------------------------------------------------------------------------------------------------------------


@endpoint(bp, "POST", "/<instance_id:uuid>/groups", scope="instances:write", summary="Create a group",
          body=GroupCreateBody, response=Data[GroupOut], status=201)  # fmt: skip
async def create_group(request: Request, instance_id: uuid.UUID, body: GroupCreateBody) -> dict[str, Any]:
    return {"data": await call(request, instance_id, "create_group", subject=body.subject,
                               participants=body.participants)}  # fmt: skip


@endpoint(bp, "POST", "/<instance_id:uuid>/groups/join", scope="instances:write", summary="Join a group by invite",
          body=JoinBody, response=Data[GroupOut])  # fmt: skip
async def join_group(request: Request, instance_id: uuid.UUID, body: JoinBody) -> dict[str, Any]:
    return {"data": await call(request, instance_id, "join_group", code=body.code.strip())}


@endpoint(bp, "GET", "/<instance_id:uuid>/groups/<group_id:str>/invite", scope="instances:write",
          summary="A group's invite link", response=Data[InviteOut])  # fmt: skip
async def group_invite(request: Request, instance_id: uuid.UUID, group_id: str) -> dict[str, Any]:
    return {"data": await call(request, instance_id, "group_invite_link", group_id=_jid(group_id), revoke=False)}


@endpoint(bp, "POST", "/<instance_id:uuid>/groups/<group_id:str>/invite/revoke", scope="instances:write",
          summary="Revoke a group's invite link (a new one replaces it)", response=Data[InviteOut])  # fmt: skip
async def revoke_group_invite(request: Request, instance_id: uuid.UUID, group_id: str) -> dict[str, Any]:
    return {"data": await call(request, instance_id, "group_invite_link", group_id=_jid(group_id), revoke=True)}


@endpoint(bp, "PUT", "/<instance_id:uuid>/groups/<group_id:str>/picture", scope="instances:write",
          summary="Set a group's picture", body=PictureBody, response=Data[PictureOut])  # fmt: skip
async def group_picture(request: Request, instance_id: uuid.UUID, group_id: str, body: PictureBody) -> dict[str, Any]:
    _jid(group_id)
    await ready(request, instance_id, "set_group_picture")
    data = await _picture(body)
    return {"data": await call(request, instance_id, "set_group_picture", checked=True, group_id=group_id,
                               data=data)}  # fmt: skip


@endpoint(bp, "POST", "/<instance_id:uuid>/groups/<group_id:str>/participants", scope="instances:write",
          summary="Add, remove, promote or demote group members", body=ParticipantsBody,
          response=Data[list[ParticipantResult]])  # fmt: skip
async def group_participants(request: Request, instance_id: uuid.UUID, group_id: str,
                             body: ParticipantsBody) -> dict[str, Any]:  # fmt: skip
    return {"data": await call(request, instance_id, "update_group_participants", group_id=_jid(group_id),
                               action=body.action, participants=body.participants)}  # fmt: skip


# -- sync jobs ----------------------------------------------------------------------------------------------------------


class SyncBody(ApiModel):
    type: Literal[SYNC_TYPES] = "all"  # type: ignore[valid-type]
    depth: Literal[tuple(DEPTHS)] = "7d"  # type: ignore[valid-type]
    channel_id: str | None = Field(None, min_length=1, max_length=255, description="only this chat (messages)")
    download_media: bool = Field(
        False,
        description="kept for v2 clients; media of synced messages is downloaded as "
        "the channel's own setting says (WhatsApp: `downloadMedia`)",
    )
    wait: float | None = Field(None, ge=0, le=25, description="seconds to wait for the job to end before answering")


class SyncJobOut(Out):
    id: str
    instance_id: str
    channel: str
    type: str
    status: str
    config: dict[str, Any]
    progress: dict[str, Any]
    error_message: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None


class SyncJobPage(BaseModel):
    items: list[SyncJobOut]
    meta: dict[str, Any]


class SyncListQuery(ApiModel):
    limit: int = Field(20, ge=1, le=100)
    status: Literal["pending", "running", "completed", "failed", "cancelled"] | None = None


def _job(row: dict[str, Any]) -> dict[str, Any]:
    def load(value: Any) -> dict[str, Any]:
        return orjson.loads(value) if isinstance(value, str | bytes) else dict(value or {})

    return SyncJobOut(id=str(row["id"]), instance_id=str(row["instance_id"]), channel=row["channel"],
                      type=row["sync_type"], status=row["status"], config=load(row["config"]),
                      progress=load(row["progress"]), error_message=row["error_message"], created_at=row["created_at"],
                      started_at=row["started_at"], completed_at=row["completed_at"]).dump()  # fmt: skip


async def _job_row(job_id: uuid.UUID, instance_id: uuid.UUID) -> dict[str, Any] | None:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "select * from sync_jobs where id = $1 and instance_id = $2", [job_id, instance_id])  # fmt: skip
    return rows[0] if rows else None


@endpoint(bp, "POST", "/<instance_id:uuid>/sync", scope="instances:write",
          summary="Sync the profile, contacts, groups and/or past messages from the platform", body=SyncBody,
          response=Data[SyncJobOut], status=202)  # fmt: skip
async def start_sync(request: Request, instance_id: uuid.UUID, body: SyncBody) -> dict[str, Any]:
    """A job the node owning the instance runs now (or when the instance next connects; one cut short by a restart
    runs again). Past messages are stored once however often they are synced, marked `source: sync`, never counted
    unread and never sent to an agent. Watch `GET /instances/:id/sync/:jobId` or the `sync.progress` events;
    `wait` answers once the job ended (or after that many seconds)."""
    return await _start(request, instance_id, body)


async def _start(request: Request, instance_id: uuid.UUID, body: SyncBody) -> dict[str, Any]:
    row = await _row(request, instance_id)
    cls = request.app.ctx.plugins.channels.get(row["channel"])
    needs = {"contacts": "fetch_contacts", "groups": "fetch_groups", "messages": "fetch_history"}.get(body.type)
    if cls is None or (needs and not cls.supports(needs)):
        raise ApiError(400, "CAPABILITY_NOT_SUPPORTED", f"the {row['channel']} channel cannot sync {body.type}",
                       {"fields": {"type": [f"not supported by {row['channel']}"]}})  # fmt: skip
    config = {"depth": body.depth, "channelId": body.channel_id, "downloadMedia": body.download_media}
    job_id = uuid.uuid4()
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        "insert into sync_jobs (id, instance_id, channel, sync_type, status, config, progress, created_at, updated_at) "
        "values ($1, $2, $3, $4, 'pending', $5::jsonb, '{}', now(), now())",
        [job_id, instance_id, row["channel"], body.type, orjson.dumps(config).decode()])  # fmt: skip
    await request.app.ctx.nats.publish(
        subjects.instance_control(instance_id),
        orjson.dumps({"instanceId": str(instance_id), "action": "sync", "args": {"jobId": str(job_id)}}))  # fmt: skip
    deadline = time.monotonic() + (body.wait or 0)
    while True:
        job = await _job_row(job_id, instance_id)
        if job is None:  # the instance was deleted meanwhile
            raise ApiError(404, NOT_FOUND, f"no sync job {job_id} (the instance is gone)")
        if job["status"] in ("completed", "failed") or time.monotonic() >= deadline:
            return {"data": _job(job)}
        await asyncio.sleep(0.2)


@endpoint(bp, "POST", "/<instance_id:uuid>/sync/profile", scope="instances:write",
          summary="Sync the account's profile now (name, status, picture)", response=Data[SyncJobOut])  # fmt: skip
async def sync_profile(request: Request, instance_id: uuid.UUID) -> Any:
    """A `profile` sync job, answered once it ended (at most 15 s)."""
    return await _start(request, instance_id, SyncBody(type="profile", wait=15))


@endpoint(bp, "GET", "/<instance_id:uuid>/sync", scope="instances:read", summary="The instance's sync jobs",
          query=SyncListQuery, response=SyncJobPage)  # fmt: skip
async def list_syncs(request: Request, instance_id: uuid.UUID, query: SyncListQuery) -> dict[str, Any]:
    await _row(request, instance_id)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "select * from sync_jobs where instance_id = $1 and ($2::text is null or status = $2) "
        "order by created_at desc limit $3", [instance_id, query.status, query.limit + 1])  # fmt: skip
    return {"items": [_job(r) for r in rows[: query.limit]],
            "meta": {"hasMore": len(rows) > query.limit, "cursor": None}}  # fmt: skip


@endpoint(bp, "GET", "/<instance_id:uuid>/sync/<job_id:uuid>", scope="instances:read", summary="One sync job",
          response=Data[SyncJobOut])  # fmt: skip
async def get_sync(request: Request, instance_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, Any]:
    await _row(request, instance_id)
    job = await _job_row(job_id, instance_id)
    if job is None:
        raise ApiError(404, NOT_FOUND, f"no sync job {job_id} on this instance")
    return {"data": _job(job)}


@endpoint(bp, "POST", "/<instance_id:uuid>/sync/<job_id:uuid>/cancel", scope="instances:write",
          summary="Cancel a sync job", response=Data[SyncJobOut])  # fmt: skip
async def cancel_sync(request: Request, instance_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, Any]:
    """A pending job never starts; a running one stops after the page it is on (what it stored stays). 409 when it
    already ended."""
    await _row(request, instance_id)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "update sync_jobs set status = 'cancelled', completed_at = now(), updated_at = now() where id = $1 and "
        "instance_id = $2 and status in ('pending', 'running') returning *", [job_id, instance_id])  # fmt: skip
    if not rows:
        job = await _job_row(job_id, instance_id)
        if job is None:
            raise ApiError(404, NOT_FOUND, f"no sync job {job_id} on this instance")
        raise ApiError(409, "CONFLICT", f"the job already ended ({job['status']})", {"status": job["status"]})
    return {"data": _job(rows[0])}
