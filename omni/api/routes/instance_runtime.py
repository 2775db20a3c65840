"""Driving an instance's connection: connect / disconnect / restart / logout, its status, its QR code and pairing.
The node that owns the instance acts (see `omni.channels.runtime`); any node answers."""

from __future__ import annotations

import contextlib
import time
import uuid
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field
from sanic import Blueprint, Request
from tortoise import Tortoise

from omni.api.auth import check_instance
from omni.api.errors import NOT_FOUND, ApiError
from omni.api.models import ApiModel, Data
from omni.api.routing import endpoint
from omni.bus import subjects

bp = Blueprint("instance_runtime", url_prefix="/instances")


class StatusOut(BaseModel):
    instance_id: str = Field(alias="instanceId")
    channel: str
    is_active: bool = Field(alias="isActive")
    state: str
    since: str | None = None
    message: str | None = None
    error: str | None = None
    owner: str | None = None
    details: dict[str, Any] | None = None


class QrOut(BaseModel):
    qr: str = Field(description="the QR payload (v2's name)")
    qr_code: str = Field(alias="qrCode", description="the same payload")
    expires_at: float | None = Field(None, alias="expiresAt", description="unix seconds")
    png: str | None = Field(None, description="with ?png=true: the QR as a data:image/png;base64 URL")


class QrQuery(ApiModel):
    png: bool = Field(False, description="also return the QR code as a PNG (a data URL)")


class DirectoryQuery(ApiModel):
    parent: str | None = Field(None, max_length=255, description="only this guild / workspace / community")
    search: str | None = Field(None, max_length=255, description="part of the name or id (any case)")
    limit: int = Field(1000, ge=1, le=5000)


