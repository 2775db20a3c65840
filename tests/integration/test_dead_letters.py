"""`/dead-letters` and the automatic retries: list/filter/stats/resolve/abandon on rows written straight into
postgres; retries (manual, `retry_due`, the pipeline's sweep) republish a real `message.received` envelope of a
loopback instance and the message gets stored. Real postgres + nats-server."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from omni.bus import subjects
from omni.channels.types import Chat, InboundMessage, Sender
from omni.pipeline import envelope as envelopes
from omni.pipeline.deadletters import DeadLetters
from tests.integration.conftest import Api, live_client
from tests.integration.test_pipeline import loopback, messages, until

BASE = "/api/v2/dead-letters"
T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


async def insert(db_url: str, **fields: Any) -> str:
    """One dead letter row; `fields` override the defaults (column names)."""
    row: dict[str, Any] = {
        "id": uuid.uuid4(), "event_id": uuid.uuid4().hex, "event_type": "message.received",
        "subject": "omni.message.received.loopback.x", "consumer": "persist-message",
        "payload": {"id": "e", "type": "message.received"}, "error": "boom", "stack": "Traceback: boom",
        "auto_retry_count": 0, "manual_retry_count": 0, "next_auto_retry_at": T0 + timedelta(hours=1),
        "status": "pending", "created_at": T0, "updated_at": T0,
    }  # fmt: skip
    row.update(fields)
    row["payload"] = orjson.dumps(row["payload"]).decode()
    columns, placeholders = ", ".join(row), ", ".join(f"${i + 1}" for i in range(len(row)))
    sql = f"insert into dead_letter_events ({columns}) values ({placeholders})"  # noqa: S608 (our column names)
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(sql, *row.values())
    finally:
        await conn.close()
    return str(row["id"])


async def fetch_row(db_url: str, row_id: str) -> asyncpg.Record:
    conn = await asyncpg.connect(db_url)
    try:
        return await conn.fetchrow("select * from dead_letter_events where id = $1", uuid.UUID(row_id))
    finally:
        await conn.close()


def inbound_envelope(instance: str, external_id: str, text: str = "from a dead letter") -> dict[str, Any]:
    """A valid `message.received` envelope of a loopback instance, as the channel runtime publishes it."""
    event = InboundMessage(external_id=external_id, text=text, chat=Chat(id="c1", type="dm"),
                           sender=Sender(id="u1", name="Ana"), timestamp=datetime.now(UTC))  # fmt: skip
    return envelopes.make("message.received", event.dump(), instance_id=instance, channel="loopback",
                          source="test")  # fmt: skip


async def dead_inbound(api: Api, instance: str, external_id: str, **fields: Any) -> str:
    env = inbound_envelope(instance, external_id)
    return await insert(api.db_url, payload=env, event_id=env["id"],
                        subject=subjects.event("message.received", "loopback", instance), **fields)  # fmt: skip


async def stored(client: httpx.AsyncClient, instance: str, external_id: str) -> list[dict[str, Any]]:
    return [m for m in await messages(client, instance) if m["externalId"] == external_id]


# -- reads ---------------------------------------------------------------------------------------------------------


async def test_list_filters_pagination_and_stats(api: Api) -> None:
    ids = []
    for i, (status, event_type, consumer) in enumerate([
        ("pending", "message.received", "persist-message"),
        ("pending", "reaction.received", "persist-reaction"),
        ("retrying", "message.received", "persist-message"),
        ("resolved", "message.sent", "send-lb"),
        ("abandoned", "message.received", "persist-message"),
    ]):  # fmt: skip
        ids.append(await insert(api.db_url, status=status, event_type=event_type, consumer=consumer,
                                created_at=T0 + timedelta(minutes=i)))  # fmt: skip
    newest_first = ids[::-1]

    r = await api.get(f"{BASE}?includeTotal=true")
    assert r.status == 200, r.json
    assert [i["id"] for i in r.json["items"]] == newest_first
    assert r.json["meta"] == {"total": 5, "hasMore": False, "cursor": None}
    item = r.json["items"][-1]
    assert item["status"] == "pending" and item["eventType"] == "message.received" and item["error"] == "boom"
    assert item["autoRetryCount"] == 0 and item["nextAutoRetryAt"] == "2026-01-10T13:00:00.000000Z"
    assert "payload" not in item and "stack" not in item

    # cursor pagination, newest first
    seen, cursor = [], None
    while True:
        r = await api.get(f"{BASE}?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        seen += [i["id"] for i in r.json["items"]]
        cursor = r.json["meta"]["cursor"]
        assert r.json["meta"]["hasMore"] is (cursor is not None) and "total" not in r.json["meta"]
        if cursor is None:
            break
    assert seen == newest_first

    async def listed(query: str) -> list[str]:
        r = await api.get(f"{BASE}?{query}")
        assert r.status == 200, (query, r.json)
        return [i["id"] for i in r.json["items"]]

    assert await listed("status=pending") == [ids[1], ids[0]]
    assert await listed("status=retrying") == [ids[2]]
    assert await listed("eventType=message.received") == [ids[4], ids[2], ids[0]]
    assert await listed("eventType=message.*") == [ids[4], ids[3], ids[2], ids[0]]
    assert await listed("consumer=persist-reaction") == [ids[1]]
    assert await listed("since=2026-01-10T12:02:00Z") == [ids[4], ids[3], ids[2]]
    assert await listed("until=2026-01-10T12:02:00Z") == [ids[1], ids[0]]
    assert await listed("since=2026-01-10T12:01:00Z&until=2026-01-10T12:03:00Z&status=pending") == [ids[1]]
    assert await listed("status=") == newest_first  # an empty parameter is no filter

    r = await api.get(f"{BASE}/stats")
    assert r.status == 200, r.json
    assert r.json["data"] == {
        "total": 5,
        "byStatus": {"pending": 2, "retrying": 1, "resolved": 1, "abandoned": 1},
        "byEventType": {"message.received": 3, "message.sent": 1, "reaction.received": 1},
        "oldestPendingAt": "2026-01-10T12:00:00.000000Z",
    }


async def test_stats_when_empty(api: Api) -> None:
    r = await api.get(f"{BASE}/stats")
    assert r.status == 200
    assert r.json["data"] == {"total": 0, "byStatus": {"pending": 0, "retrying": 0, "resolved": 0, "abandoned": 0},
                              "byEventType": {}, "oldestPendingAt": None}  # fmt: skip


async def test_get_one_with_payload_and_stack(api: Api) -> None:
    payload = {"id": "ev-1", "type": "message.received", "payload": {"text": "olá", "n": [1, 2]}}
    row_id = await insert(api.db_url, payload=payload, error="handler exploded", stack="Traceback (most recent)…")
    r = await api.get(f"{BASE}/{row_id}")
    assert r.status == 200, r.json
    data = r.json["data"]
    assert data["id"] == row_id and data["payload"] == payload
    assert data["error"] == "handler exploded" and data["stack"] == "Traceback (most recent)…"
    assert data["consumer"] == "persist-message" and data["subject"] == "omni.message.received.loopback.x"
    assert data["manualRetryCount"] == 0 and data["resolvedAt"] is None and data["createdAt"].endswith("Z")

    missing = str(uuid.uuid4())
    for method, path in (("GET", ""), ("POST", "/retry"), ("POST", "/resolve"), ("POST", "/abandon")):
        r = await api.request(method, f"{BASE}/{missing}{path}", json={})
        assert r.status == 404 and r.json["error"]["code"] == "NOT_FOUND", (method, path)
    assert (await api.get(f"{BASE}/not-a-uuid")).status == 404


async def test_bad_filters_are_400(api: Api) -> None:
    cases = {
        "status=bogus": "status",
        "since=yesterday": "since",
        "until=2026-13-40": "until",
        "eventType=bad%20type": "eventType",
        "eventType=" + "x" * 200: "eventType",
        "consumer=" + "c" * 200: "consumer",
        "limit=0": "limit",
        "limit=101": "limit",
        "cursor=%%%": "cursor",
        "cursor=bm90LWEtY3Vyc29y": "cursor",
        "includeTotal=maybe": "includeTotal",
        "unknown=1": "unknown",
        "since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z": "since",
    }
    for query, field in cases.items():
        r = await api.get(f"{BASE}?{query}")
        assert r.status == 400, (query, r.status, r.json)
        assert r.json["error"]["code"] == "VALIDATION_ERROR"
        assert field in r.json["error"]["details"]["fields"], (query, r.json)


# -- actions -------------------------------------------------------------------------------------------------------


async def test_resolve_then_every_action_conflicts(api: Api) -> None:
    row_id = await insert(api.db_url)
    r = await api.post(f"{BASE}/{row_id}/resolve", json={"note": "fixed the handler"})
    assert r.status == 200, r.json
    data = r.json["data"]
    assert data["status"] == "resolved" and data["resolvedBy"] == "__primary__"
    assert data["resolutionNote"] == "fixed the handler" and data["resolvedAt"] and data["nextAutoRetryAt"] is None
    row = await fetch_row(api.db_url, row_id)
    assert row["status"] == "resolved" and row["resolved_by"] == "__primary__" and row["next_auto_retry_at"] is None
    for action in ("resolve", "abandon", "retry"):
        r = await api.post(f"{BASE}/{row_id}/{action}", json={})
        assert r.status == 409 and r.json["error"]["code"] == "CONFLICT", (action, r.json)
        assert r.json["error"]["details"] == {"status": "resolved"}
    assert (await fetch_row(api.db_url, row_id))["manual_retry_count"] == 0


async def test_abandon_stops_automatic_retries(api: Api) -> None:
    key = await api.new_key(name="operator", scopes=["dead-letters:read", "dead-letters:write"])
    row_id = await insert(api.db_url, status="retrying", auto_retry_count=1)
    r = await api.post(f"{BASE}/{row_id}/abandon", key=key)  # no body: the note is optional
    assert r.status == 200, r.json
    data = r.json["data"]
    assert data["status"] == "abandoned" and data["nextAutoRetryAt"] is None
    assert data["resolvedBy"] == "operator" and data["resolutionNote"] is None and data["autoRetryCount"] == 1
    for action in ("abandon", "resolve", "retry"):
        r = await api.post(f"{BASE}/{row_id}/{action}", json={"note": "again"} if action != "retry" else None, key=key)
        assert r.status == 409 and r.json["error"]["details"] == {"status": "abandoned"}, (action, r.json)
    # an abandoned dead letter is never swept
    assert (await fetch_row(api.db_url, row_id))["next_auto_retry_at"] is None


async def test_bad_action_bodies_are_400(api: Api) -> None:
    row_id = await insert(api.db_url)
    for body in ({"note": 5}, {"note": "x" * 10_001}, {"comment": "typo"}, [1]):
        r = await api.post(f"{BASE}/{row_id}/resolve", json=body)
        assert r.status == 400 and r.json["error"]["code"] == "VALIDATION_ERROR", (body, r.json)
    r = await api.post(f"{BASE}/{row_id}/abandon", content="{not json", headers={"content-type": "application/json"})
    assert r.status == 400
    assert (await fetch_row(api.db_url, row_id))["status"] == "pending"


async def test_retry_without_the_stream_is_503_and_changes_nothing(api: Api) -> None:
    """Without the pipeline nothing has created this namespace's streams: the bus refuses the event."""
    row_id = await insert(api.db_url, subject=subjects.event("message.received", "loopback", uuid.uuid4()))
    r = await api.post(f"{BASE}/{row_id}/retry")
    assert r.status == 503 and r.json["error"]["code"] == "SERVICE_UNAVAILABLE", r.json
    row = await fetch_row(api.db_url, row_id)
    assert row["status"] == "pending" and row["manual_retry_count"] == 0 and row["last_retry_at"] is None


