"""persist: every inbound event into PostgreSQL, idempotently.

One transaction per event. The journal row (`omni_events`, primary key = the envelope id, which is derived from the
de-duplication key) goes in first: when it already exists the event was stored before (a redelivery) and nothing else
happens. Messages are also unique on (chat, externalId). Counters move only with a new row, so a replay never counts
twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson

MEDIA_TYPES = {"image", "audio", "video", "document", "sticker"}
PREVIEW = 200
DELIVERY_ORDER = {"pending": 0, "sent": 1, "delivered": 2, "read": 3, "played": 4}


class NotYet(Exception):
    """The event refers to something not stored yet (a reaction before its message): try again later."""


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def persist(conn: asyncpg.Connection, envelope: dict[str, Any]) -> bool:
    """Store one event. Returns False when it was stored before."""
    meta = envelope.get("metadata") or {}
    instance_id = meta.get("instanceId")
    channel = meta.get("channelType")
    payload = envelope.get("payload") or {}
    kind = envelope["type"]
    async with conn.transaction():
        if await conn.fetchval("select 1 from omni_events where id = $1", uuid.UUID(envelope["id"])):
            return False  # stored before: nothing moves (the persist lease makes this the only writer)
        if kind in BULK_KINDS and instance_id and isinstance(payload.get("chat"), dict):
            await _bulk_messages(conn, [envelope])  # a new message: the same statements as a batch of one
            return True
        chat_id = person_id = identity_id = None
        if instance_id and isinstance(payload.get("chat"), dict):
            chat_id = await _chat(conn, instance_id, channel, payload["chat"])
            sender = payload.get("sender")
            if isinstance(sender, dict) and sender.get("id"):
                identity_id, person_id = await _identity(conn, instance_id, channel, sender, kind)
        fresh = await _journal(conn, envelope, instance_id, channel, person_id, identity_id)
        if not fresh:
            return False
        if chat_id is None:
            return True
        if kind == "message.edited":
            await _edit(conn, chat_id, payload)
        elif kind == "message.deleted":
            await conn.execute(
                "update messages set status = 'deleted', deleted_at = coalesce(deleted_at, $3), updated_at = now() "
                "where chat_id = $1 and external_id = $2", chat_id, payload["target"], _time(payload["timestamp"]))  # fmt: skip
        elif kind in ("message.delivered", "message.read", "message.played"):
            await _receipt(conn, chat_id, payload)
        elif kind in ("reaction.received", "reaction.removed"):
            await _reaction(conn, chat_id, payload, person_id)
        return True


JOURNAL_INSERT = (
    "insert into omni_events (id, event_type, direction, channel, instance_id, person_id, platform_identity_id, "
    "external_id, correlation_id, source, content_type, text_content, media_mime_type, media_size, media_duration, "
    "media_url, chat_id, reply_to_external_id, status, received_at, processed_at, payload, raw_payload, metadata, "
    "created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "'completed', $19, now(), $20, $21, $22, $23) on conflict (id) do nothing"
)


def _journal_values(envelope: dict[str, Any], instance_id: str | None, channel: str | None, person_id: Any,
                    identity_id: Any) -> tuple:  # fmt: skip
    payload = envelope.get("payload") or {}
    media = payload.get("media") if isinstance(payload.get("media"), dict) else {}
    chat = payload.get("chat") if isinstance(payload.get("chat"), dict) else {}
    meta = envelope.get("metadata") or {}
    direction = "outbound" if envelope["type"] in ("message.sent", "message.failed") else "inbound"
    received = datetime.fromtimestamp(envelope.get("timestamp", 0) / 1000, UTC)
    raw = payload.get("raw")
    stored = {k: v for k, v in payload.items() if k != "raw"}
    return (
        uuid.UUID(envelope["id"]), envelope["type"], direction, channel,
        uuid.UUID(instance_id) if instance_id else None, person_id, identity_id,
        payload.get("externalId"), meta.get("correlationId"), meta.get("source"), payload.get("type"),
        payload.get("text"), media.get("mimeType"), media.get("size"), media.get("duration"), media.get("url"),
        chat.get("id"), payload.get("replyTo"), received, orjson.dumps(stored).decode(),
        None if raw is None else orjson.dumps(raw).decode(), orjson.dumps(meta).decode(),
        _time(payload["timestamp"]) if payload.get("timestamp") else received,
    )  # fmt: skip


JOURNAL_INSERT_MANY = (
    "insert into omni_events (id, event_type, direction, channel, instance_id, person_id, platform_identity_id, "
    "external_id, correlation_id, source, content_type, text_content, media_mime_type, media_size, media_duration, "
    "media_url, chat_id, reply_to_external_id, status, received_at, processed_at, payload, raw_payload, metadata, "
    "created_at) select u.id, u.type, u.direction, u.channel, u.instance_id, u.person_id, u.identity_id, u.ext, "
    "u.correlation, u.source, u.ctype, u.text, u.mime, u.size, u.duration, u.url, u.chat, u.reply_to, 'completed', "
    "u.received, now(), u.payload::jsonb, u.raw::jsonb, u.meta::jsonb, u.at from unnest($1::uuid[], $2::text[], "
    "$3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], "
    "$12::text[], $13::text[], $14::bigint[], $15::int[], $16::text[], $17::text[], $18::text[], $19::timestamptz[], "
    "$20::text[], $21::text[], $22::text[], $23::timestamptz[]) as u(id, type, direction, channel, instance_id, "
    "person_id, identity_id, ext, correlation, source, ctype, text, mime, size, duration, url, chat, reply_to, received, "
    "payload, raw, meta, at) on conflict (id) do nothing returning id"
)


async def _journal_many(conn: asyncpg.Connection, rows: list[tuple]) -> set[uuid.UUID]:
    """Journal rows (`_journal_values`) in one statement; the ids stored now (not before)."""
    if not rows:
        return set()
    return {r["id"] for r in await conn.fetch(JOURNAL_INSERT_MANY, *zip(*rows, strict=True))}


async def _journal(conn: asyncpg.Connection, envelope: dict[str, Any], instance_id: str | None, channel: str | None,
                   person_id: Any, identity_id: Any) -> bool:  # fmt: skip
    values = _journal_values(envelope, instance_id, channel, person_id, identity_id)
    return await conn.fetchval(JOURNAL_INSERT + " returning id", *values) is not None


async def _chat(conn: asyncpg.Connection, instance_id: str, channel: str | None, chat: dict[str, Any]) -> Any:
    return await conn.fetchval(
        "insert into chats (id, instance_id, external_id, chat_type, channel, name, participant_count, message_count, "
        "unread_count, settings, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, 0, 0, 0, '{}', now(), now()) "
        "on conflict (instance_id, external_id) do update set name = coalesce(excluded.name, chats.name), "
        "chat_type = coalesce($7, chats.chat_type) where (excluded.name is not null and excluded.name is distinct "
        "from chats.name) or $7 is distinct from chats.chat_type and $7 is not null returning id",
        uuid.uuid4(), instance_id, chat["id"], chat.get("type") or "dm", channel or "unknown", chat.get("name"),
        chat.get("type"),  # none (our own edit or reaction): the chat keeps its type
    ) or await conn.fetchval(
        "select id from chats where instance_id = $1 and external_id = $2", instance_id, chat["id"]
    )  # fmt: skip


async def _identity(conn: asyncpg.Connection, instance_id: str, channel: str | None, sender: dict[str, Any],
                    kind: str) -> tuple[Any, Any]:  # fmt: skip
    """The sender's platform identity and person; a new identity is linked to the person with the same phone."""
    channel = channel or "unknown"
    seen = kind in ("message.received", "message.system")
    row = await conn.fetchrow(
        "update platform_identities set last_seen_at = now(), message_count = message_count + $4::int, "
        "platform_username = coalesce($5, platform_username), updated_at = now() "
        "where channel = $1 and instance_id = $2 and platform_user_id = $3 returning id, person_id",
        channel, instance_id, sender["id"], 1 if seen else 0, sender.get("name"),
    )  # fmt: skip
    if row is not None:
        return row["id"], row["person_id"]
    phone = sender.get("phone")
    if phone:
        person_id = await conn.fetchval(
            "insert into persons (id, display_name, primary_phone, created_at, updated_at) values ($1, $2, $3, now(), now()) "
            "on conflict (primary_phone) do update set updated_at = now() returning id",
            uuid.uuid4(), sender.get("name"), phone,
        )  # fmt: skip
        linked = "phone_match"
    else:
        person_id = await conn.fetchval(
            "insert into persons (id, display_name, avatar_url, created_at, updated_at) values ($1, $2, $3, now(), now()) "
            "returning id", uuid.uuid4(), sender.get("name"), sender.get("avatarUrl"))  # fmt: skip
        linked = "initial"
    row = await conn.fetchrow(
        "insert into platform_identities (id, person_id, channel, instance_id, platform_user_id, platform_username, "
        "profile_pic_url, message_count, first_seen_at, last_seen_at, linked_by, confidence, created_at, updated_at) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, now(), now(), $9, 100, now(), now()) "
        "on conflict (channel, instance_id, platform_user_id) do update set last_seen_at = now() "
        "returning id, person_id",
        uuid.uuid4(), person_id, channel, instance_id, sender["id"], sender.get("name"), sender.get("avatarUrl"),
        1 if seen else 0, linked,
    )  # fmt: skip
    return row["id"], row["person_id"]


