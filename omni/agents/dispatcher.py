"""The dispatcher: every inbound message (and reaction) of an instance bound to an agent provider becomes, when the
instance's rules say so, one agent call, and the agent's answer becomes well-behaved replies on the channel.

For each inbound event, in order (ARCHITECTURE §6): skip own messages → the reset trigger (🗑️) → the instance's
`triggerEvents` → the chat's pause → the reply filter → the per-user trigger rate limit → access control → debounce
(a chat's messages wait together) → then, on flush: the route override (chat > person > instance), the session id,
the provider call with the batched messages, and the replies (ack, typing, streamed edits or split chunks with the
split delay, an error reply on failure). Every decision is a trigger-log row.

Nothing lost, nothing twice: an inbound event is acknowledged to JetStream only when its decision is final (its reply
sent, or it was filtered), so a crash redelivers it; a reply's message ids derive from the trigger, so a redelivered
trigger resumes its replies instead of sending them again, and a trigger already answered is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import KeyNotFoundError
from tortoise import Tortoise

from omni import access
from omni.agents import followups, replies
from omni.agents.base import AgentContent, AgentError, AgentEvent, AgentRequest, AgentSender, AgentSource, HistoryTurn
from omni.agents.registry import ProviderPool
from omni.bus import subjects
from omni.channels.runtime import bucket, publish_event
from omni.channels.types import Outbound
from omni.db.coalesce import Coalescer
from omni.pipeline import envelope as envelopes
from omni.pipeline import outbound
from omni.plugins.manager import Plugins

log = logging.getLogger("omni.agents")

TRACE_SPACE = uuid.UUID("5b0f6f0e-7d4e-4b53-9f55-0a6a7c1d2e30")
CONFIG_TTL = 2.0  # seconds an instance's agent settings (and its access rules) are cached
STALE_AFTER = timedelta(minutes=15)  # older inbound (a history catch-up) never wakes the agent
HISTORY_TURNS = 20
MAX_ATTEMPTS = 5  # deliveries of an event the dispatcher fails on (not the agent: that is an error reply)
TYPING_HOLD = 30.0  # restart-on-typing holds a chat's messages at most this long past the window
TYPING_FRESH = 5.0  # seconds a typing signal counts
HEARTBEAT = 10.0  # seconds between "still working" signals to JetStream for events in hand
ACK_WAIT = 30.0
TYPING_EVERY = 8.0
TYPING_AFTER = 0.3  # seconds of agent work before the typing indicator shows
STREAM_EDIT_EVERY = 1.0  # seconds between streamed edits of one message
SEND_WAIT = 30.0
DEFAULT_RESET_TRIGGER = "🗑️"
DEFAULT_RESET_REPLY = "✅ Conversation cleared. Let's start over."
DEFAULT_ERROR_REPLY = "Sorry, I couldn't answer that just now. Please try again in a moment."
LOG_FLUSH_EVERY = 0.2
FOLLOW_UP_EVERY = 1.0  # seconds between looks for due follow-ups
PAIRING_TTL = timedelta(hours=24)
PAIRING_TEXT = (
    "🔒 This assistant answers approved contacts only. Your pairing code is {code}; an operator can "
    "approve it (omni access approve). You'll get a message when you're in."
)

INSTANCE_SQL = (
    "select id, channel, owner_identifier, agent_provider_id, agent_id, agent_type, agent_timeout, agent_stream_mode, "
    "agent_reply_filter, agent_session_strategy, agent_prefix_sender_name, agent_send_media_path, trigger_events, "
    "trigger_reactions, trigger_rate_limit, enable_auto_split, access_mode, message_debounce_mode, "
    "message_debounce_min_ms, message_debounce_max_ms, message_debounce_group_ms, message_debounce_restart_on_typing, "
    "message_split_delay_mode, message_split_delay_fixed_ms, message_split_delay_min_ms, message_split_delay_max_ms, "
    "trigger_mode, access_pairing, agent_ack_reaction, agent_ack_text, agent_error_message, agent_reset_trigger, "
    "exists (select 1 from agent_routes r where r.instance_id = instances.id and r.is_active "
    "and r.agent_provider_id is not null) as has_routes from instances where id = $1"
)
ROUTE_COLUMNS = (
    "agent_provider_id", "agent_id", "agent_type", "agent_timeout", "agent_stream_mode", "agent_reply_filter",
    "agent_session_strategy", "agent_prefix_sender_name", "agent_send_media_path", "message_debounce_mode",
    "message_debounce_min_ms", "message_debounce_max_ms", "message_debounce_group_ms",
    "message_debounce_restart_on_typing", "message_split_delay_mode", "message_split_delay_fixed_ms",
    "message_split_delay_min_ms", "message_split_delay_max_ms", "enable_auto_split",
)  # fmt: skip


FOLLOW_UP = "agent.follow_up"  # the envelope type of a due follow-up (made by the scheduler, never on the bus)


def trace_of(event_id: str) -> uuid.UUID:
    return uuid.uuid5(TRACE_SPACE, event_id)


def reply_id(trace: uuid.UUID, what: str) -> str:
    return str(uuid.uuid5(trace, what))


@dataclass(eq=False)
class Held:
    """One inbound event in hand (not yet acknowledged)."""

    msg: Msg | None
    env: dict[str, Any]
    trigger_type: str = "message"
    reason: str = ""
    received: float = field(default_factory=time.monotonic)

    @property
    def payload(self) -> dict[str, Any]:
        return self.env.get("payload") or {}


@dataclass
class ChatState:
    queue: asyncio.Queue[Held] = field(default_factory=asyncio.Queue)
    worker: asyncio.Task[None] | None = None
    typing: dict[str, float] = field(default_factory=dict)  # sender → last seen typing (restart-on-typing)


class TriggerLogs:
    """Trigger-log rows, written in batches off the hot path (a row per decision)."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.task: asyncio.Task[None] | None = None

    def add(self, *, instance: dict[str, Any], held: Held, decision: str, reason: str, trace: uuid.UUID | None = None,
            provider_id: Any = None, responded: bool = False, duration_ms: int | None = None, error: str | None = None,
            usage: Any = None, metadata: dict[str, Any] | None = None) -> None:  # fmt: skip
        p = held.payload
        now = datetime.now(UTC)
        self.rows.append((
            uuid.uuid4(), instance["id"], provider_id, instance.get("agent_id"), str(trace) if trace else None,
            held.env.get("type", ""), uuid.UUID(held.env["id"]), held.trigger_type, instance.get("channel"),
            str((p.get("chat") or {}).get("id", "")), (p.get("sender") or {}).get("id"), instance.get("trigger_mode"),
            now - timedelta(seconds=time.monotonic() - held.received), now if responded else None, responded,
            duration_ms, usage.input_tokens if usage else None, usage.output_tokens if usage else None, error,
            orjson.dumps(metadata).decode() if metadata else None, now, decision, reason[:1000],
        ))  # fmt: skip

    async def run(self) -> None:
        while True:
            await asyncio.sleep(LOG_FLUSH_EVERY)
            await self.flush()

    async def flush(self) -> None:
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        try:
            client = Tortoise.get_connection("default")
            async with client.acquire_connection() as conn:
                await conn.executemany(
                    "insert into trigger_logs (id, instance_id, provider_id, agent_id, trace_id, event_type, event_id, "
                    "trigger_type, channel, chat_id, sender_id, mode, fired_at, responded_at, responded, duration_ms, "
                    "input_tokens, output_tokens, error, metadata, created_at, decision, reason) values ($1, $2, $3, "
                    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20::jsonb, $21, $22, "
                    "$23) on conflict do nothing", rows)  # fmt: skip
        except Exception:
            log.exception("writing %d trigger-log rows failed", len(rows))


