"""The event journal over the real API: list with every filter and cursor pagination, get, search in three formats,
timeline, by-sender, analytics buckets, custom event trigger (journalled and published on NATS), instance
restriction."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import nats
import pytest

from omni.bus import subjects
from omni.db.models import OmniEvent, Person, PlatformIdentity
from tests.integration import seed
from tests.integration.conftest import Api, Servers
from tests.integration.test_api_chats import walk

BASE = datetime(2026, 4, 1, tzinfo=UTC)


def q(at: datetime) -> str:
    return at.isoformat().replace("+", "%2B")


async def event(api: Api, event_type: str, at: datetime, **fields: Any) -> str:
    row = await seed.insert(api.db_url, OmniEvent, event_type=event_type, created_at=at, **fields)
    return str(row["id"])


async def test_list_filters_and_pagination(api: Api) -> None:
    a, b = await seed.instance(api.db_url), await seed.instance(api.db_url)
    pat = (await seed.insert(api.db_url, Person, display_name="Pat"))["id"]
    ids = {
        "recv": await event(api, "message.received", BASE, instance_id=a, channel="discord", person_id=pat,
                            correlation_id="c1", text_content="Hello World"),
        "sent": await event(api, "message.sent", BASE + timedelta(minutes=1), instance_id=a, channel="discord",
                            direction="outbound", correlation_id="c1"),
        "react": await event(api, "reaction.received", BASE + timedelta(minutes=1), instance_id=b, channel="slack"),
        "custom": await event(api, "custom.thing", BASE + timedelta(minutes=2), direction="internal"),
        "messages": await event(api, "messages.other", BASE + timedelta(minutes=3), instance_id=b),
    }  # fmt: skip
    everything = await walk(api, "/api/v2/events", limit=2)
    assert {e["id"] for e in everything} == set(ids.values())
    assert len(everything) == 5
    keys = [(e["createdAt"], e["id"]) for e in everything]
    assert keys == sorted(keys, reverse=True)

    async def got(query: str) -> set[str]:
        r = await api.get(f"/api/v2/events?{query}")
        assert r.status == 200, (query, r.json)
        return {k for k, v in ids.items() if v in {e["id"] for e in r.json["items"]}}

    assert await got(f"instanceId={a}") == {"recv", "sent"}
    assert await got(f"instanceId={a}&instanceId={b}") == {"recv", "sent", "react", "messages"}
    assert await got("eventType=message.*") == {"recv", "sent"}  # not messages.other
    assert await got("eventType=message.sent") == {"sent"}
    assert await got("eventType=*") == set(ids)
    assert await got("channel=slack") == {"react"}
    assert await got("direction=outbound") == {"sent"}
    assert await got(f"personId={pat}") == {"recv"}
    assert await got(f"since={q(BASE + timedelta(minutes=1))}&until={q(BASE + timedelta(minutes=3))}") == {
        "sent", "react", "custom"}  # fmt: skip
    assert await got("correlationId=c1") == {"recv", "sent"}
    assert (await api.get("/api/v2/events?includeTotal=true&limit=1")).json["meta"]["total"] == 5
    assert (await api.get("/api/v2/events?eventType=bad%20type")).status == 400
    assert (await api.get("/api/v2/events?direction=sideways")).status == 400

    one = (await api.get(f"/api/v2/events/{ids['recv']}")).json["data"]
    assert one["eventType"] == "message.received" and one["textContent"] == "Hello World"
    assert one["instanceId"] == str(a) and one["personId"] == str(pat) and one["correlationId"] == "c1"
    assert (await api.get(f"/api/v2/events/{uuid.uuid4()}")).status == 404

    timeline = (await api.get(f"/api/v2/events/timeline/{pat}")).json["items"]
    assert [e["id"] for e in timeline] == [ids["recv"]]


async def test_search_formats(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    for i in range(5):
        text = f"order {i} shipped" if i % 2 == 0 else f"note {i}"
        await event(api, "message.received", BASE + timedelta(minutes=i), instance_id=inst, text_content=text,
                    chat_id="chat-1")  # fmt: skip
    r = await api.post("/api/v2/events/search", json={"query": "SHIPPED", "limit": 2, "includeTotal": True})
    assert r.status == 200, r.json
    assert r.json["meta"]["total"] == 3 and r.json["meta"]["hasMore"]
    assert [e["textContent"] for e in r.json["items"]] == ["order 4 shipped", "order 2 shipped"]
    r2 = await api.post("/api/v2/events/search", json={"query": "shipped", "limit": 2,
                                                       "cursor": r.json["meta"]["cursor"]})  # fmt: skip
    assert [e["textContent"] for e in r2.json["items"]] == ["order 0 shipped"] and not r2.json["meta"]["hasMore"]

    summary = (await api.post("/api/v2/events/search", json={"query": "order 2", "format": "summary"})).json["items"]
    assert summary[0]["preview"] == "order 2 shipped" and summary[0]["eventType"] == "message.received"
    assert "payload" not in summary[0]
    agent = (await api.post("/api/v2/events/search", json={"query": "note", "format": "agent"})).json["items"]
    assert len(agent) == 2 and "[message.received]" in agent[0]["text"] and "note 3" in agent[0]["text"]
    filtered = await api.post("/api/v2/events/search", json={"query": "order", "filters": {
        "since": (BASE + timedelta(minutes=1)).isoformat(), "eventType": "message.*"}})  # fmt: skip
    assert [e["textContent"] for e in filtered.json["items"]] == ["order 4 shipped", "order 2 shipped"]
    assert (await api.post("/api/v2/events/search", json={"query": ""})).status == 400
    assert (await api.post("/api/v2/events/search", json={"query": "x", "format": "xml"})).status == 400


async def test_by_sender(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    pat = (await seed.insert(api.db_url, Person))["id"]
    ident = await seed.insert(api.db_url, PlatformIdentity, person_id=pat, instance_id=inst, channel="loopback",
                              platform_user_id="123@s.whatsapp.net")  # fmt: skip
    mine = await event(api, "message.received", BASE, instance_id=inst, platform_identity_id=ident["id"])
    await event(api, "message.received", BASE, instance_id=inst)
    r = await api.get("/api/v2/events/by-sender/123@s.whatsapp.net")
    assert r.status == 200 and [e["id"] for e in r.json["items"]] == [mine]
    assert (await api.get("/api/v2/events/by-sender/nobody")).json["items"] == []


async def test_analytics_buckets(api: Api) -> None:
    a, b = await seed.instance(api.db_url), await seed.instance(api.db_url)
    for minutes, kind, inst in ((5, "message.received", a), (20, "message.received", a), (50, "message.sent", a),
                                (65, "message.received", b), (60 * 25, "message.received", a)):  # fmt: skip
        await event(api, kind, BASE + timedelta(minutes=minutes), instance_id=inst)
    await event(api, "message.received", BASE - timedelta(minutes=1), instance_id=a)  # before the range

    r = await api.get(
        f"/api/v2/events/analytics?granularity=hourly&since={q(BASE)}&until={q(BASE + timedelta(days=2))}"
    )
    assert r.status == 200, r.json
    data = r.json["data"]
    assert data["total"] == 5 and data["byEventType"] == {"message.received": 4, "message.sent": 1}
    assert [(x["bucket"][:19], x["count"], x["byEventType"]) for x in data["buckets"]] == [
        ("2026-04-01T00:00:00", 3, {"message.received": 2, "message.sent": 1}),
        ("2026-04-01T01:00:00", 1, {"message.received": 1}),
        ("2026-04-02T01:00:00", 1, {"message.received": 1}),
    ]
    daily = (await api.get(f"/api/v2/events/analytics?granularity=daily&since={q(BASE)}&until="
                           f"{q(BASE + timedelta(days=2))}&instanceId={a}")).json["data"]  # fmt: skip
    assert [(x["bucket"][:10], x["count"]) for x in daily["buckets"]] == [("2026-04-01", 3), ("2026-04-02", 1)]
    assert (await api.get("/api/v2/events/analytics")).json["data"]["granularity"] == "hourly"
    assert (await api.get(f"/api/v2/events/analytics?since={q(BASE)}&until={q(BASE)}")).status == 400
    assert (await api.get("/api/v2/events/analytics?granularity=weekly")).status == 400


async def test_trigger_custom_event_is_journalled_and_published(api: Api, servers: Servers) -> None:
    inst = await seed.instance(api.db_url)
    nc = await nats.connect(servers.nats_url)
    got: asyncio.Queue[Any] = asyncio.Queue()

    async def on_message(msg: Any) -> None:
        await got.put(msg)

    await nc.subscribe(f"{subjects.CUSTOM}.>", cb=on_message)  # this test's bus namespace
    await nc.flush()
    try:
        r = await api.post("/api/v2/events/trigger", json={"eventType": "custom.order.paid", "payload": {"amount": 5},
                                                           "correlationId": "flow-1", "instanceId": str(inst)})  # fmt: skip
        assert r.status == 201, r.json
        data = r.json["data"]
        assert data["eventType"] == "custom.order.paid" and data["payload"] == {"amount": 5}
        assert data["instanceId"] == str(inst) and data["correlationId"] == "flow-1" and data["source"] == "api"
        msg = await asyncio.wait_for(got.get(), 5)
        assert msg.subject == f"{subjects.CUSTOM}.order.paid.{inst}"
        envelope = json.loads(msg.data)
        assert envelope["id"] == data["id"] and envelope["type"] == "custom.order.paid"
        assert envelope["payload"] == {"amount": 5} and envelope["metadata"]["correlationId"] == "flow-1"
        assert (await api.get(f"/api/v2/events/{data['id']}")).status == 200

        r = await api.post("/api/v2/events/trigger", json={"eventType": "custom.ping"})
        assert r.status == 201
        assert (await asyncio.wait_for(got.get(), 5)).subject == f"{subjects.CUSTOM}.ping.global"

        for bad in ("message.received", "custom.", "custom.a b", "custom.*", "custom.a.>", "custom..a", "x"):
            r = await api.post("/api/v2/events/trigger", json={"eventType": bad})
            assert r.status == 400 and "eventType" in r.json["error"]["details"]["fields"], bad
        r = await api.post("/api/v2/events/trigger", json={"eventType": "custom.x", "instanceId": str(uuid.uuid4())})
        assert r.status == 404
        assert got.empty()
        listed = (await api.get("/api/v2/events?eventType=custom.*&includeTotal=true")).json
        assert listed["meta"]["total"] == 2
    finally:
        await nc.close()


def test_custom_event_subjects() -> None:
    assert subjects.custom_event("custom.a.b-c_d", None) == f"{subjects.CUSTOM}.a.b-c_d.global"
    assert subjects.custom_event("custom.x", "abc") == f"{subjects.CUSTOM}.x.abc"
    for bad in ("a.b", "custom.", "custom.a..b", "custom.*", "custom.>", "custom.a b", "custom.a\nb"):
        with pytest.raises(ValueError):
            subjects.custom_event(bad)
    with pytest.raises(ValueError):
        subjects.custom_event("custom.x", "a.b")


async def test_instance_restriction(api: Api) -> None:
    a, b = await seed.instance(api.db_url), await seed.instance(api.db_url)
    mine = await event(api, "message.received", BASE, instance_id=a, text_content="hello")
    theirs = await event(api, "message.received", BASE, instance_id=b, text_content="hello")
    shared = await event(api, "custom.global", BASE, text_content="hello")
    key = await api.new_key(scopes=["events:*"], instanceIds=[str(a)])
    assert {e["id"] for e in (await api.get("/api/v2/events", key=key)).json["items"]} == {mine, shared}
    assert (await api.get(f"/api/v2/events?instanceId={b}", key=key)).json["items"] == []
    assert [e["id"] for e in (await api.get(f"/api/v2/events?instanceId={a}", key=key)).json["items"]] == [mine]
    found = (await api.post("/api/v2/events/search", key=key, json={"query": "hello"})).json["items"]
    assert {e["id"] for e in found} == {mine, shared}
    assert (await api.get(f"/api/v2/events/{theirs}", key=key)).status == 403
    assert (await api.get(f"/api/v2/events/{mine}", key=key)).status == 200
    stats = (await api.get(f"/api/v2/events/analytics?since={q(BASE)}&until={q(BASE + timedelta(hours=1))}",
                           key=key)).json["data"]  # fmt: skip
    assert stats["total"] == 2
    r = await api.post("/api/v2/events/trigger", key=key, json={"eventType": "custom.x", "instanceId": str(b)})
    assert r.status == 403
