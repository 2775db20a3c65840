"""The channel conformance suite: what every channel plugin must do, checked end to end through a real omni.

A plugin author writes a *driver* for a fake of the platform (a local HTTP/websocket server standing in for the real
API, only at the network seam) and subclasses `ChannelConformance`:

    from omni.testing import ChannelConformance

    class TestMyChannel(ChannelConformance):
        @pytest.fixture(scope="class")
        @classmethod
        def driver(cls, fake_platform):
            return MyDriver(fake_platform)

The suite creates one instance of `driver.channel` with `driver.instance_fields()`, connects it, and then checks:

- it connects and reports `connected` (and journals `instance.connected`);
- every outbound kind the channel's declared capabilities allow is accepted by the send routes and reaches the
  backend exactly once; every kind it does not declare (and pairing) answers 400 `CAPABILITY_NOT_SUPPORTED`;
- every inbound kind the driver can make is stored: messages (text, image, …), reactions, edits, deletes, receipts —
  as seen through `/api/v2/messages`; the same event delivered twice is stored once;
- after `driver.drop_connection()` the instance reconnects by itself and sends and receives again.

What the driver cannot do is skipped. The tests are plain (synchronous) pytest tests: the suite runs the driver and
its HTTP client on an event loop of its own, in a thread, so no pytest-asyncio setup is needed and a fake backend
started in `driver.start()` keeps serving between tests. `LoopbackDriver` is the reference driver.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import threading
import uuid
from collections.abc import Collection, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import httpx
import pytest
from pydantic.alias_generators import to_camel

from omni.channels.base import NEEDS
from omni.channels.types import OUTBOUND_KINDS
from omni.testing import helpers
from omni.testing.helpers import API, wait_until

if TYPE_CHECKING:
    from omni.testing.server import OmniServer

__all__ = [
    "INBOUND_MESSAGE_KINDS",
    "ChannelConformance",
    "ConformanceDriver",
    "Harness",
    "LoopbackDriver",
]

T = TypeVar("T")

INBOUND_MESSAGE_KINDS = ("text", "image", "audio", "video", "document", "sticker", "location", "contact")
INBOUND_EVENT_KINDS = ("reaction", "edit", "delete", "receipt")
TARGETED = ("reaction", "forward", "edit", "delete", "read", "star")  # outbound kinds acting on a stored message
MIME = {"image": "image/png", "audio": "audio/ogg", "video": "video/mp4", "document": "application/pdf",
        "sticker": "image/webp"}  # fmt: skip


# -- the driver ------------------------------------------------------------------------------------------------------


class ConformanceDriver:
    """What the suite needs from a plugin's fake platform. Subclass it (or write any object with these members).

    Required:

    - `channel: str` — the channel key of the plugin (`Channel.key`).
    - `instance_fields() -> dict` — the extra body of `POST /api/v2/instances` (camelCase API names), e.g.
      `{"telegramBotToken": "t", "config": {"apiBase": fake.url}}`: whatever points the plugin at the fake.
    - `async sent() -> list[dict]` — everything the backend received from the plugin so far, oldest first, one dict
      per platform action with at least `kind` (an omni outbound kind: text, media, reaction, sticker, contact,
      location, poll, embed, presence, forward, edit, delete, read). When an item also has `messageId` (omni's message
      id, `Outbound.id`) or `to` (the chat), the suite checks them too.

    Optional (the default skips what needs it):

    - `inbound_kinds: Collection[str]` — the kinds `inbound()` can make: any of text, image, audio, video, document,
      sticker, location, contact (messages) and reaction, edit, delete, receipt.
    - `async inbound(kind: str, **kw) -> str` — make the backend deliver one inbound event of `kind` to the plugin,
      the way the platform would (a webhook call, a websocket frame, a long-poll answer …), and return the platform's
      id of that event (the `external_id` the plugin emits). Keyword arguments: `chat_id`, `sender_id`,
      `sender_name`, `external_id` (None: make a new one; a given id means *deliver this event again*), and per
      kind: messages `text` (the text or the caption); reaction `target` (a message's external id), `emoji`; edit
      `target`, `text`; delete `target`; receipt `targets` (external ids), `status` ("delivered" | "read"). Accept
      `**kw` and ignore what your platform cannot express.
    - `async drop_connection()` — the backend drops the plugin's connection (closes the socket, answers 5xx, …).
      The plugin must notice, report it (`reconnecting`) and reconnect by itself.
    - `untracked_outbound: Collection[str]` — outbound kinds the channel supports but `sent()` cannot show (the
      suite then only checks the send route answered `sent`).
    - `chat_id: str` — the chat the suite sends to and receives in (default "conformance-chat").
    - `send_overrides: dict[str, dict]` — per outbound kind, fields merged into the suite's request body (e.g.
      `{"media": {"url": fake.url + "/cat.png"}}` when the plugin downloads media).
    - `async start()` / `async stop()` — set up and tear down the fake, on the suite's event loop, before the
      instance is created and after it is disconnected.

    The suite sets `driver.instance_id` once the instance exists (before it connects).
    """

    channel: ClassVar[str]
    inbound_kinds: Collection[str] = ()
    untracked_outbound: Collection[str] = ()
    chat_id: str = "conformance-chat"
    send_overrides: ClassVar[dict[str, dict[str, Any]]] = {}
    instance_id: str | None = None

    def instance_fields(self) -> dict[str, Any]:
        return {}

    async def sent(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def inbound(self, kind: str, **kw: Any) -> str:
        raise NotImplementedError

    async def drop_connection(self) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class LoopbackDriver(ConformanceDriver):
    """The driver of the built-in `loopback` channel, through its own routes: inbound events are injected with
    `POST /instances/:id/loopback/inbound`, sends are read back from `GET /instances/:id/loopback/outbox`, and a
    dropped connection is stood in for by `POST /instances/:id/restart` (loopback has no connection to lose).
    Typing and mark-read leave no trace in the outbox, so they are untracked."""

    channel = "loopback"
    inbound_kinds = ("text", "image", "audio", "video", "document", "sticker", "reaction", "edit", "delete", "receipt")
    untracked_outbound = ("presence", "read")

    def __init__(self, server: OmniServer, config: dict[str, Any] | None = None) -> None:
        self.server = server
        self.config = config or {}

    def instance_fields(self) -> dict[str, Any]:
        return {"config": self.config} if self.config else {}

    def _instance(self) -> str:
        if self.instance_id is None:
            raise RuntimeError("the driver has no instance yet")
        return self.instance_id

    async def inbound(self, kind: str, **kw: Any) -> str:
        item: dict[str, Any] = {"chatId": kw.get("chat_id") or self.chat_id, "from": kw.get("sender_id") or "user-1"}
        if kw.get("sender_name"):
            item["fromName"] = kw["sender_name"]
        if kw.get("external_id"):
            item["externalId"] = kw["external_id"]
        if kind in ("text", "image", "audio", "video", "document", "sticker"):
            item["type"] = kind
            if kind == "text":
                item["text"] = kw.get("text") or "hello"
            else:
                item["media"] = {"url": f"https://example.com/conformance.{kind}", "mimeType": MIME[kind],
                                 **({"caption": kw["text"]} if kw.get("text") else {})}  # fmt: skip
        elif kind == "reaction":
            item.update(kind="reaction", target=kw["target"], emoji=kw.get("emoji") or "👍")
        elif kind == "edit":
            item.update(kind="edit", target=kw["target"], text=kw["text"])
        elif kind == "delete":
            item.update(kind="delete", target=kw["target"])
        elif kind == "receipt":
            item.update(kind="receipt", targets=kw["targets"], status=kw.get("status") or "read")
        else:
            raise NotImplementedError(kind)
        async with self.server.async_client() as client:
            return (await helpers.inject_inbound(client, self._instance(), item))[0]

    async def sent(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 100}
        async with self.server.async_client() as client:
            while True:
                r = await client.get(f"{API}/instances/{self._instance()}/loopback/outbox", params=params)
                r.raise_for_status()
                page = r.json()
                found += page["items"]
                if not page["meta"]["hasMore"]:
                    return found
                params["cursor"] = page["meta"]["cursor"]

    async def drop_connection(self) -> None:
        async with self.server.async_client() as client:
            r = await client.post(f"{API}/instances/{self._instance()}/restart")
            r.raise_for_status()


# -- the harness: one instance per test class, on an event loop of the suite ------------------------------------------


class _Loop:
    """An event loop in a daemon thread; `run()` waits for a coroutine on it from the test's thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="omni-conformance", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise AssertionError(f"timed out after {timeout}s") from None

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        if not self.thread.is_alive():
            self.loop.close()


