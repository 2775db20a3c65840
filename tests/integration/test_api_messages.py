"""Messages over the real API: create/find/update/soft delete, every filter, cursor pagination, search, reactions
under concurrency, instance restriction."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from omni.db.models import Person
from tests.integration import seed
from tests.integration.conftest import Api, live_client
from tests.integration.test_api_chats import make_chat, walk

BASE = datetime(2026, 2, 1, tzinfo=UTC)


async def make_message(api: Api, chat_id: str, external_id: str, **fields: Any) -> dict[str, Any]:
    r = await api.post("/api/v2/messages", json={"chatId": chat_id, "externalId": external_id, **fields})
    assert r.status == 201, r.json
    return r.json["data"]


async def test_create_get_find_update_delete(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    chat = await make_chat(api, inst, "c")
    msg = await make_message(api, chat["id"], "m1", textContent="hi", senderPlatformUserId="u1",
                             senderDisplayName="Ann", platformTimestamp=BASE.isoformat())  # fmt: skip
    assert msg["instanceId"] == str(inst) and msg["source"] == "import" and msg["messageType"] == "text"
    assert msg["senderName"] == "Ann" and msg["deliveryStatus"] == "sent" and msg["status"] == "active"
    assert msg["reactions"] == [] and msg["reactionCounts"] == {} and not msg["hasMedia"]
    assert msg["platformTimestamp"].startswith("2026-02-01T00:00:00")

    r = await api.post("/api/v2/messages", json={"chatId": chat["id"], "externalId": "m1"})
    assert r.status == 409 and "externalId" in r.json["error"]["details"]["fields"]
    assert (await api.post("/api/v2/messages", json={"chatId": str(uuid.uuid4()), "externalId": "x"})).status == 404
    r = await api.post("/api/v2/messages", json={"chatId": chat["id"], "externalId": "x",
                                                 "senderPersonId": str(uuid.uuid4())})  # fmt: skip
    assert r.status == 400 and "senderPersonId" in r.json["error"]["details"]["fields"]
    media = await make_message(api, chat["id"], "m2", messageType="image", mediaUrl="http://x/y.png")
    assert media["hasMedia"] is True

    assert (await api.get(f"/api/v2/messages/{msg['id']}")).json["data"] == msg
    r = await api.get(f"/api/v2/messages/by-external?chatId={chat['id']}&externalId=m1")
    assert r.status == 200 and r.json["data"]["id"] == msg["id"]
    assert (await api.get(f"/api/v2/messages/by-external?chatId={chat['id']}&externalId=nope")).status == 404

    r = await api.patch(f"/api/v2/messages/{media['id']}", json={"imageDescription": "a cat",
                                                                 "deliveryStatus": "read"})  # fmt: skip
    assert (
        r.status == 200 and r.json["data"]["imageDescription"] == "a cat" and r.json["data"]["deliveryStatus"] == "read"
    )
    assert r.json["data"]["status"] == "active"
    r = await api.patch(f"/api/v2/messages/{msg['id']}", json={"textContent": "hello", "transcription": "t"})
    data = r.json["data"]
    assert data["status"] == "edited" and data["editCount"] == 1 and data["originalText"] == "hi"
    assert data["editHistory"][0]["text"] == "hi" and data["transcription"] == "t" and data["editedAt"]
    assert (await api.patch(f"/api/v2/messages/{msg['id']}", json={"deliveryStatus": "nope"})).status == 400
    assert (await api.patch(f"/api/v2/messages/{msg['id']}", json={"status": "active"})).status == 400

    assert (await api.delete(f"/api/v2/messages/{msg['id']}")).json == {"success": True}
    deleted = (await api.get(f"/api/v2/messages/{msg['id']}")).json["data"]
    assert deleted["status"] == "deleted" and deleted["deletedAt"] and deleted["textContent"] == "hello"
    assert [m["id"] for m in (await api.get("/api/v2/messages")).json["items"]] == [media["id"]]
    assert len((await api.get("/api/v2/messages?includeDeleted=true")).json["items"]) == 2
    assert [m["id"] for m in (await api.get("/api/v2/messages?status=deleted")).json["items"]] == [msg["id"]]


async def test_filters_search_and_pagination(api: Api) -> None:
    a, b = await seed.instance(api.db_url), await seed.instance(api.db_url)
    chat_a, chat_b = await make_chat(api, a, "a"), await make_chat(api, b, "b")
    person = (await seed.insert(api.db_url, Person, display_name="Pat"))["id"]
    made = []
    for i in range(9):
        chat = chat_a if i % 3 else chat_b
        fields: dict[str, Any] = {
            "textContent": f"note {i} {'Invoice' if i % 4 == 0 else ''}",
            "platformTimestamp": (BASE + timedelta(minutes=i // 2)).isoformat(),
        }  # ties
        if i % 2:
            fields.update(messageType="audio", mediaUrl=f"http://m/{i}", deliveryStatus="delivered")
        if i == 5:
            fields.update(senderPersonId=str(person), senderPlatformUserId="pat@x")
        if i == 7:
            fields.update(isFromMe=True)
        made.append(await make_message(api, chat["id"], f"m{i}", **fields))

    everything = await walk(api, "/api/v2/messages", limit=2)
    assert len(everything) == 9 and {m["id"] for m in everything} == {m["id"] for m in made}
    keys = [(m["platformTimestamp"], m["id"]) for m in everything]
    assert keys == sorted(keys, reverse=True)

    async def ext(query: str) -> set[str]:
        r = await api.get(f"/api/v2/messages?{query}")
        assert r.status == 200, (query, r.json)
        return {m["externalId"] for m in r.json["items"]}

    assert await ext(f"instanceId={b}") == {"m0", "m3", "m6"}
    assert await ext(f"chatId={chat_a['id']}") == {"m1", "m2", "m4", "m5", "m7", "m8"}
    assert await ext("messageType=audio") == {"m1", "m3", "m5", "m7"}
    assert await ext("messageType=audio&messageType=text") == {f"m{i}" for i in range(9)}
    assert await ext("hasMedia=true") == await ext("deliveryStatus=delivered") == {"m1", "m3", "m5", "m7"}
    assert await ext("hasMedia=false") == {"m0", "m2", "m4", "m6", "m8"}
    assert await ext(f"senderPersonId={person}") == await ext("senderPlatformUserId=pat@x") == {"m5"}
    assert await ext("isFromMe=true") == {"m7"}
    assert await ext("since=" + (BASE + timedelta(minutes=3)).isoformat().replace("+", "%2B")) == {"m6", "m7", "m8"}
    assert await ext("until=" + (BASE + timedelta(minutes=1)).isoformat().replace("+", "%2B")) == {"m0", "m1"}
    assert await ext("search=invoice") == {"m0", "m4", "m8"}
    assert await ext("search=note%205") == {"m5"}
    r = await api.get(f"/api/v2/messages?instanceId={a}&includeTotal=true&limit=1")
    assert r.json["meta"]["total"] == 6 and r.json["meta"]["hasMore"]
    assert (await api.get("/api/v2/messages?messageType=nope")).status == 400


async def test_concurrent_reactions_are_all_counted(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    chat = await make_chat(api, inst, "c")
    msg = await make_message(api, chat["id"], "m")
    url = f"/api/v2/messages/{msg['id']}/reactions"
    async with live_client(api) as client:
        results = await asyncio.gather(*(client.post(url, json={"emoji": "👍" if i % 2 else "🎉",
                                                                "platformUserId": f"u{i}"})
                                         for i in range(20)))  # fmt: skip
        assert all(r.status_code == 200 for r in results), [r.json() for r in results if r.status_code != 200]
        removals = await asyncio.gather(*(client.request("DELETE", url, json={"emoji": "👍", "platformUserId": f"u{i}"})
                                          for i in range(1, 20, 2)))  # fmt: skip
        assert all(r.status_code == 200 for r in removals)
        data = (await client.get(f"/api/v2/messages/{msg['id']}")).json()["data"]
        assert data["reactionCounts"] == {"🎉": 10} and len(data["reactions"]) == 10
        results = await asyncio.gather(*(client.post(url, json={"emoji": "👍" if i % 2 else "🎉",
                                                                "platformUserId": f"u{i}"})
                                         for i in range(20)))  # fmt: skip
    data = (await api.get(f"/api/v2/messages/{msg['id']}")).json["data"]
    assert data["reactionCounts"] == {"👍": 10, "🎉": 10} and len(data["reactions"]) == 20

    again = (await api.post(url, json={"emoji": "👍", "platformUserId": "u1"})).json["data"]
    assert again["reactionCounts"]["👍"] == 10  # the same reactor, the same emoji: once
    mine = (await api.post(url, json={"emoji": "❤️"})).json["data"]
    assert mine["reactionCounts"]["❤️"] == 1 and mine["reactions"][-1]["platformUserId"] is None

    assert (await api.delete(url, json={"emoji": "👍", "platformUserId": "u1"})).json["data"]["reactionCounts"] == {
        "👍": 9, "🎉": 10, "❤️": 1}  # fmt: skip
    assert (await api.post(url, json={"emoji": ""})).status == 400
    assert (await api.post(f"/api/v2/messages/{uuid.uuid4()}/reactions", json={"emoji": "x"})).status == 404


async def test_instance_restriction(api: Api) -> None:
    a, b = await seed.instance(api.db_url), await seed.instance(api.db_url)
    mine = await make_message(api, (await make_chat(api, a, "a"))["id"], "mine")
    theirs_chat = await make_chat(api, b, "b")
    theirs = await make_message(api, theirs_chat["id"], "theirs")
    key = await api.new_key(scopes=["messages:*"], instanceIds=[str(a)])
    assert [m["id"] for m in (await api.get("/api/v2/messages", key=key)).json["items"]] == [mine["id"]]
    assert (await api.get(f"/api/v2/messages?instanceId={b}", key=key)).json["items"] == []
    for method, path, body in (("GET", "", None), ("PATCH", "", {}), ("DELETE", "", None),
                               ("POST", "/reactions", {"emoji": "x"}), ("DELETE", "/reactions", {"emoji": "x"})):  # fmt: skip
        r = await api.request(method, f"/api/v2/messages/{theirs['id']}{path}", key=key, json=body)
        assert r.status == 403, (method, path, r.json)
    r = await api.get(f"/api/v2/messages/by-external?chatId={theirs_chat['id']}&externalId=theirs", key=key)
    assert r.status == 403
    r = await api.post("/api/v2/messages", key=key, json={"chatId": theirs_chat["id"], "externalId": "n"})
    assert r.status == 403
