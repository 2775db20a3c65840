"""Sync jobs (`POST /instances/:id/sync`): the profile, contacts, groups and past messages of an instance, asked of
the platform and stored.

A job is a `sync_jobs` row. The node that owns the instance runs it (`resume`: when asked through the control
subject, and whenever the instance connects, so a job cut short by a crash or a restart runs again). Messages go
through the normal inbound pipeline marked `history` (stored with source `sync`, never counted unread, never waking an
agent), de-duplicated on their external id, so running a job twice stores nothing twice. Progress lands in the row and
as `sync.started|progress|completed|failed` events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg
import orjson
from tortoise import Tortoise

from omni.channels.base import Channel, ChannelError, ChannelNotReady
from omni.channels.types import INBOUND_KINDS

if TYPE_CHECKING:
    from omni.channels.runtime import Runner

log = logging.getLogger("omni.sync")

SYNC_TYPES = ("profile", "contacts", "groups", "messages", "all")
DEPTHS = {"7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90), "1y": timedelta(days=365),
          "all": None}  # fmt: skip
PAGE = 100
PROGRESS_EVERY = 1.0  # seconds between progress rows/events
NOT_READY_PATIENCE = 60.0  # seconds a job waits for a dropped connection before it fails
GROUP_TYPES = {"group": "group", "channel": "channel", "thread": "thread", "forum": "channel", "guild": None,
               "category": None, "broadcast": "broadcast", "community": None}  # fmt: skip


async def _rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await Tortoise.get_connection("default").execute_query_dict(sql, list(args))


async def _execute(sql: str, *args: Any) -> None:
    await Tortoise.get_connection("default").execute_query(sql, list(args))


ABANDONED = 60  # seconds without a heartbeat after which a running job is taken over (its node died)
HEARTBEAT = 15.0


class Cancelled(Exception):
    pass


def resume(runner: Runner) -> None:
    """Run the instance's pending (and abandoned) jobs here, one at a time, oldest first."""
    if runner.stopped:  # a control message that raced the instance's stop
        return
    task = runner.sync_task
    if task is not None and not task.done():
        runner.sync_again = True  # the worker looks once more before it ends
        return
    runner.sync_again = False
    runner.sync_task = asyncio.create_task(_work(runner), name=f"sync-{runner.id}")


async def _work(runner: Runner) -> None:
    try:
        await _jobs(runner)
    except asyncio.CancelledError:  # stopped while claiming one: nothing of this instance runs here any more
        with contextlib.suppress(Exception):
            await asyncio.shield(_execute("update sync_jobs set status = 'pending', updated_at = now() where "
                                          "instance_id = $1 and status = 'running'", uuid.UUID(runner.id)))  # fmt: skip
        raise


async def _jobs(runner: Runner) -> None:
    while True:
        rows = await _rows(
            "update sync_jobs set status = 'running', started_at = coalesce(started_at, now()), updated_at = now() "
            "where id = (select id from sync_jobs where instance_id = $1 and (status = 'pending' or (status = "
            "'running' and updated_at < now() - make_interval(secs => $2))) order by created_at limit 1 "
            "for update skip locked) returning *", uuid.UUID(runner.id), float(ABANDONED))  # fmt: skip
        if not rows:
            if runner.sync_again:
                runner.sync_again = False
                continue
            return
        job = Job(runner, rows[0])
        try:
            await job.run()
        except asyncio.CancelledError:  # the instance stopped here: the job waits for its next connect
            with contextlib.suppress(Exception):
                await asyncio.shield(_execute(
                    "update sync_jobs set status = 'pending', progress = $2::jsonb, updated_at = now() where id = $1 "
                    "and status = 'running'", uuid.UUID(job.id), orjson.dumps(job.progress).decode()))  # fmt: skip
            raise


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _text(value: Any, limit: int) -> str | None:
    return None if value is None or value == "" else str(value)[:limit]


