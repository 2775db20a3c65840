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


async def resume(runner: Runner) -> None:
    """Start every pending or interrupted job of the runner's instance that is not running here yet."""
    jobs = await _rows("select id from sync_jobs where instance_id = $1 and status in ('pending', 'running') "
                       "order by created_at", uuid.UUID(runner.id))  # fmt: skip
    for row in jobs:
        job_id = str(row["id"])
        task = runner.syncs.get(job_id)
        if task is None or task.done():
            runner.syncs[job_id] = asyncio.create_task(Job(runner, job_id).run(), name=f"sync-{job_id}")


class Job:
    def __init__(self, runner: Runner, job_id: str) -> None:
        self.runner, self.id = runner, job_id
        self.progress: dict[str, Any] = {"fetched": 0, "stored": 0, "duplicates": 0, "contacts": 0, "groups": 0,
                                         "chats": 0, "chatsDone": 0, "phase": None}  # fmt: skip
        self.last_report = 0.0
        self.row: dict[str, Any] = {}

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
        await _execute("update sync_jobs set progress = $2::jsonb, updated_at = now() where id = $1",
                       uuid.UUID(self.id), orjson.dumps(self.progress).decode())  # fmt: skip
        await self._event("sync.progress")

    # -- the job ----------------------------------------------------------------------------------------------------

    async def run(self) -> None:
        rows = await _rows("select * from sync_jobs where id = $1", uuid.UUID(self.id))
        if not rows or rows[0]["status"] not in ("pending", "running"):
            return
        self.row = rows[0]
        raw = self.row.get("config") or {}
        config = orjson.loads(raw) if isinstance(raw, str | bytes) else dict(raw)
        await _execute("update sync_jobs set status = 'running', started_at = coalesce(started_at, now()), "
                       "updated_at = now() where id = $1", uuid.UUID(self.id))  # fmt: skip
        await self._event("sync.started", {"config": config})
        kind = self.row["sync_type"]
        try:
            for phase in ("profile", "contacts", "groups", "messages"):
                if kind in (phase, "all"):
                    self.progress["phase"] = phase
                    await self._report(force=True)
                    await getattr(self, f"_{phase}")(config, required=kind == phase)
        except asyncio.CancelledError:  # the instance stopped here: the job resumes where it runs next
            with contextlib.suppress(Exception):
                await asyncio.shield(self._report(force=True))
            raise
        except Exception as exc:
            message = str(exc) if isinstance(exc, ChannelError) else f"{type(exc).__name__}: {exc}"
            log.warning("sync job %s failed: %s", self.id, message)
            await _execute("update sync_jobs set status = 'failed', error_message = $2, progress = $3::jsonb, "
                           "completed_at = now(), updated_at = now() where id = $1",
                           uuid.UUID(self.id), message[:2000], orjson.dumps(self.progress).decode())  # fmt: skip
            await self._event("sync.failed", {"error": message})
            return
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
        facts = dict(channel.status() or {})
        if self.runner.cls.supports("get_profile"):
            with contextlib.suppress(ChannelError):
                facts.update({k: v for k, v in (await self._call("get_profile")).items() if v is not None})
        owner = facts.get("ownerIdentifier") or facts.get("phone") or facts.get("id")
        name = facts.get("profileName") or facts.get("name")
        await _execute("update instances set owner_identifier = coalesce($2, owner_identifier), profile_name = "
                       "coalesce($3, profile_name), profile_pic_url = coalesce($4, profile_pic_url), profile_bio = "
                       "coalesce($5, profile_bio), profile_synced_at = now(), updated_at = now() where id = $1",
                       uuid.UUID(self.runner.id), owner and str(owner)[:255], name and str(name)[:255],
                       facts.get("pictureUrl"), facts.get("status"))  # fmt: skip
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
            uid, name = str(contact["id"])[:255], (contact.get("name") or None)
            phone = contact.get("phone") or None
            existing = await _rows("select id from platform_identities where channel = $1 and instance_id = $2 and "
                                   "platform_user_id = $3", channel, instance_id, uid)  # fmt: skip
            if existing:
                await _execute("update platform_identities set platform_username = coalesce($2, platform_username), "
                               "profile_pic_url = coalesce($3, profile_pic_url), updated_at = now() where id = $1",
                               existing[0]["id"], name and name[:255], contact.get("avatarUrl"))  # fmt: skip
            else:
                person = await _rows("select id from persons where primary_phone = $1 limit 1", phone) if phone else []
                person_id = person[0]["id"] if person else uuid.uuid4()
                if not person:
                    await _execute("insert into persons (id, display_name, primary_phone, avatar_url, created_at, "
                                   "updated_at) values ($1, $2, $3, $4, now(), now())", person_id, name and name[:255],
                                   phone, contact.get("avatarUrl"))  # fmt: skip
                await _execute(
                    "insert into platform_identities (id, person_id, channel, instance_id, platform_user_id, "
                    "platform_username, profile_pic_url, message_count, first_seen_at, last_seen_at, linked_by, "
                    "confidence, created_at, updated_at) values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 0, now(), "
                    "now(), $7, 100, now(), now()) on conflict (channel, instance_id, platform_user_id) do nothing",
                    person_id, channel, instance_id, uid, name and name[:255], contact.get("avatarUrl"),
                    "phone_match" if person else "initial")  # fmt: skip
            self.progress["contacts"] += 1
            await self._report()

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
            await _execute(
                "insert into chats (id, instance_id, external_id, chat_type, channel, name, description, "
                "participant_count, message_count, unread_count, settings, created_at, updated_at) values "
                "(gen_random_uuid(), $1, $2, $3, $4, $5, $6, coalesce($7, 0), 0, 0, '{}', now(), now()) "
                "on conflict (instance_id, external_id) do update set name = coalesce(excluded.name, chats.name), "
                "description = coalesce(excluded.description, chats.description), participant_count = "
                "coalesce($7, chats.participant_count), updated_at = now()",
                uuid.UUID(self.runner.id), str(group["id"])[:255], chat_type, self.runner.channel_key,
                group.get("name") and str(group["name"])[:255], group.get("topic"), count)  # fmt: skip
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
            await self._chat_history(chat_id, since)
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
                await publish_inbound(self.runner.runtime.js, self.runner.id, self.runner.channel_key, event, "sync")
                self.progress["stored"] += 1
            await self._report()
            oldest = page[0]
            if len(fresh) < len(page) or oldest.external_id == before:  # reached the depth, or no older page
                return
            before = oldest.external_id