class DirectoryEntry(BaseModel):
    """A contact or a group as the channel describes it (channels add fields of their own)."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str | None = None
    type: str | None = None
    parent_id: str | None = Field(None, alias="parentId")
    phone: str | None = None
    avatar_url: str | None = Field(None, alias="avatarUrl")
    is_bot: bool | None = Field(None, alias="isBot")
    member_count: int | None = Field(None, alias="memberCount")


class DirectoryPage(BaseModel):
    items: list[DirectoryEntry]
    meta: dict[str, Any]


class PairBody(ApiModel):
    phone_number: str | None = Field(None, max_length=32, pattern=r"^\+?[0-9]{6,20}$",
                                     description="with country code (v2's name)")  # fmt: skip
    phone: str | None = Field(None, max_length=32, pattern=r"^\+?[0-9]{6,20}$", description="the same")


class PairOut(BaseModel):
    code: str | None = Field(None, description="type it on the phone (XXXX-XXXX)")
    expires_in: int | None = Field(None, alias="expiresIn", description="seconds")
    result: dict[str, Any]


async def _row(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    check_instance(request, instance_id)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "select id, channel, is_active from instances where id = $1", [instance_id])  # fmt: skip
    if not rows:
        raise ApiError(404, NOT_FOUND, f"no instance {instance_id}")
    return rows[0]


async def _state(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    runtime = request.app.ctx.pipeline.runtime if request.app.ctx.pipeline else None
    return (await runtime.read_state(str(instance_id)) if runtime else None) or {"state": "disconnected"}


async def _status(request: Request, row: dict[str, Any]) -> dict[str, Any]:
    state = await _state(request, row["id"])
    if not row["is_active"] and state.get("state") == "connected":
        state = {**state, "state": "disconnected"}
    return {"data": {"instanceId": str(row["id"]), "channel": row["channel"], "isActive": row["is_active"],
                     **{k: state.get(k) for k in ("state", "since", "message", "error", "owner", "details")}}}  # fmt: skip


async def _broadcast(request: Request, instance_id: uuid.UUID, action: str) -> None:
    nc = request.app.ctx.nats
    # the owner acts first (a logout needs the runner), then every node rescans
    await nc.publish(subjects.instance_control(instance_id),
                     orjson.dumps({"instanceId": str(instance_id), "action": action}))  # fmt: skip
    await nc.publish(subjects.instances_changed(), b"")
    await nc.flush(timeout=2)


async def _set_active(instance_id: uuid.UUID, active: bool) -> None:
    await Tortoise.get_connection("default").execute_query(
        "update instances set is_active = $2, updated_at = now() where id = $1", [instance_id, active])  # fmt: skip


@endpoint(bp, "GET", "/<instance_id:uuid>/status", scope="instances:read", summary="Connection status",
          response=Data[StatusOut])  # fmt: skip
async def status(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    """`state`: disconnected, connecting, connected, reconnecting, needs_auth or error (with `error`, the traceback)."""
    return await _status(request, await _row(request, instance_id))


class ConnectBody(ApiModel):
    token: str | None = Field(None, min_length=1, max_length=4096,
                              description="a bot token (Discord, Telegram, Slack): tried on the platform, then saved")  # fmt: skip
    force_new_qr: bool = Field(False, description="forget the pairing first (a new QR code)")


@endpoint(bp, "POST", "/<instance_id:uuid>/connect", scope="instances:write", summary="Connect (and keep connected)",
          body=ConnectBody, response=Data[StatusOut])  # fmt: skip
async def connect(request: Request, instance_id: uuid.UUID, body: ConnectBody) -> dict[str, Any]:
    """Marks the instance active: a node takes it and connects now, and at every boot after. With `token`, the token
    is checked on the platform (400 `AUTH_FAILED` when refused) and saved encrypted first; `forceNewQr` logs the
    session out first, so pairing starts over."""
    from omni.api.routes.instances import TOKEN_COLUMN, check_token
    from omni.db import crypto

    row = await _row(request, instance_id)
    if body.token:
        column = TOKEN_COLUMN.get(row["channel"])
        if column is None:
            raise ApiError(400, "VALIDATION_ERROR", f"a {row['channel']} instance takes no token",
                           {"fields": {"token": ["this channel takes no token"]}})  # fmt: skip
        config = (await Tortoise.get_connection("default").execute_query_dict(
            "select config from instances where id = $1", [instance_id]))[0]["config"]  # fmt: skip
        await check_token(
            request, row["channel"], body.token, orjson.loads(config) if isinstance(config, str) else config
        )
        await Tortoise.get_connection("default").execute_query(
            f"update instances set {column} = $2, updated_at = now() where id = $1",  # noqa: S608 (a fixed column name)
            [instance_id, crypto.encrypt(body.token)])  # fmt: skip
    if body.force_new_qr:
        with contextlib.suppress(Exception):  # no answer: it runs nowhere, and the session is forgotten below
            await request.app.ctx.nats.request(subjects.instance_control(instance_id),
                                               orjson.dumps({"instanceId": str(instance_id), "action": "logout"}),
                                               timeout=15)  # fmt: skip
    await _set_active(instance_id, True)
    await _broadcast(request, instance_id, "restart" if body.token else "connect")
    return await _status(request, {**row, "is_active": True})


@endpoint(bp, "POST", "/<instance_id:uuid>/disconnect", scope="instances:write", summary="Disconnect",
          response=Data[StatusOut])  # fmt: skip
async def disconnect(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    """Marks the instance inactive; its session is kept (connect resumes it)."""
    row = await _row(request, instance_id)
    await _set_active(instance_id, False)
    await _broadcast(request, instance_id, "disconnect")
    return await _status(request, {**row, "is_active": False})


@endpoint(bp, "POST", "/<instance_id:uuid>/restart", scope="instances:write", summary="Reconnect",
          response=Data[StatusOut])  # fmt: skip
async def restart(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    row = await _row(request, instance_id)
    await _set_active(instance_id, True)
    nc = request.app.ctx.nats
    with contextlib.suppress(Exception):  # no answer: it runs nowhere yet, and the rescan below starts it
        await nc.request(subjects.instance_control(instance_id),
                         orjson.dumps({"instanceId": str(instance_id), "action": "restart"}), timeout=15)  # fmt: skip
    await nc.publish(subjects.instances_changed(), b"")
    return await _status(request, {**row, "is_active": True})


@endpoint(bp, "POST", "/<instance_id:uuid>/logout", scope="instances:write",
          summary="Log out on the platform and disconnect", response=Data[StatusOut])  # fmt: skip
async def logout(request: Request, instance_id: uuid.UUID) -> dict[str, Any]:
    """The session is forgotten on the platform too (WhatsApp: the linked device is removed); connecting again needs
    a new QR code or token."""
    row = await _row(request, instance_id)
    nc = request.app.ctx.nats
    with contextlib.suppress(Exception):  # no answer: it runs nowhere (its session is forgotten at the next connect)
        await nc.request(subjects.instance_control(instance_id),
                         orjson.dumps({"instanceId": str(instance_id), "action": "logout"}), timeout=15)  # fmt: skip
    await _set_active(instance_id, False)
    await nc.publish(subjects.instances_changed(), b"")
    return await _status(request, {**row, "is_active": False})


@endpoint(bp, "GET", "/<instance_id:uuid>/qr", scope="instances:read", summary="The QR code to scan, while pairing",
          query=QrQuery, response=Data[QrOut])  # fmt: skip
async def qr(request: Request, instance_id: uuid.UUID, query: QrQuery) -> dict[str, Any]:
    await _row(request, instance_id)
    state = await _state(request, instance_id)
    expires = state.get("qrExpiresAt")
    if not state.get("qr") or (expires is not None and expires < time.time()):
        raise ApiError(404, NOT_FOUND, "no QR code right now: connect the instance, or it is already paired",
                       {"state": state.get("state")})  # fmt: skip
    data = {"qr": state["qr"], "qrCode": state["qr"], "expiresAt": expires}
    if query.png:
        import base64
        import io

        import segno

        buffer = io.BytesIO()
        segno.make(state["qr"], error="l").save(buffer, kind="png", scale=6, border=2)
        data["png"] = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"data": data}


@endpoint(bp, "POST", "/<instance_id:uuid>/pair", scope="instances:write",
          summary="Pair by phone number (a code to type on the phone)", body=PairBody, response=Data[PairOut])  # fmt: skip
async def pair(request: Request, instance_id: uuid.UUID, body: PairBody) -> dict[str, Any]:
    row = await _row(request, instance_id)
    cls = request.app.ctx.plugins.channels.get(row["channel"])
    if cls is None or not cls.capabilities.can_pair:
        raise ApiError(400, "CAPABILITY_NOT_SUPPORTED", f"the {row['channel']} channel does not pair",
                       {"capability": "can_pair"})  # fmt: skip
    if not (body.phone_number or body.phone):
        raise ApiError(400, "VALIDATION_ERROR", "the phone number to pair is missing",
                       {"fields": {"phoneNumber": ["required"]}})  # fmt: skip
    try:
        reply = await request.app.ctx.nats.request(
            subjects.instance_control(instance_id),
            orjson.dumps({"instanceId": str(instance_id), "action": "pair",
                         "args": {"phone": body.phone_number or body.phone}}), timeout=15)  # fmt: skip
    except Exception:
        raise ApiError(409, "NOT_CONNECTED", "the instance is not running on any node: connect it first") from None
    answer = orjson.loads(reply.data)
    if not answer.get("ok"):
        raise ApiError(409, "PAIRING_FAILED", str(answer.get("error")))
    result = answer.get("result") or {}
    return {
        "data": {
            "code": result.get("code"),
            "expiresIn": result.get("expiresIn", 60) if result.get("code") else None,
            "result": result,
        }
    }


async def _directory(request: Request, instance_id: uuid.UUID, action: str, query: DirectoryQuery) -> dict[str, Any]:
    row = await _row(request, instance_id)
    state = (await _status(request, row))["data"]["state"]
    if state != "connected":  # answered now: nobody would answer the request below
        raise ApiError(409, "NOT_CONNECTED", f"the instance is {state}: connect it first", {"state": state})
    try:
        reply = await request.app.ctx.nats.request(
            subjects.instance_control(instance_id),
            orjson.dumps({"instanceId": str(instance_id), "action": action, "args": {"parent": query.parent}}),
            timeout=30)  # fmt: skip
    except Exception:
        raise ApiError(409, "NOT_CONNECTED", "the instance is not running on any node: connect it first") from None
    answer = orjson.loads(reply.data)
    if not answer.get("ok"):
        raise ApiError(409, "NOT_CONNECTED" if "not connected" in str(answer.get("error")) else "CHANNEL_ERROR",
                       str(answer.get("error")))  # fmt: skip
    items = [i for i in (answer.get("result") or {}).get("items") or [] if isinstance(i, dict) and i.get("id")]
    if query.search:
        needle = query.search.lower()
        items = [i for i in items if needle in str(i.get("name") or "").lower() or needle in str(i["id"]).lower()]
    items.sort(key=lambda i: (str(i.get("name") or "").lower(), str(i["id"])))
    return {"items": [{**i, "id": str(i["id"])} for i in items[: query.limit]],
            "meta": {"total": len(items), "hasMore": len(items) > query.limit, "cursor": None}}  # fmt: skip


@endpoint(bp, "GET", "/<instance_id:uuid>/contacts", scope="instances:read",
          summary="The people the account can reach (from the platform, live)", query=DirectoryQuery,
          response=DirectoryPage)  # fmt: skip
async def contacts(request: Request, instance_id: uuid.UUID, query: DirectoryQuery) -> dict[str, Any]:
    """Asked of the platform now (not the stored persons): Discord guild members, WhatsApp contacts …; `parent`
    limits them to one guild / workspace / community."""
    return await _directory(request, instance_id, "contacts", query)


@endpoint(bp, "GET", "/<instance_id:uuid>/groups", scope="instances:read",
          summary="The groups the account is in (from the platform, live)", query=DirectoryQuery,
          response=DirectoryPage)  # fmt: skip
async def groups(request: Request, instance_id: uuid.UUID, query: DirectoryQuery) -> dict[str, Any]:
    """Discord guilds and their channels and threads, WhatsApp groups …; `parent` limits them to one guild."""
    return await _directory(request, instance_id, "groups", query)