async def _edit(conn: asyncpg.Connection, chat_id: Any, p: dict[str, Any]) -> None:
    row = await conn.fetchrow("select id, text_content, edit_history from messages where chat_id = $1 "
                              "and external_id = $2 for update", chat_id, p["target"])  # fmt: skip
    if row is None:
        raise NotYet(f"edit of message {p['target']!r} before the message")
    if row["text_content"] == p["text"]:
        return  # nothing changes (our own edit, echoed back by the platform)
    history = orjson.loads(row["edit_history"]) if row["edit_history"] else []
    history.append({"text": row["text_content"], "at": p["timestamp"], "by": (p.get("sender") or {}).get("id")})
    await conn.execute(
        "update messages set original_text = coalesce(original_text, text_content), text_content = $2, "
        "edit_count = edit_count + 1, edit_history = $3, edited_at = $4, updated_at = now() where id = $1",
        row["id"], p["text"], orjson.dumps(history).decode(), _time(p["timestamp"]),
    )  # fmt: skip


async def _receipt(conn: asyncpg.Connection, chat_id: Any, p: dict[str, Any]) -> None:
    status = p["status"]
    lower = [s for s, rank in DELIVERY_ORDER.items() if rank < DELIVERY_ORDER[status]]
    await conn.execute(
        "update messages set delivery_status = $3, updated_at = now() where chat_id = $1 and external_id = any($2) "
        "and (delivery_status is null or delivery_status = any($4))", chat_id, p["targets"], status, lower)  # fmt: skip