class Harness:
    """The state of one conformance run: the server, the driver, an API client, the instance and its channel's
    capabilities (camelCase flags, as `GET /instances/supported-channels` shows them)."""

    def __init__(self, server: OmniServer, driver: Any, suite: type[ChannelConformance]) -> None:
        self.server = server
        self.driver = driver
        self.suite = suite
        self.loop = _Loop()
        self.client: httpx.AsyncClient | None = None
        self.instance_id = ""
        self.capabilities: dict[str, Any] = {}
        self.baseline = 0
        self.expected: collections.Counter[str] = collections.Counter()  # tracked sends the suite made, per kind
        self._target: str | None = None

    # -- plumbing -------------------------------------------------------------------------------------------------

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        return self.loop.run(coro, timeout or self.suite.test_timeout)

    @property
    def api(self) -> httpx.AsyncClient:
        assert self.client is not None
        return self.client

    @property
    def chat(self) -> str:
        return getattr(self.driver, "chat_id", None) or ConformanceDriver.chat_id

    def can(self, flag: str) -> bool:
        return bool(self.capabilities.get(to_camel(flag)))

    def supports_inbound(self, kind: str) -> bool:
        return kind in (getattr(self.driver, "inbound_kinds", ()) or ())

    def tracked(self, kind: str) -> bool:
        return kind not in (getattr(self.driver, "untracked_outbound", ()) or ())

    async def setup(self) -> None:
        self.client = self.server.async_client()
        start = getattr(self.driver, "start", None)
        if start is not None:
            await start()
        channel = self.driver.channel
        r = await self.api.get(f"{API}/instances/supported-channels")
        channels = {c["key"]: c for c in r.json()["items"]}
        if channel not in channels:
            plugins = (await self.api.get(f"{API}/plugins")).json().get("items")
            raise AssertionError(f"no loaded plugin provides the {channel!r} channel (loaded: {sorted(channels)}; "
                                 f"plugins: {plugins}); is the plugin installed, and OMNI_LOAD_PLUGINS right?")  # fmt: skip
        self.capabilities = channels[channel]["capabilities"]
        self.instance_id = await helpers.create_instance(self.api, channel, **self.driver.instance_fields())
        self.driver.instance_id = self.instance_id
        self.baseline = len(await self.sent())
        await helpers.connect_and_wait(self.api, self.instance_id, self.suite.connect_timeout)

    async def teardown(self) -> None:
        if self.instance_id:
            with contextlib.suppress(Exception):
                await self.api.post(f"{API}/instances/{self.instance_id}/disconnect")
        stop = getattr(self.driver, "stop", None)
        if stop is not None:
            with contextlib.suppress(Exception):
                await stop()
        if self.client is not None:
            await self.client.aclose()

    def close(self) -> None:
        self.loop.close()

    # -- the backend ----------------------------------------------------------------------------------------------

    async def sent(self) -> list[dict[str, Any]]:
        try:
            return list(await self.driver.sent())
        except NotImplementedError:
            pytest.skip("the driver cannot show what the backend received (sent)")

    async def inbound(self, kind: str, **kw: Any) -> str:
        if not self.supports_inbound(kind):
            pytest.skip(f"the driver cannot make inbound {kind} events")
        kw.setdefault("chat_id", self.chat)
        kw.setdefault("sender_id", "conformance-user")
        kw.setdefault("sender_name", "Conformance User")
        kw.setdefault("external_id", None)
        try:
            external_id = await self.driver.inbound(kind, **kw)
        except NotImplementedError:
            pytest.skip(f"the driver cannot make inbound {kind} events")
        assert isinstance(external_id, str) and external_id, f"inbound({kind!r}) returned {external_id!r}"
        return external_id

    # -- the API --------------------------------------------------------------------------------------------------

    def request(self, kind: str, target: str | None = None) -> tuple[str, dict[str, Any] | None]:
        """The route and body that make `kind` happen (`target`: omni's id of a stored message)."""
        base = {"instanceId": self.instance_id, "to": self.chat}
        chat = {"instanceId": self.instance_id, "chatId": self.chat}
        target = target or "conformance-target"
        routes: dict[str, tuple[str, dict[str, Any] | None]] = {
            "text": ("/messages/send", {**base, "text": "conformance text"}),
            "media": ("/messages/send/media", {**base, "type": "image", "url": "https://example.com/conformance.png",
                                               "mimeType": "image/png", "caption": "conformance image"}),
            "reaction": ("/messages/send/reaction", {**base, "messageId": target, "emoji": "👍"}),
            "sticker": ("/messages/send/sticker", {**base, "url": "https://example.com/conformance.webp"}),
            "contact": ("/messages/send/contact", {**base, "name": "Ada Lovelace", "phone": "+15550100"}),
            "location": ("/messages/send/location", {**base, "lat": 51.5, "lng": -0.12, "name": "London"}),
            "poll": ("/messages/send/poll", {**base, "question": "Lunch?", "answers": ["yes", "no"]}),
            "embed": ("/messages/send/embed", {**base, "title": "Conformance", "description": "an embed"}),
            "presence": ("/messages/send/presence", {**base, "type": "typing"}),
            "forward": ("/messages/send/forward", {**base, "messageId": target, "fromChatId": self.chat}),
            "edit": ("/messages/edit-channel", {**chat, "messageId": target, "text": "conformance edited"}),
            "delete": ("/messages/delete-channel", {**chat, "messageId": target}),
            "read": ("/messages/read", {**chat, "messageIds": [target]}),
            "star": (f"/messages/{target}/star", None),
        }  # fmt: skip
        path, body = routes.get(kind) or (None, None)
        if path is None:
            pytest.skip(f"this omni.testing does not know how to send {kind!r}")
        overrides = (getattr(self.driver, "send_overrides", None) or {}).get(kind) or {}
        return f"{API}{path}", None if body is None else {**body, **overrides}

    async def send(self, kind: str, target: str | None = None) -> dict[str, Any]:
        """Send `kind` through its route; it must answer 201 `sent` (the plugin's `send` returned). Tracked kinds are
        counted for the exactly-once checks."""
        path, body = self.request(kind, target)
        r = await self.api.post(path, params={"wait": self.suite.send_wait}, json=body)
        if r.status_code == 202:
            raise AssertionError(f"{kind}: the plugin did not finish the send in {self.suite.send_wait}s: {r.text}")
        assert r.status_code == 201, f"{kind}: {r.status_code} {r.text}"
        data = r.json()["data"]
        assert data["status"] == "sent", data
        if self.tracked(kind):
            self.expected[kind] += 1
        return data

    async def target(self, *, fresh: bool = False) -> str:
        """omni's id of a stored message to act on (react to, edit, delete, forward, star): one the suite sent, else
        one the driver delivered."""
        if self._target is not None and not fresh:
            return self._target
        if self.can("can_send_text"):
            found = (await self.send("text"))["messageId"]
        else:
            found = (await self.inbound_message())[1]["id"]
        if not fresh:
            self._target = found
        return found

    async def stored(self, external_id: str) -> dict[str, Any]:
        """Wait until the message with this platform id is stored, and return it."""
        rows = await wait_until(lambda: helpers.find_message(self.api, self.instance_id, external_id),
                                self.suite.store_timeout, what=f"message {external_id!r} stored")  # fmt: skip
        assert len(rows) == 1, f"message {external_id!r} is stored {len(rows)} times"
        return rows[0]

    async def message(self, message_id: str) -> dict[str, Any]:
        r = await self.api.get(f"{API}/messages/{message_id}")
        assert r.status_code == 200, r.text
        return r.json()["data"]

    async def inbound_message(self) -> tuple[str, dict[str, Any]]:
        """A fresh inbound message (text when the driver can), stored: its external id and its stored record."""
        kind = next((k for k in INBOUND_MESSAGE_KINDS if self.supports_inbound(k)), None)
        if kind is None:
            pytest.skip("the driver cannot make inbound messages")
        external = await self.inbound(kind, text=f"conformance {uuid.uuid4().hex[:8]}")
        return external, await self.stored(external)

    async def state(self) -> dict[str, Any]:
        return await helpers.status(self.api, self.instance_id)


