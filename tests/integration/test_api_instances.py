"""Instances over the real API: CRUD, filters, every setting validated, masked and encrypted tokens, restriction."""

from __future__ import annotations

import asyncpg

from tests.integration.conftest import Api

BASE = "/api/v2/instances"


async def make(api: Api, name: str, channel: str = "whatsapp-baileys", **fields: object) -> dict:
    r = await api.post(BASE, json={"name": name, "channel": channel, **fields})
    assert r.status == 201, r.json
    return r.json["data"]


async def test_create_get_update_delete(api: Api) -> None:
    created = await make(api, "main", agentTimeout=30, triggerEvents=["message.received", "reaction.received"],
                         messageDebounceMode="randomized", messageDebounceMinMs=100, messageDebounceMaxMs=500,
                         accessMode="allowlist", config={"x": 1})  # fmt: skip
    assert created["channel"] == "whatsapp-baileys" and created["agentTimeout"] == 30
    assert created["triggerEvents"] == ["message.received", "reaction.received"]
    assert created["agentReplyFilter"] is None and created["agentSessionStrategy"] == "per_user_per_chat"
    assert created["messageSplitDelayMinMs"] == 300 and created["isActive"] is False
    got = (await api.get(f"{BASE}/{created['id']}")).json["data"]
    assert got == created
    r = await api.patch(f"{BASE}/{created['id']}", json={"name": "renamed", "isActive": True, "ttsVoiceId": "v1"})
    assert r.status == 200 and r.json["data"]["name"] == "renamed" and r.json["data"]["ttsVoiceId"] == "v1"
    assert r.json["data"]["agentTimeout"] == 30  # untouched
    r = await api.patch(f"{BASE}/{created['id']}", json={"ttsVoiceId": None})
    assert r.json["data"]["ttsVoiceId"] is None
    assert (await api.delete(f"{BASE}/{created['id']}")).json == {"success": True}
    assert (await api.get(f"{BASE}/{created['id']}")).status == 404
    assert (await api.patch(f"{BASE}/{created['id']}", json={})).status == 404


async def test_filters_and_total(api: Api) -> None:
    a = await make(api, "alpha-wa")
    await make(api, "beta-dc", "discord", isActive=True)
    await make(api, "gamma-tg", "telegram", isActive=True)
    r = (await api.get(f"{BASE}?includeTotal=true")).json
    assert r["meta"]["total"] == 3 and not r["meta"]["hasMore"]
    assert [i["name"] for i in (await api.get(f"{BASE}?channel=discord")).json["items"]] == ["beta-dc"]
    names = {i["name"] for i in (await api.get(f"{BASE}?isActive=true")).json["items"]}
    assert names == {"beta-dc", "gamma-tg"}
    assert [i["name"] for i in (await api.get(f"{BASE}?search=AMMA")).json["items"]] == ["gamma-tg"]
    assert [i["name"] for i in (await api.get(f"{BASE}?instanceId={a['id']}")).json["items"]] == ["alpha-wa"]
    page = (await api.get(f"{BASE}?limit=2")).json
    assert len(page["items"]) == 2 and page["meta"]["hasMore"]
    rest = (await api.get(f"{BASE}?limit=2&cursor={page['meta']['cursor']}")).json
    assert len(rest["items"]) == 1 and not rest["meta"]["hasMore"]
    assert (await api.get(f"{BASE}?channel=nope")).status == 400


async def test_supported_channels(api: Api) -> None:
    r = await api.get(f"{BASE}/supported-channels")
    assert r.status == 200
    (loopback,) = r.json["items"]  # the built-in plugin; OMNI_LOAD_PLUGINS="" keeps the test hermetic
    assert loopback["key"] == "loopback" and loopback["plugin"] == "loopback"
    assert loopback["capabilities"]["canSendText"] is True and loopback["capabilities"]["canPair"] is False


async def test_validation_names_the_fields(api: Api) -> None:
    r = await api.post(BASE, json={"name": "", "channel": "fax", "agentTimeout": 0, "agentType": "bot",
                                   "triggerEvents": ["nope"], "accessMode": "open", "messageDebounceMode": "x",
                                   "agentReplyFilter": {"mode": "some"}, "triggerRateLimit": -1, "bogus": 1,
                                   "agentSessionStrategy": None})  # fmt: skip
    assert r.status == 400 and r.json["error"]["code"] == "VALIDATION_ERROR"
    fields = set(r.json["error"]["details"]["fields"])
    assert {"name", "channel", "agentTimeout", "agentType", "triggerEvents", "accessMode", "messageDebounceMode",
            "agentReplyFilter.mode", "triggerRateLimit", "bogus", "agentSessionStrategy"} <= fields  # fmt: skip
    r = await api.post(BASE, json={"name": "x", "channel": "discord", "agentReplyFilter": {"mode": "filtered"}})
    assert r.status == 400 and "agentReplyFilter" in r.json["error"]["details"]["fields"]
    bad_filter = {"mode": "filtered", "conditions": {"onNameMatch": True}}
    r = await api.post(BASE, json={"name": "x", "channel": "discord", "agentReplyFilter": bad_filter})
    assert r.status == 400 and "agentReplyFilter.conditions" in r.json["error"]["details"]["fields"]
    r = await api.post(BASE, json={"name": "x", "channel": "discord", "messageDebounceMode": "randomized",
                                   "messageDebounceMinMs": 900, "messageDebounceMaxMs": 100})  # fmt: skip
    assert r.status == 400 and "messageDebounceMinMs" in r.json["error"]["details"]["fields"]
    r = await api.post(BASE, json={"name": "x", "channel": "discord", "messageSplitDelayMinMs": 5000})
    assert r.status == 400 and "messageSplitDelayMinMs" in r.json["error"]["details"]["fields"]
    r = await api.post(BASE, json={"name": "x", "channel": "discord", "agentProviderId": "0" * 8 + "-0000-0000-0000-"
                                   + "0" * 12})  # fmt: skip
    assert r.status == 400 and "agentProviderId" in r.json["error"]["details"]["fields"]
    r = await api.post(BASE, json={"name": "x", "channel": "whatsapp-baileys", "token": "abc"})
    assert r.status == 400 and "token" in r.json["error"]["details"]["fields"]
    r = await api.post(BASE, json={"name": "x\x00", "channel": "discord"})
    assert r.status == 400 and "name" in r.json["error"]["details"]["fields"]
    inst = await make(api, "ok", "discord")
    r = await api.patch(f"{BASE}/{inst['id']}", json={"messageSplitDelayMaxMs": 10})  # min stays 300
    assert r.status == 400 and "messageSplitDelayMinMs" in r.json["error"]["details"]["fields"]
    r = await api.patch(f"{BASE}/{inst['id']}", json={"channel": "slack"})
    assert r.status == 400 and "channel" in r.json["error"]["details"]["fields"]
    r = await api.patch(f"{BASE}/{inst['id']}", json={"agentTimeout": None})
    assert r.status == 400 and "agentTimeout" in r.json["error"]["details"]["fields"]


