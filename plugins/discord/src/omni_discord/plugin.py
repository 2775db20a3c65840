"""The Discord channel (`discord`): a bot token, discord.py, the whole omni channel contract.

Inbound: guild text channels, DMs, threads and forum posts (text, attachments downloaded into the instance's data
dir, stickers, polls, replies, mentions), reactions added and removed, edits, deletes and typing. Messages posted
while the bot was away are caught up after every (re)connect from each channel's history since the last message
seen there (kept in the plugin store); the same Discord id is stored once. Slash commands `/ask` and `/reset` become
inbound messages for the agent; the first answer to the channel edits the deferred interaction response.

Outbound: text (chunked at 2,000 characters, replies, mentions), media (URL, base64 or an upload), reactions,
stickers, embeds, polls, typing, edits and deletes. discord.py's rate limiter waits out 429s; a send that still cannot
go out is retried by omni (the nonce makes Discord keep one message per send).

Config (`instances.config`, camelCase): `apiBaseUrl`, `gatewayUrl` (Discord's by default; point them at a
Discord-compatible server, a proxy or a fake), `slashCommands`, `guildIds`, `membersIntent`, `resetTrigger`,
`guildReadyTimeout`, `connectTimeout`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import mimetypes
import re
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import httpx
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from omni.agents.replies import chunk
from omni.channels.base import (
    Capabilities,
    Channel,
    ChannelAuthFailed,
    ChannelContext,
    ChannelNotReady,
    MediaType,
    SendFailed,
)
from omni.channels.types import (
    Chat,
    InboundDelete,
    InboundEdit,
    InboundMessage,
    InboundPresence,
    InboundReaction,
    Media,
    Outbound,
    Poll,
    Sender,
    SendResult,
)
from omni.plugins.hookspecs import hookimpl
from omni_discord.client import DEFAULT_API_BASE, DEFAULT_GATEWAY, route

OMNI_PLUGIN_API = 1
KEY = "discord"
MAX_LENGTH = 2000
MAX_FILE = 25 * 1024 * 1024
CATCH_UP_LIMIT = 1000  # per channel and reconnect
INTERACTION_TTL = 14 * 60  # an interaction token lives 15 minutes
SLASH_COMMANDS = [
    {"name": "ask", "type": 1, "description": "Ask the agent",
     "options": [{"name": "prompt", "type": 3, "description": "What to ask", "required": True}]},
    {"name": "reset", "type": 1, "description": "Start a new conversation with the agent"},
]  # fmt: skip
STICKER_URL = re.compile(r"/stickers/(\d+)(?:\.\w+)?(?:\?.*)?$")


class DiscordConfig(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    api_base_url: str = Field(DEFAULT_API_BASE, min_length=1, max_length=2000, pattern=r"^https?://")
    gateway_url: str = Field(DEFAULT_GATEWAY, min_length=1, max_length=2000, pattern=r"^wss?://")
    slash_commands: bool = True
    guild_ids: list[str] = Field(default_factory=list, max_length=1000, description="only these guilds (empty: all)")
    members_intent: bool = Field(True, description="the privileged Server Members intent (contacts)")
    reset_trigger: str = Field("🗑️", min_length=1, max_length=64, description="what /reset sends the agent")
    guild_ready_timeout: float = Field(2.0, ge=0, le=60)
    connect_timeout: float = Field(30.0, ge=1, le=300)


def _intents(config: DiscordConfig) -> discord.Intents:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = config.members_intent
    intents.presences = False
    return intents


class _Bot(discord.Client):
    """discord.py's client, handing each event to the channel."""

    def __init__(self, channel: Discord, **options: Any) -> None:
        super().__init__(**options)
        self.omni = channel

    async def on_ready(self) -> None:
        await self.omni._on_ready()

    async def on_resumed(self) -> None:
        await self.omni._on_resumed()

    async def on_disconnect(self) -> None:
        await self.omni._on_disconnect()

    async def on_message(self, message: discord.Message) -> None:
        await self.omni._on_message(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        await self.omni._on_edit(payload)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.omni._on_delete(payload.message_id, payload.channel_id, payload.guild_id)

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        for mid in payload.message_ids:
            await self.omni._on_delete(mid, payload.channel_id, payload.guild_id)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.omni._on_reaction(payload, removed=False)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self.omni._on_reaction(payload, removed=True)

    async def on_raw_typing(self, payload: discord.RawTypingEvent) -> None:
        await self.omni._on_typing(payload)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.omni._on_interaction(interaction)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await asyncio.sleep(self.omni.reidentify_delay)


class Discord(Channel):
    key = KEY
    name = "Discord"
    capabilities = Capabilities(
        can_send_text=True, can_send_media=True, can_send_reaction=True, can_send_typing=True, can_send_sticker=True,
        can_send_embed=True, can_send_poll=True, can_edit_message=True, can_delete_message=True,
        can_reply_to_message=True, can_handle_groups=True, can_handle_dms=True, can_handle_threads=True,
        can_use_slash_commands=True, can_stream_response=True, can_fetch_history=True,
        max_message_length=MAX_LENGTH, max_file_size=MAX_FILE,
        supported_media_types=[MediaType(mime_type="*/*", max_size=MAX_FILE)],
    )  # fmt: skip
    config_model = DiscordConfig
    reidentify_delay = 5.0  # discord.py's pause before a new IDENTIFY (Discord's identify rate limit)

    def __init__(self) -> None:
        self.client: _Bot | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._up = False  # the gateway session is live (connected, not reconnecting)
        self._closing = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._state_lock = asyncio.Lock()
        self._store_lock = asyncio.Lock()
        self._last: dict[str, int] = {}  # channel id -> the newest message id emitted
        self._inflight: dict[str, asyncio.Future[SendResult]] = {}
        self._interactions: dict[str, list[tuple[str, float]]] = {}  # channel id -> deferred (token, deadline)
        self._webhook_messages: dict[str, str] = {}  # message id -> interaction token (edit/delete through it)
        self._dm_of_user: dict[str, str] = {}

    # -- credentials -------------------------------------------------------------------------------------------------

    @classmethod
    async def check_credentials(cls, secrets: dict[str, str], config: BaseModel) -> dict[str, Any]:
        """Log in over REST (`GET /users/@me`) with the token, against the configured API base."""
        token = (secrets or {}).get("token")
        if not token:
            raise ChannelAuthFailed("no bot token")
        base = getattr(config, "api_base_url", DEFAULT_API_BASE).rstrip("/")
        try:
            async with httpx.AsyncClient(timeout=15) as http:
                r = await http.get(f"{base}/users/@me", headers={"Authorization": f"Bot {token}"})
        except httpx.HTTPError as exc:
            raise ChannelNotReady(f"cannot reach Discord at {base}: {exc}") from exc
        if r.status_code in (401, 403):
            raise ChannelAuthFailed("Discord refused the bot token (401 Unauthorized): copy it again from the "
                                    "developer portal (Bot → Reset Token)")  # fmt: skip
        if r.status_code != 200:
            raise ChannelNotReady(f"Discord answered {r.status_code} to GET /users/@me")
        me = r.json()
        if not me.get("bot", True):
            raise ChannelAuthFailed("this is not a bot token")
        return {"id": str(me.get("id")), "name": me.get("global_name") or me.get("username")}

    # -- the connection ----------------------------------------------------------------------------------------------

    @property
    def config(self) -> DiscordConfig:
        return self.ctx.config  # type: ignore[return-value]

    async def connect(self, ctx: ChannelContext) -> None:
        self.ctx = ctx
        config = self.config
        token = (ctx.secrets or {}).get("token")
        if not token:
            raise ChannelAuthFailed("no bot token: omni instances connect <id> --token BOT_TOKEN")
        self._last = {}
        with contextlib.suppress(Exception):
            after = None
            while True:
                page = await ctx.store.items("last:", after=after, limit=500)
                for key, value in page:
                    self._last[key.removeprefix("last:")] = int(value)
                if len(page) < 500:
                    break
                after = page[-1][0]
        client = _Bot(
            self, intents=_intents(config), guild_ready_timeout=config.guild_ready_timeout,
            chunk_guilds_at_startup=False, max_messages=1000, enable_debug_events=False,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True, replied_user=True),
        )  # fmt: skip
        route(client, config.api_base_url, config.gateway_url)
        self.client = client
        try:
            await client.login(token)
        except discord.LoginFailure as exc:
            await self._close_client()
            raise ChannelAuthFailed(f"Discord refused the bot token: {exc}") from exc
        except discord.HTTPException as exc:
            await self._close_client()
            if exc.status in (401, 403):
                raise ChannelAuthFailed(f"Discord refused the bot token: {exc}") from exc
            raise ChannelNotReady(f"Discord login failed: {exc}") from exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            await self._close_client()
            raise ChannelNotReady(f"cannot reach Discord at {config.api_base_url}: {exc}") from exc
        self._task = asyncio.create_task(client.connect(reconnect=True), name=f"discord-{ctx.instance_id[:8]}")
        ready = asyncio.create_task(self._ready.wait())
        try:
            done, _ = await asyncio.wait({self._task, ready}, timeout=config.connect_timeout,
                                         return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        finally:
            ready.cancel()
        if self._task in done:
            exc = self._task.exception()
            await self._close_client()
            raise self._failure(exc) from exc
        if not self._ready.is_set():
            await self._close_client()
            raise ChannelNotReady(f"the Discord gateway at {config.gateway_url} did not get ready in "
                                  f"{config.connect_timeout:.0f}s")  # fmt: skip

    @staticmethod
    def _failure(exc: BaseException | None) -> Exception:
        if isinstance(exc, discord.PrivilegedIntentsRequired):
            return ChannelAuthFailed("Discord refused the privileged intents: enable MESSAGE CONTENT (and SERVER "
                                     "MEMBERS, or set config membersIntent=false) in the developer portal → Bot")  # fmt: skip
        if isinstance(exc, discord.LoginFailure) or (
            isinstance(exc, discord.ConnectionClosed) and exc.code in (4004, 4010, 4011, 4012, 4013)
        ):
            return ChannelAuthFailed(f"Discord closed the gateway: {exc}")
        return ChannelNotReady(f"the Discord gateway connection ended: {exc!r}" if exc else "the gateway closed")

    async def wait_closed(self) -> None:
        task = self._task
        if task is None:
            raise ChannelNotReady("not connected")
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            raise self._failure(exc) from exc
        raise ChannelNotReady("the Discord client closed")

    async def disconnect(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        await self._close_client()

    async def _close_client(self) -> None:
        self._closing = True
        client, task = self.client, self._task
        if client is not None and not client.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), 10)
        if task is not None and not task.done():
            task.cancel()
        if task is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 5)

    def status(self) -> dict[str, Any]:
        client = self.client
        user = client.user if client is not None else None
        if user is None:
            return {}
        return {"profileName": user.global_name or user.name, "ownerIdentifier": str(user.id),
                "guilds": len(client.guilds) if client else 0}  # fmt: skip

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _state(self, state: str, message: str | None = None) -> None:
        async with self._state_lock:
            if self._closing:
                return
            with contextlib.suppress(Exception):
                await self.ctx.set_state(state, message)

    async def _on_ready(self) -> None:
        first = not self._ready.is_set()
        self._up = True
        if first:
            self._ready.set()  # connect() returns; the runtime reports connected
            if self.config.slash_commands:
                self._spawn(self._register_commands())
        else:
            self._spawn(self._state("connected", "identified again"))
        self._spawn(self._catch_up())

    async def _on_resumed(self) -> None:
        self._up = True
        self._spawn(self._state("connected", "resumed"))

    async def _on_disconnect(self) -> None:
        if self._up and not self._closing and self._ready.is_set():
            self._up = False
            self._spawn(self._state("reconnecting", "the Discord gateway connection dropped; resuming"))

    # -- inbound -----------------------------------------------------------------------------------------------------

    def _wanted(self, guild_id: int | None) -> bool:
        ids = self.config.guild_ids
        return guild_id is None or not ids or str(guild_id) in ids

    def _chat(self, channel: Any) -> Chat:
        cid = str(channel.id)
        if isinstance(channel, discord.DMChannel):
            name = channel.recipient.display_name if channel.recipient else None
            return Chat(id=cid, type="dm", name=name)
        if isinstance(channel, discord.GroupChannel):
            return Chat(id=cid, type="group", name=channel.name)
        guild = getattr(channel, "guild", None)
        gname = guild.name if guild is not None else None
        if isinstance(channel, discord.Thread):
            parent = channel.parent
            where = f"#{parent.name} / {channel.name}" if parent is not None else channel.name
            return Chat(id=cid, type="thread", name=f"{gname} {where}"[:255] if gname else where[:255])
        cname = getattr(channel, "name", None)
        if cname is None:
            return Chat(id=cid, type="dm" if guild is None else "channel", name=None)
        return Chat(id=cid, type="channel", name=(f"{gname} #{cname}" if gname else f"#{cname}")[:255])

    @staticmethod
    def _sender(user: Any) -> Sender:
        avatar = getattr(user, "display_avatar", None)
        return Sender(id=str(user.id), name=(getattr(user, "display_name", None) or str(user))[:255],
                      avatar_url=str(avatar.url)[:4000] if avatar is not None else None)  # fmt: skip

    async def _emit(self, event: Any) -> None:
        for attempt in range(5):
            try:
                await self.ctx.emit(event)
                return
            except Exception as exc:
                if attempt == 4:
                    raise
                self.ctx.log.warning("emit failed (%s), retrying", exc)
                await asyncio.sleep(0.5 * 2**attempt)

    async def _on_message(self, message: discord.Message) -> None:
        await self._handle(message)

    async def _handle(self, message: discord.Message, *, download: bool = True) -> None:
        client = self.client
        if client is None or client.user is None:
            return
        if message.author.id == client.user.id:  # our own sends (stored when sent) and interaction answers
            await self._seen(message)
            return
        if not self._wanted(message.guild.id if message.guild else None):
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply,
                                discord.MessageType.thread_starter_message):  # fmt: skip
            await self._seen(message)
            return
        for event in await self._inbound(message, download=download):
            await self._emit(event)
        await self._seen(message)

    async def _inbound(self, message: discord.Message, *, download: bool) -> list[InboundMessage]:
        client = self.client
        assert client is not None and client.user is not None
        me = client.user.id
        mentions = [str(u.id) for u in message.mentions]
        role_ids = list(dict.fromkeys([r.id for r in message.role_mentions] + message.raw_role_mentions))
        mentions += [f"role:{r}" for r in role_ids]
        if message.mention_everyone:
            mentions.append("@here" if "@here" in message.content else "@everyone")
        my_roles: set[int] = set()
        if message.guild is not None and message.guild.me is not None:
            my_roles = {r.id for r in message.guild.me.roles}
        is_mention = me in {u.id for u in message.mentions} or bool(my_roles & set(role_ids))
        reply_to = quoted = None
        if message.reference is not None and message.reference.message_id and message.type == discord.MessageType.reply:
            reply_to = str(message.reference.message_id)
            resolved = message.reference.resolved
            if isinstance(resolved, discord.Message):
                quoted = resolved.content or None  # a reply to the bot: the reply filter's onReply decides
        base: dict[str, Any] = {
            "chat": self._chat(message.channel), "sender": self._sender(message.author),
            "timestamp": message.created_at, "reply_to": reply_to, "quoted_text": quoted, "mentions": mentions,
            "is_mention": is_mention,
            "raw": {"guildId": str(message.guild.id) if message.guild else None,
                    "guildName": message.guild.name if message.guild else None,
                    "channelId": str(message.channel.id), "channelName": getattr(message.channel, "name", None),
                    "parentId": str(getattr(message.channel, "parent_id", None) or "") or None},
        }  # fmt: skip
        text = message.content or None
        events: list[InboundMessage] = []
        for i, att in enumerate(message.attachments):
            media = await self._media(message, att, download=download)
            media.caption = text if i == 0 else None
            kind = _media_kind(att.content_type, att.filename)
            events.append(InboundMessage(external_id=str(message.id) if i == 0 else f"{message.id}:{i}", type=kind,
                                         text=text if i == 0 else None, media=media, **base))  # fmt: skip
        if message.stickers and not events:
            st = message.stickers[0]
            events.append(InboundMessage(external_id=str(message.id), type="sticker", text=text or st.name,
                                         media=Media(url=str(st.url), filename=f"{st.name}.png", caption=st.name),
                                         **base))  # fmt: skip
        if message.poll is not None and not events:
            answers = [a.text or "?" for a in message.poll.answers][:10]
            if len(answers) >= 2:
                events.append(InboundMessage(
                    external_id=str(message.id), type="poll", text=message.poll.question or text,
                    poll=Poll(question=(message.poll.question or "?")[:300], answers=answers,
                              multi_select=message.poll.multiple), **base))  # fmt: skip
        if not events:
            if not text and message.embeds:
                embed = message.embeds[0]
                text = "\n".join(x for x in (embed.title, embed.description) if x) or None
            if not text:
                return []
            events.append(InboundMessage(external_id=str(message.id), type="text", text=text, **base))
        return events

    async def _media(self, message: discord.Message, att: discord.Attachment, *, download: bool) -> Media:
        media = Media(url=att.url, mime_type=att.content_type or mimetypes.guess_type(att.filename)[0],
                      filename=att.filename[:255], size=att.size)  # fmt: skip
        if download and att.size <= MAX_FILE:
            folder = Path(self.ctx.data_dir) / "media" / str(message.channel.id)
            path = folder / f"{att.id}-{Path(att.filename).name}"
            try:
                if not await asyncio.to_thread(path.exists):
                    data = await att.read()
                    await asyncio.to_thread(_write, path, data)
                media.path = str(path)
            except Exception as exc:  # the URL still says where it is
                self.ctx.log.warning("downloading attachment %s failed: %s", att.id, exc)
        return media

    async def _seen(self, message: discord.Message) -> None:
        cid = str(message.channel.id)
        if message.id <= self._last.get(cid, 0):
            return
        self._last[cid] = message.id
        async with self._store_lock:
            with contextlib.suppress(Exception):
                await self.ctx.store.set(f"last:{cid}", str(self._last[cid]))

    async def _catch_up(self) -> None:
        """After a (re)connect: each known channel's messages since the last one seen (emitted; duplicates are
        stored once)."""
        client = self.client
        if client is None:
            return
        for cid, last in list(self._last.items()):
            try:
                channel = client.get_channel(int(cid)) or await client.fetch_channel(int(cid))
                count = 0
                async for message in channel.history(after=discord.Object(last), oldest_first=True,  # type: ignore[union-attr]
                                                     limit=CATCH_UP_LIMIT):  # fmt: skip
                    await self._handle(message)
                    count += 1
                if count:
                    self.ctx.log.info("caught up %d messages in %s", count, cid)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.ctx.log.warning("catching up channel %s failed: %s", cid, exc)

    async def _on_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        data = payload.data
        client = self.client
        if client is None or client.user is None or "content" not in data or not data.get("edited_timestamp"):
            return  # an embed unfurling or a pin, not an edit
        author = data.get("author") or {}
        if str(author.get("id")) == str(client.user.id) or not self._wanted(payload.guild_id):
            return
        message = payload.message
        await self._emit(InboundEdit(
            external_id=f"{payload.message_id}:edit:{data['edited_timestamp']}", target=str(payload.message_id),
            text=data.get("content") or "", chat=self._chat(message.channel), sender=self._sender(message.author),
        ))  # fmt: skip

    async def _channel_chat(self, channel_id: int) -> Chat:
        client = self.client
        channel = client.get_channel(channel_id) if client else None
        if channel is None:
            return Chat(id=str(channel_id), type="channel")
        return self._chat(channel)

    async def _on_delete(self, message_id: int, channel_id: int, guild_id: int | None) -> None:
        if not self._wanted(guild_id):
            return
        await self._emit(InboundDelete(external_id=f"{message_id}:delete", target=str(message_id),
                                       chat=await self._channel_chat(channel_id)))  # fmt: skip

    async def _on_reaction(self, payload: discord.RawReactionActionEvent, *, removed: bool) -> None:
        client = self.client
        if client is None or client.user is None or payload.user_id == client.user.id:
            return
        if not self._wanted(payload.guild_id):
            return
        emoji = str(payload.emoji)[:64]
        user = payload.member or client.get_user(payload.user_id)
        sender = self._sender(user) if user is not None else Sender(id=str(payload.user_id))
        ws = client.ws
        seq = f"{ws.session_id}:{ws.sequence}" if ws is not None else str(time.time_ns())
        await self._emit(InboundReaction(
            external_id=f"{payload.message_id}:react:{payload.user_id}:{emoji}:{seq}"[:255],
            target=str(payload.message_id), emoji=emoji, removed=removed, sender=sender,
            chat=await self._channel_chat(payload.channel_id),
        ))  # fmt: skip

    async def _on_typing(self, payload: discord.RawTypingEvent) -> None:
        client = self.client
        if client is None or client.user is None or payload.user_id == client.user.id:
            return
        if not self._wanted(payload.guild_id):
            return
        user = payload.user if hasattr(payload, "user") else None
        sender = self._sender(user) if user is not None else Sender(id=str(payload.user_id))
        await self._emit(InboundPresence(
            external_id=f"typing:{payload.channel_id}:{payload.user_id}:{int(payload.timestamp.timestamp())}",
            state="typing", sender=sender, chat=await self._channel_chat(payload.channel_id),
            timestamp=payload.timestamp,
        ))  # fmt: skip

    # -- slash commands ----------------------------------------------------------------------------------------------

    async def _register_commands(self) -> None:
        client = self.client
        if client is None or client.application_id is None:
            return
        try:
            guilds = self.config.guild_ids
            if guilds:
                for gid in guilds:
                    await client.http.bulk_upsert_guild_commands(client.application_id, int(gid), SLASH_COMMANDS)
            else:
                await client.http.bulk_upsert_global_commands(client.application_id, SLASH_COMMANDS)
        except Exception as exc:
            self.ctx.log.warning("registering the slash commands failed: %s", exc)

    async def _callback(self, interaction_id: int, token: str, body: dict[str, Any]) -> None:
        assert self.client is not None
        await self.client.http.request(
            discord.http.Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                               interaction_id=interaction_id, interaction_token=token), json=body)  # fmt: skip

    async def _on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type != discord.InteractionType.application_command or self.client is None:
            return
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        name = data.get("name")
        if name not in ("ask", "reset") or interaction.channel_id is None:
            return
        if not self._wanted(interaction.guild_id):
            return
        if name == "ask":
            options = {o.get("name"): o.get("value") for o in data.get("options") or []}
            text = str(options.get("prompt") or "").strip()
        else:
            text = self.config.reset_trigger
        if not text:
            await self._callback(interaction.id, interaction.token,
                                 {"type": 4, "data": {"content": "Ask something.", "flags": 64}})  # fmt: skip
            return
        await self._callback(interaction.id, interaction.token, {"type": 5})  # "thinking…"; the answer edits it
        cid = str(interaction.channel_id)
        self._interactions.setdefault(cid, []).append((interaction.token, time.monotonic() + INTERACTION_TTL))
        channel = interaction.channel
        chat = self._chat(channel) if channel is not None and hasattr(channel, "id") else Chat(id=cid)
        if interaction.guild_id is None and chat.type != "dm":
            chat = Chat(id=cid, type="dm", name=chat.name)
        me = self.client.user
        await self._emit(InboundMessage(
            external_id=f"interaction:{interaction.id}", type="text", text=text, chat=chat,
            sender=self._sender(interaction.user), mentions=[str(me.id)] if me else [], is_mention=True,
            raw={"interaction": name, "guildId": str(interaction.guild_id) if interaction.guild_id else None},
        ))  # fmt: skip

    def _pending_interaction(self, channel_id: str) -> str | None:
        queue = self._interactions.get(channel_id) or []
        now = time.monotonic()
        while queue:
            token, deadline = queue.pop(0)
            if deadline > now:
                return token
        return None

    def _webhook_route(self, method: str, token: str, message: str = "@original") -> discord.http.Route:
        assert self.client is not None
        return discord.http.Route(method, "/webhooks/{webhook_id}/{webhook_token}/messages/" + message,
                                  webhook_id=self.client.application_id, webhook_token=token)  # fmt: skip

    # -- outbound ----------------------------------------------------------------------------------------------------

    def _live(self) -> _Bot:
        client = self.client
        if client is None or client.is_closed() or not self._ready.is_set():
            raise ChannelNotReady("not connected to Discord")
        return client

    async def _target(self, to: str) -> discord.abc.Messageable:
        client = self._live()
        try:
            cid = int(self._dm_of_user.get(to, to))
        except ValueError:
            raise SendFailed(f"{to!r} is not a Discord channel or user id", code="INVALID_TARGET") from None
        channel = client.get_channel(cid)
        if channel is not None:
            return channel  # type: ignore[return-value]
        user = client.get_user(cid)
        if user is not None:
            dm = await user.create_dm()
            self._dm_of_user[to] = str(dm.id)
            return dm
        return client.get_partial_messageable(cid)

    async def _dm_fallback(self, to: str) -> discord.abc.Messageable | None:
        """`to` was no channel: maybe a user id (a DM)."""
        client = self._live()
        try:
            user = await client.fetch_user(int(to))
        except (discord.NotFound, ValueError):
            return None
        dm = await user.create_dm()
        self._dm_of_user[to] = str(dm.id)
        return dm

    async def send(self, message: Outbound) -> SendResult:
        key = f"{message.kind}:{message.id}"
        running = self._inflight.get(key)
        if running is not None:  # a redelivery while the first try still waits out a rate limit
            return await asyncio.shield(running)
        future: asyncio.Future[SendResult] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._send(message)
            future.set_result(result)
            return result
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: nobody else may be waiting
            raise
        finally:
            self._inflight.pop(key, None)

    async def _send(self, message: Outbound) -> SendResult:
        try:
            if message.kind in ("text", "media", "sticker", "embed", "poll"):
                return await self._create(message)
            if message.kind == "reaction":
                return await self._react(message)
            if message.kind == "edit":
                return await self._edit(message)
            if message.kind == "delete":
                return await self._delete(message)
        except discord.RateLimited as exc:
            raise SendFailed(f"rate limited for {exc.retry_after:.0f}s", retryable=True, code="RATE_LIMITED") from exc
        except discord.Forbidden as exc:
            raise SendFailed(f"Discord forbids it: {exc.text}", code="FORBIDDEN") from exc
        except discord.NotFound as exc:
            raise SendFailed(f"not found on Discord: {exc.text}", code="NOT_FOUND") from exc
        except discord.DiscordServerError as exc:
            raise SendFailed(f"Discord server error: {exc}", retryable=True, code="PLATFORM_ERROR") from exc
        except discord.HTTPException as exc:
            if exc.status == 429:
                raise SendFailed("rate limited", retryable=True, code="RATE_LIMITED") from exc
            raise SendFailed(f"Discord refused it ({exc.status}): {exc.text}", code="REJECTED") from exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise ChannelNotReady(f"Discord unreachable: {exc}") from exc
        raise SendFailed(f"discord cannot send {message.kind}", code="CAPABILITY_NOT_SUPPORTED")

    async def _create(self, message: Outbound) -> SendResult:
        done_key = f"sent:{message.id}"
        done: dict[str, Any] = await self.ctx.store.get(done_key, None) or {}
        if done.get("complete"):
            return SendResult(external_id=done["ids"][0], extra={"messageIds": done["ids"]})
        ids: list[str] = list(done.get("ids") or [])
        parts = await self._parts(message)
        nonce_base = uuid.UUID(message.id).hex[:22] if _is_uuid(message.id) else uuid.uuid5(
            uuid.NAMESPACE_URL, message.id).hex[:22]  # fmt: skip
        target = await self._target(message.to)
        token = self._pending_interaction(message.to) if message.kind in ("text", "embed") and not ids else None
        for i, kwargs in enumerate(parts):
            if i < len(ids):
                continue  # sent before a retry
            if token is not None and i == 0 and "files" not in kwargs and "poll" not in kwargs:
                sent_id = await self._answer_interaction(token, kwargs)
            else:
                if i == 0 and message.reply_to:
                    with contextlib.suppress(ValueError):
                        kwargs["reference"] = discord.MessageReference(
                            message_id=int(message.reply_to), channel_id=int(getattr(target, "id", 0) or 0),
                            fail_if_not_exists=False)  # fmt: skip
                try:
                    sent = await target.send(nonce=f"{nonce_base}{i:03d}", **kwargs)
                except discord.NotFound as exc:
                    if exc.code != 10003 or ids:
                        raise
                    fallback = await self._dm_fallback(message.to)
                    if fallback is None:
                        raise
                    target = fallback
                    kwargs.pop("reference", None)
                    sent = await target.send(nonce=f"{nonce_base}{i:03d}", **kwargs)
                sent_id = str(sent.id)
            ids.append(sent_id)
            if len(parts) > 1:
                await self.ctx.store.set(done_key, {"ids": ids}, ttl=3600)
        if len(parts) > 1:
            await self.ctx.store.set(done_key, {"ids": ids, "complete": True}, ttl=3600)
        return SendResult(external_id=ids[0], extra={"messageIds": ids} if len(ids) > 1 else {})

    async def _answer_interaction(self, token: str, kwargs: dict[str, Any]) -> str:
        assert self.client is not None
        body: dict[str, Any] = {"content": kwargs.get("content") or ""}
        if kwargs.get("embed") is not None:
            body["embeds"] = [kwargs["embed"].to_dict()]
        allowed = kwargs.get("allowed_mentions")
        if allowed is not None:
            body["allowed_mentions"] = allowed.to_dict()
        data = await self.client.http.request(self._webhook_route("PATCH", token), json=body)
        mid = str(data["id"])
        self._webhook_messages[mid] = token
        return mid

    async def _parts(self, message: Outbound) -> list[dict[str, Any]]:
        """The discord.py `send` calls one outbound message takes."""
        allowed, prefix = _mentions(message.mentions)
        text = message.text or ""
        if message.kind == "text":
            if prefix and not all(p in text for p in prefix.split()):
                text = f"{prefix} {text}"
            pieces = chunk(text, MAX_LENGTH) or [text]
            return [{"content": p, **({"allowed_mentions": allowed} if allowed else {})} for p in pieces]
        if message.kind == "embed" and message.embed is not None:
            e = message.embed
            embed = discord.Embed(title=e.title, description=e.description, url=e.url, color=e.color)
            for f in e.fields:
                embed.add_field(name=str(f.get("name", ""))[:256], value=str(f.get("value", ""))[:1024],
                                inline=bool(f.get("inline", False)))  # fmt: skip
            if e.footer:
                embed.set_footer(text=e.footer)
            if e.image_url:
                embed.set_image(url=e.image_url)
            return [{"embed": embed}]
        if message.kind == "poll" and message.poll is not None:
            p = message.poll
            poll = discord.Poll(question=p.question, duration=timedelta(hours=p.duration_hours or 24),
                                multiple=p.multi_select)  # fmt: skip
            for answer in p.answers:
                poll.add_answer(text=answer)
            return [{"poll": poll}]
        if message.kind == "sticker" and message.media is not None:
            sticker_id = _sticker_id(message.media)
            if sticker_id is not None:
                return [{"stickers": [discord.Object(sticker_id)]}]
            data, filename = await self._bytes(message.media, "sticker.webp")
            return [{"files": [discord.File(_io(data), filename=filename)]}]
        if message.kind == "media" and message.media is not None:
            data, filename = await self._bytes(message.media, "file")
            caption = (message.media.caption or message.text or "")[:MAX_LENGTH]
            return [{"content": caption or None, "files": [discord.File(_io(data), filename=filename)]}]
        raise SendFailed(f"a {message.kind} needs its content", code="VALIDATION_ERROR")

    async def _bytes(self, media: Media, default_name: str) -> tuple[bytes, str]:
        name = media.filename
        if media.path:
            path = Path(media.path)
            try:
                data = await asyncio.to_thread(path.read_bytes)
            except OSError as exc:
                raise SendFailed(f"cannot read {path}: {exc}", code="MEDIA_UNAVAILABLE") from exc
            name = name or path.name
        elif media.base64:
            try:
                data = base64.b64decode(media.base64, validate=True)
            except ValueError as exc:
                raise SendFailed("media.base64 is not base64", code="VALIDATION_ERROR") from exc
        elif media.url:
            try:
                async with httpx.AsyncClient(timeout=60, follow_redirects=True) as http:
                    r = await http.get(media.url)
            except httpx.HTTPError as exc:
                raise SendFailed(
                    f"cannot download {media.url}: {exc}", retryable=True, code="MEDIA_UNAVAILABLE"
                ) from exc
            if r.status_code != 200:
                raise SendFailed(f"downloading {media.url} answered {r.status_code}", code="MEDIA_UNAVAILABLE")
            data = r.content
            name = name or Path(httpx.URL(media.url).path).name
        else:
            raise SendFailed("the media has no url, path or base64", code="VALIDATION_ERROR")
        if len(data) > MAX_FILE:
            raise SendFailed(f"the file is larger than {MAX_FILE} bytes", code="FILE_TOO_LARGE")
        name = name or default_name
        if "." not in name and media.mime_type:
            name += mimetypes.guess_extension(media.mime_type) or ""
        return data, name

    async def _react(self, message: Outbound) -> SendResult:
        client = self._live()
        if not message.target:
            raise SendFailed("a reaction needs its target message", code="VALIDATION_ERROR")
        target = await self._target(message.to)
        partial = discord.PartialMessage(channel=target, id=int(message.target))  # type: ignore[arg-type]
        if message.emoji:
            await partial.add_reaction(message.emoji)
        else:  # empty: remove ours (every emoji we put on it)
            full = await partial.fetch()
            for reaction in full.reactions:
                if reaction.me:
                    await partial.remove_reaction(reaction.emoji, client.user)  # type: ignore[arg-type]
        return SendResult(external_id=message.target)

    async def _edit(self, message: Outbound) -> SendResult:
        if not message.target:
            raise SendFailed("an edit needs its target message", code="VALIDATION_ERROR")
        text = (message.text or "")[:MAX_LENGTH]
        token = self._webhook_messages.get(message.target)
        if token is not None:
            client = self._live()
            await client.http.request(self._webhook_route("PATCH", token), json={"content": text})
            return SendResult(external_id=message.target)
        target = await self._target(message.to)
        await discord.PartialMessage(channel=target, id=int(message.target)).edit(content=text)  # type: ignore[arg-type]
        return SendResult(external_id=message.target)

    async def _delete(self, message: Outbound) -> SendResult:
        if not message.target:
            raise SendFailed("a delete needs its target message", code="VALIDATION_ERROR")
        token = self._webhook_messages.pop(message.target, None)
        try:
            if token is not None:
                client = self._live()
                await client.http.request(self._webhook_route("DELETE", token))
            else:
                target = await self._target(message.to)
                await discord.PartialMessage(channel=target, id=int(message.target)).delete()  # type: ignore[arg-type]
        except discord.NotFound:
            pass  # already gone: deleted is deleted
        return SendResult(external_id=message.target)

    async def send_typing(self, chat_id: str, state: str = "typing") -> None:
        if state != "typing":
            return None  # Discord's typing indicator stops by itself
        target = await self._target(chat_id)
        try:
            await target.typing()
        except discord.HTTPException as exc:
            raise SendFailed(f"typing refused: {exc}", retryable=exc.status >= 500 or exc.status == 429) from exc
        return None

    # -- directory ---------------------------------------------------------------------------------------------------

    def _guilds(self, parent: str | None) -> list[discord.Guild]:
        client = self._live()
        return [g for g in client.guilds if self._wanted(g.id) and (parent is None or str(g.id) == parent)]

    async def fetch_groups(self, *, parent: str | None = None) -> list[dict[str, Any]]:
        client = self._live()
        found: list[dict[str, Any]] = []
        guilds = self._guilds(parent)
        if parent is not None and not guilds:  # maybe a channel: its threads
            channel = client.get_channel(int(parent)) if parent.isdigit() else None
            guilds = [channel.guild] if channel is not None and getattr(channel, "guild", None) else []
        for guild in guilds:
            found.append({"id": str(guild.id), "name": guild.name, "type": "guild", "memberCount": guild.member_count})
            for ch in guild.channels:
                kind = _group_type(ch)
                if kind is None:
                    continue
                found.append({"id": str(ch.id), "name": ch.name, "type": kind, "parentId": str(guild.id),
                              **({"topic": ch.topic} if getattr(ch, "topic", None) else {}),
                              **({"categoryId": str(ch.category_id)} if ch.category_id else {})})  # fmt: skip
            for th in guild.threads:
                found.append({"id": str(th.id), "name": th.name, "type": "thread", "parentId": str(th.parent_id),
                              "guildId": str(guild.id)})  # fmt: skip
        if parent:
            keep = {parent} | {g["id"] for g in found if g.get("parentId") == parent}
            found = [g for g in found if g["id"] in keep or g.get("parentId") in keep or g.get("guildId") == parent]
        return found

    async def fetch_contacts(self, *, parent: str | None = None) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for guild in self._guilds(parent):
            try:
                members = [m async for m in guild.fetch_members(limit=1000)]
            except discord.HTTPException:
                members = list(guild.members)
            for m in members:
                entry = found.setdefault(str(m.id), {
                    "id": str(m.id), "name": m.display_name, "username": m.name, "isBot": m.bot,
                    "avatarUrl": str(m.display_avatar.url), "parentId": str(guild.id)})  # fmt: skip
                entry.setdefault("guildIds", []).append(str(guild.id))
        return list(found.values())

    async def fetch_history(self, chat_id: str, *, before: str | None = None, limit: int = 100) -> list[Any]:
        client = self._live()
        channel = client.get_channel(int(chat_id)) or await client.fetch_channel(int(chat_id))
        out: list[Any] = []
        kwargs: dict[str, Any] = {"limit": max(1, min(limit, 1000))}
        if before:
            kwargs["before"] = discord.Object(int(before))
        async for message in channel.history(**kwargs):  # type: ignore[union-attr]
            if client.user is not None and message.author.id == client.user.id:
                events = [InboundMessage(external_id=str(message.id), type="text", text=message.content or "·",
                                         chat=self._chat(message.channel), sender=self._sender(message.author),
                                         timestamp=message.created_at, is_from_me=True)]  # fmt: skip
            else:
                events = await self._inbound(message, download=False)
            out.extend(events)
        return out