# -- access --------------------------------------------------------------------------------------------------------


async def test_keys_and_scopes(api: Api) -> None:
    row_id = await insert(api.db_url)
    routes = [("GET", BASE), ("GET", f"{BASE}/stats"), ("GET", f"{BASE}/{row_id}"), ("POST", f"{BASE}/{row_id}/retry"),
              ("POST", f"{BASE}/{row_id}/resolve"), ("POST", f"{BASE}/{row_id}/abandon")]  # fmt: skip
    other = await api.new_key(scopes=["messages:read"])
    reader = await api.new_key(scopes=["dead-letters:read"])
    for method, path in routes:
        r = await api.request(method, path, key=None, json={})
        assert r.status == 401 and r.json["error"]["code"] == "UNAUTHORIZED", (method, path)
        r = await api.request(method, path, key=other, json={})
        assert r.status == 403 and r.json["error"]["code"] == "FORBIDDEN", (method, path)
        scope = "dead-letters:read" if method == "GET" else "dead-letters:write"
        assert r.json["error"]["details"]["requiredScope"] == scope
        r = await api.request(method, path, key=reader, json={})
        assert r.status == (200 if method == "GET" else 403), (method, path, r.json)
    assert (await fetch_row(api.db_url, row_id))["status"] == "pending"


