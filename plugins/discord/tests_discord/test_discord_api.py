"""End to end through omni's API: a real omni (subprocess, the plugin loaded) and the fake Discord (in this test's
event loop) on 127.0.0.1, the real discord.py in between. Token checks, inbound storage, sends, agent replies streamed
by editing one message, the slash command round trip, mention gating, contacts and groups, a revoked token."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from omni.testing import OmniServer, connect_and_wait, find_message, omni_server, status, wait_until  # noqa: F401

from .fake_discord import FakeDiscord, World, seed_world

API = "/api/v2"


@pytest.fixture(scope="module")
def omni_load_plugins() -> str:
    return "discord"


@pytest.fixture(scope="module")
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(patch=False) as f:
        yield f


@pytest.fixture(scope="module")
def world(fake: FakeDiscord) -> World:
    return seed_world(fake)


@pytest.fixture
async def own() -> AsyncIterator[World]:
    """A fake Discord of the test's own: the fake holds one gateway session, so a second bot would take it over."""
    async with FakeDiscord(patch=False) as f:
        yield seed_world(f)


@pytest.fixture
async def api(omni_server: OmniServer) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    async with omni_server.async_client() as client:
        yield client


def config(fake: FakeDiscord) -> dict[str, Any]:
    return {"apiBaseUrl": fake.api_url, "gatewayUrl": fake.gateway_url, "guildReadyTimeout": 0.1}


async def make_instance(api: httpx.AsyncClient, fake: FakeDiscord, **fields: Any) -> str:
    body = {"name": f"discord-{uuid.uuid4().hex[:8]}", "channel": "discord", "token": fake.token,
            "config": config(fake), **fields}  # fmt: skip
    r = await api.post(f"{API}/instances", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["data"]["id"])


@pytest.fixture(scope="module")
async def instance(omni_server: OmniServer, fake: FakeDiscord, world: World) -> AsyncIterator[str]:  # noqa: F811
    async with omni_server.async_client() as api:
        iid = await make_instance(api, fake)
        await connect_and_wait(api, iid)
        yield iid
        await api.post(f"{API}/instances/{iid}/disconnect")


async def test_bad_token_is_refused_before_it_is_saved(api: httpx.AsyncClient, fake: FakeDiscord) -> None:
    body = {"name": f"discord-{uuid.uuid4().hex[:8]}", "channel": "discord", "token": "not-a-token",
            "config": config(fake)}  # fmt: skip
    r = await api.post(f"{API}/instances", json=body)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "AUTH_FAILED" and "token" in error["details"]["fields"], error


async def test_connects_and_reports_the_bot(api: httpx.AsyncClient, instance: str, fake: FakeDiscord) -> None:
    state = await status(api, instance)
    assert state["state"] == "connected"
    assert state["details"]["ownerIdentifier"] == fake.bot_user["id"]
    assert state["details"]["profileName"] == "omni-bot"
    row = (await api.get(f"{API}/instances/{instance}")).json()["data"]  # the account is kept on the instance
    assert (row["ownerIdentifier"], row["profileName"]) == (fake.bot_user["id"], "omni-bot")


async def test_inbound_is_stored(api: httpx.AsyncClient, instance: str, world: World) -> None:
    msg = await world.fake.post_message(world.alice, world.general, "stored please")
    rows = await wait_until(lambda: find_message(api, instance, msg["id"]), 20, what="stored")
    assert rows[0]["textContent"] == "stored please"
    r = await api.get(f"{API}/chats/{rows[0]['chatId']}")
    chat = r.json()["data"]
    assert chat["externalId"] == world.general["id"] and chat["name"] == "Omni Test #general", chat


