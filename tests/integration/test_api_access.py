"""Access rules and the access check over the real API: CRUD, filters, validation, global rules, restriction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.integration.conftest import Api

RULES = "/api/v2/access/rules"


async def instance(api: Api, name: str, mode: str = "blocklist") -> str:
    r = await api.post("/api/v2/instances", json={"name": name, "channel": "whatsapp-baileys", "accessMode": mode})
    return r.json["data"]["id"]


async def rule(api: Api, **fields: object) -> dict:
    r = await api.post(RULES, json={"ruleType": "deny", **fields})
    assert r.status == 201, r.json
    return r.json["data"]


async def test_crud_and_filters(api: Api) -> None:
    a = await instance(api, "a")
    g = await rule(api, phonePattern="+5511*", reason="spam", action="silent_block")
    assert g["instanceId"] is None and g["action"] == "silent_block" and g["enabled"] is True
    i = await rule(api, instanceId=a, ruleType="allow", platformUserId="u1", priority=5, action="allow")
    off = await rule(api, instanceId=a, platformUserId="u2", enabled=False)
    assert (await api.get(f"{RULES}?includeTotal=true")).json["meta"]["total"] == 3
    assert {r["id"] for r in (await api.get(f"{RULES}?instanceId={a}")).json["items"]} == {i["id"], off["id"]}
    assert [r["id"] for r in (await api.get(f"{RULES}?ruleType=allow")).json["items"]] == [i["id"]]
    assert [r["id"] for r in (await api.get(f"{RULES}?enabled=false")).json["items"]] == [off["id"]]
    assert (await api.get(f"{RULES}/{g['id']}")).json["data"] == g
    r = await api.patch(f"{RULES}/{i['id']}", json={"priority": 9, "reason": "vip", "instanceId": None})
    assert r.status == 200 and r.json["data"]["priority"] == 9 and r.json["data"]["instanceId"] is None
    assert (await api.delete(f"{RULES}/{i['id']}")).json == {"success": True}
    assert (await api.get(f"{RULES}/{i['id']}")).status == 404


async def test_validation(api: Api) -> None:
    r = await api.post(RULES, json={"ruleType": "maybe", "action": "x", "phonePattern": "abc", "priority": "high"})
    assert r.status == 400
    assert {"ruleType", "action", "phonePattern", "priority"} <= set(r.json["error"]["details"]["fields"])
    r = await api.post(RULES, json={"ruleType": "deny"})
    assert r.status == 400 and r.json["error"]["details"]["fields"]
    r = await api.post(RULES, json={"ruleType": "deny", "platformUserId": "x", "instanceId": str(uuid.uuid4())})
    assert r.status == 400 and "instanceId" in r.json["error"]["details"]["fields"]
    r = await api.post(RULES, json={"ruleType": "deny", "personId": str(uuid.uuid4())})
    assert r.status == 400 and "personId" in r.json["error"]["details"]["fields"]
    g = await rule(api, platformUserId="x")
    r = await api.patch(f"{RULES}/{g['id']}", json={"platformUserId": None})
    assert r.status == 400 and "phonePattern" in r.json["error"]["details"]["fields"]


async def test_check(api: Api) -> None:
    block = await instance(api, "block")
    allow = await instance(api, "allow", "allowlist")
    off = await instance(api, "off", "disabled")

    async def check(inst: str, user: str, **extra: object) -> dict:
        r = await api.post("/api/v2/access/check", json={"instanceId": inst, "platformUserId": user,
                                                         "channel": "whatsapp-baileys", **extra})  # fmt: skip
        assert r.status == 200, r.json
        return r.json["data"]

    assert (await check(block, "anyone"))["allowed"] is True
    d = await check(allow, "anyone")
    assert d == {"allowed": False, "action": "block", "rule": None, "reason": "Not in allowlist"}
    glob = await rule(api, phonePattern="+5511*", action="silent_block", reason="spam region")
    d = await check(block, "5511999990000@s.whatsapp.net")
    assert not d["allowed"] and d["action"] == "silent_block" and d["rule"]["id"] == glob["id"]
    assert d["reason"] == "spam region"
    assert (await check(block, "lid-1", phone="+5511988887777"))["allowed"] is False
    assert (await check(off, "5511999990000@s.whatsapp.net"))["allowed"] is True
    vip = await rule(api, instanceId=block, ruleType="allow", platformUserId="5511999990000@s.whatsapp.net",
                     priority=10)  # fmt: skip
    d = await check(block, "5511999990000@s.whatsapp.net")
    assert d["allowed"] and d["rule"]["id"] == vip["id"]
    await api.patch(f"{RULES}/{vip['id']}", json={"expiresAt": (datetime.now(UTC) - timedelta(1)).isoformat()})
    assert (await check(block, "5511999990000@s.whatsapp.net"))["allowed"] is False
    await rule(api, instanceId=allow, ruleType="allow", platformUserId="friend")
    assert (await check(allow, "friend"))["allowed"] is True
    assert (await check(block, "friend"))["allowed"] is True  # another instance's rule does not apply
    r = await api.post("/api/v2/access/check", json={"instanceId": str(uuid.uuid4()), "platformUserId": "x"})
    assert r.status == 404


async def test_instance_restriction(api: Api) -> None:
    a, b = await instance(api, "A"), await instance(api, "B")
    glob = await rule(api, platformUserId="g")
    ra = await rule(api, instanceId=a, platformUserId="a")
    rb = await rule(api, instanceId=b, platformUserId="b")
    key = await api.new_key(scopes=["access:*"], instanceIds=[a])
    listed = {r["id"] for r in (await api.get(RULES, key=key)).json["items"]}
    assert listed == {glob["id"], ra["id"]}
    assert {r["id"] for r in (await api.get(f"{RULES}?instanceId={b}", key=key)).json["items"]} == set()
    assert (await api.get(f"{RULES}/{glob['id']}", key=key)).status == 200
    for method in ("GET", "PATCH", "DELETE"):
        assert (await api.request(method, f"{RULES}/{rb['id']}", key=key, json={})).status == 403, method
    for method in ("PATCH", "DELETE"):
        assert (await api.request(method, f"{RULES}/{glob['id']}", key=key, json={})).status == 403, method
    assert (await api.post(RULES, key=key, json={"ruleType": "deny", "platformUserId": "x"})).status == 403
    r = await api.post(RULES, key=key, json={"ruleType": "deny", "platformUserId": "x", "instanceId": b})
    assert r.status == 403
    r = await api.post(RULES, key=key, json={"ruleType": "deny", "platformUserId": "x", "instanceId": a})
    assert r.status == 201
    assert (await api.patch(f"{RULES}/{ra['id']}", key=key, json={"instanceId": b})).status == 403
    r = await api.post("/api/v2/access/check", key=key, json={"instanceId": b, "platformUserId": "x"})
    assert r.status == 403


async def test_check_needs_only_read(api: Api) -> None:
    reader = await api.new_key(scopes=["access:read"])
    r = await api.post("/api/v2/access/check", key=reader, json={"instanceId": "00000000-0000-0000-0000-000000000009",
                                                                  "platformUserId": "u", "channel": "discord"})  # fmt: skip
    assert r.status == 404 and r.json["error"]["code"] == "NOT_FOUND"  # past the scope check: no such instance


async def test_a_pairing_request_id_that_is_neither_an_id_nor_a_code_is_404(api: Api) -> None:
    made = await api.post("/api/v2/instances", json={"name": "pairing-404", "channel": "loopback"})
    instance = made.json["data"]["id"]
    for bad in ("E%C2%91%0F%F1%9D%9A%BF%3D%16", "x" * 40, "ABCD-1234"):
        r = await api.post(f"/api/v2/instances/{instance}/access/requests/{bad}/approve", json={"reason": "\U000f6409"})
        assert r.status == 404 and r.json["error"]["code"] == "NOT_FOUND", (bad, r.status, r.text)
