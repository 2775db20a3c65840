"""The agent dispatcher end to end on the loopback channel with the echo provider: inbound → guards → provider →
replies in the loopback outbox. Real postgres + nats-server; each test in its own bus namespace."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.integration.conftest import Api, live_client
from tests.integration.test_pipeline import loopback, until

pytestmark = pytest.mark.pipeline


async def provider(client: httpx.AsyncClient, **config: Any) -> str:
    r = await client.post("/api/v2/providers", json={"name": f"echo-{uuid.uuid4().hex[:6]}", "schema": "echo",
                                                     **({"schemaConfig": config} if config else {})})  # fmt: skip
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


async def agent_instance(client: httpx.AsyncClient, provider_id: str, **settings: Any) -> str:
    instance = await loopback(client)
    body = {"agentProviderId": provider_id, "agentReplyFilter": {"mode": "all"}, "messageSplitDelayMode": "disabled",
            **settings}  # fmt: skip
    r = await client.patch(f"/api/v2/instances/{instance}", json=body)
    assert r.status_code == 200, r.text
    return instance


async def inject(client: httpx.AsyncClient, instance: str, text: str, *, chat: str = "c1", sender: str = "u1",
                 **extra: Any) -> str:  # fmt: skip
    external = extra.pop("externalId", None) or f"in-{uuid.uuid4().hex[:10]}"
    body = {"chatId": chat, "from": sender, "fromName": "Ana", "text": text, "externalId": external, **extra}
    r = await client.post(f"/api/v2/instances/{instance}/loopback/inbound", json=body)
    assert r.status_code == 202, r.text
    return external


async def outbox(client: httpx.AsyncClient, instance: str) -> list[dict[str, Any]]:
    r = await client.get(f"/api/v2/instances/{instance}/loopback/outbox?limit=100")
    return sorted(r.json()["items"], key=lambda o: o["sentAt"])


async def texts(client: httpx.AsyncClient, instance: str, kind: str = "text") -> list[str]:
    return [o["content"].get("text") for o in await outbox(client, instance) if o["content"].get("kind") == kind]


async def texts_reach(client: httpx.AsyncClient, instance: str, n: int, timeout: float = 15.0) -> list[str]:
    async def enough() -> list[str] | None:
        got = await texts(client, instance)
        return got if len(got) >= n else None

    return await until(enough, timeout=timeout, what=f"{n} replies")


async def decisions(client: httpx.AsyncClient, instance: str, n: int = 1, **filters: Any) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"instanceId": instance, "limit": 100, **filters}.items())

    async def logged() -> list[dict[str, Any]] | None:
        items = (await client.get(f"/api/v2/trigger-logs?{query}")).json()["items"]
        return items if len(items) >= n else None

    return await until(logged, what=f"{n} trigger-log rows {filters}")


async def test_a_message_gets_the_agents_answer_once(api: Api) -> None:
    async with live_client(api) as client:
        instance = await agent_instance(client, await provider(client))
        await inject(client, instance, "hello agent")
        assert await texts_reach(client, instance, 1) == ["hello agent"]
        [log] = await decisions(client, instance, decision="replied")
        assert log["triggerType"] == "dm" and log["responded"] is True
        assert set(log["metadata"]) >= {"dispatchMs", "agentMs", "replyMs", "sessionId"}
        assert log["metadata"]["sessionId"] == "u1:c1"  # per_user_per_chat by default
        await asyncio.sleep(1.0)
        assert await texts(client, instance) == ["hello agent"]  # and never a second time
        # the reply is stored as our message in the chat
        stored = (await client.get(f"/api/v2/messages?instanceId={instance}&limit=10")).json()["items"]
        [reply] = [m for m in stored if m["isFromMe"]]
        assert reply["textContent"] == "hello agent" and reply["deliveryStatus"] == "sent"

        # its message.sent is journaled once (published after the reply is timed, before the trigger is acked)
        async def journaled() -> list[dict[str, Any]]:
            r = await client.get(f"/api/v2/events?instanceId={instance}&eventType=message.sent")
            return r.json()["items"]

        [event] = await until(journaled, what="the reply's message.sent")
        assert event["payload"]["messageId"] == reply["id"]


async def test_reply_filter_modes(api: Api) -> None:
    async with live_client(api) as client:
        echo = await provider(client)
        none = await agent_instance(client, echo, agentReplyFilter=None)
        await inject(client, none, "nobody answers")
        [log] = await decisions(client, none, decision="filtered")
        assert "never replies" in log["reason"]

        filtered = await agent_instance(client, echo, agentReplyFilter={"mode": "filtered", "conditions": {
            "onDm": False, "onMention": True, "onReply": True, "onNameMatch": True, "namePatterns": ["omnibot"]}})  # fmt: skip
        await inject(client, filtered, "just chatting", chat="g1", isGroup=True)
        await decisions(client, filtered, decision="filtered")
        await inject(client, filtered, "hey OmniBot, help", chat="g1", isGroup=True)
        await inject(client, filtered, "in a dm", chat="c2")
        replied = await decisions(client, filtered, decision="replied")
        assert [r["triggerType"] for r in replied] == ["name_match"]
        assert await texts_reach(client, filtered, 1) == ["[Ana]: hey OmniBot, help"]
        await asyncio.sleep(1.0)
        assert len(await decisions(client, filtered, 3)) == 3  # the dm was filtered (onDm off)


async def test_access_deny_with_and_without_a_message(api: Api) -> None:
    async with live_client(api) as client:
        instance = await agent_instance(client, await provider(client))
        for user, action, message in (("bad1", "block", "You are blocked."), ("bad2", "silent_block", None)):
            r = await client.post("/api/v2/access/rules", json={"instanceId": instance, "ruleType": "deny",
                                                                "platformUserId": user, "action": action,
                                                                **({"blockMessage": message} if message else {})})  # fmt: skip
            assert r.status_code == 201, r.text
        await inject(client, instance, "let me in", sender="bad1", chat="c-bad1")
        await inject(client, instance, "me too", sender="bad2", chat="c-bad2")
        await inject(client, instance, "hello", sender="good", chat="c-good")
        denied = await decisions(client, instance, 2, decision="denied")
        assert {d["senderId"] for d in denied} == {"bad1", "bad2"}
        got = await texts_reach(client, instance, 2)
        await asyncio.sleep(1.0)
        assert sorted(await texts(client, instance)) == sorted(got) == ["You are blocked.", "hello"]
        events = (await client.get(f"/api/v2/events?instanceId={instance}&eventType=access.denied")).json()["items"]
        assert len(events) == 2


async def test_pairing_approve_and_deny(api: Api) -> None:
    async with live_client(api) as client:
        instance = await agent_instance(client, await provider(client), accessMode="allowlist", accessPairing=True)
        await inject(client, instance, "hi, who are you?", sender="stranger", chat="c-s")
        await inject(client, instance, "hello?", sender="other", chat="c-o")
        codes = await texts_reach(client, instance, 2)
        assert all("pairing code" in t for t in codes)
        pending = (await client.get(f"/api/v2/instances/{instance}/access/requests")).json()["items"]
        by_user = {p["platformUserId"]: p for p in pending}
        assert set(by_user) == {"stranger", "other"}
        r = await client.post(f"/api/v2/instances/{instance}/access/requests/{by_user['stranger']['code']}/approve",
                              json={})  # fmt: skip
        assert r.status_code == 200, r.text and r.json()["data"]["status"] == "approved"
        r = await client.post(f"/api/v2/instances/{instance}/access/requests/{by_user['other']['id']}/deny", json={})
        assert r.status_code == 200 and r.json()["data"]["status"] == "denied"
        again = await client.post(
            f"/api/v2/instances/{instance}/access/requests/{by_user['other']['id']}/deny", json={}
        )
        assert again.status_code == 409
        await asyncio.sleep(2.5)  # the dispatcher's rule cache
        await inject(client, instance, "now?", sender="stranger", chat="c-s")
        got = await texts_reach(client, instance, 4)
        assert got[-1] == "now?" and any(t.startswith("✅ You're approved") for t in got)
        await inject(client, instance, "and me?", sender="other", chat="c-o")  # denied stays denied: no new code
        await decisions(client, instance, 2, senderId="other", decision="pairing")
        assert len(await texts(client, instance)) == 4
        left = (await client.get(f"/api/v2/instances/{instance}/access/requests")).json()["items"]
        assert left == []


async def test_debounce_batches_three_quick_messages_into_one_call(api: Api) -> None:
    async with live_client(api) as client:
        instance = await agent_instance(client, await provider(client), messageDebounceMode="fixed",
                                        messageDebounceMinMs=800)  # fmt: skip
        for text in ("one", "two", "three"):
            await inject(client, instance, text)
        got = await texts_reach(client, instance, 1)
        assert got == ["one\ntwo\nthree"]
        await asyncio.sleep(1.0)
        assert len(await texts(client, instance)) == 1
        assert len(await decisions(client, instance, 2, decision="debounced")) == 2


async def test_split_into_parts_and_paragraphs_with_the_delay(api: Api) -> None:
    async with live_client(api) as client:
        instance = await agent_instance(client, await provider(client), messageSplitDelayMode="fixed",
                                        messageSplitDelayFixedMs=300)  # fmt: skip
        await inject(client, instance, "!parts first | second | third")
        assert await texts_reach(client, instance, 3) == ["first", "second", "third"]
        sent = [o for o in await outbox(client, instance) if o["content"]["kind"] == "text"]
        times = [datetime.fromisoformat(o["sentAt"]) for o in sent]
        assert all((b - a).total_seconds() >= 0.25 for a, b in itertools.pairwise(times))
        other = await agent_instance(client, await provider(client))
        await inject(client, other, "para one\n\npara two")
        assert await texts_reach(client, other, 2) == ["para one", "para two"]
        plain = await agent_instance(client, await provider(client), enableAutoSplit=False)
        await inject(client, plain, "para one\n\npara two")
        assert await texts_reach(client, plain, 1) == ["para one\n\npara two"]


async def test_streaming_edits_one_message_in_place(api: Api) -> None:
    async with live_client(api) as client:
        echo = await provider(client, wordDelayMs=150)
        instance = await agent_instance(client, echo, agentStreamMode=True)
        words = "one two three four five six seven eight nine ten eleven twelve"
        await inject(client, instance, words)

        async def finished() -> list[dict[str, Any]] | None:
            items = await outbox(client, instance)
            edits = [o for o in items if o["content"]["kind"] == "edit"]
            return items if edits and edits[-1]["content"]["text"] == words else None

        items = await until(finished, timeout=20, what="the last edit")
        sent = [o for o in items if o["content"]["kind"] == "text"]
        edits = [o for o in items if o["content"]["kind"] == "edit"]
        assert len(sent) == 1 and len(sent[0]["content"]["text"]) < len(words)
        assert all(e["content"]["target"] == sent[0]["externalId"] for e in edits)
        assert 1 <= len(edits) <= 4  # throttled: about one edit a second


async def test_timeout_and_failure_answer_with_the_error_reply(api: Api) -> None:
    async with live_client(api) as client:
        echo = await provider(client)
        instance = await agent_instance(client, echo, agentTimeout=1)
        await inject(client, instance, "!sleep 3000 too late")
        [failed] = await decisions(client, instance, decision="failed")
        assert "TIMEOUT" in failed["error"]
        assert (await texts_reach(client, instance, 1))[0].startswith("Sorry")
        custom = await agent_instance(client, echo, agentErrorMessage="The assistant is down, a human will answer.")
        await inject(client, custom, "!fail boom")
        assert await texts_reach(client, custom, 1) == ["The assistant is down, a human will answer."]
        quiet = await agent_instance(client, echo, agentErrorMessage="")
        await inject(client, quiet, "!fail boom")
        await decisions(client, quiet, decision="failed")
        await asyncio.sleep(0.5)
        assert await texts(client, quiet) == []


async def test_a_crashing_provider_does_not_affect_another_instance(api: Api) -> None:
    async with live_client(api) as client:
        echo = await provider(client)
        broken = await agent_instance(client, echo)
        healthy = await agent_instance(client, echo)
        await inject(client, broken, "!raise")
        await inject(client, healthy, "still fine")
        assert await texts_reach(client, healthy, 1) == ["still fine"]
        [failed] = await decisions(client, broken, decision="failed")
        assert "PROVIDER_CRASHED" in failed["error"]
        await inject(client, broken, "and after the crash")
        got = await texts_reach(client, broken, 2)
        assert got[-1] == "and after the crash"


async def test_pause_and_resume(api: Api) -> None:
    async with live_client(api) as client:
        instance = await agent_instance(client, await provider(client))
        await inject(client, instance, "first")
        await texts_reach(client, instance, 1)
        chat = (await client.get(f"/api/v2/chats?instanceId={instance}")).json()["items"][0]["id"]
        r = await client.post(f"/api/v2/chats/{chat}/agent/pause")
        assert r.status_code == 200 and r.json()["data"]["settings"]["agentPaused"] is True
        await asyncio.sleep(2.5)  # the dispatcher reads a chat's settings with each message; nothing cached
        await inject(client, instance, "a human answers this one")
        await decisions(client, instance, decision="paused")
        assert (await client.post(f"/api/v2/chats/{chat}/agent/resume")).status_code == 200
        await inject(client, instance, "back to the agent")
        got = await texts_reach(client, instance, 2)
        assert got == ["first", "back to the agent"]


async def test_session_strategies_and_reset(api: Api) -> None:
    async with live_client(api) as client:
        echo = await provider(client)
        expected = {"per_user": "u1", "per_chat": "g9", "per_user_per_chat": "u1:g9"}
        for strategy, session in expected.items():
            instance = await agent_instance(client, echo, agentSessionStrategy=strategy)
            await inject(client, instance, "hi", chat="g9", isGroup=True)
            [log] = await decisions(client, instance, decision="replied")
            assert log["metadata"]["sessionId"] == session, strategy
        instance = await agent_instance(client, echo)
        await inject(client, instance, "🗑️")
        [log] = await decisions(client, instance, decision="reset")
        assert (await texts_reach(client, instance, 1))[0].startswith("✅")


async def test_follow_up_fires_after_its_interval_and_stops_on_inbound(api: Api) -> None:
    async with live_client(api) as client:
        instance = await agent_instance(client, await provider(client))
        config = {"enabled": True, "schedule": {"kind": "fixed", "intervalsMinutes": [0.05]}, "maxFollowUps": 3,
                  "promptTemplate": "nudge {{sequenceIndex}}"}  # fmt: skip
        r = await client.put(f"/api/v2/follow-up/instances/{instance}", json=config)
        assert r.status_code == 200, r.text
        await inject(client, instance, "hello")
        got = await texts_reach(client, instance, 2, timeout=20)
        assert got[:2] == ["hello", "nudge 1"]
        await inject(client, instance, "I'm back")  # the customer answered: the sequence is disarmed…
        got = await texts_reach(client, instance, 3)
        # …and re-armed by the agent's answer; the first nudge of the new sequence is number 1 again
        got = await texts_reach(client, instance, 4, timeout=20)
        assert got[2:4] == ["I'm back", "nudge 1"]
        conn = await asyncpg.connect(api.db_url)
        try:
            row = await conn.fetchrow("select armed, sequence_index from follow_up_sequences")
        finally:
            await conn.close()
        assert row["sequence_index"] >= 1
        await client.delete(f"/api/v2/follow-up/instances/{instance}")
        r = await client.get(f"/api/v2/follow-up/instances/{instance}")
        assert r.json()["data"]["config"] is None


async def test_openai_provider_end_to_end_with_history_ack_and_reactions(api: Api) -> None:
    from tests.fakes.openai_server import KEY, FakeOpenAI

    async with FakeOpenAI() as fake, live_client(api) as client:
        r = await client.post("/api/v2/providers", json={
            "name": "fake-openai", "schema": "openai", "baseUrl": f"{fake.url}/v1", "apiKey": KEY,
            "schemaConfig": {"model": "fake-model", "systemPrompt": "be brief"}})  # fmt: skip
        assert r.status_code == 201, r.text
        instance = await agent_instance(client, r.json()["data"]["id"], agentAckReaction="👀",
                                        triggerEvents=["message.received", "reaction.received"])  # fmt: skip
        first = await inject(client, instance, "what is omni?")
        assert await texts_reach(client, instance, 1) == ["echo: what is omni?"]
        items = await outbox(client, instance)
        [ack] = [o for o in items if o["content"]["kind"] == "reaction"]
        assert ack["content"]["emoji"] == "👀" and ack["content"]["target"] == first
        await asyncio.sleep(0.5)  # the reply is stored (history comes from the stored messages)
        await inject(client, instance, "and again?")
        assert (await texts_reach(client, instance, 2))[-1] == "echo: and again?"
        sent = [s for s in fake.seen if s.path.endswith("/chat/completions")][-1].json["messages"]
        assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
        assert [m["content"] for m in sent[1:]] == ["what is omni?", "echo: what is omni?", "and again?"]
        # a reaction to our reply triggers the agent too (once per message, emoji and user)
        reply_external = next(o for o in await outbox(client, instance) if o["content"]["kind"] == "text")["externalId"]
        for _ in range(2):
            r = await client.post(f"/api/v2/instances/{instance}/loopback/inbound", json={
                "kind": "reaction", "chatId": "c1", "from": "u1", "target": reply_external, "emoji": "👍",
                "externalId": f"r-{uuid.uuid4().hex[:8]}"})  # fmt: skip
            assert r.status_code == 202, r.text
        got = await texts_reach(client, instance, 3)
        assert got[-1] == "echo: [Reacted with 👍 to a message]"
        await decisions(client, instance, decision="filtered")  # the second, same reaction


async def test_chat_route_overrides_the_instances_agent(api: Api) -> None:
    async with live_client(api) as client:
        instance = await agent_instance(client, await provider(client))
        vip = await provider(client, prefix="[vip] ")
        await inject(client, instance, "first", chat="c-vip")
        await inject(client, instance, "plain", chat="c-other")
        assert sorted(await texts_reach(client, instance, 2)) == ["first", "plain"]
        chats = (await client.get(f"/api/v2/chats?instanceId={instance}")).json()["items"]
        chat = next(c["id"] for c in chats if c["externalId"] == "c-vip")
        r = await client.post(f"/api/v2/instances/{instance}/routes",
                              json={"scope": "chat", "chatId": chat, "agentProviderId": vip})  # fmt: skip
        assert r.status_code == 201, r.text
        await inject(client, instance, "second", chat="c-vip")
        await inject(client, instance, "still plain", chat="c-other")
        got = await texts_reach(client, instance, 4)
        assert sorted(got[2:]) == ["[vip] second", "still plain"]
