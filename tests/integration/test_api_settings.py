"""Settings over the real API: typed values, secrets encrypted and masked (history too), bulk all-or-nothing."""

from __future__ import annotations

import asyncpg

from tests.integration.conftest import Api

BASE = "/api/v2/settings"
SECRET = "sk-elevenlabs-0123456789abcdef"


async def test_put_get_list_delete(api: Api) -> None:
    r = await api.put(f"{BASE}/media.default_language", json={"value": "pt", "category": "media", "reason": "br"})
    assert r.status == 200, r.json
    s = r.json["data"]
    assert s["value"] == "pt" and s["valueType"] == "string" and s["category"] == "media" and not s["isSecret"]
    assert s["createdBy"] == "__primary__"
    await api.put(f"{BASE}/limits.max", json={"value": 5, "category": "limits"})
    await api.put(f"{BASE}/flags.on", json={"value": True})
    await api.put(f"{BASE}/prompt.cfg", json={"value": {"a": [1, 2]}, "valueType": "json"})
    assert (await api.get(f"{BASE}/limits.max")).json["data"]["valueType"] == "integer"
    assert (await api.get(f"{BASE}/flags.on")).json["data"]["value"] is True
    assert (await api.get(f"{BASE}/prompt.cfg")).json["data"]["value"] == {"a": [1, 2]}
    assert (await api.get(f"{BASE}?includeTotal=true")).json["meta"]["total"] == 4
    assert [x["key"] for x in (await api.get(f"{BASE}?category=limits")).json["items"]] == ["limits.max"]
    r = await api.put(f"{BASE}/limits.max", json={"value": 7, "reason": "more"})
    assert r.json["data"]["value"] == 7 and r.json["data"]["category"] == "limits"
    hist = (await api.get(f"{BASE}/limits.max/history?includeTotal=true")).json
    assert hist["meta"]["total"] == 2
    assert [(h["oldValue"], h["newValue"], h["changeReason"]) for h in hist["items"]] == [(5, 7, "more"),
                                                                                          (None, 5, None)]  # fmt: skip
    assert hist["items"][0]["changedBy"] == "__primary__"
    assert (await api.delete(f"{BASE}/limits.max")).json == {"success": True}
    assert (await api.get(f"{BASE}/limits.max")).status == 404
    assert (await api.get(f"{BASE}/limits.max/history")).status == 404


async def test_type_validation(api: Api) -> None:
    await api.put(f"{BASE}/n", json={"value": 1, "valueType": "integer"})
    for bad in ("x", 1.5, True):
        r = await api.put(f"{BASE}/n", json={"value": bad})
        assert r.status == 400 and "value" in r.json["error"]["details"]["fields"], bad
    r = await api.put(f"{BASE}/b", json={"value": "yes", "valueType": "boolean"})
    assert r.status == 400 and "value" in r.json["error"]["details"]["fields"]
    r = await api.put(f"{BASE}/s", json={"value": 3, "valueType": "secret"})
    assert r.status == 400
    r = await api.put(f"{BASE}/x", json={"value": 1, "valueType": "float"})
    assert r.status == 400 and "valueType" in r.json["error"]["details"]["fields"]
    r = await api.put(f"{BASE}/Bad Key", json={"value": 1})
    assert r.status == 400 and "key" in r.json["error"]["details"]["fields"]
    assert (await api.get(f"{BASE}/missing")).status == 404


async def test_secrets_are_encrypted_and_masked(api: Api) -> None:
    r = await api.put(f"{BASE}/elevenlabs.api_key", json={"value": SECRET, "valueType": "secret"})
    assert r.json["data"]["value"] == "sk-e********cdef" and r.json["data"]["isSecret"]
    await api.put(f"{BASE}/elevenlabs.api_key", json={"value": SECRET + "2"})
    got = (await api.get(f"{BASE}/elevenlabs.api_key")).json["data"]
    assert got["value"] == "sk-e********def2"
    hist = (await api.get(f"{BASE}/elevenlabs.api_key/history")).json["items"]
    assert SECRET not in str(hist) and hist[0]["oldValue"] == "sk-e********cdef"
    assert SECRET not in str((await api.get(BASE)).json)
    conn = await asyncpg.connect(api.db_url)
    try:
        row = await conn.fetchrow("select value, encrypted_value from global_settings where key='elevenlabs.api_key'")
        history = await conn.fetch("select old_value, new_value from setting_change_history")
    finally:
        await conn.close()
    assert row["value"] is None and row["encrypted_value"].startswith("enc:v1:")
    assert SECRET not in str([dict(h) for h in history])


async def test_bulk_is_all_or_nothing(api: Api) -> None:
    await api.put(f"{BASE}/a", json={"value": 1})
    await api.put(f"{BASE}/b", json={"value": "x"})
    r = await api.patch(BASE, json={"settings": [{"key": "a", "value": 2, "reason": "bulk"}, {"key": "b", "value": 3}]})
    assert r.status == 400 and "settings.1.value" in r.json["error"]["details"]["fields"]
    assert (await api.get(f"{BASE}/a")).json["data"]["value"] == 1
    r = await api.patch(
        BASE, json={"settings": [{"key": "a", "value": 2, "reason": "bulk"}, {"key": "c", "value": True}]}
    )
    assert r.status == 200 and [s["value"] for s in r.json["items"]] == [2, True]
    assert (await api.get(f"{BASE}/a/history")).json["items"][0]["changeReason"] == "bulk"
    r = await api.patch(BASE, json={"settings": [{"key": "a", "value": 3}, {"key": "a", "value": 4}]})
    assert r.status == 400
    r = await api.patch(BASE, json={"settings": [{"key": "BAD", "value": 1}]})
    assert r.status == 400 and "settings.0.key" in r.json["error"]["details"]["fields"]


async def test_restricted_keys_read_only(api: Api) -> None:
    await api.put(f"{BASE}/g", json={"value": "v"})
    key = await api.new_key(scopes=["settings:*"], instanceIds=["00000000-0000-0000-0000-000000000001"])
    assert (await api.get(f"{BASE}/g", key=key)).status == 200
    assert (await api.put(f"{BASE}/g", key=key, json={"value": "w"})).status == 403
    assert (await api.patch(BASE, key=key, json={"settings": [{"key": "g", "value": "w"}]})).status == 403
    assert (await api.delete(f"{BASE}/g", key=key)).status == 403