class Job:
    def __init__(self, runner: Runner, row: dict[str, Any]) -> None:
        self.runner, self.row, self.id = runner, row, str(row["id"])
        self.progress: dict[str, Any] = {"fetched": 0, "stored": 0, "duplicates": 0, "contacts": 0, "groups": 0,
                                         "chats": 0, "chatsDone": 0, "errors": 0, "phase": None}  # fmt: skip
        self.last_report = 0.0

    # -- reporting --------------------------------------------------------------------------------------------------

    async def _event(self, event_type: str, extra: dict[str, Any] | None = None) -> None:
        from omni.channels.runtime import publish_event

        payload = {"jobId": self.id, "type": self.row.get("sync_type"), "progress": self.progress, **(extra or {})}
        with contextlib.suppress(Exception):
            await publish_event(self.runner.runtime.js, event_type, payload, instance_id=self.runner.id,
                                channel=self.runner.channel_key, source="sync",
                                dedupe_key=f"{self.id}:{event_type}:{uuid.uuid4().hex}")  # fmt: skip

    async def _report(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_report < PROGRESS_EVERY:
            return
        self.last_report = now
        status = await Tortoise.get_connection("default").execute_query_dict(
            "update sync_jobs set progress = $2::jsonb, updated_at = now() where id = $1 returning status",
            [uuid.UUID(self.id), orjson.dumps(self.progress).decode()])  # fmt: skip
        if not status or status[0]["status"] == "cancelled":
            raise Cancelled
        await self._event("sync.progress")

    async def _heartbeat(self) -> None:
        """Tells other nodes the job is alive while a long platform call runs (no progress to report)."""
        while True:
            await asyncio.sleep(HEARTBEAT)
            with contextlib.suppress(Exception):
                await _execute("update sync_jobs set updated_at = now() where id = $1 and status = 'running'",
                               uuid.UUID(self.id))  # fmt: skip

    # -- the job ----------------------------------------------------------------------------------------------------

    async def run(self) -> None:
        raw = self.row.get("config") or {}
        config = orjson.loads(raw) if isinstance(raw, str | bytes) else dict(raw)
        kind = self.row["sync_type"]
        beat = asyncio.create_task(self._heartbeat())
        try:
            await self._event("sync.started", {"config": config})
            for phase in ("profile", "contacts", "groups", "messages"):
                if kind in (phase, "all"):
                    self.progress["phase"] = phase
                    await self._report(force=True)
                    await getattr(self, f"_{phase}")(config, required=kind == phase)
        except Cancelled:
            await self._event("sync.failed", {"error": "cancelled"})
            return
        except Exception as exc:
            message = str(exc) if isinstance(exc, ChannelError) else f"{type(exc).__name__}: {exc}"
            log.warning("sync job %s failed: %s", self.id, message)
            await _execute("update sync_jobs set status = 'failed', error_message = $2, progress = $3::jsonb, "
                           "completed_at = now(), updated_at = now() where id = $1",
                           uuid.UUID(self.id), message[:2000], orjson.dumps(self.progress).decode())  # fmt: skip
            await self._event("sync.failed", {"error": message})
            return
        finally:
            beat.cancel()
        self.progress["phase"] = None
        await _execute("update sync_jobs set status = 'completed', progress = $2::jsonb, completed_at = now(), "
                       "updated_at = now() where id = $1", uuid.UUID(self.id), orjson.dumps(self.progress).decode())  # fmt: skip
        await self._event("sync.completed")

    async def _channel(self) -> Channel:
        """The instance's live channel; waits a while for a reconnect."""
        deadline = time.monotonic() + NOT_READY_PATIENCE
        while True:
            channel = self.runner.channel
            state = (await self.runner.runtime.read_state(self.runner.id) or {}).get("state")
            if channel is not None and state == "connected":
                return channel
            if time.monotonic() > deadline:
                raise ChannelNotReady(f"the instance is {state or 'disconnected'}")
            await asyncio.sleep(1.0)

    async def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """A channel method, tried again after a dropped connection."""
        for attempt in range(3):
            channel = await self._channel()
            try:
                return await getattr(channel, method)(*args, **kwargs)
            except ChannelNotReady:
                if attempt == 2:
                    raise
                await asyncio.sleep(2.0 * (attempt + 1))
        raise AssertionError("unreachable")

    def _supports(self, method: str, required: bool) -> bool:
        if self.runner.cls.supports(method):
            return True
        if required:
            raise ChannelError(f"the {self.runner.channel_key} channel cannot {method.replace('_', ' ')}",
                               code="CAPABILITY_NOT_SUPPORTED")  # fmt: skip
        return False

    async def _profile(self, config: dict[str, Any], *, required: bool) -> None:
        channel = await self._channel()
        status = dict(channel.status() or {})
        facts: dict[str, Any] = {}
        if self.runner.cls.supports("get_profile"):
            with contextlib.suppress(ChannelError):
                facts = {k: v for k, v in (await self._call("get_profile") or {}).items() if v is not None}
        owner = _text(status.get("ownerIdentifier") or facts.get("phone") or facts.get("id"), 255)
        name = _text(facts.get("name") or status.get("profileName"), 255)
        await _execute("update instances set owner_identifier = coalesce($2, owner_identifier), profile_name = "
                       "coalesce($3, profile_name), profile_pic_url = coalesce($4, profile_pic_url), profile_bio = "
                       "coalesce($5, profile_bio), profile_synced_at = now(), updated_at = now() where id = $1",
                       uuid.UUID(self.runner.id), owner, name, _text(facts.get("pictureUrl"), 4000),
                       _text(facts.get("status"), 4000))  # fmt: skip
        self.progress["profile"] = {
            k: facts.get(k) for k in ("id", "name", "status", "pictureUrl", "phone") if facts.get(k)
        }
        await self._event("profile.synced", {"profile": self.progress["profile"]})

    async def _contacts(self, config: dict[str, Any], *, required: bool) -> None:
        if not self._supports("fetch_contacts", required):
            return
        contacts = [c for c in await self._call("fetch_contacts") if isinstance(c, dict) and c.get("id")]
        instance_id = uuid.UUID(self.runner.id)
        channel = self.runner.channel_key
        for contact in contacts:  # a person per contact; one with a known phone joins that phone's person
            try:
                await self._contact(contact, instance_id, channel)
                self.progress["contacts"] += 1
            except (asyncpg.PostgresError, ValueError, TypeError) as exc:
                self.progress["errors"] += 1
                log.warning("sync job %s: contact %r not stored: %s", self.id, contact.get("id"), exc)
            await self._report()

    async def _contact(self, contact: dict[str, Any], instance_id: uuid.UUID, channel: str) -> None:
        uid, name = str(contact["id"])[:255], _text(contact.get("name"), 255)
        avatar = _text(contact.get("avatarUrl"), 4000)
        digits = "".join(c for c in str(contact.get("phone") or "") if c.isdigit())
        phone = f"+{digits}" if 6 <= len(digits) <= 20 else None
        conn = Tortoise.get_connection("default")
        async with conn._in_transaction() as tx:
            found = await tx.execute_query_dict(
                "update platform_identities set platform_username = coalesce($4, platform_username), profile_pic_url = "
                "coalesce($5, profile_pic_url), updated_at = now() where channel = $1 and instance_id = $2 and "
                "platform_user_id = $3 returning id", [channel, instance_id, uid, name, avatar])  # fmt: skip
            if found:
                return
            if phone:
                person = (await tx.execute_query_dict(
                    "insert into persons (id, display_name, primary_phone, avatar_url, created_at, updated_at) values "
                    "($1, $2, $3, $4, now(), now()) on conflict (primary_phone) do update set display_name = "
                    "coalesce(persons.display_name, excluded.display_name) returning id",
                    [uuid.uuid4(), name, phone, avatar]))[0]["id"]  # fmt: skip
            else:
                person = uuid.uuid4()
                await tx.execute_query("insert into persons (id, display_name, avatar_url, created_at, updated_at) "
                                       "values ($1, $2, $3, now(), now())", [person, name, avatar])  # fmt: skip
            await tx.execute_query(
                "insert into platform_identities (id, person_id, channel, instance_id, platform_user_id, "
                "platform_username, profile_pic_url, message_count, first_seen_at, last_seen_at, linked_by, "
                "confidence, created_at, updated_at) values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 0, now(), "
                "now(), $7, 100, now(), now()) on conflict (channel, instance_id, platform_user_id) do nothing",
                [person, channel, instance_id, uid, name, avatar, "phone_match" if phone else "initial"])  # fmt: skip

    async def _groups(self, config: dict[str, Any], *, required: bool) -> None:
        if not self._supports("fetch_groups", required):
            return
        groups = [g for g in await self._call("fetch_groups") if isinstance(g, dict) and g.get("id")]
        for group in groups:
            chat_type = GROUP_TYPES.get(str(group.get("type") or "group"), "group")
            if chat_type is None:  # a guild or a category holds chats; it is not one
                continue
            count = group.get("memberCount")
            if count is None and isinstance(group.get("participants"), list):
                count = len(group["participants"])
            count = count if isinstance(count, int) and 0 <= count < 2**31 else None
            await _execute(
                "insert into chats (id, instance_id, external_id, chat_type, channel, name, description, "
                "participant_count, message_count, unread_count, settings, created_at, updated_at) values "
                "(gen_random_uuid(), $1, $2, $3, $4, $5, $6, coalesce($7, 0), 0, 0, '{}', now(), now()) "
                "on conflict (instance_id, external_id) do update set name = coalesce(excluded.name, chats.name), "
                "description = coalesce(excluded.description, chats.description), participant_count = "
                "coalesce($7, chats.participant_count), updated_at = now()",
                uuid.UUID(self.runner.id), str(group["id"])[:255], chat_type, self.runner.channel_key,
                _text(group.get("name"), 255), _text(group.get("topic"), 10_000), count)  # fmt: skip
            self.progress["groups"] += 1
            await self._report()

    async def _messages(self, config: dict[str, Any], *, required: bool) -> None:
        if not self._supports("fetch_history", required):
            return
        depth = DEPTHS.get(str(config.get("depth") or "7d"), DEPTHS["7d"])
        since = datetime.now(UTC) - depth if depth else None
        if config.get("channelId"):
            chats = [str(config["channelId"])]
        else:
            rows = await _rows("select external_id from chats where instance_id = $1 and deleted_at is null "
                               "order by last_message_at desc nulls last", uuid.UUID(self.runner.id))  # fmt: skip
            chats = [r["external_id"] for r in rows]
        self.progress["chats"] = len(chats)
        for chat_id in chats:
            try:
                await self._chat_history(chat_id, since)
            except (Cancelled, ChannelNotReady):
                raise
            except Exception as exc:  # one chat the account cannot read never stops the others
                self.progress["errors"] += 1
                self.progress.setdefault("failedChats", {})[chat_id] = str(exc)[:300]
                if len(chats) == 1:
                    raise
            self.progress["chatsDone"] += 1
            await self._report()

    async def _chat_history(self, chat_id: str, since: datetime | None) -> None:
        from omni.channels.runtime import publish_inbound

        before: str | None = None
        seen: set[str] = set()
        while True:
            page = await self._call("fetch_history", chat_id, before=before, limit=PAGE)
            page = [e for e in page if getattr(e, "kind", None) in INBOUND_KINDS and e.external_id not in seen]
            if not page:
                return
            for event in page:
                event.timestamp = _aware(event.timestamp)
            page.sort(key=lambda e: e.timestamp)
            fresh = [e for e in page if since is None or e.timestamp >= since]
            self.progress["fetched"] += len(fresh)
            stored = await _rows("select m.external_id from messages m join chats c on c.id = m.chat_id where "
                                 "c.instance_id = $1 and c.external_id = $2 and m.external_id = any($3::text[])",
                                 uuid.UUID(self.runner.id), chat_id, [e.external_id for e in fresh])  # fmt: skip
            known = {r["external_id"] for r in stored}
            for event in fresh:
                seen.add(event.external_id)
                if event.external_id in known:
                    self.progress["duplicates"] += 1
                    continue
                event.history = True
                ack = await publish_inbound(self.runner.runtime.js, self.runner.id, self.runner.channel_key, event,
                                            "sync")  # fmt: skip
                self.progress["duplicates" if getattr(ack, "duplicate", False) else "stored"] += 1
            await self._report(force=True)
            oldest = page[0]
            if len(fresh) < len(page) or oldest.external_id == before:  # reached the depth, or no older page
                return
            before = oldest.external_id