class Dispatcher:
    def __init__(self, nc: NATS, js: JetStreamContext, plugins: Plugins, waiters: Any, *,
                 runtime: Any = None) -> None:  # fmt: skip
        self.nc = nc
        self.runtime = runtime  # this node's channel runtime: a reply to an instance that runs here goes out directly
        self.js = js
        self.plugins = plugins
        self.waiters = waiters
        self.pool = ProviderPool(plugins)
        self.logs = TriggerLogs()
        self.chats: dict[tuple[str, str], ChatState] = {}
        self.held: set[Held] = set()
        self.tasks: list[asyncio.Task[None]] = []
        self.subs: list[Any] = []
        self.configs: dict[str, tuple[float, dict[str, Any] | None]] = {}
        self.rules: dict[str, tuple[float, list[Any]]] = {}
        self.rate: dict[tuple[str, str], deque[float]] = {}
        self.reactions_seen: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self.sessions: Any = None
        self.armed: set[tuple[str, str]] = set()  # chats with an armed follow-up sequence
        self.providers: dict[str, tuple[float, Any]] = {}
        self.chat_types: dict[tuple[str, str], str] = {}
        self.follow_up_configs: tuple[float, dict[tuple[str, str], Any]] | None = None
        self.typing_sub: Any = None

    # -- lifecycle ----------------------------------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        self.sessions = await bucket(self.js, subjects.bucket_name("agent_sessions"), None)
        self.armed = await followups.armed_chats()
        for name, stream, filter_subject in (
            ("dispatch-messages", "MESSAGE", f"{subjects.ROOT}.message.received.>"),
            ("dispatch-reactions", "REACTION", f"{subjects.ROOT}.reaction.>"),
        ):
            config = ConsumerConfig(durable_name=name, ack_policy=AckPolicy.EXPLICIT, ack_wait=ACK_WAIT,
                                    max_deliver=-1, max_ack_pending=20_000,
                                    # a new durable (first start) takes what is recent, never the whole history
                                    deliver_policy=DeliverPolicy.BY_START_TIME,
                                    opt_start_time=(datetime.now(UTC) - STALE_AFTER).isoformat().replace("+00:00", "Z"),
                                    filter_subject=filter_subject)  # fmt: skip
            sub = await self.js.pull_subscribe(filter_subject, durable=name, stream=subjects.stream_name(stream),
                                               config=config)  # fmt: skip
            self.subs.append(sub)
            self.tasks.append(asyncio.create_task(self._fetching(sub, name), name=name))
        self.typing_sub = await self.nc.subscribe(f"{subjects.ROOT}.presence.typing.>", cb=self._typing)
        self.tasks.append(asyncio.create_task(self._heartbeat(), name="dispatch-heartbeat"))
        self.tasks.append(asyncio.create_task(self.logs.run(), name="trigger-logs"))
        self.tasks.append(asyncio.create_task(self._follow_ups(), name="follow-ups"))

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.typing_sub.unsubscribe()
        self.typing_sub = None
        for task in [*self.tasks, *(s.worker for s in self.chats.values() if s.worker)]:
            task.cancel()
        for task in [*self.tasks, *(s.worker for s in self.chats.values() if s.worker)]:
            with contextlib.suppress(BaseException):
                await task
        for sub in self.subs:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
        await self.logs.flush()
        await self.pool.close()

    async def _fetching(self, sub: Any, name: str) -> None:
        while True:
            try:
                msgs = await sub.fetch(256, timeout=1.0)
            except (TimeoutError, NatsTimeout):
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s: fetch failed: %s", name, exc)
                await asyncio.sleep(0.5)
                continue
            for msg in msgs:
                try:
                    env = envelopes.decode(msg.data)
                except Exception:
                    log.warning("%s: an undecodable event, dropped from the dispatcher", name)
                    with contextlib.suppress(Exception):
                        await msg.term()
                    continue
                self._enqueue(Held(msg, env))

    def _enqueue(self, held: Held) -> None:
        meta = held.env.get("metadata") or {}
        key = (str(meta.get("instanceId")), str((held.payload.get("chat") or {}).get("id")))
        state = self.chats.get(key)
        if state is None:
            state = self.chats[key] = ChatState()
        self.held.add(held)
        state.queue.put_nowait(held)
        if state.worker is None or state.worker.done():
            state.worker = asyncio.create_task(self._chat(key, state), name=f"chat-{key[1][:40]}")

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            for held in list(self.held):
                if held.msg is not None:
                    with contextlib.suppress(Exception):
                        await held.msg.in_progress()

    async def _done(self, *helds: Held) -> None:
        for held in helds:
            self.held.discard(held)
            if held.msg is not None:
                with contextlib.suppress(Exception):
                    await held.msg.ack()

    async def _typing(self, msg: Msg) -> None:
        with contextlib.suppress(Exception):
            env = envelopes.decode(msg.data)
            meta = env.get("metadata") or {}
            key = (str(meta.get("instanceId")), str(((env.get("payload") or {}).get("chat") or {}).get("id")))
            state = self.chats.get(key)
            sender = ((env.get("payload") or {}).get("sender") or {}).get("id")
            if state is not None and sender:
                state.typing[str(sender)] = time.monotonic()

    # -- one chat: its events in order ----------------------------------------------------------------------------------

    async def _chat(self, key: tuple[str, str], state: ChatState) -> None:
        """A chat's events, one decision after the other. Nothing here may end the loop but an idle chat: an event
        that fails for a reason outside the agent (the database away…) is handed back to JetStream for later."""
        while True:
            try:
                held = await asyncio.wait_for(state.queue.get(), timeout=30)
            except TimeoutError:
                if state.queue.empty():
                    self.chats.pop(key, None)
                    return
                continue
            group = [held]
            later: list[Held] = []  # follow-ups that came due while the chat's messages were being collected
            try:
                if held.env.get("type") == FOLLOW_UP:
                    await self._fire(held)
                    continue
                admitted = await self._admit(held)
                if admitted is None:
                    continue
                instance, agent = admitted
                window = self._window(agent, held)
                if window > 0:
                    instance, agent = await self._debounce(state, group, later, window, instance, agent)
                await self._flush(instance, agent, group)
                for due in later:
                    await self._fire(due)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("dispatch of %d event(s) failed; they come back later", len(group))
                await self._later(group + later, exc)

    async def _later(self, helds: list[Held], exc: Exception) -> None:
        """Back to JetStream with a backoff (a follow-up simply comes due again); after MAX_ATTEMPTS, given up."""
        for held in helds:
            self.held.discard(held)
            if held.msg is None:
                continue
            attempt = held.msg.metadata.num_delivered if held.msg.metadata else 1
            with contextlib.suppress(Exception):
                if attempt >= MAX_ATTEMPTS:
                    log.error("dispatcher: giving up on %s after %d attempts: %s", held.env.get("id"), attempt, exc)
                    instance = await self._instance(str((held.env.get("metadata") or {}).get("instanceId")))
                    if instance is not None:
                        self.logs.add(instance=instance, held=held, decision="failed", reason="gave up after "
                                      f"{attempt} attempts", error=f"{type(exc).__name__}: {exc}"[:2000])  # fmt: skip
                    await held.msg.ack()
                else:
                    await held.msg.nak(delay=min(60.0, 2.0**attempt))

    def _window(self, agent: dict[str, Any], held: Held) -> float:
        return replies.debounce_window(
            agent["message_debounce_mode"], min_ms=agent["message_debounce_min_ms"] or 0,
            max_ms=agent["message_debounce_max_ms"] or 0, group_ms=agent["message_debounce_group_ms"],
            group=not replies.is_dm(held.payload.get("chat") or {}),
        )  # fmt: skip

    async def _debounce(self, state: ChatState, group: list[Held], later: list[Held], window: float,
                        instance: dict[str, Any], agent: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
        """Collect the chat's next messages: `fixed` waits one window from the first; `randomized` restarts the
        window with each message; with restart-on-typing it waits while one of the senders types (at most
        TYPING_HOLD seconds more). Returns the settings of the last message admitted (the one answered)."""
        fixed = agent["message_debounce_mode"] == "fixed"
        deadline = time.monotonic() + window
        hold_until = deadline + TYPING_HOLD
        while True:
            now = time.monotonic()
            remaining = deadline - now
            if remaining <= 0 and agent["message_debounce_restart_on_typing"] and now < hold_until:
                senders = {(h.payload.get("sender") or {}).get("id") for h in group}
                if any(now - state.typing.get(who, 0.0) < TYPING_FRESH for who in senders if who):
                    deadline = now + min(window, TYPING_FRESH)
                    continue
            if remaining <= 0:
                return instance, agent
            try:
                held = await asyncio.wait_for(state.queue.get(), timeout=remaining)
            except TimeoutError:
                continue
            if held.env.get("type") == FOLLOW_UP:
                later.append(held)
                continue
            admitted = await self._admit(held)
            if admitted is None:
                continue
            instance, agent = admitted
            group.append(held)
            if not fixed:
                deadline = time.monotonic() + self._window(agent, held)

    # -- the guards -------------------------------------------------------------------------------------------------------

    async def _admit(self, held: Held) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The guards for one event; None when it ends here (acknowledged, logged)."""
        env, p = held.env, held.payload
        meta = env.get("metadata") or {}
        instance = await self._instance(str(meta.get("instanceId")))
        if instance is None:
            await self._done(held)
            return None
        sender = p.get("sender") or {}
        chat = p.get("chat") or {}
        if (
            p.get("isFromMe")
            or p.get("history")
            or (sender.get("id") and sender.get("id") == instance.get("owner_identifier"))
        ):
            await self._done(held)  # own messages and history (a sync) never wake the agent
            return None
        kind = env.get("type")
        chat_key = (str(instance["id"]), str(chat.get("id")))
        self._remember_chat_type(chat_key, chat.get("type"))
        if kind == "message.received" and chat_key in self.armed:  # the customer answered: no more nudges
            self.armed.discard(chat_key)
            await followups.disarm(instance["id"], chat_key[1], "inbound")
        if kind == "reaction.removed" or (kind == "reaction.received" and not p.get("emoji")):
            await self._done(held)
            return None
        if not instance.get("agent_provider_id") and not instance.get("has_routes"):
            await self._done(held)  # no agent anywhere on this instance: nothing to look up
            return None
        agent, routes = await self._agent(instance, chat, sender)
        if not agent.get("agent_provider_id") or await self._answered(held):
            await self._done(held)
            return None
        stamp = p.get("timestamp")
        if stamp:
            with contextlib.suppress(ValueError, TypeError):
                at = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
                if at.tzinfo and datetime.now(UTC) - at > STALE_AFTER:
                    return await self._drop(instance, held, "stale", "older than 15 minutes (a catch-up)")
        if (routes.get("_chat_settings") or {}).get("agentPaused"):
            return await self._drop(instance, held, "paused", "the agent is paused in this chat")
        text = (p.get("text") or "").strip() if kind == "message.received" else ""
        emoji = p.get("emoji") if kind == "reaction.received" else None
        reset = _plain(instance.get("agent_reset_trigger") or DEFAULT_RESET_TRIGGER)
        resetting = bool((text and _plain(text) == reset) or (emoji and _plain(emoji) == reset))
        if not resetting:
            if kind not in (instance.get("trigger_events") or ["message.received"]):
                return await self._drop(instance, held, "filtered", f"{kind} is not in the instance's triggerEvents")
            if kind == "reaction.received" and not await self._reaction_ok(instance, held):
                return None
            if kind == "message.received":
                trigger = replies.reply_filter(
                    agent.get("agent_reply_filter"), dm=replies.is_dm(chat),
                    mentioned=self._mentioned(instance, p), replied_to_bot=await self._replied_to_bot(instance, p),
                    text=text,
                )  # fmt: skip
                if not trigger.reply:
                    return await self._drop(instance, held, "filtered", trigger.reason)
                held.trigger_type, held.reason = trigger.type, trigger.reason
            else:
                held.trigger_type, held.reason = "reaction", f"reacted with {emoji}"
        if not self._within_rate(instance, sender.get("id") or chat.get("id")):
            return await self._drop(instance, held, "rate_limited",
                                    f"over {instance['trigger_rate_limit']} triggers per minute for this sender")  # fmt: skip
        decision = await self._access(instance, sender, routes.get("_person_id"))
        if not decision.allowed:
            await self._denied(instance, held, decision)
            return None
        if resetting:  # after pause, rate limit and access: a stranger can't wipe a shared session
            await self._reset(instance, agent, held)
            return None
        return instance, agent

    async def _agent(self, instance: dict[str, Any], chat: dict[str, Any],
                     sender: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
        """The instance's settings with the chat's or the person's route over them, and what was looked up."""
        routes = await self._routes(instance, chat, sender)
        agent = {**instance, **{k: v for k, v in routes.items() if v is not None}}
        agent["_chat_uuid"] = routes.get("_chat_uuid")
        agent["_person_id"] = routes.get("_person_id")
        return agent, routes

    def _remember_chat_type(self, key: tuple[str, str], chat_type: Any) -> None:
        """A reply that reaches the database before the inbound message makes the chat row: with the right type."""
        if chat_type and self.chat_types.get(key) != chat_type:
            if len(self.chat_types) > 100_000:
                self.chat_types.clear()
            self.chat_types[key] = str(chat_type)

    async def _drop(self, instance: dict[str, Any], held: Held, decision: str, reason: str) -> None:
        self.logs.add(instance=instance, held=held, decision=decision, reason=reason)
        await self._done(held)
        return None

    async def _instance(self, instance_id: str) -> dict[str, Any] | None:
        cached = self.configs.get(instance_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        row = await _fetchrow(INSTANCE_SQL, uuid.UUID(instance_id))
        value = dict(row) if row is not None else None
        if value is not None:
            for key in ("agent_reply_filter", "trigger_events", "trigger_reactions"):
                value[key] = _jsonb(value.get(key))
        if len(self.configs) > 10_000:
            self.configs.clear()
        self.configs[instance_id] = (time.monotonic() + CONFIG_TTL, value)
        return value

    async def _routes(self, instance: dict[str, Any], chat: dict[str, Any], sender: dict[str, Any]) -> dict[str, Any]:
        """The chat (its uuid and settings), the sender's person, and the route override (chat route > person
        route): one round trip, shared by the chats looking theirs up at the same time."""
        row = await _ROUTES.submit((instance["id"], str(chat.get("id")), str(sender.get("id") or "")))
        out = dict(row) if row is not None else {}
        for key in ("_chat_settings", "agent_reply_filter"):
            out[key] = _jsonb(out.get(key))
        return out

    async def _answered(self, held: Held) -> bool:
        """A redelivered event whose trigger was answered before a crash."""
        if held.msg is None or not held.msg.metadata or held.msg.metadata.num_delivered <= 1:
            return False
        await self.logs.flush()
        row = await _fetchrow("select 1 from trigger_logs where event_id = $1 and decision in ('replied', 'failed', "
                              "'denied', 'reset', 'debounced', 'pairing', 'filtered', 'paused') limit 1", uuid.UUID(held.env["id"]))  # fmt: skip
        return row is not None

    def _mentioned(self, instance: dict[str, Any], p: dict[str, Any]) -> bool:
        owner = instance.get("owner_identifier")
        mentions = [str(m) for m in p.get("mentions") or []]
        return bool(owner and owner in mentions) or bool(p.get("isMention"))

    async def _replied_to_bot(self, instance: dict[str, Any], p: dict[str, Any]) -> bool:
        target = p.get("replyTo")
        if not target:
            return False
        row = await _fetchrow(
            "select m.is_from_me from messages m join chats c on c.id = m.chat_id where c.instance_id = $1 and "
            "c.external_id = $2 and m.external_id = $3", instance["id"], str((p.get("chat") or {}).get("id")), target,
        )  # fmt: skip
        return bool(row and row["is_from_me"])

    def _within_rate(self, instance: dict[str, Any], who: str) -> bool:
        limit = instance.get("trigger_rate_limit") or 0
        if limit <= 0:
            return True
        now = time.monotonic()
        window = self.rate.setdefault((str(instance["id"]), who), deque())
        while window and now - window[0] > 60:
            window.popleft()
        if len(window) >= limit:
            return False
        window.append(now)
        if len(self.rate) > 50_000:
            self.rate = {k: v for k, v in self.rate.items() if v and now - v[-1] < 60}
        return True

    async def _reaction_ok(self, instance: dict[str, Any], held: Held) -> bool:
        p = held.payload
        allowed = instance.get("trigger_reactions")
        if allowed is not None and p.get("emoji") not in allowed:
            await self._drop(instance, held, "filtered", f"{p.get('emoji')} is not in triggerReactions")
            return False
        key = (str(p.get("target")), str(p.get("emoji")), str((p.get("sender") or {}).get("id")))
        if key in self.reactions_seen:
            await self._drop(instance, held, "filtered", "the same reaction triggered before")
            return False
        self.reactions_seen[key] = None
        if len(self.reactions_seen) > 10_000:
            self.reactions_seen.popitem(last=False)
        return True

    async def _access(self, instance: dict[str, Any], sender: dict[str, Any], person_id: Any) -> access.Decision:
        mode = instance.get("access_mode") or "disabled"
        if mode == "disabled":
            return access.Decision(True, access.ALLOW, "access control is disabled for this instance")
        key = str(instance["id"])
        cached = self.rules.get(key)
        fresh = cached is None or cached[0] <= time.monotonic()
        if fresh:
            cached = self.rules[key] = (time.monotonic() + CONFIG_TTL, await access.rules(instance["id"]))
        user = sender.get("id")
        phone = sender.get("phone") or access.phone_of(user)
        decision = access.evaluate(mode, cached[1], platform_user_id=user, phone=phone, person_id=person_id)
        if not decision.allowed and not fresh:
            # a denial is checked against the rules as they are now: a sender approved (or allowed) a moment ago
            # must not be turned away, or asked to pair again, by rules cached before
            cached = self.rules[key] = (time.monotonic() + CONFIG_TTL, await access.rules(instance["id"]))
            decision = access.evaluate(mode, cached[1], platform_user_id=user, phone=phone, person_id=person_id)
        return decision

    async def _denied(self, instance: dict[str, Any], held: Held, decision: access.Decision) -> None:
        rule = decision.rule
        if rule is None and instance.get("access_pairing") and (held.payload.get("sender") or {}).get("id"):
            await self._pairing(instance, held)
            return
        message = getattr(rule, "block_message", None) if decision.action == access.BLOCK else None
        chat_id = str((held.payload.get("chat") or {}).get("id"))
        if message:
            trace = trace_of(held.env["id"])
            await self._send(instance, Outbound(id=reply_id(trace, "blocked"), kind="text", to=chat_id, text=message),
                             message_type="text", wait=0)  # fmt: skip
        await self._event(instance, "access.denied", held, {"reason": decision.reason, "action": decision.action,
                                                             "ruleId": str(rule.id) if rule else None})  # fmt: skip
        await self._drop(instance, held, "denied", decision.reason)

    async def _pairing(self, instance: dict[str, Any], held: Held) -> None:
        """An unknown sender of an allowlist instance with pairing: one open request with a code (sent once per
        request), which an operator approves or denies."""
        p = held.payload
        sender = p.get("sender") or {}
        chat_id = str((p.get("chat") or {}).get("id"))
        code = "-".join(uuid.uuid4().hex[i : i + 4] for i in (0, 4)).upper()
        now = datetime.now(UTC)
        row = await _fetchrow(
            "insert into access_requests (id, instance_id, platform_user_id, chat_id, display_name, code, status, "
            "created_at, expires_at) values ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) on conflict (instance_id, "
            "platform_user_id) do update set status = 'pending', code = excluded.code, chat_id = excluded.chat_id, "
            "created_at = excluded.created_at, expires_at = excluded.expires_at, decided_at = null, rule_id = null "
            "where access_requests.status in ('approved', 'expired') "  # denied stays denied
            "or (access_requests.status = 'pending' and access_requests.expires_at <= $7) "
            "returning id, code", uuid.uuid4(), instance["id"], str(sender["id"]), chat_id, sender.get("name"), code,
            now, now + PAIRING_TTL,
        )  # fmt: skip
        if row is not None:  # a new (or renewed) request: tell the sender its code
            trace = trace_of(held.env["id"])
            await self._send(instance, Outbound(id=reply_id(trace, "pairing"), kind="text", to=chat_id,
                                                text=PAIRING_TEXT.format(code=row["code"])), message_type="text", wait=0)  # fmt: skip
            await self._event(instance, "access.pairing_requested", held, {"requestId": str(row["id"]),
                                                                           "code": row["code"]})  # fmt: skip
        await self._drop(instance, held, "pairing", "unknown sender: waiting for an operator to approve pairing")

    async def _event(self, instance: dict[str, Any], event_type: str, held: Held, extra: dict[str, Any]) -> None:
        p = held.payload
        with contextlib.suppress(Exception):
            await publish_event(self.js, event_type, {"chatId": (p.get("chat") or {}).get("id"),
                                                      "senderId": (p.get("sender") or {}).get("id"), **extra},
                                instance_id=str(instance["id"]), channel=instance["channel"], source="dispatcher",
                                dedupe_key=f"{held.env['id']}:{event_type}")  # fmt: skip

    # -- sessions -----------------------------------------------------------------------------------------------------------

    def _session(self, agent: dict[str, Any], held: Held) -> str:
        p = held.payload
        return replies.session_id(agent.get("agent_session_strategy"), user=(p.get("sender") or {}).get("id"),
                                  chat=str((p.get("chat") or {}).get("id")))  # fmt: skip

    def _session_key(self, instance: dict[str, Any], session: str) -> str:
        return uuid.uuid5(TRACE_SPACE, f"{instance['id']}:{session}").hex

    async def _reset(self, instance: dict[str, Any], agent: dict[str, Any], held: Held) -> None:
        session = self._session(agent, held)
        with contextlib.suppress(Exception):
            await self.sessions.put(self._session_key(instance, session),
                                    orjson.dumps({"resetAt": datetime.now(UTC).isoformat()}))  # fmt: skip
        try:
            provider = await self._provider(agent["agent_provider_id"])
            await provider.reset_session(session)
        except Exception as exc:
            log.warning("resetting session %s failed: %s", session, exc)
        chat_id = str((held.payload.get("chat") or {}).get("id"))
        trace = trace_of(held.env["id"])
        await self._send(instance, Outbound(id=reply_id(trace, "reset"), kind="text", to=chat_id,
                                            text=DEFAULT_RESET_REPLY), message_type="text", wait=0)  # fmt: skip
        await self._disarm(instance, chat_id, "session_reset")
        self.logs.add(instance=instance, held=held, decision="reset", reason="the session was reset", trace=trace,
                      provider_id=agent["agent_provider_id"], responded=True, metadata={"sessionId": session})  # fmt: skip
        await self._done(held)

    # -- follow-ups ---------------------------------------------------------------------------------------------------

    async def _follow_ups(self) -> None:
        while True:
            await asyncio.sleep(FOLLOW_UP_EVERY)
            try:
                for seq in await followups.due():
                    # one id per (sequence run, follow-up): a re-armed sequence's nudges are new messages
                    fire_id = f"{seq['last_activity_at'].isoformat()}:{seq['sequence_index']}"
                    env = {"id": str(uuid.uuid5(seq["id"], fire_id)), "type": FOLLOW_UP,
                           "payload": {"chat": {"id": seq["chat_id"]}, "sender": {"id": seq["sender_id"]},
                                       "sequence": seq},
                           "metadata": {"instanceId": str(seq["instance_id"])}}  # fmt: skip
                    self._enqueue(Held(None, env, trigger_type="follow_up"))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("looking for due follow-ups failed")

    async def _fire(self, held: Held) -> None:
        seq = held.payload["sequence"]
        chat_id = seq["chat_id"]
        now = await _fetchrow("select armed, sequence_index, last_activity_at from follow_up_sequences where id = $1",
                              seq["id"])  # fmt: skip
        if (now is None or not now["armed"] or now["sequence_index"] != seq["sequence_index"]
                or now["last_activity_at"] != seq["last_activity_at"]):  # fmt: skip
            self.held.discard(held)
            return  # disarmed or re-armed (the customer wrote) since it was due
        instance = await self._instance(str(seq["instance_id"]))
        self.held.discard(held)
        if instance is None:
            return
        chat_key = (str(instance["id"]), chat_id)
        agent, routes = await self._agent(instance, {"id": chat_id}, {"id": seq["sender_id"]})
        # the config now (it may have been switched off or changed since the sequence was armed)
        config = await self._follow_up_config(instance["id"], seq["chat_uuid"], agent.get("agent_provider_id"))
        chat = await _fetchrow("select archived_at, name, (select max(platform_timestamp) from messages m "
                               "where m.chat_id = c.id and not m.is_from_me) as last_inbound from chats c where "
                               "instance_id = $1 and external_id = $2", instance["id"], chat_id)  # fmt: skip
        settings = routes.get("_chat_settings") or {}
        reason = None
        if not agent.get("agent_provider_id"):
            reason = "no_agent"
        elif config is None:
            reason = "disabled"
        elif settings.get("agentPaused"):
            reason = "paused"
        elif chat is not None and (chat["archived_at"] is not None or settings.get("archived")):
            reason = "archived"
        elif settings.get("muted"):
            reason = "muted"
        elif chat is not None and chat["last_inbound"] is not None and chat["last_inbound"] > seq["last_activity_at"]:
            reason = "inbound"  # the customer wrote (seen by another node, or before this one knew the sequence)
        elif (config.get("stopOutsideMessagingWindow", True) and instance["channel"] in followups.WINDOW_CHANNELS
              and chat is not None and chat["last_inbound"] is not None
              and datetime.now(UTC) - chat["last_inbound"] > followups.WINDOW):  # fmt: skip
            reason = "messaging_window"
        if reason is not None or config is None:
            self.armed.discard(chat_key)
            return await followups.disarm(instance["id"], chat_id, reason or "disabled")
        index = int(seq["sequence_index"])
        minutes = int((datetime.now(UTC) - seq["last_activity_at"]).total_seconds() // 60)
        prompt = followups.render_prompt(config["promptTemplate"], minutes=minutes, index=index + 1,
                                         chat_name=chat["name"] if chat else None)  # fmt: skip
        held.reason = f"follow-up {index + 1} of {config.get('maxFollowUps')}"
        try:
            await self._flush(instance, agent, [held], follow_up={"id": seq["id"], "config": config, "index": index,
                                                                  "prompt": prompt})  # fmt: skip
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("follow-up for chat %s failed", chat_id)
            self.logs.add(instance=instance, held=held, decision="failed", reason=str(exc), error=str(exc))
            self.armed.discard(chat_key)
            await followups.disarm(instance["id"], chat_id, "agent_error")

    async def _history(self, instance: dict[str, Any], agent: dict[str, Any], group: list[Held],
                       session: str) -> list[HistoryTurn]:  # fmt: skip
        since = datetime.now(UTC) - timedelta(days=30)
        with contextlib.suppress(KeyNotFoundError, Exception):
            entry = await self.sessions.get(self._session_key(instance, session))
            if entry and entry.value:
                since = max(since, datetime.fromisoformat(orjson.loads(entry.value)["resetAt"]))
        first = group[0].payload
        chat_id = str((first.get("chat") or {}).get("id"))
        user = (first.get("sender") or {}).get("id")
        per_user = agent.get("agent_session_strategy") in (None, "per_user_per_chat") and not replies.is_dm(
            first.get("chat") or {})  # fmt: skip
        current = [str(h.payload.get("externalId")) for h in group]
        rows = await _fetch(
            "select m.is_from_me, m.text_content from messages m join chats c on c.id = m.chat_id "
            "where c.instance_id = $1 and c.external_id = $2 and m.platform_timestamp > $3 and m.text_content is not null "
            "and m.status <> 'deleted' and not (m.external_id = any($4::text[])) "
            "and ($5::text is null or m.is_from_me or m.sender_platform_user_id = $5) "
            "order by m.platform_timestamp desc limit $6",
            instance["id"], chat_id, since, current, user if per_user else None, HISTORY_TURNS,
        )  # fmt: skip
        return [HistoryTurn(role="assistant" if r["is_from_me"] else "user", text=r["text_content"])
                for r in reversed(rows)]  # fmt: skip

    # -- on flush: the agent call and the replies ------------------------------------------------------------------------

    async def _provider(self, provider_id: Any) -> Any:
        """The pool checks the provider's row on each use; the dispatcher looks again every CONFIG_TTL seconds."""
        key = str(provider_id)
        cached = self.providers.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        provider = await self.pool.get(provider_id)
        self.providers[key] = (time.monotonic() + CONFIG_TTL, provider)
        return provider

    async def _follow_up_config(self, instance_id: Any, chat_uuid: Any, provider_id: Any) -> dict[str, Any] | None:
        """`followups.effective` over the configs read at most every CONFIG_TTL seconds (usually a handful)."""
        if self.follow_up_configs is None or self.follow_up_configs[0] <= time.monotonic():
            rows = await _fetch("select scope, scope_id, config from follow_up_configs")
            table = {(r["scope"], str(r["scope_id"])): r["config"] for r in rows}
            self.follow_up_configs = (time.monotonic() + CONFIG_TTL, table)
        return followups.resolve(self.follow_up_configs[1], instance_id, chat_uuid, provider_id)

    async def _disarm(self, instance: dict[str, Any], chat_id: str, reason: str) -> None:
        key = (str(instance["id"]), chat_id)
        if key in self.armed:
            self.armed.discard(key)
            await followups.disarm(instance["id"], chat_id, reason)

    async def _flush(self, instance: dict[str, Any], agent: dict[str, Any], group: list[Held], *,
                     follow_up: dict[str, Any] | None = None) -> None:  # fmt: skip
        started = time.monotonic()
        last = group[-1]
        trace = trace_of(group[0].env["id"])
        p = last.payload
        chat_id = str((p.get("chat") or {}).get("id"))
        sender = p.get("sender") or {}
        session = self._session(agent, last)
        channel_cls = self.plugins.channels.get(instance["channel"])
        caps = getattr(channel_cls, "capabilities", None)
        provider_id = agent["agent_provider_id"]
        try:
            provider = await self._provider(provider_id)
        except AgentError as exc:
            await self._failed(instance, agent, group, trace, chat_id, started, f"{exc.code}: {exc}")
            return
        if follow_up is not None:
            text = follow_up["prompt"]
        else:
            text = replies.compose([h.payload for h in group], prefix_name=bool(agent.get("agent_prefix_sender_name"))
                                   and not replies.is_dm(p.get("chat") or {}),
                                   media_path=bool(agent.get("agent_send_media_path")))  # fmt: skip
        history = await self._history(instance, agent, group, session) if provider.wants_history else []
        streaming = bool(agent.get("agent_stream_mode") and provider.supports_streaming and caps is not None
                         and caps.can_edit_message and caps.can_stream_response)  # fmt: skip
        timeout = float(agent.get("agent_timeout") or provider.settings.timeout or 60)
        request = AgentRequest(
            trace_id=str(trace), type=last.trigger_type if last.trigger_type != "none" else "message",  # type: ignore[arg-type]
            session_id=session, agent_id=agent.get("agent_id"), agent_type=agent.get("agent_type") or "agent",
            source=AgentSource(channel_type=instance["channel"], instance_id=str(instance["id"]), chat_id=chat_id,
                               message_id=p.get("externalId") or p.get("target"),
                               message_ids=[str(h.payload.get("externalId")) for h in group]),
            sender=AgentSender(platform_user_id=sender.get("id"), display_name=sender.get("name"),
                               person_id=str(agent["_person_id"]) if agent.get("_person_id") else None),
            content=AgentContent(text=text, emoji=p.get("emoji")), history=history, stream=streaming, timeout=timeout,
        )  # fmt: skip
        called, called_wall = time.monotonic(), time.time()
        typing = asyncio.create_task(self._keep_typing(instance, caps, chat_id, trace))
        try:
            await self._ack(instance, agent, caps, chat_id, last, trace)
            answer = await self._ask(provider, request, timeout, instance, chat_id, trace, caps if streaming else None)
        finally:
            typing.cancel()
            with contextlib.suppress(BaseException):
                await typing
        answered = time.monotonic()
        if answer.kind == "error":
            await self._failed(instance, agent, group, trace, chat_id, started, f"{answer.code}: {answer.text}")
            return
        # the replies' message.sent go out after the reply is timed, before the triggers are acked (a redelivered
        # trigger finds its reply sent and publishes them again)
        journal: list[Callable[[], Awaitable[None]]] = []
        try:
            sent = await self._reply(instance, agent, caps, chat_id, trace, answer, journal=journal)
        except Exception:
            await self._disarm(instance, chat_id, "send_failed")
            raise
        replied = time.monotonic()
        if follow_up is not None:
            if await followups.fired(follow_up["id"], follow_up["config"], follow_up["index"]):
                self.armed.discard((str(instance["id"]), chat_id))
        elif sent:
            config = await self._follow_up_config(
                instance["id"], agent.get("_chat_uuid"), agent.get("agent_provider_id")
            )
            if config is not None:
                await followups.arm(instance["id"], chat_id, agent.get("_chat_uuid"), sender.get("id"), session, config)
                self.armed.add((str(instance["id"]), chat_id))
        self._debounced(instance, group, trace, provider_id)
        self.logs.add(instance=instance, held=last, decision="follow_up" if follow_up else "replied",
                      reason=last.reason, trace=trace,
                      provider_id=provider_id, responded=True, duration_ms=int((time.monotonic() - started) * 1000),
                      usage=answer.usage, metadata={"sessionId": session, "messages": len(group), "replies": sent,
                                                    # the dispatcher's own time: the messages collected (after the
                                                    # debounce) → the provider called
                                                    "dispatchMs": round((called - started) * 1000, 2),
                                                    # the last message in hand → its flush (debounce, the chat's queue)
                                                    "queuedMs": round((started - last.received) * 1000, 2),
                                                    # from the event's publication (the channel emitted it), on the
                                                    # publishing node's clock
                                                    "sinceInboundMs": _since_published(last.env, called_wall),
                                                    "agentMs": round((answered - called) * 1000, 2),
                                                    "replyMs": round((replied - answered) * 1000, 2),
                                                    "eventIds": [h.env["id"] for h in group]})  # fmt: skip
        for publish in journal:
            await publish()
        await self._done(*group)

    async def _failed(self, instance: dict[str, Any], agent: dict[str, Any], group: list[Held], trace: uuid.UUID,
                      chat_id: str, started: float, error: str) -> None:  # fmt: skip
        message = instance.get("agent_error_message")
        if message is None:
            message = DEFAULT_ERROR_REPLY
        if message and group[-1].env.get("type") != FOLLOW_UP:  # "" turns the error reply off; nobody asked a nudge
            await self._send(instance, Outbound(id=reply_id(trace, "error"), kind="text", to=chat_id, text=message),
                             message_type="text", wait=0)  # fmt: skip
        log.warning("agent call for chat %s failed: %s", chat_id, error)
        self._debounced(instance, group, trace, agent.get("agent_provider_id"))
        await self._disarm(instance, chat_id, "agent_error")
        self.logs.add(instance=instance, held=group[-1], decision="failed", reason="the agent failed", trace=trace,
                      provider_id=agent.get("agent_provider_id"), error=error[:2000],
                      duration_ms=int((time.monotonic() - started) * 1000))  # fmt: skip
        await self._event(instance, "agent.failed", group[-1], {"traceId": str(trace), "error": error[:2000]})
        await self._done(*group)

    def _debounced(self, instance: dict[str, Any], group: list[Held], trace: uuid.UUID, provider_id: Any) -> None:
        """The earlier messages of a group, answered (or failed) with its last: logged once the group is done, so a
        redelivered one is known as answered."""
        for held in group[:-1]:
            self.logs.add(instance=instance, held=held, decision="debounced", reason="answered with a later message",
                          trace=trace, provider_id=provider_id)  # fmt: skip

    async def _ack(self, instance: dict[str, Any], agent: dict[str, Any], caps: Any, chat_id: str, last: Held,
                   trace: uuid.UUID) -> None:  # fmt: skip
        reaction = instance.get("agent_ack_reaction")
        target = last.payload.get("externalId")
        if (
            reaction
            and caps is not None
            and caps.can_send_reaction
            and target
            and last.env.get("type") == "message.received"
        ):
            await self._send(instance, Outbound(id=reply_id(trace, "ack-reaction"), kind="reaction", to=chat_id,
                                                emoji=reaction, target=target), message_type=None, wait=0)  # fmt: skip
        if instance.get("agent_ack_text"):
            await self._send(instance, Outbound(id=reply_id(trace, "ack-text"), kind="text", to=chat_id,
                                                text=instance["agent_ack_text"]), message_type="text", wait=0)  # fmt: skip

    async def _keep_typing(self, instance: dict[str, Any], caps: Any, chat_id: str, trace: uuid.UUID) -> None:
        if caps is None or not caps.can_send_typing:
            return
        await asyncio.sleep(TYPING_AFTER)  # a quick answer needs no typing indicator
        n = 0
        while True:
            n += 1
            with contextlib.suppress(Exception):
                await self._send(instance, Outbound(id=reply_id(trace, f"typing-{n}"), kind="presence", to=chat_id,
                                                    presence="typing"), message_type=None, wait=0)  # fmt: skip
            await asyncio.sleep(TYPING_EVERY)

    async def _ask(self, provider: Any, request: AgentRequest, timeout: float, instance: dict[str, Any], chat_id: str,
                   trace: uuid.UUID, stream_caps: Any) -> AgentEvent:  # fmt: skip
        """The provider's answer (its final or error event); with `stream_caps`, deltas are shown as they come by
        editing one message in place."""
        streamer = Streamer(self, instance, chat_id, trace, stream_caps) if stream_caps is not None else None
        final: AgentEvent | None = None
        try:
            async with asyncio.timeout(timeout):
                async for event in provider.respond(request):
                    if event.kind == "delta" and streamer is not None:
                        await streamer.add(event.text)
                    elif event.kind in ("final", "error"):
                        final = event
                        break
        except TimeoutError:
            final = AgentEvent.error(f"the agent did not answer within {timeout:g} s", "TIMEOUT")
        except AgentError as exc:
            final = AgentEvent.error(str(exc), exc.code)
        except Exception as exc:
            log.exception("provider %s crashed", getattr(provider, "key", "?"))
            final = AgentEvent.error(f"{type(exc).__name__}: {exc}", "PROVIDER_CRASHED")
        if final is None:
            final = AgentEvent.final(streamer.text if streamer else "")
        if streamer is not None and final.kind == "final":
            final.metadata = {**(final.metadata or {}), "streamed": await streamer.finish(final.text)}
        return final

    async def _reply(self, instance: dict[str, Any], agent: dict[str, Any], caps: Any, chat_id: str, trace: uuid.UUID,
                     answer: AgentEvent, *, journal: list[Callable[[], Awaitable[None]]] | None = None) -> int:  # fmt: skip
        if (answer.metadata or {}).get("streamed"):
            return int(answer.metadata["streamed"])
        limit = getattr(caps, "max_message_length", None) if caps is not None else None
        if answer.parts:
            chunks = [c for part in answer.parts for c in replies.chunk(part, limit or replies.DEFAULT_LIMIT)]
        else:
            chunks = replies.split_reply(
                answer.text, auto_split=agent.get("enable_auto_split") is not False, limit=limit
            )
        for i, text in enumerate(chunks):
            if i:
                delay = replies.split_delay(agent.get("message_split_delay_mode"),
                                            fixed_ms=agent.get("message_split_delay_fixed_ms") or 0,
                                            min_ms=agent.get("message_split_delay_min_ms") or 0,
                                            max_ms=agent.get("message_split_delay_max_ms") or 0)  # fmt: skip
                if delay > 0:
                    if caps is not None and caps.can_send_typing:
                        await self._send(instance, Outbound(id=reply_id(trace, f"typing-split-{i}"), kind="presence",
                                                            to=chat_id, presence="typing"), message_type=None, wait=0)  # fmt: skip
                    await asyncio.sleep(delay)
            outcome = await self._send(instance, Outbound(id=reply_id(trace, f"reply-{i}"), kind="text", to=chat_id,
                                                          text=text), message_type="text", wait=SEND_WAIT,
                                       journal=journal)  # fmt: skip
            if outcome is not None and outcome.get("status") == "failed":
                raise RuntimeError(f"the reply could not be sent: {outcome.get('error')}")
        return len(chunks)

    async def _send(self, instance: dict[str, Any], message: Outbound, *, message_type: str | None, wait: float,
                    journal: list[Callable[[], Awaitable[None]]] | None = None) -> dict[str, Any] | None:  # fmt: skip
        chat_type = self.chat_types.get((str(instance["id"]), message.to), "dm")
        return await outbound.deliver(self.js, self.waiters, instance, message, message_type=message_type, wait=wait,
                                      source="agent", chat_type=chat_type, journal=journal,
                                      here=self.runtime.runner_here if self.runtime is not None else None)  # fmt: skip


class Streamer:
    """A streamed answer shown by editing one message in place (throttled); past the channel's limit it goes on in
    a new message."""

    def __init__(self, dispatcher: Dispatcher, instance: dict[str, Any], chat_id: str, trace: uuid.UUID,
                 caps: Any) -> None:  # fmt: skip
        self.d = dispatcher
        self.instance = instance
        self.chat_id = chat_id
        self.trace = trace
        self.limit = getattr(caps, "max_message_length", None) or replies.DEFAULT_LIMIT
        self.text = ""  # everything so far
        self.base = 0  # where the current message starts in `text`
        self.messages = 0
        self.external: str | None = None
        self.shown = 0  # characters of `text` shown
        self.edited_at = 0.0
        self.edits = 0
        self.run = uuid.uuid4().hex[:12]

    async def add(self, piece: str) -> None:
        self.text += piece
        if time.monotonic() - self.edited_at >= STREAM_EDIT_EVERY or self.external is None:
            await self._show()

    async def _show(self) -> None:
        current = self.text[self.base :]
        while len(current) > self.limit:  # close this message at a good cut, go on in a new one
            head = replies.chunk(current, self.limit)[0]
            await self._put(head)
            self.base += current.index(head) + len(head)
            self.external, self.shown = None, self.base
            current = self.text[self.base :]
        if not current.strip():
            return
        await self._put(current)
        self.shown = len(self.text)
        self.edited_at = time.monotonic()

    async def _put(self, text: str) -> None:
        if self.external is None:
            self.messages += 1
            outcome = await self.d._send(self.instance, Outbound(id=reply_id(self.trace, f"stream-{self.messages}"),
                                                                 kind="text", to=self.chat_id, text=text),
                                         message_type="text", wait=SEND_WAIT)  # fmt: skip
            if outcome is None or outcome.get("status") != "sent":
                raise RuntimeError(f"the streamed reply could not be sent: {(outcome or {}).get('error', 'no answer')}")
            self.external = outcome.get("externalMessageId")
            return
        self.edits += 1
        # an edit's id is this run's (a redelivered trigger edits again; an edit twice is the same text)
        await self.d._send(self.instance, Outbound(id=reply_id(self.trace, f"edit-{self.run}-{self.messages}-{self.edits}"),
                                                   kind="edit", to=self.chat_id, target=self.external, text=text),
                           message_type=None, wait=SEND_WAIT)  # fmt: skip

    async def finish(self, final_text: str) -> int:
        """The final text replaces what was streamed (it is the whole answer); returns the messages used."""
        if final_text and final_text != self.text and final_text.startswith(self.text[: self.base]):
            self.text = final_text
        if self.shown < len(self.text) or self.messages == 0:
            await self._show()
        return self.messages


def _jsonb(value: Any) -> Any:
    """A jsonb column as asyncpg hands it over (text) made a value."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _plain(text: str) -> str:
    """Emoji compared without their variation selector (🗑 and 🗑️ are the same)."""
    return text.replace("\ufe0f", "").strip()


def _since_published(env: dict[str, Any], at: float) -> float | None:
    published = ((env.get("metadata") or {}).get("timings") or {}).get("published")
    return round((at - published) * 1000, 2) if isinstance(published, int | float) else None


async def _routes_of(batch: list[tuple[Any, str, str]]) -> list[Any]:
    """`Dispatcher._routes` for a batch of (instance, chat, sender), in the batch's order."""
    rows = await _fetch(
        f"select u.n, c.id as _chat_uuid, c.settings as _chat_settings, p.person_id as _person_id, "  # noqa: S608
        f"{', '.join('r.' + c for c in ROUTE_COLUMNS)} "
        "from unnest($1::uuid[], $2::text[], $3::text[]) with ordinality as u(inst, chat, sender, n) "
        "left join chats c on c.instance_id = u.inst and c.external_id = u.chat "
        "left join lateral (select person_id from platform_identities where instance_id = u.inst "
        "and platform_user_id = u.sender limit 1) p on true "
        "left join lateral (select * from agent_routes r where r.instance_id = u.inst and r.is_active and "
        "((r.scope = 'chat' and r.chat_id = c.id) or (r.scope = 'user' and r.person_id = p.person_id)) "
        "order by (r.scope = 'chat') desc, r.priority desc limit 1) r on true order by u.n",
        [b[0] for b in batch], [b[1] for b in batch], [b[2] for b in batch],
    )  # fmt: skip
    return [{k: v for k, v in r.items() if k != "n"} for r in rows]


_ROUTES: Coalescer[tuple[Any, str, str], dict[str, Any]] = Coalescer(_routes_of)


async def _fetchrow(sql: str, *args: Any) -> Any:
    client = Tortoise.get_connection("default")
    async with client.acquire_connection() as conn:
        return await conn.fetchrow(sql, *args)


async def _fetch(sql: str, *args: Any) -> list[Any]:
    client = Tortoise.get_connection("default")
    async with client.acquire_connection() as conn:
        return await conn.fetch(sql, *args)