# -- the suite --------------------------------------------------------------------------------------------------------


class ChannelConformance:
    """Subclass as `Test…` and provide a `driver` fixture of class (or wider) scope returning a `ConformanceDriver`.
    The omni comes from the `omni_server` fixture (from `omni.testing`; when it is not registered, the suite starts
    a server of its own). Every check is an overridable `check_*` coroutine; tune the timeouts below."""

    connect_timeout: ClassVar[float] = 30.0
    reconnect_timeout: ClassVar[float] = 60.0
    store_timeout: ClassVar[float] = 20.0
    send_wait: ClassVar[float] = 15.0
    test_timeout: ClassVar[float] = 120.0

    @pytest.fixture(scope="class")
    @classmethod
    def conformance(cls, request: pytest.FixtureRequest, driver: Any) -> Iterator[Harness]:
        try:
            server = request.getfixturevalue("omni_server")
            own = None
        except pytest.FixtureLookupError:
            from omni.testing.server import start_server

            server = own = start_server()
        harness = Harness(server, driver, cls)
        try:
            harness.run(harness.setup(), cls.connect_timeout + 60)
            yield harness
        finally:
            with contextlib.suppress(Exception):
                harness.run(harness.teardown(), 60)
            harness.close()
            if own is not None:
                own.stop()

    # -- connecting ---------------------------------------------------------------------------------------------------

    def test_connects_and_reports_connected(self, conformance: Harness) -> None:
        conformance.run(self.check_connected(conformance))

    async def check_connected(self, h: Harness) -> None:
        state = await h.state()
        assert state["state"] == "connected", state
        assert state["isActive"] is True and state["channel"] == h.driver.channel, state

        async def journaled() -> bool:
            r = await h.api.get(
                f"{API}/events", params={"instanceId": h.instance_id, "eventType": "instance.connected"}
            )
            return r.status_code == 200 and bool(r.json()["items"])

        await wait_until(journaled, h.suite.store_timeout, what="instance.connected in the journal")

    # -- sending ------------------------------------------------------------------------------------------------------

    @pytest.mark.parametrize("kind", OUTBOUND_KINDS)
    def test_sends_each_declared_kind_once(self, conformance: Harness, kind: str) -> None:
        flag = NEEDS.get(kind)
        if flag is None or not conformance.can(flag):
            pytest.skip(f"the channel does not declare {flag or kind}")
        conformance.run(self.check_send(conformance, kind))

    async def check_send(self, h: Harness, kind: str) -> None:
        target = None
        if kind in TARGETED:
            target = await h.target(fresh=kind == "delete")
            if kind == "read" and h.supports_inbound("text"):
                target = (await h.inbound_message())[1]["id"]  # read receipts are for what others sent
        before = len(await h.sent())
        data = await h.send(kind, target)
        if not h.tracked(kind):
            return
        await wait_until(lambda: _when(h.sent(), lambda s: len(s) > before), h.suite.store_timeout,
                         what=f"the backend receiving the {kind}")  # fmt: skip
        await asyncio.sleep(0.5)  # a duplicate would show up now
        entries = (await h.sent())[before:]
        kinds = [e.get("kind") for e in entries]
        assert kinds == [kind], f"the backend got {kinds} for one {kind} send: {entries}"
        entry = entries[0]
        if "messageId" in entry and data.get("messageId"):
            assert entry["messageId"] == data["messageId"], entry
        if "to" in entry:
            assert entry["to"] == h.chat, entry

    def test_every_send_reached_the_backend_exactly_once(self, conformance: Harness) -> None:
        conformance.run(self.check_sent_once(conformance))

    async def check_sent_once(self, h: Harness) -> None:
        if not h.expected:
            pytest.skip("nothing was sent")
        await asyncio.sleep(1.0)
        got = collections.Counter(e.get("kind") for e in (await h.sent())[h.baseline :])
        assert got == h.expected, f"the backend got {dict(got)}; the suite sent {dict(h.expected)}"

    @pytest.mark.parametrize("kind", [*OUTBOUND_KINDS, "pair"])
    def test_undeclared_capability_is_refused(self, conformance: Harness, kind: str) -> None:
        flag = "can_pair" if kind == "pair" else NEEDS.get(kind)
        if flag is None:
            pytest.skip(f"no capability flag gates {kind!r}")
        if conformance.can(flag):
            pytest.skip(f"the channel declares {flag}")
        conformance.run(self.check_refused(conformance, kind, flag))

    async def check_refused(self, h: Harness, kind: str, flag: str) -> None:
        if kind == "pair":
            path, body = f"{API}/instances/{h.instance_id}/pair", {}
        else:  # a route that takes the message from its path needs a real one
            target = await h.target() if kind == "star" and h.can("can_send_text") else None
            if kind == "star" and target is None:
                target = (await h.inbound_message())[1]["id"]
            path, body = h.request(kind, target)
        before = len(await h.sent())
        r = await h.api.post(path, json=body)
        assert r.status_code == 400, f"{kind}: {r.status_code} {r.text}"
        error = r.json()["error"]
        assert error["code"] == "CAPABILITY_NOT_SUPPORTED", error
        assert error["details"].get("capability") == flag, error
        assert len(await h.sent()) == before, "a refused send reached the backend"

    # -- receiving ----------------------------------------------------------------------------------------------------

    @pytest.mark.parametrize("kind", INBOUND_MESSAGE_KINDS)
    def test_receives_messages(self, conformance: Harness, kind: str) -> None:
        if not conformance.supports_inbound(kind):
            pytest.skip(f"the driver cannot make inbound {kind} messages")
        conformance.run(self.check_receive_message(conformance, kind))

    async def check_receive_message(self, h: Harness, kind: str) -> None:
        text = f"conformance {kind} {uuid.uuid4().hex[:8]}"
        external = await h.inbound(kind, text=text)
        stored = await h.stored(external)
        assert stored["messageType"] == kind, stored
        assert stored["isFromMe"] is False, stored
        if kind == "text":
            assert stored["textContent"] == text, stored
        if kind in MIME:
            assert stored["hasMedia"] is True, stored
        r = await h.api.get(f"{API}/chats/{stored['chatId']}")
        assert r.status_code == 200 and r.json()["data"]["externalId"] == h.chat, r.text

    def test_receives_reactions(self, conformance: Harness) -> None:
        conformance.run(self.check_receive_reaction(conformance))

    async def check_receive_reaction(self, h: Harness) -> None:
        if not h.supports_inbound("reaction"):
            pytest.skip("the driver cannot make inbound reactions")
        target, stored = await h.inbound_message()
        await h.inbound("reaction", target=target, emoji="🎉")

        async def reacted() -> dict[str, Any] | None:
            m = await h.message(stored["id"])
            return m if m["reactionCounts"].get("🎉") == 1 else None

        m = await wait_until(reacted, h.suite.store_timeout, what="the reaction stored")
        assert [r["emoji"] for r in m["reactions"]] == ["🎉"], m["reactions"]

    def test_receives_edits(self, conformance: Harness) -> None:
        conformance.run(self.check_receive_edit(conformance))

    async def check_receive_edit(self, h: Harness) -> None:
        if not h.supports_inbound("edit"):
            pytest.skip("the driver cannot make inbound edits")
        target, stored = await h.inbound_message()
        text = f"edited {uuid.uuid4().hex[:8]}"
        await h.inbound("edit", target=target, text=text)

        async def edited() -> dict[str, Any] | None:
            m = await h.message(stored["id"])
            return m if m["textContent"] == text else None

        m = await wait_until(edited, h.suite.store_timeout, what="the edit stored")
        assert m["editCount"] == 1 and m["editHistory"][0]["text"] == stored["textContent"], m

    def test_receives_deletes(self, conformance: Harness) -> None:
        conformance.run(self.check_receive_delete(conformance))

    async def check_receive_delete(self, h: Harness) -> None:
        if not h.supports_inbound("delete"):
            pytest.skip("the driver cannot make inbound deletes")
        target, stored = await h.inbound_message()
        await h.inbound("delete", target=target)

        async def deleted() -> dict[str, Any] | None:
            m = await h.message(stored["id"])
            return m if m["status"] == "deleted" else None

        m = await wait_until(deleted, h.suite.store_timeout, what="the delete stored")
        assert m["deletedAt"] is not None, m
        r = await h.api.get(f"{API}/messages", params={"instanceId": h.instance_id, "limit": 100})
        assert stored["id"] not in {x["id"] for x in r.json()["items"]}, "a deleted message is still listed"

    def test_receives_receipts(self, conformance: Harness) -> None:
        conformance.run(self.check_receive_receipt(conformance))

    async def check_receive_receipt(self, h: Harness) -> None:
        if not h.supports_inbound("receipt"):
            pytest.skip("the driver cannot make inbound receipts")
        status = "delivered" if h.can("can_receive_delivery_receipts") and not h.can("can_receive_read_receipts") \
            else "read"  # fmt: skip
        if h.can("can_send_text"):  # a receipt is about what we sent
            data = await h.send("text")
            message_id, external = data["messageId"], data["externalMessageId"]
            assert external, f"the send answered no externalMessageId: {data}"
        else:
            external, stored = await h.inbound_message()
            message_id = stored["id"]
        await h.inbound("receipt", targets=[external], status=status)

        async def receipted() -> dict[str, Any] | None:
            m = await h.message(message_id)
            return m if m["deliveryStatus"] == status else None

        await wait_until(receipted, h.suite.store_timeout, what=f"the {status} receipt stored")

    def test_redelivered_inbound_is_stored_once(self, conformance: Harness) -> None:
        conformance.run(self.check_redelivery(conformance))

    async def check_redelivery(self, h: Harness) -> None:
        kind = next((k for k in INBOUND_MESSAGE_KINDS if h.supports_inbound(k)), None)
        if kind is None:
            pytest.skip("the driver cannot make inbound messages")
        text = f"conformance redelivery {uuid.uuid4().hex[:8]}"
        external = await h.inbound(kind, text=text)
        first = await h.stored(external)
        again = await h.inbound(kind, text=text, external_id=external)
        assert again == external, f"inbound(external_id={external!r}) delivered {again!r} instead"
        await asyncio.sleep(1.5)
        rows = await helpers.find_message(h.api, h.instance_id, external)
        assert [r["id"] for r in rows] == [first["id"]], f"a redelivered event is stored {len(rows)} times"

    # -- losing the connection (last: it restarts the instance) ---------------------------------------------------------

    def test_reconnects_after_the_connection_drops(self, conformance: Harness) -> None:
        conformance.run(self.check_reconnect(conformance), self.reconnect_timeout + self.test_timeout)

    async def check_reconnect(self, h: Harness) -> None:
        before = await h.state()
        assert before["state"] == "connected", before
        try:
            await h.driver.drop_connection()
        except NotImplementedError:
            pytest.skip("the driver cannot drop the connection")
        seen: list[str] = []

        async def back() -> dict[str, Any] | None:
            now = await h.state()
            if not seen or seen[-1] != now["state"]:
                seen.append(now["state"])
            if now["state"] in ("needs_auth", "error"):
                raise AssertionError(f"after the drop the instance is {now['state']}: {now.get('message')}\n"
                                     f"{now.get('error') or ''}")  # fmt: skip
            return now if now["state"] == "connected" and now["since"] != before["since"] else None

        try:
            await wait_until(back, h.suite.reconnect_timeout, interval=0.05, what="reconnected after the drop")
        except AssertionError:
            if seen and seen[-1] in ("needs_auth", "error"):
                raise
            raise AssertionError(f"not connected again {h.suite.reconnect_timeout}s after the drop (states seen: "
                                 f"{seen}); a plugin reports the loss (ctx.set_state('reconnecting') or raising from "
                                 "wait_closed) and reconnects by itself") from None  # fmt: skip
        if h.can("can_send_text"):
            count = len(await h.sent())
            data = await h.send("text")
            if h.tracked("text"):
                got = await wait_until(lambda: _when(h.sent(), lambda s: s[count:] if len(s) > count else None),
                                       h.suite.store_timeout, what="the send after reconnecting")  # fmt: skip
                assert [e.get("kind") for e in got] == ["text"], got
                if "messageId" in got[0]:
                    assert got[0]["messageId"] == data["messageId"], got
        if any(h.supports_inbound(k) for k in INBOUND_MESSAGE_KINDS):
            await h.inbound_message()


async def _when(value: Coroutine[Any, Any, T], ok: Any) -> Any:
    return ok(await value)
