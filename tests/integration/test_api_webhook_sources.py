"""Webhook sources over the real API: CRUD, filter, validation, unique name, encrypted and masked secret."""

from __future__ import annotations

import uuid

import asyncpg

from tests.integration.conftest import Api

BASE = "/api/v2/webhook-sources"
SECRET = "whsec_0123456789abcdefghijkl"


async def test_crud_filter_and_secret(api: Api) -> None:
    r = await api.post(BASE, json={"name": "github", "expectedHeaders": {"X-GitHub-Event": True}, "secret": SECRET,
                                   "description": "gh"})  # fmt: skip
    assert r.status == 201, r.json
    src = r.json["data"]
    assert src["secret"] == "whse********ijkl" and src["hasSecret"] and src["totalReceived"] == 0
    assert src["expectedHeaders"] == {"X-GitHub-Event": True}
    off = (await api.post(BASE, json={"name": "stripe", "enabled": False})).json["data"]
    assert off["secret"] is None and not off["hasSecret"]
    assert (await api.get(f"{BASE}?includeTotal=true")).json["meta"]["total"] == 2
    assert [s["id"] for s in (await api.get(f"{BASE}?enabled=false")).json["items"]] == [off["id"]]
    assert (await api.get(f"{BASE}/{src['id']}")).json["data"] == src
    conn = await asyncpg.connect(api.db_url)
    try:
        raw = await conn.fetchval("select secret from webhook_sources where id=$1", uuid.UUID(src["id"]))
    finally:
        await conn.close()
    assert raw.startswith("enc:v1:") and SECRET not in raw
    r = await api.patch(f"{BASE}/{src['id']}", json={"secret": None, "name": "gh"})
    assert r.json["data"]["secret"] is None and r.json["data"]["name"] == "gh"
    r = await api.patch(f"{BASE}/{src['id']}", json={"name": "stripe"})
    assert r.status == 409 and "name" in r.json["error"]["details"]["fields"]
    r = await api.post(BASE, json={"name": "stripe"})
    assert r.status == 409 and r.json["error"]["code"] == "CONFLICT" and "name" in r.json["error"]["details"]["fields"]
    assert (await api.delete(f"{BASE}/{src['id']}")).json == {"success": True}
    assert (await api.get(f"{BASE}/{src['id']}")).status == 404


async def test_validation(api: Api) -> None:
    r = await api.post(BASE, json={"name": "Bad Name", "expectedHeaders": {"bad header": True}, "enabled": "x"})
    assert r.status == 400
    assert {"name", "expectedHeaders", "enabled"} <= set(r.json["error"]["details"]["fields"])
    r = await api.post(BASE, json={"name": "x", "expectedHeaders": ["X-A"]})
    assert r.status == 400 and "expectedHeaders" in r.json["error"]["details"]["fields"]


async def test_restricted_keys_read_only(api: Api) -> None:
    src = (await api.post(BASE, json={"name": "global"})).json["data"]
    key = await api.new_key(scopes=["webhooks:*"], instanceIds=[str(uuid.uuid4())])
    assert [s["id"] for s in (await api.get(BASE, key=key)).json["items"]] == [src["id"]]
    assert (await api.post(BASE, key=key, json={"name": "n"})).status == 403
    assert (await api.patch(f"{BASE}/{src['id']}", key=key, json={})).status == 403
    assert (await api.delete(f"{BASE}/{src['id']}", key=key)).status == 403
