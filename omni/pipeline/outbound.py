"""The one way out: a send is recorded as a `pending` message (when it makes one) and queued durably on the command
stream for the node that owns the instance. The send API and the agent dispatcher both go through here.

A message id is the send's identity: JetStream drops a second copy of its command (`Nats-Msg-Id`), and the owner
skips a message already marked sent, so queueing the same id twice sends it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from nats.errors import NoRespondersError
from tortoise import Tortoise

from omni.bus import subjects
from omni.channels.runtime import journal_sent
from omni.channels.types import Media, Outbound
from omni.db.coalesce import Coalescer

SENT_STATES = ("sent", "delivered", "read", "played")


class Waiters:
    """Requests waiting for their send's outcome: one subscription per worker for every outcome (not one per
    request), each outcome waking the request that waits for its id."""

    def __init__(self) -> None:
        self.futures: dict[str, list[asyncio.Future[dict[str, Any]]]] = {}
        self.sub: Any = None

    async def expect(self, command_id: str) -> asyncio.Future[dict[str, Any]]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.futures.setdefault(command_id, []).append(future)
        return future

    def forget(self, command_id: str, future: asyncio.Future[dict[str, Any]] | None = None) -> None:
        waiting = self.futures.get(command_id, [])
        if future in waiting:
            waiting.remove(future)
        if not waiting or future is None:
            self.futures.pop(command_id, None)

    async def start(self, nc: Any) -> None:
        async def on_result(msg: Any) -> None:
            for future in self.futures.get(msg.subject.rsplit(".", 1)[-1], []):
                if not future.done():
                    with contextlib.suppress(ValueError):
                        future.set_result(orjson.loads(msg.data))

        self.sub = await nc.subscribe(subjects.send_results(), cb=on_result)


class InstanceGone(Exception):
    """The instance was deleted."""


async def record(instance: dict[str, Any], to: str, message_id: uuid.UUID, message_type: str, text: str | None,
                 media: Media | None, reply_to: str | None, *, source: str = "api", chat_type: str = "dm",
                 status: str = "pending", external_id: str | None = None,
                 at: datetime | None = None) -> dict[str, Any] | None:  # fmt: skip
    """The pending message and its chat's counters. A resumed send (Idempotency-Key after a crash, a redelivered
    agent reply) finds its row: returned then (None when the row is new). Sends made at the same time share one
    statement (`_PENDING`); the row is written first and looked up only if its id is taken.

    `status` `sent` (with the platform's `external_id` and time `at`) or `failed`: a message recorded once the
    platform answered (see `Runner.send_now`). A copy the platform echoed back as inbound meanwhile (same external
    id) gives way to it."""
    return await _PENDING.submit(Pending(instance["id"], instance["channel"], to, message_id, message_type, text,
                                         media, reply_to, at or datetime.now(UTC), source, chat_type, status,
                                         external_id))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Pending:
    instance_id: uuid.UUID
    channel: str
    to: str
    message_id: uuid.UUID
    message_type: str
    text: str | None
    media: Media | None
    reply_to: str | None
    at: datetime
    source: str
    chat_type: str
    status: str = "pending"
    external_id: str | None = None

    @property
    def preview(self) -> str:
        return (self.text or f"[{self.message_type}]")[:200]


async def _record_one(p: Pending) -> dict[str, Any] | None:
    """Written first, looked up only when the id is taken: a resumed send (rare) costs a failed insert, a new one
    (the rule) a single round trip."""
    client = Tortoise.get_connection("default")
    async with client.acquire_connection() as conn:
        try:
            await _insert_pending(conn, [p])
        except asyncpg.ForeignKeyViolationError:
            raise InstanceGone(str(p.instance_id)) from None
        except asyncpg.UniqueViolationError as exc:
            if p.external_id is not None and exc.constraint_name != "messages_pkey":
                # the platform's echo of this very message, stored as inbound first: ours takes its place
                async with conn.transaction():
                    await conn.execute(
                        "delete from messages m using chats c where c.instance_id = $1 and c.external_id = $2 "
                        "and m.chat_id = c.id and m.external_id = $3", p.instance_id, p.to, p.external_id)  # fmt: skip
                    await _insert_pending(conn, [p])
                return None
            if p.status != "pending":
                # recorded pending meanwhile by a resumed copy (the same Idempotency-Key twice at once): this is
                # its outcome, which that copy's owner waits for before it looks
                await conn.execute(
                    "update messages set external_id = coalesce($2, external_id), delivery_status = $3, "
                    "platform_timestamp = $4, updated_at = now() where id = $1 and delivery_status <> all($5::text[])",
                    p.message_id, p.external_id, p.status, p.at, list(SENT_STATES))  # fmt: skip
                return None
            # sent before (a resumed send), or the same id twice at once
            existing = await conn.fetchrow("select delivery_status, external_id from messages where id = $1",
                                           p.message_id)  # fmt: skip
            return dict(existing) if existing is not None else None
    return None


async def _record_many(batch: list[Pending]) -> list[Any]:
    """One statement for the batch; when it fails (a resumed send's row is there, an instance was deleted meanwhile,
    a deadlock with another writer of the same chats), each send is written on its own, so only the one at fault
    gets the error and a resumed send finds its row."""
    if len(batch) > 1:
        client = Tortoise.get_connection("default")
        try:
            async with client.acquire_connection() as conn:
                await _insert_pending(conn, batch)
            return [None] * len(batch)
        except asyncpg.PostgresError:
            pass
    outcomes: list[Any] = []
    for p in batch:
        try:
            outcomes.append(await _record_one(p))
        except Exception as exc:
            outcomes.append(exc)
    return outcomes


async def _insert_pending(conn: Any, batch: list[Pending]) -> None:
    """The messages and their chats' counters in one statement: a chat sending k messages is upserted once with k
    (chats in a fixed order, so two writers lock them alike)."""
    chats: dict[tuple[uuid.UUID, str], list[Pending]] = {}
    for p in batch:
        chats.setdefault((p.instance_id, p.to), []).append(p)
    order = sorted(chats, key=lambda k: (str(k[0]), k[1]))
    last = [chats[k][-1] for k in order]
    await conn.execute(
        "with c as (insert into chats (id, instance_id, external_id, chat_type, channel, participant_count, "
        "message_count, unread_count, settings, last_message_at, last_message_preview, created_at, updated_at) "
        "select u.id, u.inst, u.ext, u.ctype, u.channel, 0, u.n, 0, '{}', u.at, u.preview, now(), now() "
        "from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::timestamptz[], "
        "$8::text[]) as u(id, inst, ext, ctype, channel, n, at, preview) "
        "on conflict (instance_id, external_id) do update set message_count = chats.message_count + "
        "excluded.message_count, last_message_at = greatest(chats.last_message_at, excluded.last_message_at), "
        "last_message_preview = excluded.last_message_preview, updated_at = now() "
        "returning id, instance_id, external_id) "
        "insert into messages (id, chat_id, instance_id, external_id, source, is_from_me, message_type, text_content, "
        "has_media, media_mime_type, media_url, media_local_path, reply_to_external_id, forward_count, is_forwarded, "
        "status, delivery_status, edit_count, edit_history, reactions, reaction_counts, platform_timestamp, "
        "received_at, created_at, updated_at) "
        "select m.id, c.id, m.inst, coalesce(m.ext, 'pending:' || m.id::text), m.source, true, m.type, m.body, "
        "m.has_media, m.mime, m.url, m.path, m.reply_to, 0, false, 'active', m.status, 0, '[]', '[]', '{}', m.at, m.at, "
        "m.at, m.at from unnest($9::uuid[], $10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[], "
        "$15::bool[], $16::text[], $17::text[], $18::text[], $19::text[], $20::timestamptz[], $21::text[], $22::text[]) "
        "with ordinality as m(id, inst, chat, source, type, body, has_media, mime, url, path, reply_to, at, status, ext, "
        "n) "
        "join c on c.instance_id = m.inst and c.external_id = m.chat order by m.n",
        [uuid.uuid4() for _ in order], [k[0] for k in order], [k[1] for k in order],
        [chats[k][0].chat_type for k in order], [chats[k][0].channel for k in order],
        [len(chats[k]) for k in order], [p.at for p in last], [p.preview for p in last],
        [p.message_id for p in batch], [p.instance_id for p in batch], [p.to for p in batch],
        [p.source for p in batch], [p.message_type for p in batch], [p.text for p in batch],
        [p.media is not None for p in batch], [p.media.mime_type if p.media else None for p in batch],
        [p.media.url if p.media else None for p in batch], [p.media.path if p.media else None for p in batch],
        [p.reply_to for p in batch], [p.at for p in batch], [p.status for p in batch], [p.external_id for p in batch],
    )  # fmt: skip


_PENDING: Coalescer[Pending, dict[str, Any] | None] = Coalescer(_record_many)


async def queue(js: Any, instance: dict[str, Any], message: Outbound, *, message_id: str | None,
                correlation: str | None = None, source: str = "api", resumed: bool = False) -> None:  # fmt: skip
    """The command onto the instance's send stream (returns once JetStream stored it). `resumed`: the send was
    queued before (a retry with the same id): its owner then looks whether it went out already, even on a first
    delivery (JetStream's duplicate window may have passed)."""
    envelope = _command(instance, message, message_id=message_id, correlation=correlation, source=source,
                        resumed=resumed)  # fmt: skip
    # the same command id is the same send: JetStream drops a second copy, the sender skips a sent message
    await js.publish(subjects.send_command(instance["channel"], instance["id"]), orjson.dumps(envelope),
                     headers={"Nats-Msg-Id": message.id}, timeout=5)  # fmt: skip


def _command(instance: dict[str, Any], message: Outbound, *, message_id: str | None, correlation: str | None,
             source: str, resumed: bool) -> dict[str, Any]:  # fmt: skip
    command = {"commandId": message.id, "messageId": message_id, "instanceId": str(instance["id"]),
               "correlationId": correlation, "outbound": message.dump(), "resumed": resumed}  # fmt: skip
    return {"id": message.id, "type": f"command.send.{message.kind}", "payload": command,
            "metadata": {"instanceId": str(instance["id"]), "channelType": instance["channel"], "source": source},
            "timestamp": int(datetime.now(UTC).timestamp() * 1000)}  # fmt: skip


async def ask_owner(nc: Any, instance: dict[str, Any], message: Outbound, *, correlation: str | None,
                    timeout: float) -> tuple[dict[str, Any] | None, bool]:  # fmt: skip
    """A recorded message sent by the node that owns its instance, asked directly (core NATS, no stream in
    between): `(outcome, tried)`. The outcome (`{status: sent|failed …}`) when the owner sent or refused it; else
    None, and the caller queues it on the command stream, as resumed when `tried` (the owner may be sending it
    still, or may have sent it: it looks before sending again)."""
    if timeout <= 0:
        return None, False
    envelope = _command(instance, message, message_id=message.id, correlation=correlation, source="api", resumed=True)
    try:
        reply = await nc.request(subjects.send_direct(instance["id"]), orjson.dumps(envelope), timeout=timeout)
    except NoRespondersError:  # no node runs the instance now: nobody has it
        return None, False
    except Exception:  # timed out (a slow platform), or the bus is in trouble
        return None, True
    outcome = orjson.loads(reply.data)
    return (outcome, True) if outcome.get("status") in ("sent", "failed") else (None, True)


async def deliver(js: Any, waiters: Any, instance: dict[str, Any], message: Outbound, *, message_type: str | None,
                  wait: float, source: str = "agent", correlation: str | None = None, chat_type: str = "dm",
                  here: Callable[[str], Any] | None = None,
                  journal: list[Callable[[], Awaitable[None]]] | None = None) -> dict[str, Any] | None:  # fmt: skip
    """Record (when `message_type` is given), queue and wait up to `wait` seconds for the outcome
    (`{status: sent|failed, externalMessageId?, error?}`; None: still on its way). `message.id` must be a UUID;
    a repeated id resumes the same send.

    `here(instance_id)`: the instance's runner when it runs in this process (else None). A recorded message then
    goes straight to its connected channel instead of through the command stream and back; whatever can't go at
    once (not connected, the platform says not now) is queued as usual. Its row was written first either way, so a
    crash on the way is resumed like any other send. `journal`: see `Runner.send_now`; a resumed send that finds its
    message sent publishes its `message.sent` again, in case the first attempt never did."""
    already = None
    if message_type is not None:
        already = await record(instance, message.to, uuid.UUID(message.id), message_type, message.text, message.media,
                               message.reply_to, source=source, chat_type=chat_type)  # fmt: skip
        if already is not None and already["delivery_status"] in SENT_STATES:
            await journal_sent(js, str(instance["id"]), instance["channel"], message.dump(), message.id,
                               already["external_id"], correlation)  # fmt: skip
            return {"status": "sent", "externalMessageId": already["external_id"]}
        # a resumed send never: its first attempt may still be on its way through the command stream
        runner = here(str(instance["id"])) if here is not None and already is None else None
        if runner is not None:
            outcome = await runner.send_now(message, correlation, journal=journal)
            if outcome is not None:
                return outcome
            already = already or {}  # it may have reached the platform: the owner looks before sending again
    waiting = await waiters.expect(message.id) if wait > 0 else None
    try:
        await queue(js, instance, message, message_id=message.id if message_type is not None else None,
                    correlation=correlation, source=source, resumed=already is not None)  # fmt: skip
        if waiting is None:
            return None
        try:
            return await asyncio.wait_for(waiting, wait)
        except TimeoutError:
            return None
    finally:
        if waiting is not None:
            waiters.forget(message.id, waiting)