async def _reaction(conn: asyncpg.Connection, chat_id: Any, p: dict[str, Any], person_id: Any) -> None:
    row = await conn.fetchrow("select id, reactions from messages where chat_id = $1 and external_id = $2 for update",
                              chat_id, p["target"])  # fmt: skip
    if row is None:
        raise NotYet(f"reaction to message {p['target']!r} before the message")
    sender = p.get("sender") or {}
    user = sender.get("id")
    emoji, removed = p.get("emoji"), bool(p.get("removed"))
    # one entry per (user, emoji): a repeat replaces it; a removal without an emoji removes all of the user's
    reactions = [r for r in (orjson.loads(row["reactions"]) if row["reactions"] else [])
                 if not (r.get("platformUserId") == user and (r.get("emoji") == emoji or (removed and not emoji)))]  # fmt: skip
    if not removed and emoji:
        reactions.append({"emoji": p["emoji"], "platformUserId": user, "personId": str(person_id) if person_id else None,
                          "displayName": sender.get("name"), "at": p["timestamp"]})  # fmt: skip
    counts: dict[str, int] = {}
    for r in reactions:
        counts[r["emoji"]] = counts.get(r["emoji"], 0) + 1
    await conn.execute("update messages set reactions = $2, reaction_counts = $3, updated_at = now() where id = $1",
                       row["id"], orjson.dumps(reactions).decode(), orjson.dumps(counts).decode())  # fmt: skip


# -- batches: the common case (new messages) in a handful of set-based statements --------------------------------

BULK_KINDS = ("message.received", "message.system")