async def test_an_instance_restricted_key_sees_only_its_instances(api: Api) -> None:
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    visible = await insert(api.db_url, payload={"id": "a", "type": "message.received",
                                                "metadata": {"instanceId": mine}})  # fmt: skip
    hidden = await insert(api.db_url, payload={"id": "b", "type": "message.received",
                                               "metadata": {"instanceId": theirs}})  # fmt: skip
    undecodable = await insert(api.db_url, payload={"raw": "{not json"}, event_type="unknown")
    r = await api.post("/api/v2/instances", json={"name": f"lb-{uuid.uuid4().hex[:6]}", "channel": "loopback"})
    assert r.status == 201, r.json
    instance = r.json["data"]["id"]
    conn = await asyncpg.connect(api.db_url)
    try:  # point the first row at a real instance the key can be restricted to
        await conn.execute("update dead_letter_events set payload = jsonb_set(payload, '{metadata,instanceId}', "
                           "to_jsonb($2::text)) where id = $1", uuid.UUID(visible), instance)  # fmt: skip
    finally:
        await conn.close()
    key = await api.new_key(scopes=["dead-letters:read", "dead-letters:write"], instanceIds=[instance])
    r = await api.get(f"{BASE}?includeTotal=true", key=key)
    assert r.status == 200, r.json
    assert [i["id"] for i in r.json["items"]] == [visible] and r.json["meta"]["total"] == 1
    stats = (await api.get(f"{BASE}/stats", key=key)).json["data"]
    assert stats["total"] == 1 and stats["byEventType"] == {"message.received": 1}
    assert (await api.get(f"{BASE}/{visible}", key=key)).status == 200
    for row_id in (hidden, undecodable):
        assert (await api.get(f"{BASE}/{row_id}", key=key)).status == 404
        assert (await api.post(f"{BASE}/{row_id}/resolve", key=key, json={})).status == 404
    assert (await api.post(f"{BASE}/{visible}/resolve", key=key, json={})).status == 200
    full = (await api.get(f"{BASE}/stats")).json["data"]
    assert full["total"] == 3 and full["byStatus"]["resolved"] == 1


