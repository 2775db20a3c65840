"""Agent routes over the real API: CRUD under an instance, scope/target consistency, uniqueness, restriction."""

from __future__ import annotations

import uuid

import asyncpg

from tests.integration.conftest import Api


async def setup(api: Api, name: str = "inst") -> tuple[str, str, str]:
    """An instance with one chat and a person: (instance id, chat id, person id)."""
    inst = (await api.post("/api/v2/instances", json={"name": name, "channel": "discord"})).json["data"]["id"]
    chat, person = uuid.uuid4(), uuid.uuid4()
    conn = await asyncpg.connect(api.db_url)
    try:
        await conn.execute(
            "insert into chats (id, instance_id, external_id, chat_type, channel, settings, "
            "participant_count, message_count, unread_count, created_at, updated_at) values "
            "($1, $2, 'c1', 'dm', 'discord', '{}', 0, 0, 0, now(), now())",
            chat,
            uuid.UUID(inst),
        )
        await conn.execute("insert into persons (id, created_at, updated_at) values ($1, now(), now())", person)
    finally:
        await conn.close()
    return inst, str(chat), str(person)


async def test_crud(api: Api) -> None:
    inst, chat, person = await setup(api)
    base = f"/api/v2/instances/{inst}/routes"
    r = await api.post(base, json={"scope": "chat", "chatId": chat, "agentId": "support", "priority": 5,
                                   "label": "vip", "agentReplyFilter": {"mode": "all"}})  # fmt: skip
    assert r.status == 201, r.json
    route = r.json["data"]
    assert route["instanceId"] == inst and route["chatId"] == chat and route["personId"] is None
    assert route["agentTimeout"] is None and route["agentReplyFilter"] == {"mode": "all", "conditions": None}
    r = await api.post(base, json={"scope": "user", "personId": person, "isActive": False, "agentTimeout": 10})
    assert r.status == 201 and r.json["data"]["scope"] == "user"
    user_route = r.json["data"]
    listed = (await api.get(f"{base}?includeTotal=true")).json
    assert listed["meta"]["total"] == 2
    assert [x["id"] for x in (await api.get(f"{base}?scope=user")).json["items"]] == [user_route["id"]]
    assert [x["id"] for x in (await api.get(f"{base}?isActive=true")).json["items"]] == [route["id"]]
    assert [x["id"] for x in (await api.get(f"{base}?chatId={chat}")).json["items"]] == [route["id"]]
    assert (await api.get(f"{base}/{route['id']}")).json["data"] == route
    r = await api.patch(f"{base}/{route['id']}", json={"agentTimeout": 20, "label": None})
    assert r.json["data"]["agentTimeout"] == 20 and r.json["data"]["label"] is None
    r = await api.patch(f"{base}/{route['id']}", json={"agentTimeout": None})
    assert r.json["data"]["agentTimeout"] is None
    assert (await api.delete(f"{base}/{route['id']}")).json == {"success": True}
    assert (await api.get(f"{base}/{route['id']}")).status == 404
    other, _, _ = await setup(api, "other")
    assert (await api.get(f"/api/v2/instances/{other}/routes/{user_route['id']}")).status == 404


async def test_validation_and_uniqueness(api: Api) -> None:
    inst, chat, person = await setup(api)
    base = f"/api/v2/instances/{inst}/routes"
    for body in ({"scope": "chat"}, {"scope": "chat", "chatId": chat, "personId": person}, {"scope": "user"},
                 {"scope": "user", "personId": person, "chatId": chat}):  # fmt: skip
        r = await api.post(base, json=body)
        assert r.status == 400 and r.json["error"]["code"] == "VALIDATION_ERROR", body
    r = await api.post(base, json={"scope": "group", "chatId": chat, "agentType": "x", "agentTimeout": 0})
    assert {"scope", "agentType", "agentTimeout"} <= set(r.json["error"]["details"]["fields"])
    r = await api.post(base, json={"scope": "chat", "chatId": str(uuid.uuid4())})
    assert r.status == 400 and "chatId" in r.json["error"]["details"]["fields"]
    r = await api.post(base, json={"scope": "user", "personId": str(uuid.uuid4())})
    assert r.status == 400 and "personId" in r.json["error"]["details"]["fields"]
    r = await api.post(base, json={"scope": "chat", "chatId": chat, "agentProviderId": str(uuid.uuid4())})
    assert r.status == 400 and "agentProviderId" in r.json["error"]["details"]["fields"]
    r = await api.post(base, json={"scope": "chat", "chatId": chat, "messageSplitDelayMode": "randomized",
                                   "messageSplitDelayMinMs": 900, "messageSplitDelayMaxMs": 100})  # fmt: skip
    assert r.status == 400 and "messageSplitDelayMinMs" in r.json["error"]["details"]["fields"]
    assert (await api.post(base, json={"scope": "chat", "chatId": chat})).status == 201
    r = await api.post(base, json={"scope": "chat", "chatId": chat})
    assert r.status == 409 and "chatId" in r.json["error"]["details"]["fields"]
    assert (await api.post(base, json={"scope": "user", "personId": person})).status == 201
    r = await api.post(base, json={"scope": "user", "personId": person})
    assert r.status == 409 and "personId" in r.json["error"]["details"]["fields"]
    r = await api.post(f"/api/v2/instances/{uuid.uuid4()}/routes", json={"scope": "user", "personId": person})
    assert r.status == 404


async def test_instance_restriction(api: Api) -> None:
    a, chat_a, _ = await setup(api, "A")
    b, chat_b, _ = await setup(api, "B")
    route_b = (await api.post(f"/api/v2/instances/{b}/routes", json={"scope": "chat", "chatId": chat_b})).json["data"]
    key = await api.new_key(scopes=["instances:*"], instanceIds=[a])
    r = await api.post(f"/api/v2/instances/{a}/routes", key=key, json={"scope": "chat", "chatId": chat_a})
    assert r.status == 201
    assert len((await api.get(f"/api/v2/instances/{a}/routes", key=key)).json["items"]) == 1
    assert (await api.get(f"/api/v2/instances/{b}/routes", key=key)).status == 403
    for method in ("GET", "PATCH", "DELETE"):
        r = await api.request(method, f"/api/v2/instances/{b}/routes/{route_b['id']}", key=key, json={})
        assert r.status == 403, method
