"""The channel runtime: one supervised task per active instance, on exactly one node.

Ownership is a lease in NATS KV (`omni_owners`, one key per instance, a TTL of `LEASE_TTL`): a node (an API worker
process; several per server, several servers per postgres + nats) runs an instance only while it holds the key, renews
it every `RENEW` seconds, and gives it up on a clean stop. A server's workers share its instances out (by a hash of the
id; see `omni.bus.lease.prefers`). When a node dies its keys expire and the worker they fall to takes them over
within `LEASE_TTL` + `RENEW`; if that worker is gone too, another takes them after `3 * RENEW` more. Sends reach the owner through a durable per-instance consumer of the
command stream, so whoever owns the instance sends — and what was queued while nobody did is sent then.

Connection states (`omni_instance_state`, readable from any node): disconnected, connecting, connected, reconnecting,
needs_auth, error. `ChannelNotReady` → reconnecting with exponential backoff and jitter; `ChannelAuthFailed` →
needs_auth, no retry loop; any other exception → error with the traceback kept; other instances are never affected.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from nats.js.kv import KeyValue
from tortoise import Tortoise

from omni.bus import subjects
from omni.bus.consumer import Consumer, ConsumerSpec, DeadLetter, Retried, Retry, backoff
from omni.bus.lease import Lease, prefers_instance
from omni.channels import sync
from omni.channels.base import Channel, ChannelAuthFailed, ChannelContext, ChannelError, ChannelNotReady, SendFailed
from omni.channels.kv import PluginStore
from omni.channels.types import INBOUND_KINDS, Outbound
from omni.db import crypto
from omni.db.coalesce import Coalescer
from omni.pipeline import envelope as envelopes
from omni.plugins.manager import Plugins

log = logging.getLogger("omni.channels")

LEASE_TTL = 6.0
RENEW = 2.0
ID_SPACE = uuid.UUID("6f0d3a52-5c1e-4d0a-9a57-1c0e6e9f0b11")  # envelope ids derived from de-duplication keys
SENT_STATES = ("sent", "delivered", "read", "played")
CALL_TIMEOUT = 20.0  # seconds an account or group action may take on the platform
CALLABLE = frozenset({"check_numbers", "get_profile", "update_profile", "set_profile_picture", "set_blocked",
                      "fetch_blocklist", "fetch_privacy", "create_group", "group_invite_link", "join_group",
                      "set_group_picture", "update_group_participants", "reject_call"})  # fmt: skip
TOKEN_COLUMNS = {"discord": "discord_bot_token", "telegram": "telegram_bot_token", "slack": "slack_bot_token"}


def event_id(dedupe_key: str) -> str:
    return str(uuid.uuid5(ID_SPACE, dedupe_key))


async def bucket(js: JetStreamContext, name: str, ttl: float | None) -> KeyValue:
    try:
        return await js.key_value(name)
    except BucketNotFoundError:
        with contextlib.suppress(Exception):  # another node created it meanwhile
            return await js.create_key_value(KeyValueConfig(bucket=name, ttl=ttl, history=1))
        return await js.key_value(name)


async def publish_event(js: JetStreamContext, event_type: str, payload: dict[str, Any], *, instance_id: str,
                        channel: str, dedupe_key: str, source: str, correlation_id: str | None = None) -> Any:  # fmt: skip
    """Publish a core event of an instance durably (returns once JetStream has it); the same `dedupe_key` is the
    same event (JetStream drops the copy inside its window, the journal after it)."""
    env = envelopes.make(event_type, payload, instance_id=instance_id, channel=channel, source=source,
                         correlation_id=correlation_id, event_id=event_id(dedupe_key))  # fmt: skip
    return await js.publish(subjects.event(event_type, channel, instance_id), envelopes.encode(env),
                     headers={"Nats-Msg-Id": dedupe_key}, timeout=5)  # fmt: skip


async def journal_sent(js: JetStreamContext, instance_id: str, channel: str, outbound: dict[str, Any], message_id: str,
                       external: str | None, correlation: str | None) -> None:  # fmt: skip
    """`message.sent` of a recorded send onto the bus (stored once per message, however often it is published)."""
    await publish_event(js, "message.sent", {**outbound, "messageId": message_id, "externalId": external},
                        instance_id=instance_id, channel=channel, source="api", dedupe_key=f"{message_id}:sent",
                        correlation_id=correlation)  # fmt: skip


async def publish_inbound(js: JetStreamContext, instance_id: str, channel: str, event: Any, source: str) -> Any:
    """`ctx.emit`: a normalised inbound event onto its stream, de-duplicated on (instance, external id, type)."""
    if getattr(event, "kind", None) not in INBOUND_KINDS:
        raise TypeError(f"emit takes an omni.channels.types.Inbound* event, not {type(event).__name__}")
    event_type = subjects.inbound_event_type(
        event.kind, removed=getattr(event, "removed", False), status=getattr(event, "status", None),
        state=getattr(event, "state", None),
    )  # fmt: skip
    return await publish_event(js, event_type, event.dump(), instance_id=instance_id, channel=channel,
                        dedupe_key=f"{instance_id}:{event.external_id}:{event_type}", source=source)  # fmt: skip


OWN_ACTIONS = ("edit", "delete", "reaction")  # sends that change a stored message


class Runner:
    """One instance on this node: its connection, supervised, and its send consumer."""

    def __init__(self, runtime: Runtime, row: dict[str, Any], cls: type[Channel]) -> None:
        self.runtime = runtime
        self.id = str(row["id"])
        self.row = row
        self.cls = cls
        self.channel_key: str = row["channel"]
        self.channel: Channel | None = None
        self.sender: Consumer | None = None
        self.task: asyncio.Task[None] | None = None
        self.sync_task: asyncio.Task[None] | None = None  # the sync jobs of this instance, run here one by one
        self.sync_again = False
        self.stopped = False
        self.sending: dict[str, asyncio.Future[None]] = {}  # message id → done, while `send_now` sends it
        self.direct_sub: Any = None
        self.direct_tasks: set[asyncio.Task[None]] = set()
        self.log = log.getChild(f"{self.channel_key}.{self.id[:8]}")

    def start(self) -> None:
        self.stopped = False
        self.task = asyncio.create_task(self._supervise(), name=f"instance-{self.id}")

    async def stop(self, *, logout: bool = False) -> None:
        self.stopped = True
        if logout and self.channel is not None:  # while the connection is still open (an unlink needs it)
            try:
                await self.channel.logout()
            except Exception as exc:
                self.log.warning("logout failed: %s", exc)
        jobs = self.sync_task
        if jobs is not None:
            jobs.cancel()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        if jobs is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await jobs

    # -- state ------------------------------------------------------------------------------------------------------

    async def set_state(self, state: str, message: str | None = None, *, error: str | None = None,
                        **extra: Any) -> None:  # fmt: skip
        value = {"state": state, "since": datetime.now(UTC).isoformat(), "message": message, "error": error,
                 "owner": self.runtime.node, **extra}  # fmt: skip
        if self.channel is not None:
            with contextlib.suppress(Exception):
                value["details"] = self.channel.status()
        await self.runtime.write_state(self.id, value)

    async def set_qr(self, code: str | None, expires_in: float = 60) -> None:
        await self.set_state("needs_auth" if code else "connecting", "scan the QR code" if code else None,
                             qr=code, qrExpiresAt=time.time() + expires_in if code else None)  # fmt: skip
        if code:
            await publish_event(self.runtime.js, "instance.qr_code", {"qrCode": code, "expiresIn": expires_in},
                                instance_id=self.id, channel=self.channel_key, source="runtime",
                                dedupe_key=f"{self.id}:qr:{uuid.uuid4()}")  # fmt: skip

    # -- the connection ---------------------------------------------------------------------------------------------

    def _context(self) -> ChannelContext:
        row = self.row
        raw = row.get("config") or {}
        config = self.cls.config_model.model_validate(orjson.loads(raw) if isinstance(raw, str | bytes) else raw)
        secrets: dict[str, str] = {}
        if row.get("secrets"):
            with contextlib.suppress(Exception):
                secrets.update(orjson.loads(crypto.decrypt(row["secrets"])))
        token_column = TOKEN_COLUMNS.get(self.channel_key)
        if token_column and row.get(token_column):
            secrets.setdefault("token", crypto.decrypt(row[token_column]))
        data_dir = self.runtime.data_dir / "instances" / self.id
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

        async def emit(event: Any) -> None:
            await publish_inbound(self.runtime.js, self.id, self.channel_key, event, f"plugin:{self.channel_key}")

        return ChannelContext(instance_id=self.id, channel=self.channel_key, config=config, secrets=secrets, emit=emit,
                              set_state=self.set_state, set_qr=self.set_qr,
                              store=PluginStore(f"{self.channel_key}:{self.id}"), data_dir=data_dir, log=self.log)  # fmt: skip

    async def _remember_account(self, channel: Channel) -> None:
        """The account the channel connected as (`status()`'s ownerIdentifier / profileName) goes on the instance:
        `whoami`, and mention checks that look for the bot's own id."""
        with contextlib.suppress(Exception):
            facts = channel.status() or {}
            owner, name = facts.get("ownerIdentifier"), facts.get("profileName")
            if owner or name:
                await _execute("update instances set owner_identifier = coalesce($2, owner_identifier), profile_name = "
                               "coalesce($3, profile_name), profile_synced_at = now() where id = $1",
                               uuid.UUID(self.id), owner and str(owner)[:255], name and str(name)[:255])  # fmt: skip

    async def _supervise(self) -> None:
        attempt = 0
        while True:
            await self.set_state("connecting" if attempt == 0 else "reconnecting")
            self.channel = channel = self.cls()
            try:
                await channel.connect(self._context())
                attempt = 0
                await self.set_state("connected")
                await self._remember_account(channel)
                try:  # omni's own bus, not the plugin: trouble here is transient (reconnect), never the plugin's error
                    await publish_event(self.runtime.js, "instance.connected", channel.status(), instance_id=self.id,
                                        channel=self.channel_key, source="runtime",
                                        dedupe_key=f"{self.id}:connected:{uuid.uuid4()}")  # fmt: skip
                    self.sender = Consumer(self.runtime.js, self._send_spec(), self.runtime.dead_letter,
                                           self.runtime.retried)  # fmt: skip
                    await self.sender.start()
                    # sends from the other workers and nodes, straight here (one listener however many nodes)
                    self.direct_sub = await self.runtime.nc.subscribe(subjects.send_direct(self.id), queue="owner",
                                                                      cb=self._on_direct)  # fmt: skip
                except Exception as exc:
                    raise ChannelNotReady(f"omni's event bus: {type(exc).__name__}: {exc}") from exc
                try:  # sync jobs waiting for this instance, or cut short by a restart
                    sync.resume(self)
                except Exception as exc:
                    self.log.warning("could not resume sync jobs: %s", exc)
                await channel.wait_closed()
                raise ChannelNotReady("the connection closed")
            except ChannelAuthFailed as exc:
                await self._stop_sending()
                await self.set_state("needs_auth", str(exc))
                await self._disconnected(str(exc), will_reconnect=False)
                return
            except ChannelNotReady as exc:
                await self._stop_sending()
                attempt += 1
                delay = backoff(attempt, 1.0, 300.0)
                await self.set_state("reconnecting", f"{exc}; retrying in {delay:.1f}s")
                await self._disconnected(str(exc), will_reconnect=True)
                with contextlib.suppress(Exception):
                    await channel.disconnect()
                await asyncio.sleep(delay)
            except asyncio.CancelledError:
                await self._stop_sending()
                with contextlib.suppress(Exception):
                    await asyncio.shield(channel.disconnect())
                with contextlib.suppress(Exception):
                    await asyncio.shield(self.set_state("disconnected"))
                raise
            except Exception as exc:
                await self._stop_sending()
                self.runtime.plugins.record(self.runtime.plugins.owner_of("channel", self.channel_key) or "?",
                                            f"instance {self.id}", exc)  # fmt: skip
                await self.set_state("error", str(exc), error="".join(traceback.format_exception(exc))[-8000:])
                with contextlib.suppress(Exception):
                    await channel.disconnect()
                await self._disconnected(str(exc), will_reconnect=False)
                return

    async def _disconnected(self, reason: str, *, will_reconnect: bool) -> None:
        with contextlib.suppress(Exception):
            await publish_event(self.runtime.js, "instance.disconnected",
                                {"reason": reason, "willReconnect": will_reconnect}, instance_id=self.id,
                                channel=self.channel_key, source="runtime",
                                dedupe_key=f"{self.id}:disconnected:{uuid.uuid4()}")  # fmt: skip

    async def _stop_sending(self) -> None:
        if self.direct_sub is not None:
            with contextlib.suppress(Exception):
                await self.direct_sub.unsubscribe()
            self.direct_sub = None
        if self.sender is not None:
            await self.sender.stop()
            self.sender = None

    # -- sends ------------------------------------------------------------------------------------------------------

    def _send_spec(self) -> ConsumerSpec:
        return ConsumerSpec(
            durable=f"send-{self.id}", stream=subjects.stream_name("COMMAND"), filter_subject=subjects.send_commands_of(self.id),
            handler=self._send, key=lambda e: (e.get("payload") or {}).get("outbound", {}).get("to"), pass_attempt=True,
            max_attempts=5, batch=64, concurrency=16, ack_wait=10.0, backoff_base=1.0, backoff_cap=60.0,
            on_give_up=self._send_gave_up,
        )  # fmt: skip

    async def _on_direct(self, msg: Any) -> None:
        """A send request from another worker or node (`subjects.send_direct`): each in its own task (the
        subscription hands them over one at a time)."""
        task = asyncio.create_task(self._direct(msg))
        self.direct_tasks.add(task)
        task.add_done_callback(self.direct_tasks.discard)

    async def _direct(self, msg: Any) -> None:
        """Its recorded message sent now, answered `{status: sent|failed …}`, or `{status: "queue"}` when it can't go
        now (the asker then queues it on the command stream, as resumed)."""
        outcome = None
        try:
            p = orjson.loads(msg.data)["payload"]
            outcome = await self.send_now(Outbound.model_validate(p["outbound"]), p.get("correlationId"))
        except Exception as exc:
            self.log.info("a direct send failed (%s); the asker queues it", exc)
        with contextlib.suppress(Exception):
            await msg.respond(orjson.dumps(outcome or {"status": "queue"}))

    async def _send(self, env: dict[str, Any], attempt: int = 1) -> None:
        p = env["payload"]
        message_id = p.get("messageId")
        sending = self.sending.get(message_id) if message_id else None
        if sending is not None:  # this node is sending it right now (`send_now`): its outcome first, then look
            await asyncio.wait([sending])
        # A first delivery of a new send was never sent: whoever queues a send checks its row first, and JetStream
        # drops a second copy of a command (Nats-Msg-Id). A redelivery, a resumed send (same id queued again, maybe
        # after the duplicate window) or a retried dead letter may have gone out before: look.
        if message_id and (attempt > 1 or p.get("resumed", True)):
            row = await _one("select delivery_status, external_id from messages where id = $1", message_id)
            if row is None:
                await self.runtime.result(p["commandId"], {"status": "failed", "error": "the message was deleted"})
                return
            if row["delivery_status"] in SENT_STATES:  # sent before a crash or a redelivery: never twice
                await self.runtime.result(p["commandId"], {"status": "sent", "externalMessageId": row["external_id"]})
                # again, in case it was lost (stored once)
                await self._journal_sent(p["outbound"], message_id, row["external_id"], p.get("correlationId"))
                return
        channel = self.channel
        if channel is None:
            raise Retry("not connected")
        outbound = Outbound.model_validate(p["outbound"])
        try:
            if outbound.kind == "presence":
                await channel.send_typing(outbound.to, outbound.presence or "typing")
                result = None
            elif outbound.kind == "read":
                ids = (outbound.metadata or {}).get("messageIds") or ([outbound.target] if outbound.target else [])
                await channel.mark_read(outbound.to, [str(i) for i in ids])
                result = None
            else:
                result = await channel.send(outbound)
        except ChannelNotReady as exc:
            raise Retry(str(exc)) from exc
        except SendFailed as exc:
            if exc.retryable:
                raise
            await self._failed(env, f"{exc.code}: {exc}", retryable=False)
            return
        external = result.external_id if result else None
        if message_id:
            await self.runtime.mark_sent(message_id, external, result.timestamp if result else datetime.now(UTC))
        await self.runtime.result(p["commandId"], {"status": "sent", "externalMessageId": external})
        if message_id:  # after the answer: the caller need not wait for the journal's copy
            await self._journal_sent(outbound.dump(), message_id, external, p.get("correlationId"))
        elif outbound.kind in OWN_ACTIONS and outbound.target:
            await self._reflect(outbound, p["commandId"], p.get("correlationId"))

    async def _reflect(self, outbound: Outbound, command_id: str, correlation: str | None) -> None:
        """Our own edit, delete or reaction onto the stored message: the event the platform would send for it, from
        us (never waking an agent). A platform that echoes the action too changes nothing more: the same text, the
        same reaction, a message already deleted."""
        # no sender: "us", as the stored-reaction API records our own (platformUserId null)
        payload: dict[str, Any] = {"externalId": f"own:{command_id}", "chat": {"id": outbound.to},
                                   "target": outbound.target, "timestamp": datetime.now(UTC).isoformat(),
                                   "isFromMe": True}  # fmt: skip
        if outbound.kind == "edit":
            event_type, payload["text"] = "message.edited", outbound.text or ""
        elif outbound.kind == "delete":
            event_type = "message.deleted"
        else:
            removed = not outbound.emoji
            event_type = "reaction.removed" if removed else "reaction.received"
            payload.update(emoji=outbound.emoji or "", removed=removed)
        try:  # never fails the send: it went out
            await publish_event(self.runtime.js, event_type, payload, instance_id=self.id, channel=self.channel_key,
                                source="api", dedupe_key=f"{command_id}:{event_type}", correlation_id=correlation)  # fmt: skip
        except Exception as exc:
            self.log.warning("the stored message does not show this %s yet: %s", outbound.kind, exc)

    async def send_now(self, outbound: Outbound, correlation: str | None, *,
                       journal: list[Callable[[], Awaitable[None]]] | None = None,
                       record: Callable[[str, str | None, datetime], Awaitable[Any]] | None = None,
                       ) -> dict[str, Any] | None:  # fmt: skip
        """A recorded message (its id is the message's) straight to the connected channel, from this process (an
        agent's reply, an API send to an instance that runs here). None when it can't go now (not connected, or the
        platform says not now, or anything unexpected): the caller queues it on the command stream, as every send.

        `journal`: its `message.sent` is appended there for the caller to publish later, instead of published before
        this returns. The caller must publish it before it lets go of whatever would resume the send after a crash
        (a resumed send that finds its message sent publishes it again).

        `record(status, externalId, at)`: the message has no row yet (a new API send, its id just made): it is
        written once the platform answered, `sent` (or `failed`), instead of written `pending` before and updated
        after. Nothing is written when it can't go now: the caller records it pending and queues it."""
        channel = self.channel
        if channel is None or self.sender is None or self.stopped or self.id not in self.runtime.leases:
            return None
        if outbound.id in self.sending:  # the same message asked twice at once: the second is queued, as resumed
            return None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sending[outbound.id] = done
        try:
            return await self._send_now(channel, outbound, correlation, journal, record)
        finally:
            del self.sending[outbound.id]
            done.set_result(None)

    async def _send_now(self, channel: Channel, outbound: Outbound, correlation: str | None,
                        journal: list[Callable[[], Awaitable[None]]] | None,
                        record: Callable[[str, str | None, datetime], Awaitable[Any]] | None) -> dict[str, Any] | None:  # fmt: skip
        try:
            result = await channel.send(outbound)
        except SendFailed as exc:
            if exc.retryable:
                return None
            error = f"{exc.code}: {exc}"
            if record is not None:
                await record("failed", None, datetime.now(UTC))
            await self._failed({"payload": {"messageId": outbound.id, "commandId": outbound.id, "correlationId": correlation,
                                            "outbound": outbound.dump()}}, error, retryable=False)  # fmt: skip
            return {"status": "failed", "error": error}
        except Exception as exc:  # ChannelNotReady, or a surprise: the command stream retries it with backoff
            self.log.info("sending %s directly failed (%s); queued", outbound.id, exc)
            return None
        external = result.external_id if result else None
        at = result.timestamp if result and result.timestamp else datetime.now(UTC)
        if record is not None:
            await record("sent", external, at)
        else:
            await self.runtime.mark_sent(outbound.id, external, at)
        publish = functools.partial(self._journal_sent, outbound.dump(), outbound.id, external, correlation)
        if journal is not None:
            journal.append(publish)
        else:
            await publish()
        return {"status": "sent", "externalMessageId": external}

    async def _journal_sent(self, outbound: dict[str, Any], message_id: str, external: str | None,
                            correlation: str | None) -> None:  # fmt: skip
        await journal_sent(self.runtime.js, self.id, self.channel_key, outbound, message_id, external, correlation)

    async def _send_gave_up(self, env: dict[str, Any], error: str) -> None:
        await self._failed(env, error, retryable=True)

    async def _failed(self, env: dict[str, Any], error: str, *, retryable: bool) -> None:
        p = env["payload"]
        message_id = p.get("messageId")
        if message_id:
            await _execute("update messages set delivery_status = 'failed', updated_at = now() where id = $1 "
                           "and delivery_status not in ('sent', 'delivered', 'read', 'played')", message_id)  # fmt: skip
        with contextlib.suppress(Exception):
            await publish_event(self.runtime.js, "message.failed",
                                {"messageId": message_id, "chatId": p["outbound"].get("to"), "error": error,
                                 "retryable": retryable}, instance_id=self.id, channel=self.channel_key, source="api",
                                dedupe_key=f"{p['commandId']}:failed")  # fmt: skip
        await self.runtime.result(p["commandId"], {"status": "failed", "error": error})


async def _one(sql: str, *args: Any) -> dict[str, Any] | None:
    rows = await Tortoise.get_connection("default").execute_query_dict(sql, list(args))
    return rows[0] if rows else None


async def _execute(sql: str, *args: Any) -> None:
    await Tortoise.get_connection("default").execute_query(sql, list(args))


class Runtime:
    """Every instance this node owns. One per API worker process."""

    def __init__(self, *, nc: NATS, js: JetStreamContext, plugins: Plugins, data_dir: Path,
                 dead_letter: DeadLetter, retried: Retried | None = None) -> None:  # fmt: skip
        self.nc, self.js, self.plugins, self.data_dir = nc, js, plugins, data_dir
        self.dead_letter = dead_letter
        self.retried = retried
        self.node = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"  # host:pid:random, for people
        self.runners: dict[str, Runner] = {}
        self.leases: dict[str, Lease] = {}
        self.waiting: dict[str, Lease] = {}  # instances another worker should take first (see `_acquire`)
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.owners = await bucket(self.js, subjects.bucket_name("owners"), LEASE_TTL)
        self.states = await bucket(self.js, subjects.bucket_name("instance_state"), None)

        async def changed(msg: Any) -> None:
            self.wake.set()

        self.sub = await self.nc.subscribe(subjects.instances_changed(), cb=changed)

        async def answer(msg: Any) -> None:
            try:
                request = orjson.loads(msg.data)
                instance_id, action = str(request["instanceId"]), str(request["action"])
                answer = await self.control(instance_id, action, request.get("args") or {})
            except Exception as exc:
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            if answer is not None and msg.reply:
                with contextlib.suppress(Exception):
                    await msg.respond(orjson.dumps(answer, default=str))

        async def control(msg: Any) -> None:  # nats-py runs a callback at a time: a slow action must not hold the rest
            task = asyncio.create_task(answer(msg))
            self.controls.add(task)
            task.add_done_callback(self.controls.discard)

        self.controls: set[asyncio.Task[None]] = set()
        self.control_sub = await self.nc.subscribe(subjects.instance_controls(), cb=control)
        self.task = asyncio.create_task(self._loop(), name="channel-runtime")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await asyncio.gather(*(self._release(i) for i in list(self.runners)), return_exceptions=True)
        for sub in (getattr(self, "sub", None), getattr(self, "control_sub", None)):
            if sub is not None:
                with contextlib.suppress(Exception):
                    await sub.unsubscribe()

    async def _loop(self) -> None:
        while True:
            try:
                await self.scan()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("channel runtime scan failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), RENEW)
            self.wake.clear()

    async def scan(self) -> None:
        rows = await Tortoise.get_connection("default").execute_query_dict("select * from instances where is_active")
        active = {str(r["id"]): r for r in rows if r["channel"] in self.plugins.channels}
        for instance_id in [i for i in self.waiting if i not in active]:
            del self.waiting[instance_id]
        for instance_id in [i for i in self.runners if i not in active]:
            await self._release(instance_id)
        for instance_id, row in active.items():
            try:
                await self._keep(instance_id, row)
            except Exception as exc:  # one instance's trouble (NATS slow a moment) never skips the others' renewal
                log.warning("instance %s: lease round failed: %s", instance_id, exc)

    async def _keep(self, instance_id: str, row: dict[str, Any]) -> None:
        runner = self.runners.get(instance_id)
        if runner is not None:
            if not await self._renew(instance_id):
                log.warning("lost the lease of instance %s; stopping it here", instance_id)
                await self._release(instance_id)
                return
            runner.row = row  # a changed token or config applies at the next (re)connect
            return
        if await self._acquire(instance_id, agent=bool(row.get("agent_provider_id"))):
            runner = Runner(self, row, self.plugins.channels[row["channel"]])
            self.runners[instance_id] = runner
            runner.start()

    async def _acquire(self, instance_id: str, *, agent: bool = False) -> bool:
        """Take the instance when it is free: at once when it falls to this worker (a server spreads its instances
        over its workers; one with an agent goes with the dispatcher), else once it stayed free for a while (its
        worker is gone)."""
        lease = self.waiting.get(instance_id)
        if lease is None:
            patience = 0.0 if prefers_instance(instance_id, agent=agent) else 3 * RENEW
            lease = self.waiting[instance_id] = Lease(self.owners, instance_id, self.node, safe_for=LEASE_TTL - RENEW,
                                                      patience=patience)  # fmt: skip
        if not await lease.keep():
            return False
        del self.waiting[instance_id]
        self.leases[instance_id] = lease
        return True

    async def _renew(self, instance_id: str) -> bool:
        """False when the lease is gone — or could not be renewed for so long that another node may hold it now."""
        lease = self.leases.get(instance_id)
        return lease is not None and await lease.renew()

    async def _release(self, instance_id: str, *, logout: bool = False) -> None:
        runner = self.runners.pop(instance_id, None)
        if runner is not None:
            await runner.stop(logout=logout)
        lease = self.leases.pop(instance_id, None)
        if lease is not None:
            await lease.release()

    async def control(self, instance_id: str, action: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """connect / restart / disconnect / logout / pair / contacts / groups on this node, when it owns the
        instance; None otherwise (the owner answers)."""
        runner = self.runners.get(instance_id)
        if runner is None:
            return None
        if action == "connect":
            if runner.task is None or runner.task.done():
                runner.start()
        elif action == "restart":
            with contextlib.suppress(Exception):  # a new token or config applies now (else at the next rescan)
                row = await _one("select * from instances where id = $1", uuid.UUID(instance_id))
                if row is not None:
                    runner.row = row
            await runner.stop()
            runner.start()
        elif action in ("disconnect", "logout"):
            await self._release(instance_id, logout=action == "logout")
        elif action == "pair":
            if runner.channel is None:
                return {"ok": False, "error": "the instance is not started"}
            return {"ok": True, "result": await runner.channel.pair(args.get("phone"))}
        elif action in ("contacts", "groups"):
            if runner.channel is None:
                return {"ok": False, "error": "the instance is not connected"}
            channel = runner.channel
            fetch = channel.fetch_contacts if action == "contacts" else channel.fetch_groups
            return {"ok": True, "result": {"items": await fetch(parent=args.get("parent"))}}
        elif action == "sync":
            if ((await self.read_state(instance_id)) or {}).get("state") == "connected":
                sync.resume(runner)  # else the job waits: it starts when the instance connects
        elif action == "call":
            return await self._call(runner, str(args.get("method")), args.get("kwargs") or {})
        else:
            return {"ok": False, "error": f"unknown action {action!r}"}
        return {"ok": True, "node": self.node}

    async def _call(self, runner: Runner, method: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """An account or group action of the channel (`CALLABLE`); bytes travel as base64 in `kwargs["data"]`."""
        if method not in CALLABLE:
            return {"ok": False, "code": "VALIDATION_ERROR", "error": f"unknown channel method {method!r}"}
        if runner.channel is None:
            return {"ok": False, "code": "NOT_CONNECTED", "error": "the instance is not connected"}
        if isinstance(kwargs.get("data"), str):
            kwargs = {**kwargs, "data": base64.b64decode(kwargs["data"])}
        try:
            result = await asyncio.wait_for(getattr(runner.channel, method)(**kwargs), CALL_TIMEOUT)
        except ChannelNotReady as exc:
            return {"ok": False, "code": "NOT_CONNECTED", "error": str(exc)}
        except ChannelError as exc:
            return {"ok": False, "code": exc.code, "error": str(exc)}
        except TimeoutError:
            return {
                "ok": False,
                "code": "CHANNEL_TIMEOUT",
                "error": f"the platform did not answer in {CALL_TIMEOUT:g}s",
            }
        except Exception as exc:
            runner.log.warning("%s failed: %s", method, exc)
            return {"ok": False, "code": "CHANNEL_ERROR", "error": f"{type(exc).__name__}: {exc}"}
        return {"ok": True, "result": result}

    # -- shared state -----------------------------------------------------------------------------------------------

    def runner_here(self, instance_id: str) -> Runner | None:
        """The instance's runner when this process owns the instance."""
        return self.runners.get(instance_id) if instance_id in self.leases else None

    async def write_state(self, instance_id: str, value: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):
            await self.states.put(instance_id, orjson.dumps(value))

    async def read_state(self, instance_id: str) -> dict[str, Any] | None:
        try:
            entry = await self.states.get(instance_id)
        except (KeyNotFoundError, Exception):
            return None
        return orjson.loads(entry.value) if entry and entry.value else None

    async def result(self, command_id: str, value: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):
            await self.nc.publish(subjects.send_result(command_id), orjson.dumps(value))

    async def mark_sent(self, message_id: str, external_id: str | None, at: datetime) -> None:
        """The message is sent. Sends finishing at the same time are marked in one statement (`_SENT`)."""
        await _SENT.submit((uuid.UUID(message_id), external_id, at))


async def _mark_sent_one(conn: Any, message_id: uuid.UUID, external_id: str | None, at: datetime) -> None:
    """A copy the platform echoed back as inbound (same external id) goes first (the unique (chat, externalId) would
    refuse the update otherwise)."""
    update = ("update messages set external_id = coalesce($2, external_id), delivery_status = 'sent', "
              "platform_timestamp = $3, updated_at = now() where id = $1")  # fmt: skip
    try:  # one statement when nothing was echoed (the usual case)
        await conn.execute(update, message_id, external_id, at)
        return
    except asyncpg.UniqueViolationError:
        pass
    async with conn.transaction():
        await conn.execute(
            "delete from messages e using messages m where m.id = $1 and e.chat_id = m.chat_id "
            "and e.external_id = $2 and e.id <> m.id", message_id, external_id)  # fmt: skip
        await conn.execute(update, message_id, external_id, at)


async def _mark_sent_many(batch: list[tuple[uuid.UUID, str | None, datetime]]) -> list[Any]:
    """One update for the batch (rows in id order: two writers lock alike); when it fails (an echo already stored
    under the external id), each on its own."""
    client = Tortoise.get_connection("default")
    async with client.acquire_connection() as conn:
        if len(batch) > 1:
            rows = sorted(batch, key=lambda r: r[0])
            try:
                await conn.execute(
                    "update messages m set external_id = coalesce(v.ext, m.external_id), delivery_status = 'sent', "
                    "platform_timestamp = v.at, updated_at = now() from unnest($1::uuid[], $2::text[], "
                    "$3::timestamptz[]) as v(id, ext, at) where m.id = v.id",
                    [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])  # fmt: skip
                return [None] * len(batch)
            except asyncpg.PostgresError:
                pass
        outcomes: list[Any] = []
        for message_id, external_id, at in batch:
            try:
                await _mark_sent_one(conn, message_id, external_id, at)
                outcomes.append(None)
            except Exception as exc:
                outcomes.append(exc)
        return outcomes


_SENT: Coalescer[tuple[uuid.UUID, str | None, datetime], None] = Coalescer(_mark_sent_many)
