"""Chats over the real API: create/find/update/soft delete, state actions, every filter and sort with cursor
pagination, messages and participants of a chat, instance restriction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from omni.db.models import ChatParticipant
from tests.integration import seed
from tests.integration.conftest import Api

BASE = datetime(2026, 1, 1, tzinfo=UTC)


async def make_chat(api: Api, instance_id: uuid.UUID, external_id: str, **fields: Any) -> dict[str, Any]:
    body = {"instanceId": str(instance_id), "externalId": external_id, "chatType": "dm", **fields}
    r = await api.post("/api/v2/chats", json=body)
    assert r.status == 201, r.json
    return r.json["data"]


async def walk(api: Api, path: str, limit: int = 2, key: str | bool = True) -> list[dict[str, Any]]:
    """Every item of a list, page by page."""
    items: list[dict[str, Any]] = []
    cursor = None
    sep = "&" if "?" in path else "?"
    for _ in range(100):
        url = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        r = await api.get(url, key=key)
        assert r.status == 200, r.json
        items += r.json["items"]
        cursor = r.json["meta"]["cursor"]
        assert r.json["meta"]["hasMore"] == (cursor is not None)
        if not cursor:
            return items
    raise AssertionError("pagination does not end")


async def test_create_get_find_update_delete(api: Api) -> None:
    inst = await seed.instance(api.db_url, channel="telegram")
    chat = await make_chat(api, inst, "123", name="Alice", chatType="dm", settings={"agentPaused": True, "x": 1})
    assert chat["channel"] == "telegram" and chat["instanceId"] == str(inst) and chat["unreadCount"] == 0
    assert chat["settings"] == {"agentPaused": True, "x": 1} and chat["lastMessageAt"] is None
    assert not chat["isArchived"] and not chat["isPinned"] and not chat["isMuted"]

    r = await api.post("/api/v2/chats", json={"instanceId": str(inst), "externalId": "123", "chatType": "group"})
    assert (
        r.status == 409
        and r.json["error"]["code"] == "CONFLICT"
        and "externalId" in r.json["error"]["details"]["fields"]
    )
    r = await api.post("/api/v2/chats", json={"instanceId": str(uuid.uuid4()), "externalId": "1", "chatType": "dm"})
    assert r.status == 404
    r = await api.post("/api/v2/chats", json={"instanceId": str(inst), "externalId": "1", "chatType": "nope"})
    assert r.status == 400 and "chatType" in r.json["error"]["details"]["fields"]

    got = (await api.get(f"/api/v2/chats/{chat['id']}")).json["data"]
    assert got == chat
    found = await api.get(f"/api/v2/chats/by-external?instanceId={inst}&externalId=123")
    assert found.status == 200 and found.json["data"]["id"] == chat["id"]
    assert (await api.get(f"/api/v2/chats/by-external?instanceId={inst}&externalId=999")).status == 404
    assert (await api.get("/api/v2/chats/by-external?externalId=999")).status == 400

    r = await api.patch(f"/api/v2/chats/{chat['id']}", json={"name": "Alice B", "settings": {"readOnly": True}})
    assert r.status == 200, r.json
    assert r.json["data"]["name"] == "Alice B" and r.json["data"]["settings"] == {
        "agentPaused": True,
        "x": 1,
        "readOnly": True,
    }
    r = await api.patch(f"/api/v2/chats/{chat['id']}", json={"parentChatId": chat["id"]})
    assert r.status == 400

    assert (await api.delete(f"/api/v2/chats/{chat['id']}")).json == {"success": True}
    assert (await api.get("/api/v2/chats")).json["items"] == []
    listed = (await api.get("/api/v2/chats?includeDeleted=true")).json["items"]
    assert [c["id"] for c in listed] == [chat["id"]] and listed[0]["deletedAt"]
    assert (await api.get(f"/api/v2/chats/{uuid.uuid4()}")).status == 404


async def test_state_actions(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    chat = await make_chat(api, inst, "c1", unreadCount=4)
    url = f"/api/v2/chats/{chat['id']}"
    data = (await api.post(f"{url}/archive")).json["data"]
    assert data["isArchived"] and data["archivedAt"] and data["settings"]["archived"] is True
    data = (await api.post(f"{url}/unarchive")).json["data"]
    assert not data["isArchived"] and data["archivedAt"] is None and data["settings"]["archived"] is False
    data = (await api.post(f"{url}/pin")).json["data"]
    assert data["isPinned"] and data["settings"]["pinned"] is True
    assert not (await api.post(f"{url}/unpin")).json["data"]["isPinned"]

    data = (await api.post(f"{url}/mute")).json["data"]
    until = datetime.fromisoformat(data["settings"]["muteUntil"])
    assert data["isMuted"] and timedelta(hours=7.9) < until - datetime.now(UTC) <= timedelta(hours=8)
    data = (await api.post(f"{url}/mute", json={"durationMs": 60_000})).json["data"]
    assert datetime.fromisoformat(data["settings"]["muteUntil"]) - datetime.now(UTC) <= timedelta(minutes=1)
    assert (await api.post(f"{url}/mute", json={"durationMs": 0})).status == 400
    data = (await api.post(f"{url}/unmute")).json["data"]
    assert not data["isMuted"] and "muteUntil" not in data["settings"]

    data = (await api.post(f"{url}/read")).json["data"]
    assert data["unreadCount"] == 0 and data["settings"]["lastReadAt"]
    assert (await api.post(f"/api/v2/chats/{uuid.uuid4()}/pin")).status == 404


async def test_filters(api: Api) -> None:
    a, b = await seed.instance(api.db_url, channel="discord"), await seed.instance(api.db_url, channel="slack")
    general = await make_chat(api, a, "g", chatType="group", name="General chat", unreadCount=3)
    dm = await make_chat(api, a, "d", name="Bob", settings={"pinned": True})
    team = await make_chat(api, b, "t", chatType="channel", name="Team 100%_", unreadCount=1)
    await api.post(f"/api/v2/chats/{dm['id']}/mute")
    await api.post(f"/api/v2/chats/{team['id']}/archive")
    expired = await make_chat(api, b, "x", name="expired mute")
    await api.patch(f"/api/v2/chats/{expired['id']}", json={"settings": {"muted": True,
                                                                         "muteUntil": "2020-01-01T00:00:00Z"}})  # fmt: skip

    async def ids(query: str) -> set[str]:
        r = await api.get(f"/api/v2/chats?{query}")
        assert r.status == 200, (query, r.json)
        return {c["id"] for c in r.json["items"]}

    assert await ids(f"instanceId={a}") == {general["id"], dm["id"]}
    assert await ids(f"instanceId={a}&instanceId={b}") == {general["id"], dm["id"], team["id"], expired["id"]}
    assert await ids("channel=slack") == {team["id"], expired["id"]}
    assert await ids("chatType=group") == {general["id"]}
    assert await ids("search=GENERAL") == {general["id"]}
    assert await ids("search=100%25_") == {team["id"]}  # % and _ are literal
    assert await ids("search=0%25") == {team["id"]}
    assert await ids("search=zzz") == set()
    assert await ids("archived=true") == {team["id"]}
    assert team["id"] not in await ids("archived=false")
    assert await ids("unread=true") == {general["id"], team["id"]}
    assert await ids("unread=false") == {dm["id"], expired["id"]}
    assert await ids("pinned=true") == {dm["id"]}
    assert dm["id"] not in await ids("pinned=false")
    assert await ids("muted=true") == {dm["id"]}
    assert await ids("muted=false") == {general["id"], team["id"], expired["id"]}
    assert (await api.get("/api/v2/chats?includeTotal=true&unread=true")).json["meta"]["total"] == 2
    assert (await api.get("/api/v2/chats?sort=bogus")).status == 400
    assert (await api.get("/api/v2/chats?instanceId=nope")).status == 400


async def test_every_sort_paginates_without_gaps_or_duplicates(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    names = ["delta", "Alpha", None, "charlie", "bravo", "alpha", "Echo"]
    created = []
    for i, name in enumerate(names):
        at = None if i == 2 else (BASE + timedelta(minutes=i % 3)).isoformat()  # ties on purpose
        chat = await make_chat(api, inst, f"e{i}", name=name, unreadCount=i % 2 * 5, lastMessageAt=at)
        created.append(chat)
    all_ids = {c["id"] for c in created}

    by_activity = await walk(api, "/api/v2/chats")
    assert [c["id"] for c in by_activity] != [] and {c["id"] for c in by_activity} == all_ids
    assert len(by_activity) == len(all_ids)
    keys = [(c["lastMessageAt"] or "", c["id"]) for c in by_activity]
    assert keys == sorted(keys, reverse=True) and by_activity[-1]["lastMessageAt"] is None

    by_unread = await walk(api, "/api/v2/chats?sort=unread")
    assert len(by_unread) == len(all_ids) and {c["id"] for c in by_unread} == all_ids
    keys_u = [(c["unreadCount"], c["id"]) for c in by_unread]
    assert keys_u == sorted(keys_u, reverse=True)

    by_name = await walk(api, "/api/v2/chats?sort=name", limit=3)
    assert len(by_name) == len(all_ids) and {c["id"] for c in by_name} == all_ids
    keys_n = [((c["name"] or "").lower(), c["id"]) for c in by_name]
    assert keys_n == sorted(keys_n) and by_name[0]["name"] is None

    # a cursor belongs to its sort
    cursor = (await api.get("/api/v2/chats?sort=name&limit=1")).json["meta"]["cursor"]
    assert (await api.get(f"/api/v2/chats?sort=unread&cursor={cursor}")).status == 400
    assert (await api.get("/api/v2/chats?cursor=abc")).status == 400


async def test_chat_messages_and_participants(api: Api) -> None:
    inst = await seed.instance(api.db_url)
    chat = await make_chat(api, inst, "room", chatType="group")
    other = await make_chat(api, inst, "other")
    for i in range(5):
        body = {"chatId": chat["id"], "externalId": f"m{i}", "textContent": f"hello {i}",
                "platformTimestamp": (BASE + timedelta(seconds=i)).isoformat(), "isFromMe": i == 4}  # fmt: skip
        assert (await api.post("/api/v2/messages", json=body)).status == 201
    await api.post("/api/v2/messages", json={"chatId": other["id"], "externalId": "o", "textContent": "x"})
    got = await walk(api, f"/api/v2/chats/{chat['id']}/messages")
    assert [m["externalId"] for m in got] == ["m4", "m3", "m2", "m1", "m0"]
    mine = (await api.get(f"/api/v2/chats/{chat['id']}/messages?isFromMe=true")).json["items"]
    assert [m["externalId"] for m in mine] == ["m4"]
    updated = (await api.get(f"/api/v2/chats/{chat['id']}")).json["data"]
    assert updated["messageCount"] == 5 and updated["lastMessagePreview"] == "hello 4"
    assert updated["lastMessageAt"].startswith("2026-01-01T00:00:04")

    for i, role in enumerate(["admin", "member", "member"]):
        await seed.insert(api.db_url, ChatParticipant, chat_id=uuid.UUID(chat["id"]), platform_user_id=f"u{i}",
                          role=role, is_active=i != 2, display_name=f"User {i}")  # fmt: skip
    parts = (await api.get(f"/api/v2/chats/{chat['id']}/participants?includeTotal=true")).json
    assert parts["meta"]["total"] == 3 and {p["platformUserId"] for p in parts["items"]} == {"u0", "u1", "u2"}
    assert parts["items"][0]["chatId"] == chat["id"] and "displayName" in parts["items"][0]
    active = (await api.get(f"/api/v2/chats/{chat['id']}/participants?active=true&role=member")).json["items"]
    assert [p["platformUserId"] for p in active] == ["u1"]


async def test_instance_restriction(api: Api) -> None:
    a, b = await seed.instance(api.db_url), await seed.instance(api.db_url)
    mine = await make_chat(api, a, "mine")
    theirs = await make_chat(api, b, "theirs")
    key = await api.new_key(scopes=["chats:*", "messages:*"], instanceIds=[str(a)])
    listed = (await api.get("/api/v2/chats", key=key)).json["items"]
    assert [c["id"] for c in listed] == [mine["id"]]
    assert (await api.get(f"/api/v2/chats?instanceId={b}", key=key)).json["items"] == []
    for method, path in (("GET", ""), ("PATCH", ""), ("POST", "/pin"), ("GET", "/messages"), ("GET", "/participants"),
                         ("DELETE", "")):  # fmt: skip
        r = await api.request(method, f"/api/v2/chats/{theirs['id']}{path}", key=key, json={})
        assert r.status == 403 and r.json["error"]["code"] == "FORBIDDEN", (method, path)
    r = await api.get(f"/api/v2/chats/by-external?instanceId={b}&externalId=theirs", key=key)
    assert r.status == 403
    r = await api.post("/api/v2/chats", key=key, json={"instanceId": str(b), "externalId": "new", "chatType": "dm"})
    assert r.status == 403
    assert (await api.get(f"/api/v2/chats/{mine['id']}", key=key)).status == 200
