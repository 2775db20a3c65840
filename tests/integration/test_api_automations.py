"""Automations over the real API: CRUD, enable/disable, filters, validation of triggers, conditions and actions,
logs, and read-only access for instance-restricted keys."""

from __future__ import annotations

import uuid

import asyncpg

from tests.integration.conftest import Api

BASE = "/api/v2/automations"
ACTIONS = [
    {"type": "webhook", "config": {"url": "https://hooks.example.com/x", "timeoutMs": 5000, "responseAs": "hook"}},
    {"type": "send_message", "config": {"instanceId": "{{payload.instanceId}}", "to": "{{payload.from}}",
                                        "contentTemplate": "hi {{payload.name}}"}},
    {"type": "emit_event", "config": {"eventType": "custom.greeted", "payloadTemplate": {"who": "{{payload.from}}"}}},
    {"type": "log", "config": {"level": "warn", "message": "seen {{payload.from}}"}},
    {"type": "call_agent", "config": {"providerId": str(uuid.uuid4()), "agentId": "a1", "responseAs": "reply"}},
]  # fmt: skip


async def make(api: Api, name: str = "greet", **fields: object) -> dict:
    body = {"name": name, "triggerEventType": "message.received", "actions": ACTIONS[:1], **fields}
    r = await api.post(BASE, json=body)
    assert r.status == 201, r.json
    return r.json["data"]


async def test_crud_enable_disable_and_filters(api: Api) -> None:
    conditions = [{"field": "payload.content.text", "operator": "contains", "value": "hello"},
                  {"field": "payload.from", "operator": "exists"},
                  {"field": "payload.count", "operator": "gte", "value": 3},
                  {"field": "payload.content.text", "operator": "regex", "value": "^hi"}]  # fmt: skip
    a = await make(api, triggerConditions=conditions, conditionLogic="or", actions=ACTIONS, priority=3,
                   debounce={"mode": "range", "minMs": 100, "maxMs": 900})  # fmt: skip
    assert a["conditionLogic"] == "or" and a["priority"] == 3 and a["enabled"] is True
    assert [x["type"] for x in a["actions"]] == ["webhook", "send_message", "emit_event", "log", "call_agent"]
    assert a["actions"][0]["config"]["method"] == "POST" and a["actions"][0]["config"]["timeoutMs"] == 5000
    assert a["triggerConditions"][1] == {"field": "payload.from", "operator": "exists", "value": None}
    assert a["debounce"] == {"mode": "range", "minMs": 100, "maxMs": 900}
    b = await make(api, "custom", triggerEventType="custom.webhook.github", enabled=False)
    assert (await api.get(f"{BASE}?includeTotal=true")).json["meta"]["total"] == 2
    assert [x["id"] for x in (await api.get(f"{BASE}?enabled=false")).json["items"]] == [b["id"]]
    assert [x["id"] for x in (await api.get(f"{BASE}?triggerEventType=message.received")).json["items"]] == [a["id"]]
    assert (await api.get(f"{BASE}/{a['id']}")).json["data"] == a
    r = await api.post(f"{BASE}/{b['id']}/enable")
    assert r.status == 200 and r.json["data"]["enabled"] is True
    assert (await api.post(f"{BASE}/{b['id']}/disable")).json["data"]["enabled"] is False
    r = await api.patch(f"{BASE}/{a['id']}", json={"name": "renamed", "triggerConditions": None, "debounce": None})
    assert r.json["data"]["name"] == "renamed" and r.json["data"]["triggerConditions"] is None
    assert r.json["data"]["actions"] == a["actions"]
    assert (await api.delete(f"{BASE}/{a['id']}")).json == {"success": True}
    assert (await api.get(f"{BASE}/{a['id']}")).status == 404
    assert (await api.post(f"{BASE}/{a['id']}/enable")).status == 404