# -- helpers -----------------------------------------------------------------------------------------------------------


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def _media_kind(content_type: str | None, filename: str) -> str:
    mime = content_type or mimetypes.guess_type(filename)[0] or ""
    for kind in ("image", "audio", "video"):
        if mime.startswith(kind + "/"):
            return kind
    return "document"


def _sticker_id(media: Media) -> int | None:
    for value in (media.url, media.filename):
        if value:
            m = STICKER_URL.search(value)
            if m:
                return int(m.group(1))
            if value.isdigit():
                return int(value)
    return None


def _mentions(mentions: list[dict[str, Any]]) -> tuple[discord.AllowedMentions | None, str]:
    """Outbound mentions (`{id, type}`: user, role, channel, everyone, here) as allowed mentions and the tokens a
    text needs to carry them."""
    if not mentions:
        return None, ""
    users, roles, tokens = [], [], []
    everyone = False
    for m in mentions:
        kind, mid = m.get("type") or "user", str(m.get("id") or "")
        if kind == "user" and mid.isdigit():
            users.append(discord.Object(int(mid)))
            tokens.append(f"<@{mid}>")
        elif kind == "role" and mid.isdigit():
            roles.append(discord.Object(int(mid)))
            tokens.append(f"<@&{mid}>")
        elif kind == "channel" and mid.isdigit():
            tokens.append(f"<#{mid}>")
        elif kind in ("everyone", "here"):
            everyone = True
            tokens.append(f"@{kind}")
    allowed = discord.AllowedMentions(everyone=everyone, users=users or False, roles=roles or False,
                                      replied_user=True)  # fmt: skip
    return allowed, " ".join(tokens)


def _group_type(channel: Any) -> str | None:
    t = getattr(channel, "type", None)
    if t in (discord.ChannelType.text, discord.ChannelType.news):
        return "channel"
    if t == discord.ChannelType.forum:
        return "forum"
    if t == discord.ChannelType.voice:
        return "voice"
    if t == discord.ChannelType.category:
        return "category"
    return None


@hookimpl
def register_channels(register: Any) -> None:
    register(Discord)
