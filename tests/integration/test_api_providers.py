"""Agent providers over the real API: CRUD, ?active, validation, masked and encrypted API key, delete with users."""

from __future__ import annotations

import uuid

import asyncpg

from tests.integration.conftest import Api

BASE = "/api/v2/providers"
API_KEY = "sk-agno-0123456789abcdefghij"


async def make(api: Api, name: str, **fields: object) -> dict:
    r = await api.post(BASE, json={"name": name, "schema": "agno", "baseUrl": "http://agno:8000", **fields})
    assert r.status == 201, r.json
    return r.json["data"]


async def test_crud_and_active_filter(api: Api) -> None:
    p = await make(api, "agno", apiKey=API_KEY, schemaConfig={"model": "x"}, defaultTimeout=90,
                   supportsImages=True, tags=["prod"])  # fmt: skip
    assert p["schema"] == "agno" and p["defaultTimeout"] == 90 and p["supportsImages"] is True
    assert p["apiKey"] == "sk-a********ghij" and p["hasApiKey"] and p["schemaConfig"] == {"model": "x"}
    await make(api, "off", isActive=False, schema="webhook")
    assert {x["name"] for x in (await api.get(f"{BASE}?active=true")).json["items"]} == {"agno"}
    assert {x["name"] for x in (await api.get(f"{BASE}?active=false")).json["items"]} == {"off"}
    assert (await api.get(f"{BASE}?includeTotal=true")).json["meta"]["total"] == 2
    got = (await api.get(f"{BASE}/{p['id']}")).json["data"]
    assert got == p and API_KEY not in str(got)
    r = await api.patch(f"{BASE}/{p['id']}", json={"name": "agno2", "schema": "webhook", "apiKey": None})
    assert r.status == 200 and r.json["data"]["schema"] == "webhook" and r.json["data"]["apiKey"] is None
    assert (await api.delete(f"{BASE}/{p['id']}")).json == {"success": True}
    assert (await api.get(f"{BASE}/{p['id']}")).status == 404


async def test_validation_and_conflict(api: Api) -> None:
    r = await api.post(BASE, json={"name": "", "schema": "gpt", "defaultTimeout": 0, "baseUrl": "ftp://x"})
    assert r.status == 400
    assert {"name", "schema", "defaultTimeout", "baseUrl"} <= set(r.json["error"]["details"]["fields"])
    r = await api.post(BASE, json={"name": "x", "schema": "agno", "defaultTimeout": None})
    assert r.status == 400 and "defaultTimeout" in r.json["error"]["details"]["fields"]
    await make(api, "dup")
    r = await api.post(BASE, json={"name": "dup", "schema": "echo"})
    assert r.status == 409 and r.json["error"]["details"]["fields"] == {"name": ["already exists"]}
    other = await make(api, "other")
    r = await api.patch(f"{BASE}/{other['id']}", json={"name": "dup"})
    assert r.status == 409 and "name" in r.json["error"]["details"]["fields"]


async def test_api_key_is_encrypted(api: Api) -> None:
    p = await make(api, "enc", apiKey=API_KEY)
    conn = await asyncpg.connect(api.db_url)
    try:
        raw = await conn.fetchval("select api_key from agent_providers where id=$1", uuid.UUID(p["id"]))
    finally:
        await conn.close()
    assert raw.startswith("enc:v1:") and API_KEY not in raw


async def test_delete_in_use_needs_force(api: Api) -> None:
    p = await make(api, "used")
    inst = (await api.post("/api/v2/instances", json={"name": "i", "channel": "discord",
                                                      "agentProviderId": p["id"]})).json["data"]  # fmt: skip
    r = await api.delete(f"{BASE}/{p['id']}")
    assert r.status == 409 and r.json["error"]["details"]["instanceIds"] == [inst["id"]]
    assert (await api.get(f"{BASE}/{p['id']}")).status == 200
    assert (await api.delete(f"{BASE}/{p['id']}?force=true")).json == {"success": True}
    assert (await api.get(f"/api/v2/instances/{inst['id']}")).json["data"]["agentProviderId"] is None


async def test_restricted_keys_read_but_do_not_change(api: Api) -> None:
    p = await make(api, "global")
    key = await api.new_key(scopes=["providers:*"], instanceIds=[str(uuid.uuid4())])
    assert [x["id"] for x in (await api.get(BASE, key=key)).json["items"]] == [p["id"]]
    assert (await api.get(f"{BASE}/{p['id']}", key=key)).status == 200
    assert (await api.post(BASE, key=key, json={"name": "n", "schema": "echo"})).status == 403
    assert (await api.patch(f"{BASE}/{p['id']}", key=key, json={"name": "n"})).status == 403
    assert (await api.delete(f"{BASE}/{p['id']}", key=key)).status == 403