async def test_name_is_unique(api: Api) -> None:
    await make(api, "dup")
    r = await api.post(BASE, json={"name": "dup", "channel": "discord"})
    assert r.status == 409 and r.json["error"]["code"] == "CONFLICT" and "name" in r.json["error"]["details"]["fields"]
    other = await make(api, "other")
    r = await api.patch(f"{BASE}/{other['id']}", json={"name": "dup"})
    assert r.status == 409 and "name" in r.json["error"]["details"]["fields"]


async def test_provider_binding_sets_the_default_reply_filter(api: Api) -> None:
    provider = (await api.post("/api/v2/providers", json={"name": "p", "schema": "webhook",
                                                          "baseUrl": "http://x"})).json["data"]  # fmt: skip
    inst = await make(api, "bound", agentProviderId=provider["id"])
    assert inst["agentProviderId"] == provider["id"]
    assert inst["agentReplyFilter"] == {"mode": "filtered", "conditions": {"onDm": True, "onMention": True,
                                                                           "onReply": True}}  # fmt: skip
    custom = {"mode": "all"}
    inst2 = await make(api, "bound2", agentProviderId=provider["id"], agentReplyFilter=custom)
    assert inst2["agentReplyFilter"] == {"mode": "all", "conditions": None}
    plain = await make(api, "later")
    r = await api.patch(f"{BASE}/{plain['id']}", json={"agentProviderId": provider["id"]})
    assert r.json["data"]["agentReplyFilter"]["mode"] == "filtered"
    keep = {"mode": "filtered", "conditions": {"onNameMatch": True, "namePatterns": ["bot"]}}
    r = await api.patch(f"{BASE}/{plain['id']}", json={"agentReplyFilter": keep})
    assert r.json["data"]["agentReplyFilter"]["conditions"]["namePatterns"] == ["bot"]
    assert r.json["data"]["agentReplyFilter"]["conditions"]["onDm"] is False


async def test_tokens_are_encrypted_and_masked(api: Api) -> None:
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-discord-token"
    inst = await make(api, "dc", "discord", token=token, discordWebhookUrl="https://discord.com/api/webhooks/1/abc",
                      secrets={"extra": "very-secret-value-123"})  # fmt: skip
    assert inst["discordBotToken"] == token[:4] + "*" * 8 + token[-4:] and inst["hasToken"]
    assert inst["secrets"] == {"extra": "very********-123"}
    assert token not in str((await api.get(f"{BASE}/{inst['id']}")).json)
    tg = await make(api, "tg", "telegram", telegramBotToken="123456:telegram-token-value")
    assert tg["telegramBotToken"].startswith("1234*") and tg["discordBotToken"] is None
    conn = await asyncpg.connect(api.db_url)
    try:
        row = await conn.fetchrow("select discord_bot_token, discord_webhook_url, secrets from instances where id=$1",
                                  __import__("uuid").UUID(inst["id"]))  # fmt: skip
    finally:
        await conn.close()
    assert all(v.startswith("enc:v1:") for v in row.values())
    assert token not in row["discord_bot_token"]


async def test_instance_restriction(api: Api) -> None:
    a = await make(api, "A")
    b = await make(api, "B")
    key = await api.new_key(scopes=["instances:*"], instanceIds=[a["id"]])
    listed = (await api.get(f"{BASE}?includeTotal=true", key=key)).json
    assert [i["id"] for i in listed["items"]] == [a["id"]] and listed["meta"]["total"] == 1
    assert (await api.get(f"{BASE}?instanceId={b['id']}", key=key)).json["items"] == []
    assert (await api.get(f"{BASE}/{a['id']}", key=key)).status == 200
    for method in ("GET", "PATCH", "DELETE"):
        r = await api.request(method, f"{BASE}/{b['id']}", key=key, json={})
        assert r.status == 403 and r.json["error"]["code"] == "FORBIDDEN", method
    r = await api.post(BASE, key=key, json={"name": "C", "channel": "discord"})
    assert r.status == 403


async def test_list_masks_tokens_like_get(api: Api) -> None:
    created = await api.post(BASE, json={"name": "masked", "channel": "discord",
                                         "token": "abcdefghijklmnopqrstuvwxyz123456"})  # fmt: skip
    assert created.status == 201, created.json
    listed = (await api.get(BASE)).json["items"]
    row = next(i for i in listed if i["name"] == "masked")
    assert row["discordBotToken"] == created.json["data"]["discordBotToken"] == "abcd********3456"
