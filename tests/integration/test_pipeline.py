"""The pipeline on the loopback channel: inbound events into postgres (once), sends out through the owning node
(once), capabilities, idempotency, dead letters. Real postgres + nats-server; each test in its own bus namespace."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from tests.integration.conftest import Api, live_client

pytestmark = pytest.mark.pipeline


async def until(check: Callable[[], Awaitable[Any]], timeout: float = 15.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} not reached in {timeout}s (last: {last!r})")


async def loopback(client: httpx.AsyncClient, name: str = "lb", *, connect: bool = True,
                   config: dict[str, Any] | None = None) -> str:  # fmt: skip
    r = await client.post("/api/v2/instances", json={"name": f"{name}-{uuid.uuid4().hex[:6]}", "channel": "loopback",
                                                     **({"config": config} if config else {})})  # fmt: skip
    assert r.status_code == 201, r.text
    instance = r.json()["data"]["id"]
    if connect:
        assert (await client.post(f"/api/v2/instances/{instance}/connect")).status_code == 200

        async def connected() -> bool:
            s = (await client.get(f"/api/v2/instances/{instance}/status")).json()["data"]
            return s["state"] == "connected"

        await until(connected, what="connected")
    return instance


async def messages(client: httpx.AsyncClient, instance: str) -> list[dict[str, Any]]:
    r = await client.get(f"/api/v2/messages?instanceId={instance}&limit=100&includeTotal=true")
    return r.json()["items"]


async def test_inbound_is_stored_once_with_chat_person_and_identity(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        one = {"chatId": "c1", "from": "u1", "fromName": "Ana", "fromPhone": "+5511999990001", "text": "hi",
               "externalId": "e1"}  # fmt: skip
        r = await client.post(f"/api/v2/instances/{instance}/loopback/inbound", json=one)
        assert r.status_code == 202, r.text
        batch = {"messages": [one, {**one, "externalId": "e2", "text": "again"},
                              {"chatId": "g1", "from": "u2", "fromPhone": "+5511999990001", "text": "in a group",
                               "isGroup": True, "externalId": "e3"}]}  # fmt: skip
        assert (await client.post(f"/api/v2/instances/{instance}/loopback/inbound", json=batch)).status_code == 202
        stored = await until(lambda: _when(messages(client, instance), lambda m: len(m) == 3), what="3 messages")
        assert sorted(m["externalId"] for m in stored) == ["e1", "e2", "e3"]
        chats = (await client.get(f"/api/v2/chats?instanceId={instance}")).json()["items"]
        assert {c["externalId"]: c["unreadCount"] for c in chats} == {"c1": 2, "g1": 1}
        assert {c["externalId"]: c["chatType"] for c in chats} == {"c1": "dm", "g1": "group"}
        # the second identity with the same phone is linked to the same person
        persons = {m["senderPersonId"] for m in stored}
        assert len(persons) == 1 and None not in persons
        events = (await client.get(f"/api/v2/events?instanceId={instance}&eventType=message.received")).json()
        assert len(events["items"]) == 3


async def _when(value: Awaitable[Any], ok: Callable[[Any], bool]) -> Any:
    got = await value
    return got if ok(got) else None


async def test_the_same_external_id_is_stored_once(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        one = {"chatId": "c1", "from": "u1", "text": "hello", "externalId": "dup"}
        await asyncio.gather(*(client.post(f"/api/v2/instances/{instance}/loopback/inbound", json=one)
                               for _ in range(5)))  # fmt: skip
        await until(lambda: _when(messages(client, instance), lambda m: len(m) == 1), what="the message")
        await asyncio.sleep(1.0)
        assert len(await messages(client, instance)) == 1
        # replayed after JetStream's de-duplication window: the database still keeps one
        conn = await asyncpg.connect(api.db_url)
        try:
            assert await conn.fetchval("select count(*) from messages where external_id = 'dup'") == 1
        finally:
            await conn.close()


async def test_send_text_reaches_the_outbox_once_and_is_marked_sent(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client)
        r = await client.post("/api/v2/messages/send", json={"instanceId": instance, "to": "c1", "text": "hello"})
        assert r.status_code == 201, r.text
        data = r.json()["data"]
        assert data["status"] == "sent" and data["externalMessageId"] == f"lb-{data['messageId']}"
        outbox = (await client.get(f"/api/v2/instances/{instance}/loopback/outbox")).json()["items"]
        assert [(o["messageId"], o["to"], o["content"]["text"]) for o in outbox] == [(data["messageId"], "c1", "hello")]
        stored = (await client.get(f"/api/v2/messages/{data['messageId']}")).json()["data"]
        assert stored["deliveryStatus"] == "sent" and stored["externalId"] == data["externalMessageId"]
        assert stored["isFromMe"] is True

        async def journaled() -> bool:
            r = await client.get(f"/api/v2/events?instanceId={instance}&eventType=message.sent")
            return len(r.json()["items"]) == 1

        await until(journaled, what="message.sent in the journal")


async def test_idempotency_key_returns_the_first_answer(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client)
        body = {"instanceId": instance, "to": "c1", "text": "once"}
        first = await client.post("/api/v2/messages/send", json=body, headers={"Idempotency-Key": "k-1"})
        again = await client.post("/api/v2/messages/send", json=body, headers={"Idempotency-Key": "k-1"})
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json() and again.headers.get("idempotent-replayed") == "true"
        other = await client.post("/api/v2/messages/send", json=body, headers={"Idempotency-Key": "k-2"})
        assert other.json()["data"]["messageId"] != first.json()["data"]["messageId"]
        outbox = (await client.get(f"/api/v2/instances/{instance}/loopback/outbox")).json()["items"]
        assert len(outbox) == 2


async def test_the_same_idempotency_key_twice_at_once_sends_once(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, config={"sendDelayMs": 300})
        body = {"instanceId": instance, "to": "c1", "text": "twice at once"}
        first, again = await asyncio.gather(*(
            client.post("/api/v2/messages/send", json=body, headers={"Idempotency-Key": "k-same"}) for _ in range(2)))  # fmt: skip
        assert {first.status_code, again.status_code} <= {201, 202}, (first.text, again.text)
        message_id = first.json()["data"]["messageId"]
        assert again.json()["data"]["messageId"] == message_id

        async def sent() -> bool:
            m = (await client.get(f"/api/v2/messages/{message_id}")).json()["data"]
            return m["deliveryStatus"] == "sent"

        await until(sent, what="sent")
        await asyncio.sleep(1.0)  # a second copy would have gone out by now
        outbox = (await client.get(f"/api/v2/instances/{instance}/loopback/outbox")).json()["items"]
        assert [o["messageId"] for o in outbox] == [message_id]
        assert len((await client.get(f"/api/v2/messages?instanceId={instance}")).json()["items"]) == 1


async def test_async_send_is_queued_then_sent(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client)
        r = await client.post(
            "/api/v2/messages/send?async=true", json={"instanceId": instance, "to": "c9", "text": "x"}
        )
        assert r.status_code == 202 and r.json()["data"]["status"] == "queued"
        message_id = r.json()["data"]["messageId"]

        async def sent() -> bool:
            m = (await client.get(f"/api/v2/messages/{message_id}")).json()["data"]
            return m["deliveryStatus"] == "sent"

        await until(sent, what="sent")


async def test_sends_wait_while_disconnected_and_go_out_on_connect(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        r = await client.post("/api/v2/messages/send?wait=0.5", json={"instanceId": instance, "to": "c1", "text": "q"})
        assert r.status_code == 202, r.text
        assert (await client.get(f"/api/v2/instances/{instance}/loopback/outbox")).json()["items"] == []
        assert (await client.post(f"/api/v2/instances/{instance}/connect")).status_code == 200

        async def delivered() -> bool:
            return bool((await client.get(f"/api/v2/instances/{instance}/loopback/outbox")).json()["items"])

        await until(delivered, what="the queued send")


async def test_a_send_the_platform_refuses_for_now_is_queued_and_goes_out_once_later(api: Api) -> None:
    """The instance runs in the worker that takes the request, so the send goes straight to the channel; the channel
    says not now, so it is queued on the command stream and goes out (once) when the channel takes it."""
    async with live_client(api) as client:
        instance = await loopback(client, config={"sendError": "retryable"})
        r = await client.post(
            "/api/v2/messages/send?wait=0.5", json={"instanceId": instance, "to": "c1", "text": "l8r"}
        )
        assert r.status_code == 202 and r.json()["data"]["status"] == "queued", r.text
        message_id = r.json()["data"]["messageId"]
        assert (await client.get(f"/api/v2/messages/{message_id}")).json()["data"]["deliveryStatus"] == "pending"
        assert (await client.patch(f"/api/v2/instances/{instance}", json={"config": {}})).status_code == 200
        assert (await client.post(f"/api/v2/instances/{instance}/restart")).status_code == 200

        async def sent() -> bool:
            m = (await client.get(f"/api/v2/messages/{message_id}")).json()["data"]
            return m["deliveryStatus"] == "sent"

        await until(sent, timeout=30, what="sent after the channel took it")
        outbox = (await client.get(f"/api/v2/instances/{instance}/loopback/outbox")).json()["items"]
        assert [o["messageId"] for o in outbox] == [message_id]


async def test_a_send_whose_client_hangs_up_still_goes_out_once(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, config={"sendDelayMs": 600})
        # the request is cancelled mid-send, as the server does when its client hangs up
        request = asyncio.create_task(
            client.post("/api/v2/messages/send", json={"instanceId": instance, "to": "c1", "text": "bye"})
        )
        await asyncio.sleep(0.3)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request

        async def sent() -> list[dict[str, Any]] | None:
            items = (await client.get(f"/api/v2/messages?instanceId={instance}&limit=10")).json()["items"]
            return items if items and items[0]["deliveryStatus"] == "sent" else None

        [message] = await until(sent, what="the send of a client that hung up")
        outbox = (await client.get(f"/api/v2/instances/{instance}/loopback/outbox")).json()["items"]
        assert [o["messageId"] for o in outbox] == [message["id"]]


async def test_the_owner_of_an_instance_sends_what_another_worker_asks_it_to(api: Api) -> None:
    """What a worker that does not run the instance does with a new message: asks the owner (core NATS), which
    sends the recorded message and answers; with nobody running the instance, nobody answers and it is queued."""
    from omni.channels.types import Outbound
    from omni.pipeline import outbound

    async with live_client(api) as client:
        nc = api.app.ctx.nats
        instance = {"id": uuid.UUID(await loopback(client)), "channel": "loopback"}
        message_id = uuid.uuid4()
        await outbound.record(instance, "c1", message_id, "text", "asked", None, None)
        message = Outbound(id=str(message_id), kind="text", to="c1", text="asked")
        outcome, tried = await outbound.ask_owner(nc, instance, message, correlation=None, timeout=5)
        assert tried and outcome == {"status": "sent", "externalMessageId": f"lb-{message_id}"}
        stored = (await client.get(f"/api/v2/messages/{message_id}")).json()["data"]
        assert stored["deliveryStatus"] == "sent" and stored["externalId"] == f"lb-{message_id}"
        outbox = (await client.get(f"/api/v2/instances/{instance['id']}/loopback/outbox")).json()["items"]
        assert [o["messageId"] for o in outbox] == [str(message_id)]

        idle = {"id": uuid.UUID(await loopback(client, connect=False)), "channel": "loopback"}
        assert await outbound.ask_owner(nc, idle, message, correlation=None, timeout=5) == (None, False)


async def test_every_send_kind(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client)
        base = {"instanceId": instance, "to": "c1"}
        sent = await client.post("/api/v2/messages/send", json={**base, "text": "first"})
        mid = sent.json()["data"]["messageId"]
        cases = {
            "/send/media": {"type": "image", "url": "https://example.com/a.png", "caption": "pic"},
            "/send/reaction": {"messageId": mid, "emoji": "👍"},
            "/send/sticker": {"url": "https://example.com/s.webp"},
            "/send/contact": {"name": "Ana", "phone": "+5511999990001"},
            "/send/location": {"lat": -23.5, "lng": -46.6, "name": "SP"},
            "/send/poll": {"question": "Lunch?", "answers": ["yes", "no"]},
            "/send/embed": {"title": "T", "description": "D", "fields": [{"name": "a", "value": "b"}]},
            "/send/presence": {"type": "typing"},
            "/send/forward": {"messageId": mid, "fromChatId": "c1"},
        }
        for path, extra in cases.items():
            r = await client.post(f"/api/v2/messages{path}", json={**base, **extra})
            assert r.status_code == 201, (path, r.text)
        r = await client.post("/api/v2/messages/send/media", json={**base, "type": "document", "base64": "aGVsbG8=",
                                                                    "filename": "a.txt"})  # fmt: skip
        assert r.status_code == 201, r.text
        r = await client.post("/api/v2/messages/send/upload", data={"instanceId": instance, "to": "c1", "type": "document"},
                              files={"file": ("b.txt", b"bytes", "text/plain")})  # fmt: skip
        assert r.status_code == 201, r.text
        for path, body in (("/api/v2/messages/edit-channel", {"chatId": "c1", "messageId": mid, "text": "edited"}),
                           ("/api/v2/messages/delete-channel", {"chatId": "c1", "messageId": mid}),
                           ("/api/v2/messages/read", {"chatId": "c1", "messageIds": [mid]})):  # fmt: skip
            r = await client.post(path, json={"instanceId": instance, **body})
            assert r.status_code == 201, (path, r.text)
        assert (await client.post(f"/api/v2/messages/{mid}/read")).status_code == 201
        assert (await client.post(f"/api/v2/messages/{mid}/star")).status_code == 201
        assert (await client.delete(f"/api/v2/messages/{mid}/star")).status_code == 201
        outbox = (await client.get(f"/api/v2/instances/{instance}/loopback/outbox?limit=100")).json()["items"]
        kinds = sorted(o["kind"] for o in outbox)
        assert kinds == sorted(["text", "media", "reaction", "sticker", "contact", "location", "poll", "embed",
                                "forward", "media", "media", "edit", "delete", "star", "star"]), kinds  # fmt: skip


async def test_our_own_edit_reaction_and_delete_show_on_the_stored_message(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client)
        base = {"instanceId": instance, "to": "g1"}
        # a group chat (from an inbound message): our own actions must not turn it into a DM
        r = await client.post(f"/api/v2/instances/{instance}/loopback/inbound",
                              json={"chatId": "g1", "from": "u1", "text": "hello all", "isGroup": True})  # fmt: skip
        assert r.status_code in (200, 201, 202), r.text
        mid = (await client.post("/api/v2/messages/send", json={**base, "text": "first"})).json()["data"]["messageId"]

        async def stored() -> dict:
            return (await client.get(f"/api/v2/messages/{mid}")).json()["data"]

        r = await client.post("/api/v2/messages/edit-channel", json={"instanceId": instance, "chatId": "g1",
                                                                     "messageId": mid, "text": "second"})  # fmt: skip
        assert r.status_code == 201, r.text
        edited = await until(lambda: _when(stored(), lambda m: m["editCount"] == 1), what="the edit stored")
        assert edited["textContent"] == "second" and edited["originalText"] == "first"
        assert [h["text"] for h in edited["editHistory"]] == ["first"]

        r = await client.post("/api/v2/messages/send/reaction", json={**base, "messageId": mid, "emoji": "👍"})
        assert r.status_code == 201, r.text
        await until(lambda: _when(stored(), lambda m: [x["emoji"] for x in m["reactions"]] == ["👍"]),
                    what="the reaction stored")  # fmt: skip

        r = await client.post("/api/v2/messages/delete-channel", json={"instanceId": instance, "chatId": "g1",
                                                                       "messageId": mid})  # fmt: skip
        assert r.status_code == 201, r.text
        deleted = await until(lambda: _when(stored(), lambda m: m["status"] == "deleted"), what="the delete stored")
        assert deleted["editCount"] == 1  # nothing applied twice
        chats = (await client.get(f"/api/v2/chats?instanceId={instance}")).json()["items"]
        assert [c["chatType"] for c in chats if c["externalId"] == "g1"] == ["group"]


async def _when(value: Awaitable[Any], check: Callable[[Any], bool]) -> Any:
    got = await value
    return got if check(got) else None


async def test_bad_sends_are_4xx(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        cases = [
            ("/send", {"instanceId": instance, "to": "c1"}, 400, "text"),
            ("/send", {"instanceId": str(uuid.uuid4()), "to": "c1", "text": "x"}, 404, None),
            ("/send/media", {"instanceId": instance, "to": "c1", "type": "image"}, 400, None),
            ("/send/media", {"instanceId": instance, "to": "c1", "type": "image", "base64": "%%%"}, 400, "base64"),
            ("/send/poll", {"instanceId": instance, "to": "c1", "question": "q", "answers": ["only"]}, 400, "answers"),
            ("/send/location", {"instanceId": instance, "to": "c1", "lat": 91, "lng": 0}, 400, "lat"),
        ]
        for path, body, status, field in cases:
            r = await client.post(f"/api/v2/messages{path}", json=body)
            assert r.status_code == status, (path, r.text)
            if field:
                assert field in r.json()["error"]["details"]["fields"], r.text
        pair = await client.post(f"/api/v2/instances/{instance}/pair", json={"phoneNumber": "+15551234567"})
        assert pair.status_code == 400 and pair.json()["error"]["code"] == "CAPABILITY_NOT_SUPPORTED"
        pair = await client.post(f"/api/v2/instances/{instance}/pair", json={})  # what it cannot do, first
        assert pair.status_code == 400 and pair.json()["error"]["code"] == "CAPABILITY_NOT_SUPPORTED"


async def test_a_permanent_send_failure_is_reported_and_journaled(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, config={"sendError": "permanent"})
        r = await client.post("/api/v2/messages/send", json={"instanceId": instance, "to": "c1", "text": "nope"})
        assert r.status_code == 502 and r.json()["error"]["code"] == "SEND_FAILED", r.text
        message_id = r.json()["error"]["details"]["messageId"]
        assert (await client.get(f"/api/v2/messages/{message_id}")).json()["data"]["deliveryStatus"] == "failed"

        async def journaled() -> bool:
            r = await client.get(f"/api/v2/events?instanceId={instance}&eventType=message.failed")
            return len(r.json()["items"]) == 1

        await until(journaled, what="message.failed")


async def test_connection_states(api: Api) -> None:
    async with live_client(api) as client:
        auth = await loopback(client, connect=False, config={"connectError": "auth"})
        crash = await loopback(client, connect=False, config={"connectError": "crash"})
        flaky = await loopback(client, connect=False, config={"connectError": "not_ready"})
        fine = await loopback(client)
        for instance in (auth, crash, flaky):
            await client.post(f"/api/v2/instances/{instance}/connect")

        async def state(instance: str) -> dict[str, Any]:
            return (await client.get(f"/api/v2/instances/{instance}/status")).json()["data"]

        await until(lambda: _when(state(auth), lambda s: s["state"] == "needs_auth"), what="needs_auth")
        crashed = await until(lambda: _when(state(crash), lambda s: s["state"] == "error"), what="error")
        assert "loopback configured to crash" in crashed["error"]
        await until(lambda: _when(state(flaky), lambda s: s["state"] == "reconnecting"), what="reconnecting")
        assert (await state(fine))["state"] == "connected"  # the others never touch it
        r = await client.post("/api/v2/messages/send", json={"instanceId": fine, "to": "c", "text": "still fine"})
        assert r.status_code == 201
        await client.post(f"/api/v2/instances/{fine}/disconnect")
        await until(lambda: _when(state(fine), lambda s: s["state"] == "disconnected"), what="disconnected")


async def test_a_poison_event_goes_to_dead_letters_and_the_stream_flows_on(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client, connect=False)
        app = api.client.sanic_app
        from omni.bus import subjects

        await app.ctx.js.publish(subjects.event("message.received", "loopback", instance), b"{not json", timeout=5)
        bad = {"id": str(uuid.uuid4()), "type": "message.received", "timestamp": 0,
               "metadata": {"instanceId": instance, "channelType": "loopback"},
               "payload": {"externalId": "x", "chat": {"id": "c1"}, "timestamp": "not a time"}}  # fmt: skip
        await app.ctx.js.publish(subjects.event("message.received", "loopback", instance), orjson.dumps(bad), timeout=5)
        ok = {"chatId": "c1", "from": "u1", "text": "after the poison", "externalId": "good"}
        assert (await client.post(f"/api/v2/instances/{instance}/loopback/inbound", json=ok)).status_code == 202
        await until(lambda: _when(messages(client, instance), lambda m: len(m) == 1), what="the good message")
        conn = await asyncpg.connect(api.db_url)
        try:

            async def dead() -> int:
                return await conn.fetchval("select count(*) from dead_letter_events")

            await until(lambda: _when(dead(), lambda n: n == 2), timeout=60, what="2 dead letters")
            rows = await conn.fetch("select event_type, consumer, status from dead_letter_events order by created_at")
            assert {r["consumer"] for r in rows} == {"persist-message"}
            assert all(r["status"] == "pending" for r in rows)
        finally:
            await conn.close()


async def test_plugins_and_supported_channels(api: Api) -> None:
    async with live_client(api) as client:
        plugins = (await client.get("/api/v2/plugins")).json()["items"]
        loop = next(p for p in plugins if p["name"] == "loopback")
        assert loop["status"] == "loaded" and loop["channels"] == ["loopback"] and loop["source"] == "builtin"
        channels = (await client.get("/api/v2/instances/supported-channels")).json()["items"]
        assert [c["key"] for c in channels] == ["loopback"]
        assert channels[0]["capabilities"]["canSendPoll"] is True


async def test_channel_keys_and_config_are_checked_against_the_plugins(api: Api) -> None:
    async with live_client(api) as client:
        r = await client.post("/api/v2/instances", json={"name": "x", "channel": "carrier-pigeon"})
        assert r.status_code == 400 and "channel" in r.json()["error"]["details"]["fields"]
        r = await client.post("/api/v2/instances", json={"name": "y", "channel": "loopback",
                                                         "config": {"sendDelayMs": -5}})  # fmt: skip
        assert r.status_code == 400 and "config.sendDelayMs" in r.json()["error"]["details"]["fields"], r.text
        instance = await loopback(client, connect=False)
        r = await client.patch(f"/api/v2/instances/{instance}", json={"config": {"connectError": "sometimes"}})
        assert r.status_code == 400, r.text


async def test_logout_reaches_the_connected_plugin(api: Api) -> None:
    async with live_client(api) as client:
        instance = await loopback(client)
        r = await client.post(f"/api/v2/instances/{instance}/logout")
        assert r.status_code == 200 and r.json()["data"]["isActive"] is False
        conn = await asyncpg.connect(api.db_url)
        try:
            marker = await conn.fetchval("select value from plugin_storage where plugin_id = $1 and key = 'logout'",
                                         f"loopback:{instance}")  # fmt: skip
        finally:
            await conn.close()
        assert marker and "at" in orjson.loads(marker)

        async def disconnected() -> bool:
            return (await client.get(f"/api/v2/instances/{instance}/status")).json()["data"]["state"] == "disconnected"

        await until(disconnected, what="disconnected")