async def test_send_text_embed_poll_through_the_api(api: httpx.AsyncClient, instance: str, world: World) -> None:
    fake, to = world.fake, world.general["id"]
    r = await api.post(f"{API}/messages/send", params={"wait": 15},
                       json={"instanceId": instance, "to": to, "text": "hello from omni"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["data"]["externalMessageId"] == fake.sent_in(to)[-1].id
    r = await api.post(f"{API}/messages/send/embed", params={"wait": 15},
                       json={"instanceId": instance, "to": to, "title": "Title", "color": 255,
                             "fields": [{"name": "k", "value": "v", "inline": True}]})  # fmt: skip
    assert r.status_code == 201, r.text
    assert [{k: v for k, v in e.items() if k != "flags"} for e in fake.sent_in(to)[-1].embeds] == [
        {"type": "rich", "title": "Title", "color": 255,
                                            "fields": [{"name": "k", "value": "v", "inline": True}]}]  # fmt: skip
    r = await api.post(f"{API}/messages/send/poll", params={"wait": 15},
                       json={"instanceId": instance, "to": to, "question": "Q?", "answers": ["a", "b"],
                             "durationHours": 2, "multiSelect": True})  # fmt: skip
    assert r.status_code == 201, r.text
    poll = fake.sent_in(to)[-1].poll
    assert poll == {"question": {"text": "Q?"}, "answers": [{"poll_media": {"text": "a"}}, {"poll_media": {"text": "b"}}],
                    "duration": 2, "allow_multiselect": True, "layout_type": 1}  # fmt: skip


async def test_429_never_loses_a_send(api: httpx.AsyncClient, instance: str, world: World) -> None:
    fake, to = world.fake, world.general["id"]
    rule = fake.rate_limit("POST", f"/channels/{to}/messages", times=3, retry_after=0.5)
    r = await api.post(f"{API}/messages/send", params={"wait": 20},
                       json={"instanceId": instance, "to": to, "text": "rate limited but delivered"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert rule.limited == 3
    assert [s.content for s in fake.sent_in(to)].count("rate limited but delivered") == 1


async def test_contacts_and_groups(api: httpx.AsyncClient, instance: str, world: World) -> None:
    r = await api.get(f"{API}/instances/{instance}/groups", params={"parent": world.guild["id"]})
    assert r.status_code == 200, r.text
    groups = r.json()["items"]
    assert {g["id"] for g in groups} >= {world.guild["id"], world.general["id"], world.thread["id"]}
    r = await api.get(f"{API}/instances/{instance}/contacts", params={"parent": world.guild["id"]})
    assert r.status_code == 200, r.text
    assert {"ali", "bob"} <= {c["name"] for c in r.json()["items"]}


async def _bind_echo(api: httpx.AsyncClient, instance: str, **settings: Any) -> None:
    r = await api.post(f"{API}/providers", json={"name": f"echo-{uuid.uuid4().hex[:6]}", "schema": "echo",
                                                 "schemaConfig": {"wordDelayMs": 150}})  # fmt: skip
    assert r.status_code == 201, r.text
    r = await api.patch(f"{API}/instances/{instance}", json={
        "agentProviderId": r.json()["data"]["id"], "agentStreamMode": True, "messageSplitDelayMode": "disabled",
        "messageDebounceMode": "disabled", "triggerRateLimit": 0,
        "agentReplyFilter": {"mode": "filtered", "conditions": {"onDm": True, "onMention": True}}, **settings})  # fmt: skip
    assert r.status_code == 200, r.text


async def test_agent_mention_gating_and_streamed_reply(api: httpx.AsyncClient, own: World) -> None:
    world = own
    fake = world.fake
    iid = await make_instance(api, fake)
    await _bind_echo(api, iid)
    await connect_and_wait(api, iid)
    try:
        ignored = await fake.post_message(world.alice, world.general, "no mention, no answer")
        await wait_until(lambda: find_message(api, iid, ignored["id"]), 20, what="stored")
        bot = fake.bot_user["id"]
        words = " ".join(f"w{i}" for i in range(14))
        await fake.post_message(world.alice, world.general, f"<@{bot}> {words}", mentions=[bot])
        answer = await fake.wait_for_message(world.general["id"], lambda s: "w0" in s.content, timeout=30)
        await fake.wait_for(lambda: words in fake.messages[answer.id]["content"], timeout=30)
        edits = [e for e in fake.edits if e[1] == answer.id]
        assert edits, "the streamed answer was not edited in place"
        assert not [s for s in fake.sent_in(world.general["id"]) if "no mention, no answer" in s.content]
    finally:
        await api.post(f"{API}/instances/{iid}/disconnect")


async def test_slash_ask_round_trip(api: httpx.AsyncClient, own: World) -> None:
    world = own
    fake = world.fake
    iid = await make_instance(api, fake)
    await _bind_echo(api, iid, agentStreamMode=False)
    await connect_and_wait(api, iid)
    try:
        await fake.wait_for(lambda: {c["name"] for c in fake.global_commands} >= {"ask", "reset"}, timeout=10)
        rec = await fake.interaction("ask", {"prompt": "slash hello"}, user=world.bob, channel=world.general)
        assert (await rec.wait_response())["type"] == 5
        edit = await rec.wait_edit(timeout=30)
        assert "slash hello" in edit["content"]
    finally:
        await api.post(f"{API}/instances/{iid}/disconnect")


async def test_revoked_token_needs_auth(api: httpx.AsyncClient, world: World) -> None:
    fake = world.fake
    fake.tokens.add("soon-revoked")
    body = {"name": f"discord-{uuid.uuid4().hex[:8]}", "channel": "discord", "token": "soon-revoked",
            "config": config(fake)}  # fmt: skip
    r = await api.post(f"{API}/instances", json=body)
    assert r.status_code == 201, r.text
    iid = str(r.json()["data"]["id"])
    fake.tokens.discard("soon-revoked")
    await api.post(f"{API}/instances/{iid}/connect")

    async def needs_auth() -> dict[str, Any] | None:
        state = await status(api, iid)
        return state if state["state"] == "needs_auth" else None

    state = await wait_until(needs_auth, 30, what="needs_auth")
    assert "token" in (state["message"] or "")
