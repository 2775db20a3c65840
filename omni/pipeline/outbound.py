"""The one way out: a send is recorded as a `pending` message (when it makes one) and queued durably on the command
stream for the node that owns the instance. The send API and the agent dispatcher both go through here.

A message id is the send's identity: JetStream drops a second copy of its command (`Nats-Msg-Id`), and the owner
skips a message already marked sent, so queueing the same id twice sends it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from tortoise import Tortoise

from omni.bus import subjects
from omni.channels.types import Media, Outbound

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
                 media: Media | None, reply_to: str | None, *, resuming: bool, source: str = "api",
                 chat_type: str = "dm") -> dict[str, Any] | None:  # fmt: skip
    """The pending message and its chat's counters, in one statement. A resumed send (Idempotency-Key after a crash,
    a redelivered agent reply) finds its row: returned then (None when the row is new)."""
    now = datetime.now(UTC)
    client = Tortoise.get_connection("default")
    async with client.acquire_connection() as conn:
        if resuming:
            existing = await conn.fetchrow("select delivery_status, external_id from messages where id = $1",
                                           message_id)  # fmt: skip
            if existing is not None:
                return dict(existing)
        try:
            await _insert_pending(conn, instance, to, message_id, message_type, text, media, reply_to, now, source,
                                  chat_type)  # fmt: skip
        except asyncpg.ForeignKeyViolationError:
            raise InstanceGone(str(instance["id"])) from None
        except asyncpg.UniqueViolationError:  # the same id, twice at once: the other one made it
            existing = await conn.fetchrow("select delivery_status, external_id from messages where id = $1",
                                           message_id)  # fmt: skip
            return dict(existing) if existing is not None else None
    return None


async def _insert_pending(conn: Any, instance: dict[str, Any], to: str, message_id: uuid.UUID, message_type: str,
                          text: str | None, media: Media | None, reply_to: str | None, now: datetime,
                          source: str, chat_type: str) -> None:  # fmt: skip
    await conn.execute(
            "with c as (insert into chats (id, instance_id, external_id, chat_type, channel, participant_count, "
            "message_count, unread_count, settings, last_message_at, last_message_preview, created_at, updated_at) "
            "values ($13, $2, $3, $17, $14, 0, 1, 0, '{}', $12, $15, now(), now()) on conflict (instance_id, external_id) "
            "do update set message_count = chats.message_count + 1, last_message_at = greatest(chats.last_message_at, "
            "excluded.last_message_at), last_message_preview = excluded.last_message_preview, updated_at = now() "
            "returning id) "
            "insert into messages (id, chat_id, instance_id, external_id, source, is_from_me, message_type, text_content, "
            "has_media, media_mime_type, media_url, media_local_path, reply_to_external_id, forward_count, is_forwarded, "
            "status, delivery_status, edit_count, edit_history, reactions, reaction_counts, platform_timestamp, "
            "received_at, created_at, updated_at) select $1, c.id, $2, $4, $16, true, $5, $6, $7, $8, $9, $10, $11, "
            "0, false, 'active', 'pending', 0, '[]', '[]', '{}', $12, $12, $12, $12 from c",
            message_id, instance["id"], to, f"pending:{message_id}", message_type, text, media is not None,
            media.mime_type if media else None, media.url if media else None, media.path if media else None,
            reply_to, now, uuid.uuid4(), instance["channel"], (text or f"[{message_type}]")[:200], source, chat_type)  # fmt: skip


async def queue(js: Any, instance: dict[str, Any], message: Outbound, *, message_id: str | None,
                correlation: str | None = None, source: str = "api", resumed: bool = False) -> None:  # fmt: skip
    """The command onto the instance's send stream (returns once JetStream stored it). `resumed`: the send was
    queued before (a retry with the same id): its owner then looks whether it went out already, even on a first
    delivery (JetStream's duplicate window may have passed)."""
    command = {"commandId": message.id, "messageId": message_id, "instanceId": str(instance["id"]),
               "correlationId": correlation, "outbound": message.dump(), "resumed": resumed}  # fmt: skip
    envelope = {"id": message.id, "type": f"command.send.{message.kind}", "payload": command,
                "metadata": {"instanceId": str(instance["id"]), "channelType": instance["channel"], "source": source},
                "timestamp": int(datetime.now(UTC).timestamp() * 1000)}  # fmt: skip
    # the same command id is the same send: JetStream drops a second copy, the sender skips a sent message
    await js.publish(subjects.send_command(instance["channel"], instance["id"]), orjson.dumps(envelope),
                     headers={"Nats-Msg-Id": message.id}, timeout=5)  # fmt: skip


async def deliver(js: Any, waiters: Any, instance: dict[str, Any], message: Outbound, *, message_type: str | None,
                  wait: float, source: str = "agent", correlation: str | None = None,
                  chat_type: str = "dm") -> dict[str, Any] | None:  # fmt: skip
    """Record (when `message_type` is given), queue and wait up to `wait` seconds for the outcome
    (`{status: sent|failed, externalMessageId?, error?}`; None: still on its way). `message.id` must be a UUID;
    a repeated id resumes the same send."""
    already = None
    if message_type is not None:
        already = await record(instance, message.to, uuid.UUID(message.id), message_type, message.text, message.media,
                               message.reply_to, resuming=True, source=source, chat_type=chat_type)  # fmt: skip
        if already is not None and already["delivery_status"] in SENT_STATES:
            return {"status": "sent", "externalMessageId": already["external_id"]}
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
