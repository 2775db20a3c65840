"""Agent providers over the real API: CRUD, ?active, validation (schema and schemaConfig against the provider plugins),
masked and encrypted API key, delete with users, the health check and discovery against fake backends."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from tests.fakes.agentos_server import FakeAgentOS
from tests.fakes.openai_server import KEY as FAKE_OPENAI_KEY
from tests.fakes.openai_server import FakeOpenAI
from tests.integration.conftest import Api

BASE = "/api/v2/providers"
API_KEY = "sk-agno-0123456789abcdefghij"


async def make(api: Api, name: str, **fields: object) -> dict:
    r = await api.post(BASE, json={"name": name, "schema": "agno", "baseUrl": "http://agno:8000", **fields})
    assert r.status == 201, r.json
    return r.json["data"]


async def test_crud_and_active_filter(api: Api) -> None:
    p = await make(api, "agno", apiKey=API_KEY, schemaConfig={"sendFiles": False}, defaultTimeout=90,
                   supportsImages=True, tags=["prod"])  # fmt: skip
    assert p["schema"] == "agno" and p["defaultTimeout"] == 90 and p["supportsImages"] is True
    assert p["apiKey"] == "sk-a********ghij" and p["hasApiKey"] and p["schemaConfig"] == {"sendFiles": False}
    await make(api, "off", isActive=False, schema="webhook")
    assert {x["name"] for x in (await api.get(f"{BASE}?active=true")).json["items"]} == {"agno"}
    assert {x["name"] for x in (await api.get(f"{BASE}?active=false")).json["items"]} == {"off"}
    assert (await api.get(f"{BASE}?includeTotal=true")).json["meta"]["total"] == 2
    got = (await api.get(f"{BASE}/{p['id']}")).json["data"]
    assert got == p and API_KEY not in str(got)
    r = await api.patch(f"{BASE}/{p['id']}", json={"name": "agno2", "schema": "webhook", "apiKey": None,
                                                   "schemaConfig": None})  # fmt: skip
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


async def test_schema_and_schema_config_are_checked_against_the_provider_plugins(api: Api) -> None:
    def fields(r: Any) -> dict[str, list[str]]:
        assert r.status == 400 and r.json["error"]["code"] == "VALIDATION_ERROR", r.json
        return r.json["error"]["details"]["fields"]

    assert set(fields(await api.post(BASE, json={"name": "gpt", "schema": "openai"}))) == {"schemaConfig.model"}
    r = await api.post(BASE, json={"name": "gpt", "schema": "openai",
                                   "schemaConfig": {"model": "m", "temprature": 1, "maxTokens": 0}})  # fmt: skip
    assert set(fields(r)) == {"schemaConfig.temprature", "schemaConfig.maxTokens"}
    assert "schemaConfig.temprature" in r.json["error"]["message"]
    assert set(fields(await api.post(BASE, json={"name": "a", "schema": "agno"}))) == {"baseUrl"}
    r = await api.post(BASE, json={"name": "c", "schema": "anthropic", "schemaConfig": {"model": "claude"}})
    assert set(fields(r)) == {"apiKey"}
    r = await api.post(BASE, json={"name": "claw", "schema": "openclaw", "baseUrl": "ws://claw:1"})
    assert "no loaded plugin implements the 'openclaw' provider" in fields(r)["schema"][0]
    assert (
        "unknown provider schema 'gpt'"
        in fields(await api.post(BASE, json={"name": "x", "schema": "gpt"}))["schema"][0]
    )

    gpt = (await api.post(BASE, json={"name": "gpt", "schema": "openai", "schemaConfig": {"model": "m"}})).json["data"]
    url = f"{BASE}/{gpt['id']}"
    assert set(fields(await api.patch(url, json={"schemaConfig": {"model": ""}}))) == {"schemaConfig.model"}
    assert set(fields(await api.patch(url, json={"schema": "agno"}))) == {"schemaConfig.model", "baseUrl"}
    r = await api.patch(url, json={"schema": "agno", "schemaConfig": None, "baseUrl": "http://agno:7777"})
    assert r.status == 200 and r.json["data"]["schema"] == "agno"
    assert (await api.patch(url, json={"name": "renamed"})).status == 200


async def test_health_is_checked_and_stored(api: Api) -> None:
    echo = await make(api, "echo", schema="echo", baseUrl=None)
    r = await api.post(f"{BASE}/{echo['id']}/health")
    assert r.status == 200, r.json
    health = r.json["data"]
    assert health["healthy"] is True and health["status"] == "healthy" and health["latencyMs"] >= 0
    assert health["error"] is None and health["detail"]
    stored = (await api.get(f"{BASE}/{echo['id']}")).json["data"]
    assert stored["lastHealthStatus"] == "healthy" and stored["lastHealthCheck"] == health["checkedAt"]
    assert stored["lastHealthError"] is None and stored["updatedAt"] == echo["updatedAt"]  # a check is no change

    async with FakeOpenAI() as fake:
        gpt = await make(api, "gpt", schema="openai", baseUrl=f"{fake.url}/v1", apiKey="sk-wrong",
                         schemaConfig={"model": "fake-model"})  # fmt: skip
        health = (await api.post(f"{BASE}/{gpt['id']}/health")).json["data"]
        assert health["healthy"] is False and health["code"] == "AUTH_FAILED" and "apiKey" in health["error"]
        stored = (await api.get(f"{BASE}/{gpt['id']}")).json["data"]
        assert stored["lastHealthStatus"] == "unhealthy" and stored["lastHealthError"] == health["error"]
        await api.patch(f"{BASE}/{gpt['id']}", json={"apiKey": FAKE_OPENAI_KEY})
        health = (await api.post(f"{BASE}/{gpt['id']}/health")).json["data"]
        assert health["healthy"] is True and "fake-model" in health["detail"]
        assert (await api.get(f"{BASE}/{gpt['id']}")).json["data"]["lastHealthError"] is None

    down = await make(api, "down", schema="webhook", baseUrl="http://127.0.0.1:1/hook")
    r = await api.post(f"{BASE}/{down['id']}/health")
    assert r.status == 200 and r.json["data"]["healthy"] is False and r.json["data"]["code"] == "UNREACHABLE"

    claw = await make(api, "claw", schema="webhook")
    conn = await asyncpg.connect(api.db_url)
    try:
        await conn.execute("update agent_providers set schema = 'openclaw' where id = $1", uuid.UUID(claw["id"]))
    finally:
        await conn.close()
    health = (await api.post(f"{BASE}/{claw['id']}/health")).json["data"]
    assert health["status"] == "error" and health["code"] == "UNKNOWN_SCHEMA" and "openclaw" in health["error"]
    assert (await api.get(f"{BASE}/{claw['id']}")).json["data"]["lastHealthStatus"] == "error"
    assert (await api.post(f"{BASE}/{uuid.uuid4()}/health")).status == 404


async def test_agents_teams_and_workflows_are_discovered(api: Api) -> None:
    async with FakeAgentOS(key="os-key") as agentos:
        agno = await make(api, "os", baseUrl=agentos.url, apiKey="os-key")
        agents = await api.get(f"{BASE}/{agno['id']}/agents")
        assert agents.status == 200, agents.json
        assert agents.json["data"][0] == {"id": "assistant", "name": "Assistant", "description": "answers"}
        teams = (await api.get(f"{BASE}/{agno['id']}/teams")).json["data"]
        assert teams == [{"id": "crew", "name": "Crew", "description": "a team"}]
        flows = (await api.get(f"{BASE}/{agno['id']}/workflows")).json["data"]
        assert [w["id"] for w in flows] == ["flow"]
        refused = await make(api, "refused", baseUrl=agentos.url, apiKey="wrong")
        r = await api.get(f"{BASE}/{refused['id']}/agents")
        assert r.status == 502 and r.json["error"]["code"] == "PROVIDER_FAILED"
        assert r.json["error"]["details"]["providerCode"] == "AUTH_FAILED"
    down = await make(api, "down", baseUrl="http://127.0.0.1:1")
    r = await api.get(f"{BASE}/{down['id']}/teams")
    assert r.status == 502 and r.json["error"]["code"] == "PROVIDER_UNREACHABLE"
    echo = await make(api, "echo", schema="echo")
    r = await api.get(f"{BASE}/{echo['id']}/workflows")
    assert r.status == 400 and r.json["error"]["code"] == "CAPABILITY_NOT_SUPPORTED"
    assert (await api.get(f"{BASE}/{uuid.uuid4()}/agents")).status == 404
    key = await api.new_key(scopes=["providers:read"], instanceIds=[str(uuid.uuid4())])
    assert (await api.get(f"{BASE}/{echo['id']}/agents", key=key)).status == 400  # readable by restricted keys