async def test_validation_names_fields(api: Api) -> None:
    r = await api.post(BASE, json={"name": "", "triggerEventType": "nope", "actions": [], "conditionLogic": "xor"})
    assert r.status == 400
    assert {"name", "triggerEventType", "actions", "conditionLogic"} <= set(r.json["error"]["details"]["fields"])
    cases = [
        ({"triggerConditions": [{"field": "a", "operator": "like", "value": 1}]}, "triggerConditions.0.operator"),
        ({"triggerConditions": [{"field": "a", "operator": "eq"}]}, "triggerConditions.0"),
        ({"triggerConditions": [{"field": "a", "operator": "regex", "value": "("}]}, "triggerConditions.0"),
        ({"triggerConditions": [{"field": "a", "operator": "gt", "value": [1]}]}, "triggerConditions.0"),
        ({"actions": [{"type": "sms", "config": {}}]}, "actions.0"),
        ({"actions": [{"type": "webhook", "config": {"url": "ftp://x"}}]}, "actions.0.webhook.config.url"),
        ({"actions": [{"type": "webhook", "config": {"url": "http://x", "timeoutMs": 10}}]},
         "actions.0.webhook.config.timeoutMs"),
        ({"actions": [{"type": "send_message", "config": {"to": "x"}}]}, "actions.0.send_message.config.instanceId"),
        ({"actions": [{"type": "emit_event", "config": {"eventType": "message.bogus"}}]},
         "actions.0.emit_event.config.eventType"),
        ({"actions": [{"type": "log", "config": {"level": "loud", "message": "x"}}]}, "actions.0.log.config.level"),
        ({"actions": [{"type": "call_agent", "config": {"agentId": "a"}}]},
         "actions.0.call_agent.config.providerId"),
        ({"debounce": {"mode": "range", "minMs": 500, "maxMs": 100}}, "debounce"),
        ({"debounce": {"mode": "fixed"}}, "debounce"),
    ]  # fmt: skip
    for extra, field in cases:
        body = {"name": "x", "triggerEventType": "message.received", "actions": ACTIONS[:1], **extra}
        r = await api.post(BASE, json=body)
        assert r.status == 400 and field in r.json["error"]["details"]["fields"], (extra, r.json)
    a = await make(api)
    r = await api.patch(f"{BASE}/{a['id']}", json={"actions": [], "enabled": None})
    assert r.status == 400 and {"actions", "enabled"} <= set(r.json["error"]["details"]["fields"])


async def test_logs(api: Api) -> None:
    a = await make(api)
    conn = await asyncpg.connect(api.db_url)
    try:
        for status in ("success", "failed", "skipped"):
            await conn.execute("insert into automation_logs (id, automation_id, event_id, status, conditions_matched, "
                               "dry_run, created_at) values ($1, $2, $3, $4, true, false, now())",
                               uuid.uuid4(), uuid.UUID(a["id"]), uuid.uuid4(), status)  # fmt: skip
    finally:
        await conn.close()
    logs = (await api.get(f"{BASE}/{a['id']}/logs?includeTotal=true&limit=2")).json
    assert logs["meta"]["total"] == 3 and len(logs["items"]) == 2 and logs["meta"]["hasMore"]
    failed = (await api.get(f"{BASE}/{a['id']}/logs?status=failed")).json["items"]
    assert [x["status"] for x in failed] == ["failed"] and failed[0]["automationId"] == a["id"]
    assert (await api.get(f"{BASE}/{uuid.uuid4()}/logs")).status == 404


async def test_restricted_keys_read_only(api: Api) -> None:
    a = await make(api)
    key = await api.new_key(scopes=["automations:*"], instanceIds=[str(uuid.uuid4())])
    assert [x["id"] for x in (await api.get(BASE, key=key)).json["items"]] == [a["id"]]
    body = {"name": "n", "triggerEventType": "message.received", "actions": ACTIONS[:1]}
    assert (await api.post(BASE, key=key, json=body)).status == 403
    for method, path in (("PATCH", ""), ("DELETE", ""), ("POST", "/enable"), ("POST", "/disable")):
        assert (await api.request(method, f"{BASE}/{a['id']}{path}", key=key, json={})).status == 403, path
