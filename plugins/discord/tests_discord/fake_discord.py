"""A fake Discord (REST API v10 + gateway websocket) on 127.0.0.1 for the Discord plugin's tests.

The real discord.py client talks to it: ``FakeDiscord`` points ``discord.http.Route.BASE`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` at itself while it runs (``patch=True``, the default).

    async with FakeDiscord() as fake:
        guild = fake.add_guild("Test Guild")
        general = fake.add_channel(guild["id"], "general")
        alice = fake.add_user("alice")
        fake.add_member(guild["id"], alice["id"])
        client = discord.Client(intents=discord.Intents.all(), guild_ready_timeout=0.05)
        async with running(client, fake.token):
            await fake.post_message(alice["id"], general["id"], "hello")   # MESSAGE_CREATE -> on_message
            sent = await fake.wait_for_message(general["id"])               # what the bot sent over REST

State lives in memory; every id is a snowflake string. Shapes follow Discord's JSON (see discord/types/*.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import math
import re
import secrets
import socket
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1420070400000

# message flags
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# default permissions: @everyone gets Discord's default set, the bot's managed role gets ADMINISTRATOR
DEFAULT_EVERYONE_PERMISSIONS = "2222085186637376"
ADMINISTRATOR = "8"

OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}


def _json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Content-Type must be exactly "application/json": discord.py compares the header verbatim and
    # web.json_response() would add "; charset=utf-8".
    resp = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    resp.headers["Content-Type"] = "application/json"
    return resp


def _error(status: int, message: str, code: int = 0) -> web.Response:
    return _json_response({"message": message, "code": code}, status=status)


def _sid(value: Any) -> str:
    """A snowflake as Discord sends it (a string); accepts ints, strings and dicts with an "id"."""
    if isinstance(value, dict):
        value = value["id"]
    elif hasattr(value, "id") and not isinstance(value, (str, int)):
        value = value.id
    return str(int(value))


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()


def _pattern(path_pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    """'/channels/{id}/messages' or '/channels/*/messages' or a compiled regex -> a full-match regex."""
    if isinstance(path_pattern, re.Pattern):
        return path_pattern
    path = path_pattern.removeprefix(API_PREFIX)
    rx = re.escape(path)
    rx = re.sub(r"\\\{[^}]*\\\}", "[^/]+", rx)
    rx = rx.replace(r"\*", ".*")
    return re.compile(rx)


@dataclass
class UploadedFile:
    field: str  # "files[0]"
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    method: str
    path: str  # without /api/v10, percent-decoded
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any = None  # the JSON body, or the multipart payload_json
    files: list[UploadedFile] = field(default_factory=list)
    status: int | None = None  # the status the fake answered

    @property
    def authorized(self) -> bool:
        return "Authorization" in self.headers


@dataclass
class SentMessage:
    """A message the bot created with POST /channels/{id}/messages."""

    channel_id: str
    payload: dict[str, Any]  # exactly as received (embeds, poll, components, allowed_mentions, ...)
    message: dict[str, Any]  # the Discord message object the fake answered (and keeps in history)
    files: list[UploadedFile] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.message["id"]

    @property
    def content(self) -> str:
        return self.message["content"]

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.payload.get("embeds") or []

    @property
    def poll(self) -> dict[str, Any] | None:
        return self.payload.get("poll")

    @property
    def reference(self) -> dict[str, Any] | None:
        return self.payload.get("message_reference")


@dataclass
class RateLimitRule:
    method: str
    regex: re.Pattern[str]
    times: int
    retry_after: float
    global_: bool
    scope: str
    attempts: int = 0  # matching requests seen, limited or not
    limited: int = 0  # how many got a 429

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self.regex.fullmatch(path) is not None


@dataclass
class InteractionRecord:
    """An INTERACTION_CREATE the fake dispatched, and what the bot answered."""

    fake: FakeDiscord
    id: str
    token: str
    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)  # POST /interactions/{id}/{token}/callback bodies
    followups: list[dict[str, Any]] = field(default_factory=list)  # POST /webhooks/{app}/{token} payloads
    edits: list[dict[str, Any]] = field(default_factory=list)  # PATCH .../messages/@original (or {id}) payloads
    original: dict[str, Any] | None = None  # the response message, when the callback made one
    messages: list[dict[str, Any]] = field(default_factory=list)  # every message: original and follow-ups

    @property
    def response(self) -> dict[str, Any] | None:
        return self.callbacks[0] if self.callbacks else None

    async def wait_response(self, timeout: float = 5.0) -> dict[str, Any]:
        """The first callback body, e.g. {"type": 4, "data": {"content": ...}}."""
        await self.fake.wait_for(lambda: bool(self.callbacks), timeout)
        return self.callbacks[0]

    async def wait_followup(self, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        await self.fake.wait_for(lambda: len(self.followups) >= count, timeout)
        return self.followups[count - 1]

    async def wait_edit(self, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        await self.fake.wait_for(lambda: len(self.edits) >= count, timeout)
        return self.edits[count - 1]


class _Session:
    def __init__(self, session_id: str, token: str) -> None:
        self.id = session_id
        self.token = token
        self.seq = 0
        self.events: list[tuple[int, str, Any]] = []
        self.ws: web.WebSocketResponse | None = None
        self.request: web.Request | None = None
        self.lock = asyncio.Lock()

    @property
    def live(self) -> bool:
        return self.ws is not None and not self.ws.closed


class FakeDiscord:
    """One aiohttp server for REST (under /api/v10) and the gateway (websocket at /), on a free port."""

    def __init__(
        self,
        token: str = "fake-bot-token",  # noqa: S107 - a test token
        *,
        bot_name: str = "omni-bot",
        patch: bool = True,
        echo: bool = True,
        heartbeat_interval: int = 41250,
    ) -> None:
        self._snow_last = 0
        self.token = token
        self.tokens: set[str] = {token}  # valid bot tokens; discard one to make IDENTIFY fail with 4004
        self.bot_user = self._user_obj(self._snowflake(), bot_name, bot=True)
        self.app_id = self.bot_user["id"]
        self.owner = self._user_obj(self._snowflake(), "app-owner")
        self.patch = patch
        self.echo = echo  # gateway echoes of the bot's own REST actions (MESSAGE_CREATE/UPDATE/DELETE, reactions)
        self.heartbeat_interval = heartbeat_interval
        self.port = 0

        self.users: dict[str, dict[str, Any]] = {self.bot_user["id"]: self.bot_user, self.owner["id"]: self.owner}
        self.guilds: dict[str, dict[str, Any]] = {}  # id -> guild (with "channels", "threads", "roles", "members")
        self.channels: dict[str, dict[str, Any]] = {}  # every channel, thread and DM by id
        self.dm_channels: dict[str, str] = {}  # user id -> DM channel id
        self.messages: dict[str, dict[str, Any]] = {}  # every message by id
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel id -> messages, oldest first
        self.attachment_files: dict[str, bytes] = {}  # url path -> bytes
        self.stickers: dict[str, str] = {}  # sticker id -> name (for sticker_items)
        self.large_guilds: set[str] = set()

        self.requests: list[RecordedRequest] = []
        self.sent: list[SentMessage] = []
        self.edits: list[tuple[str, str, dict[str, Any]]] = []  # (channel_id, message_id, payload)
        self.deleted: list[tuple[str, str]] = []  # (channel_id, message_id)
        self.reactions: list[tuple[str, str, str, str]] = []  # (action "add"/"remove", channel_id, message_id, emoji)
        self.typing: list[str] = []  # channel ids
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self.rate_limits: list[RateLimitRule] = []

        # gateway
        self.identifies: list[dict[str, Any]] = []  # IDENTIFY payloads ("d")
        self.resumes: list[dict[str, Any]] = []  # RESUME payloads that succeeded
        self.invalid_sessions = 0
        self.heartbeats = 0
        self.presence_updates: list[dict[str, Any]] = []
        self.gateway_received: list[dict[str, Any]] = []  # every frame the client sent
        self.gateway_connections = 0
        self._session: _Session | None = None
        self._pending: list[tuple[str, Any]] = []  # dispatched before any session: sent after the next READY
        self._sockets: set[web.WebSocketResponse] = set()

        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._runner: web.AppRunner | None = None
        self._saved: tuple[Any, Any] | None = None

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/", self._gateway)
        app.router.add_route("GET", "/attachments/{tail:.*}", self._serve_attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        if self.patch:
            self.point()

    async def stop(self) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=1001), 1.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.restore()
        for _, fut in self._waiters:
            if not fut.done():
                fut.cancel()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def point(self) -> None:
        """Point discord.py's REST base and gateway URL at this fake (undone by restore())."""
        import discord.gateway
        import discord.http
        import yarl

        if self._saved is None:
            self._saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.api_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    def restore(self) -> None:
        if self._saved is None:
            return
        import discord.gateway
        import discord.http

        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
        self._saved = None

    @contextlib.contextmanager
    def pointed(self) -> Iterator[FakeDiscord]:
        self.point()
        try:
            yield self
        finally:
            self.restore()

    # ------------------------------------------------------------------ waiting

    def _notify(self) -> None:
        keep = []
        for pred, fut in self._waiters:
            if fut.done():
                continue
            try:
                ok = pred()
            except Exception as exc:  # a broken predicate fails its waiter
                fut.set_exception(exc)
                continue
            if ok:
                fut.set_result(None)
            else:
                keep.append((pred, fut))
        self._waiters = keep

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until predicate() is true: re-checked whenever the fake's state changes, and every 50 ms (so it
        may look at the client's state too). Raises TimeoutError."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append((predicate, fut))
            try:
                await asyncio.wait_for(fut, min(0.05, remaining))
                return
            except TimeoutError:
                continue

    @property
    def connected(self) -> bool:
        """A client holds a live gateway session (identified or resumed, not dropped)."""
        return self._session is not None and self._session.live

    @property
    def session_id(self) -> str | None:
        return self._session.id if self._session else None

    async def wait_identified(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` IDENTIFYs have been answered with READY (and the GUILD_CREATEs)."""
        await self.wait_for(lambda: len(self.identifies) >= count and self.connected, timeout)

    async def wait_resumed(self, count: int = 1, timeout: float = 5.0) -> None:
        await self.wait_for(lambda: len(self.resumes) >= count and self.connected, timeout)

    async def wait_disconnected(self, timeout: float = 5.0) -> None:
        await self.wait_for(lambda: not self.connected, timeout)

    async def wait_for_message(
        self,
        channel_id: Any = None,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> SentMessage:
        """Wait for the bot's `count`-th sent message (in a channel, matching a predicate); returns it."""

        def found() -> list[SentMessage]:
            cid = None if channel_id is None else _sid(channel_id)
            return [
                s for s in self.sent if (cid is None or s.channel_id == cid) and (predicate is None or predicate(s))
            ]

        await self.wait_for(lambda: len(found()) >= count, timeout)
        return found()[count - 1]

    def find_requests(self, method: str = "*", path_pattern: str | re.Pattern[str] = "*") -> list[RecordedRequest]:
        rx = _pattern(path_pattern)
        return [r for r in self.requests if method in ("*", r.method) and rx.fullmatch(r.path)]

    async def wait_for_request(
        self, method: str, path_pattern: str | re.Pattern[str], *, count: int = 1, timeout: float = 5.0
    ) -> RecordedRequest:
        """Wait until `count` answered requests match; returns the `count`-th."""

        def done() -> list[RecordedRequest]:
            return [r for r in self.find_requests(method, path_pattern) if r.status is not None]

        await self.wait_for(lambda: len(done()) >= count, timeout)
        return done()[count - 1]

    def sent_in(self, channel_id: Any) -> list[SentMessage]:
        cid = _sid(channel_id)
        return [s for s in self.sent if s.channel_id == cid]

    # ------------------------------------------------------------------ data model

    def _snowflake(self) -> str:
        value = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (secrets.randbelow(1 << 12))
        value = max(value, self._snow_last + 1)  # strictly increasing, so ids sort like time
        self._snow_last = value
        return str(value)

    @staticmethod
    def _snow_time(snowflake: str) -> float:
        return ((int(snowflake) >> 22) + DISCORD_EPOCH_MS) / 1000

    @staticmethod
    def _user_obj(uid: str, username: str, *, bot: bool = False, global_name: str | None = None) -> dict[str, Any]:
        user = {
            "id": uid,
            "username": username,
            "discriminator": "0",
            "global_name": global_name,
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if bot:
            user["bot"] = True
            user["verified"] = True
            user["mfa_enabled"] = False
        return user

    def add_user(
        self, username: str, *, id: Any = None, bot: bool = False, global_name: str | None = None
    ) -> dict[str, Any]:
        uid = _sid(id) if id is not None else self._snowflake()
        user = self._user_obj(uid, username, bot=bot, global_name=global_name)
        self.users[uid] = user
        return user

    def _user(self, user: Any) -> dict[str, Any]:
        uid = _sid(user)
        if uid not in self.users:
            raise KeyError(f"unknown user {uid}")
        return self.users[uid]

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        id: Any = None,
        owner_id: Any = None,
        channels: tuple[str, ...] = (),
        bot_permissions: str = ADMINISTRATOR,
        everyone_permissions: str = DEFAULT_EVERYONE_PERMISSIONS,
        large: bool = False,
    ) -> dict[str, Any]:
        """A guild the bot is in (the bot is a member with a managed role); `channels` names text channels.

        large=True: GUILD_CREATE says "large" and carries only the bot's member, so discord.py asks for the
        members over the gateway (op 8 -> GUILD_MEMBERS_CHUNK) when it chunks guilds."""
        gid = _sid(id) if id is not None else self._snowflake()
        owner = _sid(owner_id) if owner_id is not None else self.owner["id"]
        guild: dict[str, Any] = {
            "id": gid,
            "name": name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": owner,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "emojis": [],
            "stickers": [],
            "roles": [
                self._role_obj(gid, "@everyone", everyone_permissions, position=0, mentionable=False, rid=gid),
            ],
            "channels": [],
            "threads": [],
            "members": [],
        }
        self.guilds[gid] = guild
        if large:
            self.large_guilds.add(gid)
        bot_role = self.add_role(gid, self.bot_user["username"], bot_permissions, mentionable=False)
        bot_role["managed"] = True
        bot_role["tags"] = {"bot_id": self.bot_user["id"]}
        self.add_member(gid, self.bot_user["id"], roles=[bot_role["id"]])
        for channel_name in channels:
            self.add_channel(gid, channel_name)
        return guild

    def _guild(self, guild: Any) -> dict[str, Any]:
        gid = _sid(guild)
        if gid not in self.guilds:
            raise KeyError(f"unknown guild {gid}")
        return self.guilds[gid]

    @staticmethod
    def _role_obj(
        gid: str, name: str, permissions: str, *, position: int, mentionable: bool, rid: str
    ) -> dict[str, Any]:
        return {
            "id": rid,
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": False,
            "mentionable": mentionable,
            "flags": 0,
        }

    def add_role(
        self, guild_id: Any, name: str, permissions: str | int = "0", *, id: Any = None, mentionable: bool = True
    ) -> dict[str, Any]:
        guild = self._guild(guild_id)
        rid = _sid(id) if id is not None else self._snowflake()
        role = self._role_obj(
            guild["id"], name, str(permissions), position=len(guild["roles"]), mentionable=mentionable, rid=rid
        )
        guild["roles"].append(role)
        return role

    def add_member(
        self, guild_id: Any, user: Any, *, roles: list[Any] | tuple[Any, ...] = (), nick: str | None = None
    ) -> dict[str, Any]:
        """Adds the user (a dict, an id, or a new username) to the guild; returns the member object."""
        guild = self._guild(guild_id)
        if isinstance(user, str) and not user.isdigit():
            user = self.add_user(user)
        u = self._user(user)
        member = {
            "user": u,
            "nick": nick,
            "avatar": None,
            "banner": None,
            "roles": [_sid(r) for r in roles],
            "joined_at": _iso(time.time()),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        guild["members"] = [m for m in guild["members"] if m["user"]["id"] != u["id"]] + [member]
        guild["member_count"] = len(guild["members"])
        return member

    def member(self, guild_id: Any, user_id: Any) -> dict[str, Any] | None:
        uid = _sid(user_id)
        return next((m for m in self._guild(guild_id)["members"] if m["user"]["id"] == uid), None)

    def add_channel(
        self,
        guild_id: Any,
        name: str,
        type: int = 0,
        *,
        id: Any = None,
        parent_id: Any = None,
        topic: str | None = None,
        nsfw: bool = False,
    ) -> dict[str, Any]:
        """A guild channel: 0 text, 2 voice, 4 category, 5 announcement, 15 forum, 16 media."""
        guild = self._guild(guild_id)
        cid = _sid(id) if id is not None else self._snowflake()
        channel: dict[str, Any] = {
            "id": cid,
            "type": type,
            "guild_id": guild["id"],
            "name": name,
            "position": len(guild["channels"]),
            "permission_overwrites": [],
            "parent_id": _sid(parent_id) if parent_id is not None else None,
            "nsfw": nsfw,
            "flags": 0,
        }
        if type in (0, 5, 15, 16):
            channel.update(topic=topic, last_message_id=None, rate_limit_per_user=0, default_auto_archive_duration=1440)
        if type in (2, 13):
            channel.update(bitrate=64000, user_limit=0, rtc_region=None, last_message_id=None)
        if type in (15, 16):
            channel.update(
                available_tags=[],
                default_reaction_emoji=None,
                default_thread_rate_limit_per_user=0,
                default_sort_order=None,
                default_forum_layout=0,
                last_message_id=None,
            )
        guild["channels"].append(channel)
        self.channels[cid] = channel
        self.history.setdefault(cid, [])
        return channel

    def add_thread(
        self,
        guild_id: Any,
        parent_id: Any,
        name: str,
        *,
        id: Any = None,
        owner_id: Any = None,
        type: int = 11,
        archived: bool = False,
        applied_tags: list[Any] | None = None,
    ) -> dict[str, Any]:
        """A thread (11 public, 12 private) in a text or forum channel; sent in GUILD_CREATE's "threads"."""
        guild = self._guild(guild_id)
        tid = _sid(id) if id is not None else self._snowflake()
        thread: dict[str, Any] = {
            "id": tid,
            "type": type,
            "guild_id": guild["id"],
            "parent_id": _sid(parent_id),
            "owner_id": _sid(owner_id) if owner_id is not None else self.bot_user["id"],
            "name": name,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "applied_tags": [_sid(t) for t in applied_tags or []],
            "thread_metadata": {
                "archived": archived,
                "auto_archive_duration": 1440,
                "archive_timestamp": _iso(time.time()),
                "locked": False,
                "create_timestamp": _iso(time.time()),
            },
        }
        guild["threads"].append(thread)
        self.channels[tid] = thread
        self.history.setdefault(tid, [])
        return thread

    def dm_channel(self, user_id: Any) -> dict[str, Any]:
        """The DM channel between the bot and a user (created on first use, like POST /users/@me/channels)."""
        user = self._user(user_id)
        cid = self.dm_channels.get(user["id"])
        if cid is None:
            cid = self._snowflake()
            self.channels[cid] = {
                "id": cid,
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [user],
            }
            self.dm_channels[user["id"]] = cid
            self.history.setdefault(cid, [])
        return self.channels[cid]

    def _channel(self, channel: Any) -> dict[str, Any]:
        cid = _sid(channel)
        if cid not in self.channels:
            raise KeyError(f"unknown channel {cid}")
        return self.channels[cid]

    def add_attachment(
        self, data: bytes, filename: str, content_type: str | None = None, *, channel_id: Any = "0"
    ) -> dict[str, Any]:
        """An attachment object whose url serves `data` from the fake (for user messages)."""
        aid = self._snowflake()
        path = f"/attachments/{_sid(channel_id)}/{aid}/{urllib.parse.quote(filename)}"
        self.attachment_files[path] = data
        att: dict[str, Any] = {
            "id": aid,
            "filename": filename,
            "size": len(data),
            "url": self.base_url + path,
            "proxy_url": self.base_url + path,
            "content_type": content_type,
            "flags": 0,
        }
        return att

    def _member_without_user(self, guild_id: str, user_id: str) -> dict[str, Any] | None:
        m = self.member(guild_id, user_id)
        if m is None:
            return None
        return {k: v for k, v in m.items() if k != "user"}

    def build_message(
        self,
        author: Any,
        channel: Any,
        content: str = "",
        *,
        attachments: list[dict[str, Any]] | None = None,
        embeds: list[dict[str, Any]] | None = None,
        mentions: list[Any] | None = None,
        mention_roles: list[Any] | None = None,
        mention_everyone: bool = False,
        reply_to: Any = None,
        sticker_items: list[dict[str, Any]] | None = None,
        type: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A MESSAGE_CREATE payload from `author` in a guild channel, thread or DM (not stored, not sent).

        attachments: objects from add_attachment(); mentions: user ids (or dicts); mention_roles: role ids;
        reply_to: a message id (or message dict) known to the fake -> message_reference + referenced_message.
        """
        ch = self._channel(channel)
        user = self._user(author)
        gid = ch.get("guild_id")
        mid = self._snowflake()
        msg: dict[str, Any] = {
            "id": mid,
            "channel_id": ch["id"],
            "type": 0,
            "content": content,
            "author": user,
            "attachments": list(attachments or []),
            "embeds": list(embeds or []),
            "components": [],
            "mentions": [],
            "mention_roles": [_sid(r) for r in mention_roles or []],
            "mention_everyone": mention_everyone,
            "pinned": False,
            "tts": False,
            "timestamp": _iso(self._snow_time(mid)),
            "edited_timestamp": None,
            "flags": 0,
        }
        if gid is not None:
            msg["guild_id"] = gid
            member = self._member_without_user(gid, user["id"])
            if member is not None:
                msg["member"] = member
        for m in mentions or []:
            mu = dict(self._user(m))
            if gid is not None:
                mm = self._member_without_user(gid, mu["id"])
                if mm is not None:
                    mu["member"] = mm
            msg["mentions"].append(mu)
        if sticker_items:
            msg["sticker_items"] = sticker_items
        if reply_to is not None:
            ref_id = _sid(reply_to)
            ref = self.messages.get(ref_id)
            msg["type"] = 19
            msg["message_reference"] = {
                "type": 0,
                "message_id": ref_id,
                "channel_id": ref["channel_id"] if ref else ch["id"],
                **({"guild_id": gid} if gid else {}),
            }
            msg["referenced_message"] = ref
        if type is not None:
            msg["type"] = type
        msg.update(extra)
        return msg

    def store_message(self, message: dict[str, Any]) -> dict[str, Any]:
        """Put a message in its channel's history (as if it had been posted while nobody listened)."""
        cid = message["channel_id"]
        self.messages[message["id"]] = message
        hist = self.history.setdefault(cid, [])
        hist.append(message)
        hist.sort(key=lambda m: int(m["id"]))
        ch = self.channels.get(cid)
        if ch is not None:
            ch["last_message_id"] = max(message["id"], ch.get("last_message_id") or "0", key=int)
            if ch.get("type") in (10, 11, 12):
                ch["message_count"] = ch.get("message_count", 0) + 1
                ch["total_message_sent"] = ch.get("total_message_sent", 0) + 1
        self._notify()
        return message

    async def post_message(
        self, author: Any, channel: Any, content: str = "", *, dispatch: bool = True, **kwargs: Any
    ) -> dict[str, Any]:
        """build_message() + store in history + (dispatch=True) MESSAGE_CREATE to the bot."""
        msg = self.store_message(self.build_message(author, channel, content, **kwargs))
        if dispatch:
            await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    # ------------------------------------------------------------------ rate limits

    def rate_limit(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        times: int = 1,
        retry_after: float = 0.3,
        global_: bool = False,
        scope: str | None = None,
    ) -> RateLimitRule:
        """The next `times` requests matching (method or "*", '/channels/{id}/messages') get a 429.

        The rule counts every matching request in .attempts (limited ones in .limited)."""
        rule = RateLimitRule(
            method=method.upper(),
            regex=_pattern(path_pattern),
            times=times,
            retry_after=retry_after,
            global_=global_,
            scope=scope or ("global" if global_ else "user"),
        )
        self.rate_limits.append(rule)
        return rule

    def _rate_limited(self, method: str, path: str) -> web.Response | None:
        hit: RateLimitRule | None = None
        for rule in self.rate_limits:
            if rule.matches(method, path):
                rule.attempts += 1
                if hit is None and rule.limited < rule.times:
                    hit = rule
        if hit is None:
            return None
        hit.limited += 1
        ra = hit.retry_after
        headers = {
            "Retry-After": str(max(1, math.ceil(ra))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + ra:.3f}",
            "X-RateLimit-Reset-After": f"{ra:.3f}",
            "X-RateLimit-Bucket": "fake" + str(abs(hash(hit.regex.pattern)) % 10**12),
            "X-RateLimit-Scope": hit.scope,
            # discord.py treats a 429 without a Via header as a Cloudflare ban (HTTPException, no retry)
            "Via": "1.1 google",
        }
        if hit.global_:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": ra, "global": hit.global_, "code": 0}
        return _json_response(body, status=429, headers=headers)

    # ------------------------------------------------------------------ gateway

    async def _ws_send(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        if not ws.closed:
            await ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: Any) -> int | None:
        """Send a DISPATCH (op 0) with the next seq to the connected client.

        While the client is disconnected the event is kept in the session and replayed on RESUME; before any
        session exists it is queued and sent right after the next READY. Returns the seq (None if queued)."""
        sess = self._session
        if sess is None:
            self._pending.append((event, data))
            return None
        async with sess.lock:
            sess.seq += 1
            seq = sess.seq
            sess.events.append((seq, event, data))
            if sess.live:
                assert sess.ws is not None
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await self._ws_send(sess.ws, {"op": 0, "t": event, "s": seq, "d": data})
        return seq

    async def drop_gateway(self, code: int | None = 4000, *, abrupt: bool = False, wait: bool = True) -> None:
        """Close the client's gateway socket: with a close code (4000 = unknown error, resumable), or abruptly
        (the TCP connection is cut, no close frame). The session survives, so the client RESUMEs by itself."""
        sess = self._session
        if sess is None or not sess.live:
            raise RuntimeError("no live gateway connection to drop")
        ws, req = sess.ws, sess.request
        assert ws is not None
        sess.ws = None
        self._notify()
        if abrupt or code is None:
            if req is not None and req.transport is not None:
                req.transport.abort()
        else:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(code=code), 2.0)
        if wait:
            await self.wait_for(lambda: ws not in self._sockets, 5.0)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and RESUMEs."""
        sess = self._session
        if sess is None or not sess.live or sess.ws is None:
            raise RuntimeError("no live gateway connection")
        await self._ws_send(sess.ws, {"op": 7, "d": None})

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION (d=resumable) to the connected client."""
        sess = self._session
        if sess is None or sess.ws is None:
            raise RuntimeError("no live gateway connection")
        ws = sess.ws
        if not resumable:
            self._session = None
        self.invalid_sessions += 1
        await self._ws_send(ws, {"op": 9, "d": resumable})

    def expire_session(self) -> None:
        """Forget the gateway session (as Discord does after a while): the client's next RESUME gets op 9 d=false
        and it IDENTIFYs again. Events dispatched until then are sent after the new READY."""
        self._session = None
        self._notify()

    async def request_heartbeat(self) -> None:
        """Send op 1: the client must answer with a heartbeat right away."""
        sess = self._session
        if sess is None or sess.ws is None:
            raise RuntimeError("no live gateway connection")
        await self._ws_send(sess.ws, {"op": 1, "d": None})

    def _ready_payload(self, sess: _Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": gid, "unavailable": True} for gid in self.guilds],
            "session_id": sess.id,
            "resume_gateway_url": self.gateway_url,
            "session_type": "normal",
            "shard": [0, 1],
            "application": {"id": self.app_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ['["fake-discord",{"micros":0}]'],
        }

    def guild_create_payload(self, guild_id: Any) -> dict[str, Any]:
        guild = self._guild(guild_id)
        data = dict(guild)
        large = guild["id"] in self.large_guilds
        if large:
            data["members"] = [m for m in guild["members"] if m["user"]["id"] == self.bot_user["id"]]
        data.update(
            unavailable=False,
            large=large,
            member_count=len(guild["members"]),
            joined_at=_iso(time.time()),
            lazy=True,
            voice_states=[],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        return data

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        self.gateway_connections += 1
        try:
            await self._ws_send(ws, {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval}, "s": None})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                self.gateway_received.append(frame)
                await self._gateway_frame(ws, request, frame)
                self._notify()
        finally:
            self._sockets.discard(ws)
            if self._session is not None and self._session.ws is ws:
                self._session.ws = None
            self._notify()
        return ws

    async def _gateway_frame(self, ws: web.WebSocketResponse, request: web.Request, frame: dict[str, Any]) -> None:
        op, d = frame.get("op"), frame.get("d")
        if op == 1:  # heartbeat
            self.heartbeats += 1
            await self._ws_send(ws, {"op": 11})
        elif op == 2:  # identify
            if not isinstance(d, dict) or d.get("token") not in self.tokens:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            self.identifies.append(d)
            sess = _Session(secrets.token_hex(16), d["token"])
            old, self._session = self._session, sess
            if old is not None and old.ws is not None and old.ws is not ws:
                with contextlib.suppress(Exception):
                    await old.ws.close(code=4000)
            async with sess.lock:
                sess.ws, sess.request = ws, request
                sess.seq += 1
                ready = self._ready_payload(sess)
                sess.events.append((sess.seq, "READY", ready))
                await self._ws_send(ws, {"op": 0, "t": "READY", "s": sess.seq, "d": ready})
                for gid in self.guilds:
                    sess.seq += 1
                    gc = self.guild_create_payload(gid)
                    sess.events.append((sess.seq, "GUILD_CREATE", gc))
                    await self._ws_send(ws, {"op": 0, "t": "GUILD_CREATE", "s": sess.seq, "d": gc})
            pending, self._pending = self._pending, []
            for event, data in pending:
                await self.dispatch(event, data)
            self._notify()
        elif op == 6:  # resume
            sess = self._session
            if (
                not isinstance(d, dict)
                or sess is None
                or d.get("session_id") != sess.id
                or d.get("token") not in self.tokens
            ):
                self.invalid_sessions += 1
                await self._ws_send(ws, {"op": 9, "d": False})
                return
            async with sess.lock:
                if sess.ws is not None and sess.ws is not ws:
                    with contextlib.suppress(Exception):
                        await sess.ws.close(code=4000)
                sess.ws, sess.request = ws, request
                last = d.get("seq") or 0
                for seq, event, data in sess.events:
                    if seq > last:
                        await self._ws_send(ws, {"op": 0, "t": event, "s": seq, "d": data})
                sess.seq += 1
                sess.events.append((sess.seq, "RESUMED", {}))
                await self._ws_send(ws, {"op": 0, "t": "RESUMED", "s": sess.seq, "d": {}})
            self.resumes.append(d)
            self._notify()
        elif op == 3:  # presence update
            self.presence_updates.append(d)
            self._notify()
        elif op == 8:  # request guild members -> one GUILD_MEMBERS_CHUNK
            guild = self.guilds.get(_sid(d["guild_id"]))
            members = guild["members"] if guild else []
            if d.get("user_ids"):
                wanted = {_sid(u) for u in d["user_ids"]}
                members = [m for m in members if m["user"]["id"] in wanted]
            elif d.get("query"):
                q = d["query"].lower()
                members = [m for m in members if m["user"]["username"].lower().startswith(q)]
            chunk = {
                "guild_id": _sid(d["guild_id"]),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if d.get("nonce"):
                chunk["nonce"] = d["nonce"]
            if d.get("presences"):
                chunk["presences"] = []
            await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ------------------------------------------------------------------ REST plumbing

    async def _serve_attachment(self, request: web.Request) -> web.StreamResponse:
        data = self.attachment_files.get(request.rel_url.raw_path)
        if data is None:
            data = self.attachment_files.get(urllib.parse.quote(request.path))
        if data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    async def _read_body(self, request: web.Request, rec: RecordedRequest) -> None:
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part is None:
                    break
                name = part.name or ""
                data = await part.read(decode=False)  # type: ignore[union-attr]
                if name == "payload_json":
                    rec.json = json.loads(data)
                else:
                    rec.files.append(
                        UploadedFile(
                            field=name,
                            filename=part.filename or name,  # type: ignore[union-attr]
                            content_type=part.headers.get("Content-Type"),
                            data=bytes(data),
                        )
                    )
            return
        rec.body = await request.read()
        if rec.body:
            try:
                rec.json = json.loads(rec.body)
            except ValueError:
                rec.json = None

    def _routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Any], bool]]:
        # (method, regex over the raw path, handler, needs auth)
        table = [
            ("GET", r"/users/@me", self._get_me, True),
            ("GET", r"/oauth2/applications/@me", self._get_application, True),
            ("GET", r"/applications/@me", self._get_application, True),
            ("GET", r"/gateway", self._get_gateway, False),
            ("GET", r"/gateway/bot", self._get_gateway_bot, True),
            ("GET", r"/users/@me/guilds", self._get_my_guilds, True),
            ("POST", r"/users/@me/channels", self._create_dm, True),
            ("GET", r"/users/(?P<uid>\d+)", self._get_user, True),
            ("GET", r"/guilds/(?P<gid>\d+)", self._get_guild, True),
            ("GET", r"/guilds/(?P<gid>\d+)/channels", self._get_guild_channels, True),
            ("GET", r"/guilds/(?P<gid>\d+)/roles", self._get_guild_roles, True),
            ("GET", r"/guilds/(?P<gid>\d+)/members", self._get_members, True),
            ("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", self._get_member, True),
            ("GET", r"/guilds/(?P<gid>\d+)/threads/active", self._get_active_threads, True),
            ("GET", r"/channels/(?P<cid>\d+)", self._get_channel, True),
            ("GET", r"/channels/(?P<cid>\d+)/messages", self._get_messages, True),
            ("POST", r"/channels/(?P<cid>\d+)/messages", self._create_message, True),
            ("GET", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._get_message, True),
            ("PATCH", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._edit_message, True),
            ("DELETE", r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)", self._delete_message, True),
            (
                "PUT",
                r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)/reactions/(?P<emoji>[^/]+)/@me",
                self._add_reaction,
                True,
            ),
            (
                "DELETE",
                r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)/reactions/(?P<emoji>[^/]+)/@me",
                self._remove_reaction,
                True,
            ),
            ("POST", r"/channels/(?P<cid>\d+)/typing", self._typing, True),
            ("GET", r"/applications/(?P<app>\d+)/commands", self._get_commands, True),
            ("PUT", r"/applications/(?P<app>\d+)/commands", self._put_commands, True),
            ("GET", r"/applications/(?P<app>\d+)/guilds/(?P<gid>\d+)/commands", self._get_commands, True),
            ("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<gid>\d+)/commands", self._put_commands, True),
            ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._interaction_callback, False),
            ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", self._followup, False),
            (
                "GET",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
                self._get_webhook_message,
                False,
            ),
            (
                "PATCH",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
                self._edit_webhook_message,
                False,
            ),
            (
                "DELETE",
                r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/(?P<mid>@original|\d+)",
                self._delete_webhook_message,
                False,
            ),
        ]
        return [(m, re.compile(rx), h, auth) for m, rx, h, auth in table]

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        raw = request.rel_url.raw_path.removeprefix(API_PREFIX)
        rec = RecordedRequest(
            method=request.method,
            path=urllib.parse.unquote(raw),
            query=dict(request.query),
            headers=dict(request.headers),
            body=b"",
        )
        self.requests.append(rec)
        try:
            await self._read_body(request, rec)
            resp = await self._route(request, rec, raw)
        except Exception as exc:  # a bug in the fake shows as a 500 with the reason
            resp = _error(500, f"fake discord error: {exc!r}")
        rec.status = resp.status
        self._notify()
        return resp

    async def _route(self, request: web.Request, rec: RecordedRequest, raw: str) -> web.StreamResponse:
        if not hasattr(self, "_route_table"):
            self._route_table = self._routes()
        path_matched = False
        for method, rx, handler, needs_auth in self._route_table:
            m = rx.fullmatch(raw)
            if m is None:
                continue
            path_matched = True
            if method != request.method:
                continue
            if needs_auth:
                auth = request.headers.get("Authorization", "")
                if not auth.startswith("Bot ") or auth[4:] not in self.tokens:
                    return _error(401, "401: Unauthorized")
            limited = self._rate_limited(request.method, rec.path)
            if limited is not None:
                return limited
            params = {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}
            return await handler(rec, **params)
        if path_matched:
            return _error(405, "405: Method Not Allowed")
        return _error(404, "404: Not Found")

    # ------------------------------------------------------------------ REST: users, guilds, channels

    async def _get_me(self, rec: RecordedRequest) -> web.Response:
        return _json_response(self.bot_user)

    async def _get_application(self, rec: RecordedRequest) -> web.Response:
        return _json_response(
            {
                "id": self.app_id,
                "name": self.bot_user["username"],
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.owner,
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "bot": self.bot_user,
                "summary": "",
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "approximate_guild_count": len(self.guilds),
            }
        )

    async def _get_gateway(self, rec: RecordedRequest) -> web.Response:
        return _json_response({"url": self.gateway_url.rstrip("/")})

    async def _get_gateway_bot(self, rec: RecordedRequest) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url.rstrip("/"),
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
            }
        )

    async def _get_my_guilds(self, rec: RecordedRequest) -> web.Response:
        limit = int(rec.query.get("limit", 200))
        after = int(rec.query.get("after", 0))
        before = int(rec.query.get("before", 1 << 63))
        out = [
            {
                "id": g["id"],
                "name": g["name"],
                "icon": None,
                "banner": None,
                "owner": g["owner_id"] == self.bot_user["id"],
                "permissions": ADMINISTRATOR,
                "features": g["features"],
            }
            for g in sorted(self.guilds.values(), key=lambda g: int(g["id"]))
            if after < int(g["id"]) < before
        ]
        return _json_response(out[:limit])

    async def _create_dm(self, rec: RecordedRequest) -> web.Response:
        rid = (rec.json or {}).get("recipient_id")
        if rid is None or _sid(rid) not in self.users:
            return _error(400, "Invalid Recipient(s)", 50033)
        return _json_response(self.dm_channel(rid))

    async def _get_user(self, rec: RecordedRequest, uid: str) -> web.Response:
        if uid not in self.users:
            return _error(404, "Unknown User", 10013)
        return _json_response(self.users[uid])

    async def _get_guild(self, rec: RecordedRequest, gid: str) -> web.Response:
        if gid not in self.guilds:
            return _error(404, "Unknown Guild", 10004)
        g = {k: v for k, v in self.guilds[gid].items() if k not in ("channels", "threads", "members")}
        return _json_response(g)

    async def _get_guild_channels(self, rec: RecordedRequest, gid: str) -> web.Response:
        if gid not in self.guilds:
            return _error(404, "Unknown Guild", 10004)
        return _json_response(self.guilds[gid]["channels"])

    async def _get_guild_roles(self, rec: RecordedRequest, gid: str) -> web.Response:
        if gid not in self.guilds:
            return _error(404, "Unknown Guild", 10004)
        return _json_response(self.guilds[gid]["roles"])

    async def _get_active_threads(self, rec: RecordedRequest, gid: str) -> web.Response:
        if gid not in self.guilds:
            return _error(404, "Unknown Guild", 10004)
        threads = [t for t in self.guilds[gid]["threads"] if not t["thread_metadata"]["archived"]]
        return _json_response({"threads": threads, "members": []})

    async def _get_members(self, rec: RecordedRequest, gid: str) -> web.Response:
        if gid not in self.guilds:
            return _error(404, "Unknown Guild", 10004)
        limit = min(int(rec.query.get("limit", 1)), 1000)
        after = int(rec.query.get("after", 0))
        members = sorted(self.guilds[gid]["members"], key=lambda m: int(m["user"]["id"]))
        return _json_response([m for m in members if int(m["user"]["id"]) > after][:limit])

    async def _get_member(self, rec: RecordedRequest, gid: str, uid: str) -> web.Response:
        if gid not in self.guilds:
            return _error(404, "Unknown Guild", 10004)
        m = self.member(gid, uid)
        if m is None:
            return _error(404, "Unknown Member", 10007)
        return _json_response(m)

    async def _get_channel(self, rec: RecordedRequest, cid: str) -> web.Response:
        if cid not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        return _json_response(self.channels[cid])

    # ------------------------------------------------------------------ REST: messages

    def _bot_message(
        self,
        channel: dict[str, Any],
        payload: dict[str, Any],
        files: list[UploadedFile],
        *,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The message Discord makes of a create-message payload from the bot."""
        mid = self._snowflake()
        gid = channel.get("guild_id")
        content = payload.get("content") or ""
        msg: dict[str, Any] = {
            "id": mid,
            "channel_id": channel["id"],
            "type": 0,
            "content": content,
            "author": self.bot_user,
            "attachments": self._attachments_from(channel["id"], payload, files),
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "pinned": False,
            "tts": bool(payload.get("tts", False)),
            "timestamp": _iso(self._snow_time(mid)),
            "edited_timestamp": None,
            "flags": int(payload.get("flags") or 0),
        }
        msg.update(self._mentions_in(content, gid, payload.get("allowed_mentions")))
        if gid is not None:
            msg["guild_id"] = gid
            member = self._member_without_user(gid, self.bot_user["id"])
            if member is not None:
                msg["member"] = member
        if payload.get("nonce") is not None:
            msg["nonce"] = payload["nonce"]
        if payload.get("sticker_ids"):
            msg["sticker_items"] = [
                {"id": _sid(s), "name": self.stickers.get(_sid(s), "sticker"), "format_type": 1}
                for s in payload["sticker_ids"]
            ]
        if payload.get("poll"):
            msg["poll"] = self._poll_object(payload["poll"], mid)
        ref = payload.get("message_reference")
        if ref and ref.get("message_id"):
            ref_id = _sid(ref["message_id"])
            referenced = self.messages.get(ref_id)
            if referenced is None and ref.get("fail_if_not_exists", True):
                raise _RestError(400, "Invalid Form Body: message_reference Unknown message", 50035)
            ref_type = ref.get("type", 0)
            msg["message_reference"] = {
                "type": ref_type,
                "message_id": ref_id,
                "channel_id": _sid(ref.get("channel_id") or channel["id"]),
                **({"guild_id": gid} if gid else {}),
            }
            if ref_type == 0:
                msg["type"] = 19
                msg["referenced_message"] = referenced
        msg.update(extra or {})
        return msg

    def _mentions_in(self, content: str, gid: str | None, allowed: dict[str, Any] | None) -> dict[str, Any]:
        parse = None if allowed is None else set(allowed.get("parse") or [])
        users_ok = set(map(_sid, (allowed or {}).get("users") or []))
        roles_ok = set(map(_sid, (allowed or {}).get("roles") or []))
        mentions, roles = [], []
        for uid in dict.fromkeys(re.findall(r"<@!?(\d+)>", content)):
            if uid in self.users and (parse is None or "users" in parse or uid in users_ok):
                mentions.append(self.users[uid])
        for rid in dict.fromkeys(re.findall(r"<@&(\d+)>", content)):
            if parse is None or "roles" in parse or rid in roles_ok:
                roles.append(rid)
        everyone = bool(re.search(r"@(everyone|here)", content)) and (parse is None or "everyone" in parse)
        return {"mentions": mentions, "mention_roles": roles, "mention_everyone": everyone}

    def _attachments_from(
        self, channel_id: str, payload: dict[str, Any], files: list[UploadedFile]
    ) -> list[dict[str, Any]]:
        by_index = {}
        for f in files:
            m = re.fullmatch(r"files\[(\d+)\]", f.field)
            if m:
                by_index[m.group(1)] = f
        out = []
        for meta in payload.get("attachments") or []:
            aid = str(meta.get("id"))
            f = by_index.pop(aid, None)
            if f is None:
                existing = next((a for m in self.messages.values() for a in m["attachments"] if a["id"] == aid), None)
                if existing is not None:  # an edit keeping an attachment
                    out.append(existing)
                continue
            att = self.add_attachment(f.data, meta.get("filename") or f.filename, f.content_type, channel_id=channel_id)
            if meta.get("description"):
                att["description"] = meta["description"]
            out.append(att)
        for f in by_index.values():  # files without attachment metadata
            out.append(self.add_attachment(f.data, f.filename, f.content_type, channel_id=channel_id))
        return out

    def _poll_object(self, poll: dict[str, Any], mid: str) -> dict[str, Any]:
        hours = float(poll.get("duration", 24))
        return {
            "question": poll.get("question", {}),
            "answers": [
                {"answer_id": i + 1, "poll_media": a.get("poll_media", {})}
                for i, a in enumerate(poll.get("answers", []))
            ],
            "expiry": _iso(self._snow_time(mid) + hours * 3600),
            "allow_multiselect": poll.get("allow_multiselect", False),
            "layout_type": poll.get("layout_type", 1),
            "results": {"is_finalized": False, "answer_counts": []},
        }

    async def _create_message(self, rec: RecordedRequest, cid: str) -> web.Response:
        channel = self.channels.get(cid)
        if channel is None:
            return _error(404, "Unknown Channel", 10003)
        payload = rec.json or {}
        if not any(payload.get(k) for k in ("content", "embeds", "sticker_ids", "poll", "components")) and not (
            rec.files
        ):
            return _error(400, "Cannot send an empty message", 50006)
        try:
            msg = self._bot_message(channel, payload, rec.files)
        except _RestError as e:
            return e.response()
        self.store_message(msg)
        self.sent.append(SentMessage(channel_id=cid, payload=payload, message=msg, files=list(rec.files)))
        self._notify()
        if self.echo:
            await self.dispatch("MESSAGE_CREATE", msg)
        return _json_response(msg)

    async def _get_messages(self, rec: RecordedRequest, cid: str) -> web.Response:
        if cid not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        hist = self.history.get(cid, [])  # oldest first
        limit = max(1, min(int(rec.query.get("limit", 50)), 100))
        if "around" in rec.query:
            around = int(rec.query["around"])
            older = [m for m in hist if int(m["id"]) < around]
            newer = [m for m in hist if int(m["id"]) >= around]
            half = limit // 2
            picked = older[-half:] + newer[: limit - min(half, len(older))] if half else newer[:limit]
        elif "after" in rec.query:
            after = int(rec.query["after"])
            picked = [m for m in hist if int(m["id"]) > after][:limit]
        elif "before" in rec.query:
            before = int(rec.query["before"])
            picked = [m for m in hist if int(m["id"]) < before][-limit:]
        else:
            picked = hist[-limit:]
        return _json_response(list(reversed(picked)))  # newest first, as Discord answers

    async def _get_message(self, rec: RecordedRequest, cid: str, mid: str) -> web.Response:
        msg = self.messages.get(mid)
        if msg is None or msg["channel_id"] != cid:
            return _error(404, "Unknown Message", 10008)
        return _json_response(msg)

    def _apply_edit(self, msg: dict[str, Any], payload: dict[str, Any], files: list[UploadedFile]) -> None:
        if "content" in payload:
            msg["content"] = payload["content"] or ""
            gid = msg.get("guild_id")
            msg.update(self._mentions_in(msg["content"], gid, payload.get("allowed_mentions")))
        if "embeds" in payload:
            msg["embeds"] = payload["embeds"] or []
        if "components" in payload:
            msg["components"] = payload["components"] or []
        if "flags" in payload and payload["flags"] is not None:
            msg["flags"] = int(payload["flags"])
        if "attachments" in payload or files:
            msg["attachments"] = self._attachments_from(msg["channel_id"], payload, files)
        msg["edited_timestamp"] = _iso(time.time())

    async def _edit_message(self, rec: RecordedRequest, cid: str, mid: str) -> web.Response:
        msg = self.messages.get(mid)
        if msg is None or msg["channel_id"] != cid:
            return _error(404, "Unknown Message", 10008)
        if msg["author"]["id"] != self.bot_user["id"]:
            return _error(403, "Cannot edit a message authored by another user", 50005)
        payload = rec.json or {}
        self._apply_edit(msg, payload, rec.files)
        self.edits.append((cid, mid, payload))
        self._notify()
        if self.echo:
            await self.dispatch("MESSAGE_UPDATE", msg)
        return _json_response(msg)

    def _remove_message(self, msg: dict[str, Any]) -> None:
        self.messages.pop(msg["id"], None)
        hist = self.history.get(msg["channel_id"], [])
        self.history[msg["channel_id"]] = [m for m in hist if m["id"] != msg["id"]]

    async def _delete_message(self, rec: RecordedRequest, cid: str, mid: str) -> web.Response:
        msg = self.messages.get(mid)
        if msg is None or msg["channel_id"] != cid:
            return _error(404, "Unknown Message", 10008)
        self._remove_message(msg)
        self.deleted.append((cid, mid))
        self._notify()
        if self.echo:
            data = {"id": mid, "channel_id": cid, **({"guild_id": msg["guild_id"]} if msg.get("guild_id") else {})}
            await self.dispatch("MESSAGE_DELETE", data)
        return web.Response(status=204)

    @staticmethod
    def _emoji_obj(emoji: str) -> dict[str, Any]:
        # unicode "👍", or custom "name:id" (discord.py sends custom emoji as name:id)
        m = re.fullmatch(r"a?:?([^:]+):(\d+)", emoji)
        if m:
            return {"id": m.group(2), "name": m.group(1)}
        return {"id": None, "name": emoji}

    async def _add_reaction(self, rec: RecordedRequest, cid: str, mid: str, emoji: str) -> web.Response:
        msg = self.messages.get(mid)
        if msg is None or msg["channel_id"] != cid:
            return _error(404, "Unknown Message", 10008)
        eobj = self._emoji_obj(emoji)
        reactions = msg.setdefault("reactions", [])
        r = next((x for x in reactions if x["emoji"] == eobj), None)
        if r is None:
            r = {
                "emoji": eobj,
                "count": 0,
                "count_details": {"burst": 0, "normal": 0},
                "me": False,
                "me_burst": False,
                "burst_colors": [],
            }
            reactions.append(r)
        if not r["me"]:
            r["me"] = True
            r["count"] += 1
            r["count_details"]["normal"] += 1
        self.reactions.append(("add", cid, mid, emoji))
        self._notify()
        if self.echo:
            await self.dispatch("MESSAGE_REACTION_ADD", self._reaction_event(msg, eobj))
        return web.Response(status=204)

    async def _remove_reaction(self, rec: RecordedRequest, cid: str, mid: str, emoji: str) -> web.Response:
        msg = self.messages.get(mid)
        if msg is None or msg["channel_id"] != cid:
            return _error(404, "Unknown Message", 10008)
        eobj = self._emoji_obj(emoji)
        reactions = msg.get("reactions", [])
        r = next((x for x in reactions if x["emoji"] == eobj), None)
        if r is not None and r["me"]:
            r["me"] = False
            r["count"] -= 1
            r["count_details"]["normal"] -= 1
            if r["count"] <= 0:
                reactions.remove(r)
        self.reactions.append(("remove", cid, mid, emoji))
        self._notify()
        if self.echo:
            await self.dispatch("MESSAGE_REACTION_REMOVE", self._reaction_event(msg, eobj, add=False))
        return web.Response(status=204)

    def _reaction_event(self, msg: dict[str, Any], emoji: dict[str, Any], add: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user_id": self.bot_user["id"],
            "channel_id": msg["channel_id"],
            "message_id": msg["id"],
            "emoji": emoji,
            "burst": False,
            "type": 0,
        }
        if msg.get("guild_id"):
            data["guild_id"] = msg["guild_id"]
            if add:
                member = self.member(msg["guild_id"], self.bot_user["id"])
                if member is not None:
                    data["member"] = member
        if add:
            data["message_author_id"] = msg["author"]["id"]
            data["burst_colors"] = []
        return data

    async def react(self, user: Any, message_id: Any, emoji: str) -> None:
        """A user adds a reaction: stored on the message and MESSAGE_REACTION_ADD dispatched."""
        msg = self.messages[_sid(message_id)]
        u = self._user(user)
        eobj = self._emoji_obj(emoji)
        reactions = msg.setdefault("reactions", [])
        r = next((x for x in reactions if x["emoji"] == eobj), None)
        if r is None:
            r = {
                "emoji": eobj,
                "count": 0,
                "count_details": {"burst": 0, "normal": 0},
                "me": False,
                "me_burst": False,
                "burst_colors": [],
            }
            reactions.append(r)
        r["count"] += 1
        r["count_details"]["normal"] += 1
        data = self._reaction_event(msg, eobj)
        data["user_id"] = u["id"]
        if msg.get("guild_id"):
            member = self.member(msg["guild_id"], u["id"])
            if member is not None:
                data["member"] = member
            else:
                data.pop("member", None)
        await self.dispatch("MESSAGE_REACTION_ADD", data)

    async def _typing(self, rec: RecordedRequest, cid: str) -> web.Response:
        if cid not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        self.typing.append(cid)
        self._notify()
        return web.Response(status=204)

    # ------------------------------------------------------------------ REST: application commands

    async def _get_commands(self, rec: RecordedRequest, app: str, gid: str | None = None) -> web.Response:
        if app != self.app_id:
            return _error(403, "Missing Access", 50001)
        if gid is None:
            return _json_response(self.global_commands)
        return _json_response(self.guild_commands.get(gid, []))

    async def _put_commands(self, rec: RecordedRequest, app: str, gid: str | None = None) -> web.Response:
        if app != self.app_id:
            return _error(403, "Missing Access", 50001)
        if gid is not None and gid not in self.guilds:
            return _error(404, "Unknown Guild", 10004)
        old = self.global_commands if gid is None else self.guild_commands.get(gid, [])
        old_ids = {(c["name"], c.get("type", 1)): c["id"] for c in old}
        out = []
        for cmd in rec.json or []:
            ctype = cmd.get("type", 1)
            obj = {
                "id": old_ids.get((cmd["name"], ctype)) or self._snowflake(),
                "application_id": self.app_id,
                "version": self._snowflake(),
                "type": ctype,
                "name": cmd["name"],
                "description": cmd.get("description", ""),
                "options": cmd.get("options") or [],
                "default_member_permissions": cmd.get("default_member_permissions"),
                "dm_permission": cmd.get("dm_permission", True),
                "nsfw": cmd.get("nsfw", False),
                "contexts": cmd.get("contexts"),
                "integration_types": cmd.get("integration_types", [0]),
                "name_localizations": cmd.get("name_localizations"),
                "description_localizations": cmd.get("description_localizations"),
            }
            if gid is not None:
                obj["guild_id"] = gid
            out.append(obj)
        if gid is None:
            self.global_commands = out
        else:
            self.guild_commands[gid] = out
        self._notify()
        return _json_response(out)

    # ------------------------------------------------------------------ interactions

    def _find_command(self, name: str, guild_id: str | None, ctype: int) -> dict[str, Any] | None:
        pools = ([self.guild_commands.get(guild_id, [])] if guild_id else []) + [self.global_commands]
        for pool in pools:
            for c in pool:
                if c["name"] == name and c.get("type", 1) == ctype:
                    return c
        return None

    def _options(
        self, options: Any, defs: list[dict[str, Any]], guild_id: str | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """{"name": value} (or a raw option list) -> Discord's option list and the "resolved" map."""
        if options is None:
            return [], {}
        if isinstance(options, list):
            return options, {}
        by_name = {d["name"]: d for d in defs}
        out: list[dict[str, Any]] = []
        resolved: dict[str, dict[str, Any]] = {}
        for name, value in options.items():
            d = by_name.get(name)
            otype = d["type"] if d else OPTION_TYPES.get(type(value), 3)
            if otype in (1, 2):  # subcommand (group): value is a dict of its options
                sub_opts, sub_res = self._options(value or {}, (d or {}).get("options", []), guild_id)
                for k, v in sub_res.items():
                    resolved.setdefault(k, {}).update(v)
                out.append({"name": name, "type": otype, "options": sub_opts})
                continue
            if otype in (6, 9) and _sid(value) in self.users:  # user / mentionable
                uid = _sid(value)
                resolved.setdefault("users", {})[uid] = self.users[uid]
                if guild_id:
                    mm = self._member_without_user(guild_id, uid)
                    if mm is not None:
                        resolved.setdefault("members", {})[uid] = {**mm, "permissions": ADMINISTRATOR}
                value = uid
            elif otype == 7 and _sid(value) in self.channels:
                ch = self.channels[_sid(value)]
                value = ch["id"]
                resolved.setdefault("channels", {})[value] = {
                    "id": value,
                    "type": ch["type"],
                    "name": ch.get("name"),
                    "permissions": ADMINISTRATOR,
                    **({"parent_id": ch["parent_id"]} if ch.get("parent_id") else {}),
                    **({"thread_metadata": ch["thread_metadata"]} if ch.get("thread_metadata") else {}),
                }
            elif otype == 8 and guild_id:
                rid = _sid(value)
                role = next((r for r in self.guilds[guild_id]["roles"] if r["id"] == rid), None)
                if role is not None:
                    resolved.setdefault("roles", {})[rid] = role
                value = rid
            out.append({"name": name, "type": otype, "value": value})
        return out, resolved

    async def interaction(
        self,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None = None,
        *,
        user: Any,
        channel: Any,
        guild: Any = None,
        command_type: int = 1,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Dispatch INTERACTION_CREATE (type 2, an application command) as `user` in `channel`.

        The command must have been registered (PUT .../commands). options: {"name": value} (types taken from
        the registered command; subcommands as nested dicts) or Discord's raw option list. The guild defaults
        to the channel's. Returns the record; await record.wait_response() for the bot's callback."""
        ch = self._channel(channel)
        u = self._user(user)
        gid = _sid(guild) if guild is not None else ch.get("guild_id")
        cmd = self._find_command(name, gid, command_type)
        if cmd is None:
            raise LookupError(f"command {name!r} is not registered (global or for guild {gid})")
        opts, resolved = self._options(options, cmd.get("options") or [], gid)
        iid, token = self._snowflake(), "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        data: dict[str, Any] = {"id": cmd["id"], "name": name, "type": command_type}
        if opts:
            data["options"] = opts
        if resolved:
            data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        channel_obj = {k: v for k, v in ch.items() if k not in ("permission_overwrites",)}
        payload: dict[str, Any] = {
            "id": iid,
            "application_id": self.app_id,
            "type": 2,
            "data": data,
            "channel_id": ch["id"],
            "channel": channel_obj,
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": "2251799813685247",
            "entitlements": [],
            "authorizing_integration_owners": {"0": gid} if gid else {"1": u["id"]},
            "context": 0 if gid else 1,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if gid:
            payload["guild_id"] = gid
            payload["guild_locale"] = "en-US"
            payload["guild"] = {"id": gid, "locale": "en-US", "features": []}
            member = self.member(gid, u["id"])
            if member is None:
                member = self.add_member(gid, u["id"])
            payload["member"] = {**member, "permissions": "2251799813685247"}
        else:
            payload["user"] = u
        rec = InteractionRecord(fake=self, id=iid, token=token, payload=payload)
        self.interactions[iid] = rec
        await self.dispatch("INTERACTION_CREATE", payload)
        return rec

    def _interaction_message(
        self, rec: InteractionRecord, body: dict[str, Any], files: list[UploadedFile]
    ) -> dict[str, Any]:
        p = rec.payload
        ch = self.channels.get(p["channel_id"]) or {"id": p["channel_id"]}
        user = p["member"]["user"] if "member" in p else p["user"]
        extra = {
            "type": 20,
            "application_id": self.app_id,
            "webhook_id": self.app_id,
            "interaction_metadata": {
                "id": rec.id,
                "type": 2,
                "user": user,
                "authorizing_integration_owners": p["authorizing_integration_owners"],
                "name": p["data"]["name"],
                "command_type": p["data"].get("type", 1),
            },
        }
        return self._bot_message(ch, body, files, extra=extra)

    async def _interaction_callback(self, rec_req: RecordedRequest, iid: str, token: str) -> web.Response:
        rec = self.interactions.get(iid)
        if rec is None or rec.token != token:
            return _error(404, "Unknown interaction", 10062)
        if rec.callbacks:
            return _error(400, "Interaction has already been acknowledged.", 40060)
        body = rec_req.json or {}
        rtype = body.get("type")
        data = body.get("data") or {}
        rec.callbacks.append(body)
        resp: dict[str, Any] = {"interaction": {"id": iid, "type": 2}}
        if rtype in (4, 5):
            flags = int(data.get("flags") or 0)
            if rtype == 5:
                flags |= LOADING
            msg = self._interaction_message(rec, {**data, "flags": flags}, rec_req.files)
            if rtype == 5:
                msg["content"] = ""
            rec.original = msg
            rec.messages.append(msg)
            if not flags & EPHEMERAL:
                self.store_message(msg)
            resp["interaction"].update(
                response_message_id=msg["id"],
                response_message_loading=rtype == 5,
                response_message_ephemeral=bool(flags & EPHEMERAL),
            )
            resp["resource"] = {"type": rtype, "message": msg}
        else:
            resp["resource"] = {"type": rtype}
        self._notify()
        if rec_req.query.get("with_response") in ("1", "true", "True"):
            return _json_response(resp)
        return web.Response(status=204)

    def _record_for_token(self, app: str, token: str) -> InteractionRecord | None:
        if app != self.app_id:
            return None
        return next((r for r in self.interactions.values() if r.token == token), None)

    async def _followup(self, rec_req: RecordedRequest, app: str, token: str) -> web.Response:
        rec = self._record_for_token(app, token)
        if rec is None:
            return _error(404, "Unknown Webhook", 10015)
        if not rec.callbacks:
            return _error(404, "Unknown Webhook", 10015)  # Discord: follow-ups need an acknowledged interaction
        payload = rec_req.json or {}
        rec.followups.append(payload)
        msg = self._interaction_message(rec, payload, rec_req.files)
        rec.messages.append(msg)
        if not int(payload.get("flags") or 0) & EPHEMERAL:
            self.store_message(msg)
        self._notify()
        if rec_req.query.get("wait") in ("1", "true", "True"):
            return _json_response(msg)
        return web.Response(status=204)

    def _webhook_target(self, rec: InteractionRecord, mid: str) -> dict[str, Any] | None:
        if mid == "@original":
            return rec.original
        return next((m for m in rec.messages if m["id"] == mid), None)

    async def _get_webhook_message(self, rec_req: RecordedRequest, app: str, token: str, mid: str) -> web.Response:
        rec = self._record_for_token(app, token)
        if rec is None:
            return _error(404, "Unknown Webhook", 10015)
        msg = self._webhook_target(rec, mid)
        if msg is None:
            return _error(404, "Unknown Message", 10008)
        return _json_response(msg)

    async def _edit_webhook_message(self, rec_req: RecordedRequest, app: str, token: str, mid: str) -> web.Response:
        rec = self._record_for_token(app, token)
        if rec is None:
            return _error(404, "Unknown Webhook", 10015)
        msg = self._webhook_target(rec, mid)
        if msg is None:
            return _error(404, "Unknown Message", 10008)
        payload = rec_req.json or {}
        rec.edits.append(payload)
        self._apply_edit(msg, payload, rec_req.files)
        msg["flags"] = int(msg.get("flags") or 0) & ~LOADING
        self._notify()
        return _json_response(msg)

    async def _delete_webhook_message(self, rec_req: RecordedRequest, app: str, token: str, mid: str) -> web.Response:
        rec = self._record_for_token(app, token)
        if rec is None:
            return _error(404, "Unknown Webhook", 10015)
        msg = self._webhook_target(rec, mid)
        if msg is None:
            return _error(404, "Unknown Message", 10008)
        self._remove_message(msg)
        self.deleted.append((msg["channel_id"], msg["id"]))
        self._notify()
        return web.Response(status=204)


class _RestError(Exception):
    def __init__(self, status: int, message: str, code: int) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code

    def response(self) -> web.Response:
        return _error(self.status, self.message, self.code)


@contextlib.asynccontextmanager
async def running(client: Any, token: str, *, timeout: float = 5.0) -> AsyncIterator[Any]:
    """Run `client.start(token)` in a task until on_ready; close the client on exit.

    If start() fails first (LoginFailure, ConnectionClosed, ...) that exception is raised here."""

    async def wait_ready() -> None:
        while True:
            try:
                await client.wait_until_ready()
                return
            except RuntimeError:  # not initialised yet: start() has not reached login()
                await asyncio.sleep(0.01)

    task = asyncio.create_task(client.start(token))
    ready = asyncio.create_task(wait_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # raises what start() raised
            raise RuntimeError("client.start() returned before ready")
        if ready not in done:
            raise TimeoutError("discord client was not ready in time")
        yield client
    finally:
        ready.cancel()
        if not client.is_closed():
            await client.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(task, 5.0)


async def _identify_now(shard_id: int | None, *, initial: bool = False) -> None:
    return None


def no_reidentify_delay(client: Any) -> Any:
    """discord.py sleeps 5 s before every IDENTIFY but the first (Client.before_identify_hook); skip that."""
    client.before_identify_hook = _identify_now
    return client


def make_client(*, fast_reidentify: bool = True, **kwargs: Any) -> Any:
    """A discord.Client with every intent, a fast READY (guild_ready_timeout=0.05) and, by default, no 5 s
    wait before a re-IDENTIFY (after INVALID_SESSION)."""
    import discord

    kwargs.setdefault("intents", discord.Intents.all())
    kwargs.setdefault("guild_ready_timeout", 0.05)
    client = discord.Client(**kwargs)
    return no_reidentify_delay(client) if fast_reidentify else client


@dataclass
class World:
    """A ready-made guild: text channel "general", forum "help", a thread in each, role "mods", alice and bob."""

    fake: FakeDiscord
    guild: dict[str, Any]
    general: dict[str, Any]
    forum: dict[str, Any]
    thread: dict[str, Any]
    forum_post: dict[str, Any]
    alice: dict[str, Any]
    bob: dict[str, Any]
    mods: dict[str, Any]


def seed_world(fake: FakeDiscord) -> World:
    guild = fake.add_guild("Omni Test")
    general = fake.add_channel(guild["id"], "general", topic="talk")
    forum = fake.add_channel(guild["id"], "help", type=15)
    thread = fake.add_thread(guild["id"], general["id"], "side-chat")
    forum_post = fake.add_thread(guild["id"], forum["id"], "how do I?")
    mods = fake.add_role(guild["id"], "mods", permissions="0")
    alice = fake.add_user("alice", global_name="Alice")
    bob = fake.add_user("bob")
    fake.add_member(guild["id"], alice["id"], roles=[mods["id"]], nick="ali")
    fake.add_member(guild["id"], bob["id"])
    return World(fake, guild, general, forum, thread, forum_post, alice, bob, mods)


@pytest.fixture(name="fake_discord")
async def fake_discord_fixture() -> AsyncIterator[FakeDiscord]:
    """A started, empty FakeDiscord with discord.py pointed at it (import this fixture into a test module)."""
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture(name="discord_world")
async def discord_world_fixture(fake_discord: FakeDiscord) -> World:
    """fake_discord seeded with seed_world()."""
    return seed_world(fake_discord)