# -- retries through the pipeline ------------------------------------------------------------------------------------


@pytest.mark.pipeline
async def test_manual_retry_republishes_and_the_message_is_stored(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        row_id = await dead_inbound(api, instance, "dl-manual")
        r = await client.post(f"{BASE}/{row_id}/retry")
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        assert data["status"] == "retrying" and data["manualRetryCount"] == 1 and data["lastRetryAt"]
        assert data["autoRetryCount"] == 0 and data["nextAutoRetryAt"] == "2026-01-10T13:00:00.000000Z"
        await until(lambda: stored(client, instance, "dl-manual"), what="the retried message")

        # the retried event went through: its dead letter resolves itself, and a resolved one is not retried again
        async def resolved() -> bool:
            data = (await client.get(f"{BASE}/{row_id}")).json()["data"]
            return data["status"] == "resolved" and data["resolvedBy"] == "retry"

        await until(resolved, what="the dead letter resolved by its retry")
        assert (await client.post(f"{BASE}/{row_id}/retry")).status_code == 409
        await asyncio.sleep(0.5)
        assert len(await stored(client, instance, "dl-manual")) == 1


@pytest.mark.pipeline
async def test_retry_due_republishes_only_what_is_due(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        now = datetime.now(UTC)
        past = now - timedelta(minutes=5)
        first = await dead_inbound(api, instance, "dl-auto-1", next_auto_retry_at=past)
        last = await dead_inbound(api, instance, "dl-auto-3", status="retrying", auto_retry_count=2,
                                  next_auto_retry_at=past)  # fmt: skip
        later = await dead_inbound(api, instance, "dl-later", next_auto_retry_at=now + timedelta(minutes=5))
        closed = [await dead_inbound(api, instance, f"dl-{s}", status=s, next_auto_retry_at=past)
                  for s in ("resolved", "abandoned")]  # fmt: skip
        exhausted = await dead_inbound(api, instance, "dl-exhausted", auto_retry_count=3, next_auto_retry_at=None)

        dead = api.client.sanic_app.ctx.pipeline.dead
        assert await dead.retry_due(now) == 2
        row = await fetch_row(api.db_url, first)
        # "resolved" as soon as the retried event went through
        assert (
            row["status"] in ("retrying", "resolved") and row["auto_retry_count"] == 1 and row["last_retry_at"] == now
        )
        assert row["next_auto_retry_at"] in (now + timedelta(hours=6), None)
        row = await fetch_row(api.db_url, last)
        assert row["status"] in ("retrying", "resolved") and row["auto_retry_count"] == 3
        assert row["next_auto_retry_at"] is None
        for untouched in (later, *closed, exhausted):
            row = await fetch_row(api.db_url, untouched)
            assert row["last_retry_at"] is None and row["auto_retry_count"] in (0, 3), untouched
        await until(lambda: stored(client, instance, "dl-auto-1"), what="the first retried message")
        await until(lambda: stored(client, instance, "dl-auto-3"), what="the last retried message")
        assert await dead.retry_due(now) == 0  # nothing is due twice
        assert not await stored(client, instance, "dl-later")
        assert not await stored(client, instance, "dl-resolved") and not await stored(client, instance, "dl-abandoned")

        # the API shows the sweep's work
        async def resolved() -> bool:
            r = await client.get(f"{BASE}/{first}")
            data = r.json()["data"]
            return data["autoRetryCount"] == 1 and data["status"] == "resolved" and data["resolvedBy"] == "retry"

        await until(resolved, what="the retried dead letter resolved")


@pytest.mark.pipeline
async def test_concurrent_sweeps_never_retry_a_row_twice(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        past = datetime.now(UTC) - timedelta(minutes=1)
        rows = [await dead_inbound(api, instance, f"dl-c{i}", next_auto_retry_at=past) for i in range(24)]
        js = api.client.sanic_app.ctx.js
        sweeps = [DeadLetters(js).retry_due(datetime.now(UTC), batch=4) for _ in range(4)]
        counts = await asyncio.gather(*sweeps)
        assert sum(counts) == len(rows), counts
        conn = await asyncpg.connect(api.db_url)
        try:
            retried = await conn.fetch("select auto_retry_count, status from dead_letter_events")
        finally:
            await conn.close()
        assert [(r["auto_retry_count"], r["status"]) for r in retried] == [(1, "retrying")] * len(rows)

        async def all_stored() -> bool:
            return len(await messages(client, instance)) == len(rows)

        await until(all_stored, what="every retried message")


@pytest.mark.pipeline
async def test_the_pipeline_sweeps_due_dead_letters(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from omni.pipeline import service

    monkeypatch.setattr(service, "RETRY_SWEEP_EVERY", 0.2)
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        row_id = await dead_inbound(api, instance, "dl-swept", next_auto_retry_at=datetime.now(UTC))

        async def swept() -> bool:
            return (await fetch_row(api.db_url, row_id))["auto_retry_count"] == 1

        await until(swept, what="the sweep")
        await until(lambda: stored(client, instance, "dl-swept"), what="the swept message")
        task = api.client.sanic_app.ctx.pipeline.retry_sweep
    assert task.done()  # stopped with the app
