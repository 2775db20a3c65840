"""API keys over the real API: create/list/get/update/revoke/delete, scopes, expiry, rate limit, audit."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from tests.integration.conftest import Api


async def test_health_is_public_and_keys_need_a_key(api: Api) -> None:
    assert (await api.get("/api/v2/health", key=None)).status == 200
    r = await api.get("/api/v2/keys", key=None)
    assert r.status == 401 and r.json["error"]["code"] == "UNAUTHORIZED"
    r = await api.get("/api/v2/keys")
    assert r.status == 200 and r.json["items"][0]["name"] == "__primary__"


async def test_create_list_get_update_revoke_delete(api: Api) -> None:
    r = await api.post("/api/v2/keys", json={"name": "bot", "scopes": ["messages:send", "chats:read"],
                                              "rateLimit": 100, "description": "for the bot"})  # fmt: skip
    assert r.status == 201, r.json
    created = r.json["data"]
    plain = created["plainTextKey"]
    assert plain.startswith("omni_sk_") and created["keyPrefix"] == plain[8:16]
    assert created["maskedKey"] == f"omni_sk_{plain[8:16]}" + "*" * 24
    assert created["scopes"] == ["messages:send", "chats:read"] and created["rateLimit"] == 100
    key_id = created["id"]

    got = (await api.get(f"/api/v2/keys/{key_id}")).json["data"]
    assert "plainTextKey" not in got and got["name"] == "bot"
    listed = (await api.get("/api/v2/keys?includeTotal=true")).json
    assert listed["meta"]["total"] == 2 and {k["name"] for k in listed["items"]} == {"bot", "__primary__"}

    v = await api.post("/api/v2/auth/validate", key=plain)
    assert v.json["data"]["keyName"] == "bot"
    assert (await api.get("/api/v2/keys", key=plain)).status == 403  # lacks keys:read

    r = await api.patch(f"/api/v2/keys/{key_id}", json={"name": "bot2", "scopes": ["chats:*"]})
    assert r.status == 200 and r.json["data"]["name"] == "bot2" and r.json["data"]["scopes"] == ["chats:*"]

    r = await api.post(f"/api/v2/keys/{key_id}/revoke", json={"reason": "leaked"})
    assert r.json["data"]["status"] == "revoked" and r.json["data"]["revokeReason"] == "leaked"
    assert (await api.post("/api/v2/auth/validate", key=plain)).status == 401  # at once
    assert (await api.get("/api/v2/keys?status=revoked")).json["items"][0]["id"] == key_id

    assert (await api.delete(f"/api/v2/keys/{key_id}")).json == {"success": True}
    assert (await api.get(f"/api/v2/keys/{key_id}")).status == 404


async def test_primary_key_is_protected(api: Api) -> None:
    primary = (await api.get("/api/v2/keys")).json["items"][0]
    for method, path in (("DELETE", ""), ("POST", "/revoke")):
        r = await api.request(method, f"/api/v2/keys/{primary['id']}{path}", json={})
        assert r.status == 409 and r.json["error"]["code"] == "CONFLICT"
    r = await api.post("/api/v2/keys", json={"name": "__primary__", "scopes": ["*"]})
    assert r.status == 409


async def test_validation_errors_name_the_field(api: Api) -> None:
    r = await api.post("/api/v2/keys", json={"name": "", "scopes": ["nope:read"], "rateLimit": "x", "bogus": 1})
    assert r.status == 400 and r.json["error"]["code"] == "VALIDATION_ERROR"
    assert {"name", "scopes", "rateLimit", "bogus"} <= set(r.json["error"]["details"]["fields"])
    for raw in (b"{", b"[1]", b"\xff\xfe", b'{"name": "x", "scopes": ["*"], "expiresAt": "yesterday"}'):
        r = await api.request("POST", "/api/v2/keys", content=raw, headers={"content-type": "application/json"})
        assert r.status == 400, (raw, r.status, r.text)
    assert (await api.get("/api/v2/keys?cursor=!!!")).status == 400
    assert (await api.get("/api/v2/keys?limit=1000")).status == 400
    assert (await api.get("/api/v2/keys/not-a-uuid")).status == 404
    assert (await api.get("/api/v2/keys?status=bogus")).status == 400


async def test_a_key_cannot_mint_more_than_it_has(api: Api) -> None:
    limited = await api.new_key(scopes=["keys:*", "chats:read"])
    r = await api.post("/api/v2/keys", key=limited, json={"name": "x", "scopes": ["*"]})
    assert r.status == 403 and "scopes" in r.json["error"]["details"]["fields"]
    r = await api.post("/api/v2/keys", key=limited, json={"name": "x", "scopes": ["chats:read"]})
    assert r.status == 201
    instance = "00000000-0000-0000-0000-000000000001"
    restricted = await api.new_key(scopes=["keys:*"], instanceIds=[instance])
    r = await api.post("/api/v2/keys", key=restricted, json={"name": "y", "scopes": ["keys:read"]})
    assert r.status == 403 and "instanceIds" in r.json["error"]["details"]["fields"]
    r = await api.post("/api/v2/keys", key=restricted, json={"name": "y", "scopes": ["keys:read"],
                                                              "instanceIds": [instance]})  # fmt: skip
    assert r.status == 201


async def test_expired_key_is_denied(api: Api) -> None:
    expires = datetime.now(UTC) + timedelta(seconds=1.5)
    soon = await api.new_key(expiresAt=expires.isoformat())
    assert (await api.post("/api/v2/auth/validate", key=soon)).status == 200
    await asyncio.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.1)
    r = await api.post("/api/v2/auth/validate", key=soon)  # the cached key's expiry is checked on every request
    assert r.status == 401 and "expired" in r.json["error"]["message"]
    listed = (await api.get("/api/v2/keys?status=expired")).json["items"]
    assert [k["status"] for k in listed] == ["expired"]


async def test_rate_limit_headers_and_429(api: Api) -> None:
    key = await api.new_key(rateLimit=3)
    if time.time() % 60 > 55:  # stay inside one one-minute window
        await asyncio.sleep(61 - time.time() % 60)
    statuses = []
    for _ in range(4):
        r = await api.post("/api/v2/auth/validate", key=key)
        statuses.append(r.status)
    assert statuses == [200, 200, 200, 429]
    assert r.json["error"]["code"] == "RATE_LIMITED" and r.json["error"]["details"]["retryAfterMs"] > 0
    assert r.headers["x-ratelimit-limit"] == "3" and r.headers["x-ratelimit-remaining"] == "0"
    assert int(r.headers["x-ratelimit-reset"]) > 0 and int(r.headers["retry-after"]) >= 1


async def test_every_request_lands_in_the_audit_log(api: Api) -> None:
    key = await api.new_key(scopes=["keys:read"])
    for _ in range(3):
        await api.get("/api/v2/keys", key=key)
    await api.get("/api/v2/keys/00000000-0000-0000-0000-000000000000", key=key)
    key_id = (await api.post("/api/v2/auth/validate", key=key)).json["data"]
    rows = []
    for _ in range(50):
        listed = (await api.get("/api/v2/keys")).json["items"]
        mine = next(k for k in listed if k["keyPrefix"] == key[8:16])
        rows = (await api.get(f"/api/v2/keys/{mine['id']}/audit")).json["items"]
        if len(rows) >= 5:
            break
        await asyncio.sleep(0.1)
    assert key_id
    assert [r["status"] for r in rows][:5] == [200, 404, 200, 200, 200]
    only_404 = (await api.get(f"/api/v2/keys/{mine['id']}/audit?statusCode=404")).json["items"]
    assert [r["path"] for r in only_404] == ["/api/v2/keys/00000000-0000-0000-0000-000000000000"]
    by_path = (await api.get(f"/api/v2/keys/{mine['id']}/audit?path=/api/v2/auth")).json["items"]
    assert by_path and all(r["path"] == "/api/v2/auth/validate" for r in by_path)
    assert mine["usageCount"] >= 4 and mine["lastUsedAt"]


async def test_metrics_prometheus_and_json(api: Api) -> None:
    await api.get("/api/v2/keys")
    text = await api.get("/api/v2/metrics")
    assert text.status == 200 and text.headers["content-type"].startswith("text/plain")
    assert 'omni_http_requests_total{method="GET",route="keys.list_keys",status="200"} 1.0' in text.text
    data = (await api.get("/api/v2/metrics", headers={"accept": "application/json"})).json["data"]
    assert data["omni_nats_connected"][0]["value"] == 1.0
