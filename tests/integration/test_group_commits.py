"""Writes that share a statement (`omni.db.coalesce`) on real postgres: concurrent sends to the same chats count right,
a resumed send finds its row, one bad row fails alone; concurrent store appends and mark-sent updates."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from tortoise import Tortoise

from omni.channels import runtime
from omni.channels.kv import PluginStore
from omni.db.models import Instance
from omni.pipeline import outbound


async def _instance() -> dict:
    inst = await Instance.create(name=f"gc-{uuid.uuid4().hex[:6]}", channel="loopback")
    return {"id": inst.id, "channel": "loopback"}


async def _rows(sql: str, *args: object) -> list[dict]:
    return await Tortoise.get_connection("default").execute_query_dict(sql, list(args))


async def test_concurrent_sends_share_statements_and_count_per_chat(db: str) -> None:
    inst = await _instance()
    ids = [uuid.uuid4() for _ in range(60)]
    results = await asyncio.gather(*(
        outbound.record(inst, f"chat-{i % 3}", mid, "text", f"m{i}", None, None)
        for i, mid in enumerate(ids)))  # fmt: skip
    assert results == [None] * 60
    assert outbound._PENDING.items >= 60 and outbound._PENDING.batches < 60  # they did share statements
    chats = await _rows("select external_id, message_count, last_message_preview from chats where instance_id = $1 "
                        "order by external_id", inst["id"])  # fmt: skip
    assert [(c["external_id"], c["message_count"]) for c in chats] == [("chat-0", 20), ("chat-1", 20), ("chat-2", 20)]
    stored = await _rows("select id, external_id, delivery_status from messages where instance_id = $1", inst["id"])
    assert {r["id"] for r in stored} == set(ids)
    assert all(r["delivery_status"] == "pending" and r["external_id"] == f"pending:{r['id']}" for r in stored)

    # a resumed send finds its row (alone or in a batch) and writes nothing twice
    again = await asyncio.gather(*(
        outbound.record(inst, "chat-0", mid, "text", "again", None, None) for mid in ids[:5]))  # fmt: skip
    assert [a["delivery_status"] for a in again] == ["pending"] * 5
    assert (await _rows("select message_count from chats where instance_id = $1 and external_id = 'chat-0'",
                        inst["id"]))[0]["message_count"] == 20  # fmt: skip


async def test_one_bad_row_fails_alone(db: str) -> None:
    inst = await _instance()
    gone = {"id": uuid.uuid4(), "channel": "loopback"}  # no such instance: its row can't be written
    calls = [outbound.record(gone if i == 3 else inst, "c", uuid.uuid4(), "text", "x", None, None)
             for i in range(8)]  # fmt: skip
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(results[3], outbound.InstanceGone)
    assert [r for i, r in enumerate(results) if i != 3] == [None] * 7
    assert len(await _rows("select id from messages where instance_id = $1", inst["id"])) == 7


async def test_mark_sent_in_batches_and_an_echo_collision_alone(db: str) -> None:
    inst = await _instance()
    ids = [uuid.uuid4() for _ in range(10)]
    await asyncio.gather(*(outbound.record(inst, "c", mid, "text", "x", None, None) for mid in ids))
    # the platform echoed message 0 back as inbound before it was marked sent: same chat, same external id
    chat = (await _rows("select chat_id from messages where id = $1", ids[0]))[0]["chat_id"]
    echo = uuid.uuid4()
    await Tortoise.get_connection("default").execute_query(
        "insert into messages (id, chat_id, instance_id, external_id, source, is_from_me, message_type, has_media, forward_count, "
        "is_forwarded, status, delivery_status, edit_count, edit_history, reactions, reaction_counts, "
        "platform_timestamp, received_at, created_at, updated_at) values ($1, $2, $3, 'ext-0', 'realtime', true, "
        "'text', false, 0, false, 'active', 'sent', 0, '[]', '[]', '{}', now(), now(), now(), now())",
        [echo, chat, inst["id"]])  # fmt: skip
    rt = runtime.Runtime.__new__(runtime.Runtime)  # mark_sent needs no state of its own
    now = datetime.now(UTC)
    await asyncio.gather(*(rt.mark_sent(str(mid), f"ext-{i}", now) for i, mid in enumerate(ids)))
    rows = await _rows("select id, external_id, delivery_status from messages where instance_id = $1", inst["id"])
    assert {r["id"]: (r["external_id"], r["delivery_status"]) for r in rows} == {
        mid: (f"ext-{i}", "sent") for i, mid in enumerate(ids)}  # the echo gave way to the sent row  # fmt: skip


async def test_messages_recorded_once_sent_in_a_batch_and_an_echo_that_came_first_gives_way(db: str) -> None:
    inst = await _instance()
    await outbound.record(inst, "c", uuid.uuid4(), "text", "made the chat", None, None)
    chat = (await _rows("select id from chats where instance_id = $1", inst["id"]))[0]["id"]
    # the platform's echo of message 0, stored as inbound before the send was recorded: same chat, same external id
    await Tortoise.get_connection("default").execute_query(
        "insert into messages (id, chat_id, instance_id, external_id, source, is_from_me, message_type, has_media, "
        "forward_count, is_forwarded, status, delivery_status, edit_count, edit_history, reactions, reaction_counts, "
        "platform_timestamp, received_at, created_at, updated_at) values ($1, $2, $3, 'ext-0', 'realtime', true, "
        "'text', false, 0, false, 'active', 'sent', 0, '[]', '[]', '{}', now(), now(), now(), now())",
        [uuid.uuid4(), chat, inst["id"]])  # fmt: skip
    ids = [uuid.uuid4() for _ in range(8)]
    now = datetime.now(UTC)
    outcomes = await asyncio.gather(*(
        outbound.record(inst, "c", mid, "text", f"t{i}", None, None, status="failed" if i == 7 else "sent",
                        external_id=None if i == 7 else f"ext-{i}", at=now) for i, mid in enumerate(ids)))  # fmt: skip
    assert outcomes == [None] * 8  # every row new
    rows = await _rows("select id, external_id, delivery_status from messages where chat_id = $1 and id = any($2)",
                       chat, ids)  # fmt: skip
    expected = {mid: (f"ext-{i}", "sent") for i, mid in enumerate(ids[:7])} | {ids[7]: (f"pending:{ids[7]}", "failed")}
    assert {r["id"]: (r["external_id"], r["delivery_status"]) for r in rows} == expected
    assert len(await _rows("select 1 from messages where chat_id = $1", chat)) == 9  # the echo gave way
    [counts] = await _rows("select message_count from chats where id = $1", chat)
    assert counts["message_count"] == 9
    # recorded pending meanwhile by a resumed copy: the send's outcome lands on that row
    late = uuid.uuid4()
    await outbound.record(inst, "c", late, "text", "late", None, None)
    assert await outbound.record(inst, "c", late, "text", "late", None, None, status="sent", external_id="ext-late",
                                 at=now) is None  # fmt: skip
    [row] = await _rows("select external_id, delivery_status from messages where id = $1", late)
    assert (row["external_id"], row["delivery_status"]) == ("ext-late", "sent")


@pytest.mark.parametrize("namespaces", [1, 3])
async def test_store_appends_share_a_statement_and_add_each_key_once(db: str, namespaces: int) -> None:
    stores = [PluginStore(f"ns-{uuid.uuid4().hex[:6]}") for _ in range(namespaces)]
    keys = [(stores[i % namespaces], f"k{i % 10}") for i in range(30)]  # every key three times
    added = await asyncio.gather(*(s.add(k, {"i": i}) for i, (s, k) in enumerate(keys)))
    assert sum(added) == len({(s.namespace, k) for s, k in keys})  # each distinct key added once
    for store in stores:
        assert sorted(await store.keys()) == sorted({k for s, k in keys if s is store})
    assert await stores[0].add("k0", {"again": True}) is False