async def persist_batch(conn: asyncpg.Connection, envelopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store a batch in one transaction: new messages with set-based SQL (chats, identities and persons, journal rows,
    messages, counters), every other event one by one in order after them. Returns the events stored now (not
    before). Raises on any problem: the caller then stores the batch event by event, so one bad event is isolated.

    Only for a single writer per stream (the persist lease): freshness is read first, not claimed by an insert.
    A batch of journal rows only (the `message.sent` of every send) is one statement, its insert the freshness."""
    if all(not isinstance((e.get("payload") or {}).get("chat"), dict) for e in envelopes):
        stored = await _journal_many(conn, [_plain_values(e) for e in envelopes])
        fresh_plain = []
        for e in envelopes:
            if uuid.UUID(e["id"]) in stored:
                stored.discard(uuid.UUID(e["id"]))  # the same event twice in the batch: fresh once
                fresh_plain.append(e)
        return fresh_plain
    chat_ids = await _chats_of(conn, [e for e in envelopes if _is_bulk(e)])
    async with conn.transaction():
        ids = [uuid.UUID(e["id"]) for e in envelopes]
        seen = {r["id"] for r in await conn.fetch("select id from omni_events where id = any($1::uuid[])", ids)}
        fresh, bulk, rest, taken = [], [], [], set(seen)
        for e, event_id in zip(envelopes, ids, strict=True):
            if event_id in taken:
                continue  # stored before, or twice in this batch
            taken.add(event_id)
            fresh.append(e)
            (bulk if _is_bulk(e) else rest).append(e)
        if bulk:
            await _bulk_messages(conn, bulk, chat_ids)
        # events of no chat (message.sent / failed of a send, instance.*) are journal rows only: all at once
        plain = [e for e in rest if not isinstance((e.get("payload") or {}).get("chat"), dict)]
        await _journal_many(conn, [_plain_values(e) for e in plain])
        plain_ids = {id(e) for e in plain}
        for e in rest:
            if id(e) not in plain_ids:
                await persist(conn, e)
    return fresh


def _plain_values(envelope: dict[str, Any]) -> tuple:
    meta = envelope.get("metadata") or {}
    return _journal_values(envelope, meta.get("instanceId"), meta.get("channelType"), None, None)


def _is_bulk(e: dict[str, Any]) -> bool:
    meta, payload = e.get("metadata") or {}, e.get("payload") or {}
    return e.get("type") in BULK_KINDS and bool(meta.get("instanceId")) and isinstance(payload.get("chat"), dict)


async def _chats_of(conn: asyncpg.Connection, events: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    """The chats of a batch's messages: (instance, chat) → chat id. New ones are made here, each insert committed at
    once, before the batch's transaction: that transaction then locks a chat only for its counters' update at its
    end, in the one order of every writer of chats. (A chat made in the transaction would stay locked from its
    start, out of that order: an agent's reply recorded meanwhile for it and another chat could deadlock with it.)
    A batch that fails after this leaves a chat without messages, which its events' retry fills."""
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for e in events:
        meta, chat = e["metadata"], e["payload"]["chat"]
        first.setdefault((meta["instanceId"], chat["id"]), {"type": chat.get("type") or "dm", "name": chat.get("name"),
                                                            "channel": meta.get("channelType") or "unknown"})  # fmt: skip
    keys = sorted(first)
    if not keys:
        return {}
    args = ([uuid.UUID(k[0]) for k in keys], [k[1] for k in keys])
    rows = await conn.fetch(
        "with u as (select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) "
        "as u(id, instance_id, external_id, chat_type, channel, name)), "
        "made as (insert into chats (id, instance_id, external_id, chat_type, channel, name, participant_count, "
        "message_count, unread_count, settings, created_at, updated_at) "
        "select u.id, u.instance_id, u.external_id, u.chat_type, u.channel, u.name, 0, 0, 0, '{}', now(), now() "
        "from u on conflict (instance_id, external_id) do nothing returning id, instance_id, external_id) "
        "select id, instance_id, external_id from made union all select c.id, c.instance_id, c.external_id "
        "from chats c join u on c.instance_id = u.instance_id and c.external_id = u.external_id",
        [uuid.uuid4() for _ in keys], *args, [first[k]["type"] for k in keys], [first[k]["channel"] for k in keys],
        [first[k]["name"] for k in keys],
    )  # fmt: skip
    chat_ids = {(str(r["instance_id"]), r["external_id"]): r["id"] for r in rows}
    if len(chat_ids) < len(keys):  # made by another writer while that statement ran: the next statement sees them
        rows = await conn.fetch(
            "select c.id, c.instance_id, c.external_id from chats c join unnest($1::uuid[], $2::text[]) "
            "as u(instance_id, external_id) on c.instance_id = u.instance_id and c.external_id = u.external_id", *args)  # fmt: skip
        chat_ids.update({(str(r["instance_id"]), r["external_id"]): r["id"] for r in rows})
    return chat_ids


async def _bulk_messages(conn: asyncpg.Connection, events: list[dict[str, Any]],
                         chat_ids: dict[tuple[str, str], Any]) -> None:  # fmt: skip
    # the latest name and type each chat's events carry, set by the counters' update at the end
    chats: dict[tuple[str, str], dict[str, Any]] = {}
    for e in events:
        meta, chat = e["metadata"], e["payload"]["chat"]
        entry = chats.setdefault((meta["instanceId"], chat["id"]), {"type": None, "name": None})
        entry["name"] = chat.get("name") or entry["name"]
        entry["type"] = chat.get("type") or entry["type"]

    # senders: existing identities get their counters, new ones a person (the one with the same phone, if any)
    senders: dict[tuple[str, str, str], dict[str, Any]] = {}
    for e in events:
        s = e["payload"].get("sender")
        if isinstance(s, dict) and s.get("id"):
            meta = e["metadata"]
            key = (meta.get("channelType") or "unknown", meta["instanceId"], s["id"])
            entry = senders.setdefault(key, {"n": 0, "name": None, "phone": None, "avatar": None})
            entry["n"] += 1
            entry["name"] = s.get("name") or entry["name"]
            entry["phone"] = s.get("phone") or entry["phone"]
            entry["avatar"] = s.get("avatarUrl") or entry["avatar"]
    identities: dict[tuple[str, str, str], tuple[Any, Any]] = {}
    if senders:
        skeys = list(senders)
        rows = await conn.fetch(
            "update platform_identities p set last_seen_at = now(), message_count = p.message_count + u.n, "
            "platform_username = coalesce(u.name, p.platform_username), updated_at = now() "
            "from unnest($1::text[], $2::uuid[], $3::text[], $4::int[], $5::text[]) as u(channel, instance_id, uid, n, name) "
            "where p.channel = u.channel and p.instance_id = u.instance_id and p.platform_user_id = u.uid "
            "returning p.id, p.person_id, p.channel, p.instance_id, p.platform_user_id",
            [k[0] for k in skeys], [uuid.UUID(k[1]) for k in skeys], [k[2] for k in skeys],
            [senders[k]["n"] for k in skeys], [senders[k]["name"] for k in skeys],
        )  # fmt: skip
        for r in rows:
            identities[(r["channel"], str(r["instance_id"]), r["platform_user_id"])] = (r["id"], r["person_id"])
        new = [k for k in skeys if k not in identities]
        if new:
            phones = sorted({senders[k]["phone"] for k in new if senders[k]["phone"]})
            by_phone: dict[str, Any] = {}
            if phones:
                rows = await conn.fetch(
                    "insert into persons (id, display_name, primary_phone, created_at, updated_at) "
                    "select gen_random_uuid(), null, u.phone, now(), now() from unnest($1::text[]) as u(phone) "
                    "on conflict (primary_phone) do update set updated_at = now() returning id, primary_phone",
                    phones)  # fmt: skip
                by_phone = {r["primary_phone"]: r["id"] for r in rows}
            person_of: dict[tuple[str, str, str], Any] = {}
            loose = [k for k in new if not senders[k]["phone"]]
            if loose:
                loose_ids = [uuid.uuid4() for _ in loose]
                await conn.execute(
                    "insert into persons (id, display_name, avatar_url, created_at, updated_at) "
                    "select u.id, u.name, u.avatar, now(), now() from unnest($1::uuid[], $2::text[], $3::text[]) "
                    "as u(id, name, avatar)", loose_ids, [senders[k]["name"] for k in loose],
                    [senders[k]["avatar"] for k in loose])  # fmt: skip
                person_of.update(zip(loose, loose_ids, strict=True))
            for k in new:
                if senders[k]["phone"]:
                    person_of[k] = by_phone[senders[k]["phone"]]
            # a person made from a phone gets its name from its first identity
            await conn.execute(
                "update persons p set display_name = u.name from unnest($1::uuid[], $2::text[]) as u(id, name) "
                "where p.id = u.id and p.display_name is null and u.name is not null",
                [person_of[k] for k in new], [senders[k]["name"] for k in new])  # fmt: skip
            rows = await conn.fetch(
                "insert into platform_identities (id, person_id, channel, instance_id, platform_user_id, "
                "platform_username, profile_pic_url, message_count, first_seen_at, last_seen_at, linked_by, confidence, "
                "created_at, updated_at) select gen_random_uuid(), u.person_id, u.channel, u.instance_id, u.uid, u.name, "
                "u.avatar, u.n, now(), now(), u.linked, 100, now(), now() from unnest($1::uuid[], $2::text[], "
                "$3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[]) "
                "as u(person_id, channel, instance_id, uid, name, avatar, n, linked) "
                "on conflict (channel, instance_id, platform_user_id) do update set last_seen_at = now(), "
                "message_count = platform_identities.message_count + excluded.message_count "
                "returning id, person_id, channel, instance_id, platform_user_id",
                [person_of[k] for k in new], [k[0] for k in new], [uuid.UUID(k[1]) for k in new], [k[2] for k in new],
                [senders[k]["name"] for k in new], [senders[k]["avatar"] for k in new], [senders[k]["n"] for k in new],
                ["phone_match" if senders[k]["phone"] else "initial" for k in new],
            )  # fmt: skip
            for r in rows:
                identities[(r["channel"], str(r["instance_id"]), r["platform_user_id"])] = (r["id"], r["person_id"])

    # the journal and the messages
    journal, messages = [], []
    for e in events:
        p, meta = e["payload"], e["metadata"]
        s = p.get("sender") if isinstance(p.get("sender"), dict) else {}
        identity_id, person_id = identities.get((meta.get("channelType") or "unknown", meta["instanceId"],
                                                 s.get("id")), (None, None))  # fmt: skip
        chat_id = chat_ids[(meta["instanceId"], p["chat"]["id"])]
        journal.append(_journal_values(e, meta["instanceId"], meta.get("channelType"), person_id, identity_id))
        messages.append(_message_values(e, meta["instanceId"], chat_id, person_id, identity_id))
    await _journal_many(conn, journal)
    columns = list(zip(*messages, strict=True))
    inserted = await conn.fetch(
        "insert into messages (id, chat_id, instance_id, external_id, source, sender_person_id, "
        "sender_platform_identity_id, sender_platform_user_id, sender_display_name, is_from_me, message_type, "
        "text_content, has_media, media_mime_type, media_url, media_local_path, media_metadata, reply_to_external_id, "
        "quoted_text, is_forwarded, forward_count, mentions, status, delivery_status, edit_count, edit_history, "
        "reactions, reaction_counts, original_event_id, latest_event_id, platform_timestamp, received_at, created_at, "
        "updated_at) select u.id, u.chat_id, u.instance_id, u.external_id, u.source, u.person_id, u.identity_id, "
        "u.uid, u.uname, u.from_me, u.mtype, u.text, u.has_media, u.mime, u.url, u.path, u.meta::jsonb, u.reply_to, "
        "u.quoted, u.forwarded, 0, u.mentions::jsonb, 'active', u.delivery, 0, '[]', '[]', '{}', u.event_id, "
        "u.event_id, u.at, now(), now(), now() from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], "
        "$6::uuid[], $7::text[], $8::text[], $9::bool[], $10::text[], $11::text[], $12::bool[], $13::text[], "
        "$14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bool[], $20::text[], $21::text[], "
        "$22::uuid[], $23::timestamptz[], $24::text[]) as u(id, chat_id, instance_id, external_id, person_id, "
        "identity_id, uid, uname, from_me, mtype, text, has_media, mime, url, path, meta, reply_to, quoted, forwarded, "
        "mentions, delivery, event_id, at, source) on conflict (chat_id, external_id) do nothing "
        "returning id, chat_id, instance_id, is_from_me, platform_timestamp, text_content, message_type, "
        "reply_to_external_id, source",
        *columns,
    )  # fmt: skip
    if not inserted:
        return
    replies = [r["id"] for r in inserted if r["reply_to_external_id"]]
    if replies:
        await conn.execute(
            "update messages m set reply_to_message_id = r.id from messages r where m.id = any($1::uuid[]) "
            "and r.chat_id = m.chat_id and r.external_id = m.reply_to_external_id", replies)  # fmt: skip
    if any(r["source"] == "sync" for r in inserted):  # history arrives newest first: earlier replies to these
        await conn.execute(
            "update messages m set reply_to_message_id = r.id from messages r where r.id = any($1::uuid[]) "
            "and m.chat_id = r.chat_id and m.reply_to_external_id = r.external_id and m.reply_to_message_id is null",
            [r["id"] for r in inserted])  # fmt: skip
    per_chat: dict[Any, dict[str, Any]] = {}
    per_instance: dict[Any, datetime] = {}
    for r in inserted:
        c = per_chat.setdefault(r["chat_id"], {"n": 0, "unread": 0, "last": None, "preview": None})
        c["n"] += 1
        c["unread"] += 0 if r["is_from_me"] or r["source"] == "sync" else 1
        if c["last"] is None or r["platform_timestamp"] >= c["last"]:
            c["last"] = r["platform_timestamp"]
            c["preview"] = (r["text_content"] or f"[{r['message_type']}]")[:PREVIEW]
        last = per_instance.get(r["instance_id"])
        per_instance[r["instance_id"]] = r["platform_timestamp"] if last is None else max(last, r["platform_timestamp"])
    key_of = {chat_id: key for key, chat_id in chat_ids.items()}
    cids = sorted(per_chat, key=lambda c: key_of[c])  # the same lock order as every writer of chats
    await conn.execute(
        "select 1 from chats c join unnest($1::uuid[]) with ordinality as u(id, n) on c.id = u.id order by u.n "
        "for no key update of c", cids)  # fmt: skip
    await conn.execute(
        "update chats c set message_count = c.message_count + u.n, unread_count = c.unread_count + u.unread, "
        "last_message_at = greatest(c.last_message_at, u.last), last_message_preview = case when c.last_message_at "
        "is null or u.last >= c.last_message_at then u.preview else c.last_message_preview end, "
        "name = coalesce(u.name, c.name), chat_type = coalesce(u.ctype, c.chat_type), updated_at = now() "
        "from unnest($1::uuid[], $2::int[], $3::int[], $4::timestamptz[], $5::text[], $6::text[], $7::text[]) "
        "as u(id, n, unread, last, preview, name, ctype) where c.id = u.id",
        cids, [per_chat[c]["n"] for c in cids], [per_chat[c]["unread"] for c in cids],
        [per_chat[c]["last"] for c in cids], [per_chat[c]["preview"] for c in cids],
        [chats[key_of[c]]["name"] for c in cids], [chats[key_of[c]]["type"] for c in cids],
    )  # fmt: skip
    for instance_id, last in per_instance.items():
        await conn.execute("update instances set last_message_at = greatest(last_message_at, $2) where id = $1",
                           instance_id, last)  # fmt: skip


def _message_values(e: dict[str, Any], instance_id: str, chat_id: Any, person_id: Any, identity_id: Any) -> tuple:
    p = e["payload"]
    media = p.get("media") or {}
    sender = p.get("sender") or {}
    message_type = p.get("type") or ("system" if e["type"] == "message.system" else "text")
    text = p.get("text") or media.get("caption")
    if message_type == "contact" and p.get("contact"):
        text = text or p["contact"].get("name")
    if message_type == "poll" and p.get("poll"):
        text = text or p["poll"].get("question")
    extra = {k: p[k] for k in ("contact", "location", "poll") if p.get(k)}
    metadata = {**({"filename": media["filename"]} if media.get("filename") else {}), **extra} or None
    mentions = orjson.dumps([{"id": m} for m in p["mentions"]]).decode() if p.get("mentions") else None
    return (uuid.uuid4(), chat_id, uuid.UUID(instance_id), p["externalId"], person_id, identity_id, sender.get("id"),
            sender.get("name"), bool(p.get("isFromMe")), message_type, text, bool(media), media.get("mimeType"),
            media.get("url"), media.get("path"), None if metadata is None else orjson.dumps(metadata).decode(),
            p.get("replyTo"), p.get("quotedText"), bool(p.get("forwarded")), mentions,
            "sent" if p.get("isFromMe") else None, uuid.UUID(e["id"]), _time(p["timestamp"]),
            "sync" if p.get("history") else "realtime")  # fmt: skip
