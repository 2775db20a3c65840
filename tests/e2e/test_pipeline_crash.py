"""Nothing lost, nothing twice: kill -9 the API process (and separately nats-server) while messages flow in and sends
go out; after recovery every accepted message is stored once and every accepted send was delivered once."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.conftest import Home, cleanup, make_home


@pytest.fixture(scope="module")
def server() -> Iterator[Home]:
    home = make_home()
    try:
        home.omni("install", "--non-interactive")
        home.omni("start")
        yield home
    finally:
        cleanup(home)


def _client(home: Home) -> httpx.Client:
    return httpx.Client(base_url=home.url, headers={"x-api-key": home.cli_key()}, timeout=30)


def _instance(home: Home, *, connect: bool) -> str:
    with _client(home) as c:
        r = c.post("/api/v2/instances", json={"name": f"crash-{uuid.uuid4().hex[:6]}", "channel": "loopback"})
        assert r.status_code == 201, r.text
        instance = r.json()["data"]["id"]
        if connect:
            assert c.post(f"/api/v2/instances/{instance}/connect").status_code == 200
            _wait(lambda: c.get(f"/api/v2/instances/{instance}/status").json()["data"]["state"] == "connected", 30)
        return instance


def _wait(check: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"not reached in {timeout}s")


def _post_until_accepted(home: Home, path: str, body: dict[str, Any], headers: dict[str, str] | None = None,
                         ok: tuple[int, ...] = (202,), timeout: float = 90) -> httpx.Response:  # fmt: skip
    """Retry through the crash: connection errors and 5xx while the API restarts."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            with _client(home) as c:
                r = c.post(path, json=body, headers=headers or {})
            if r.status_code in ok:
                return r
            last = f"{r.status_code} {r.text[:200]}"
            if r.status_code < 500:
                raise AssertionError(last)
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.3)
    raise AssertionError(f"{path} never accepted: {last}")


def _total(home: Home, instance: str) -> int:
    with _client(home) as c:
        return c.get(f"/api/v2/messages?instanceId={instance}&limit=1&includeTotal=true").json()["meta"]["total"]


def _kill(home: Home, service: str) -> int:
    pid = home.pid(service)
    os.kill(pid, signal.SIGKILL)
    return pid


def _inject_2000_killing(home: Home, service: str) -> None:
    instance = _instance(home, connect=False)
    batches = [{"messages": [{"chatId": f"chat-{(b * 100 + i) % 40}", "from": f"user-{i % 25}", "text": f"m {b}-{i}",
                              "externalId": f"ext-{b}-{i}"} for i in range(100)]} for b in range(20)]  # fmt: skip
    killed = threading.Event()

    def send(index: int) -> None:
        if index == 6 and not killed.is_set():
            killed.set()
            _kill(home, service)
        _post_until_accepted(home, f"/api/v2/instances/{instance}/loopback/inbound", batches[index])

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send, range(20)))
    assert killed.is_set()
    home.wait_healthy(timeout=60)
    _wait(lambda: _total(home, instance) >= 2000, 120)
    time.sleep(2)  # anything redelivered late would show up now
    assert _total(home, instance) == 2000


def test_inbound_survives_kill_9_of_the_api(server: Home) -> None:
    _inject_2000_killing(server, "api")


def test_inbound_survives_kill_9_of_nats(server: Home) -> None:
    _inject_2000_killing(server, "nats")


def test_every_accepted_send_is_delivered_once_across_kill_9_of_the_api(server: Home) -> None:
    instance = _instance(server, connect=True)
    texts = [f"send {i}" for i in range(500)]
    killed = threading.Event()

    def send(i: int) -> str:
        if i == 120 and not killed.is_set():
            killed.set()
            _kill(server, "api")
        r = _post_until_accepted(server, "/api/v2/messages/send?wait=2",
                                 {"instanceId": instance, "to": f"chat-{i % 20}", "text": texts[i]},
                                 headers={"Idempotency-Key": f"crash-{i}"}, ok=(201, 202))  # fmt: skip
        return r.json()["data"]["messageId"]

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(send, range(500)))
    assert killed.is_set() and len(set(ids)) == 500
    server.wait_healthy(timeout=60)

    def outbox() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        with _client(server) as c:
            while True:
                url = f"/api/v2/instances/{instance}/loopback/outbox?limit=100" + (
                    f"&cursor={cursor}" if cursor else ""
                )
                page = c.get(url).json()
                items += page["items"]
                cursor = page["meta"]["cursor"]
                if not cursor:
                    return items

    _wait(lambda: len(outbox()) >= 500, 180)
    time.sleep(2)
    delivered = outbox()
    assert len(delivered) == 500
    assert sorted(o["content"]["text"] for o in delivered) == sorted(texts)
    assert {o["messageId"] for o in delivered} == set(ids)


def test_every_message_gets_one_agent_reply_across_kill_9_of_the_api(server: Home) -> None:
    """The agent dispatcher: 300 messages to an echo agent that takes 300 ms each; kill -9 of the API mid-way. After
    recovery every message has exactly one reply (a redelivered trigger resumes its reply, never repeats it)."""
    instance = _instance(server, connect=True)
    with _client(server) as c:
        r = c.post("/api/v2/providers", json={"name": f"echo-crash-{uuid.uuid4().hex[:6]}", "schema": "echo",
                                              "schemaConfig": {"delayMs": 300}})  # fmt: skip
        assert r.status_code == 201, r.text
        r = c.patch(f"/api/v2/instances/{instance}", json={
            "agentProviderId": r.json()["data"]["id"], "agentReplyFilter": {"mode": "all"},
            "messageSplitDelayMode": "disabled", "triggerRateLimit": 0})  # fmt: skip
        assert r.status_code == 200, r.text
    texts = [f"question {i}" for i in range(300)]
    batches = [{"messages": [{"chatId": f"chat-{i % 30}", "from": f"user-{i % 30}", "text": texts[i],
                              "externalId": f"q-{i}"} for i in range(b * 30, b * 30 + 30)]} for b in range(10)]  # fmt: skip
    for index, batch in enumerate(batches):
        if index == 4:
            time.sleep(0.5)  # answers under way
            _kill(server, "api")
        _post_until_accepted(server, f"/api/v2/instances/{instance}/loopback/inbound", batch)
    server.wait_healthy(timeout=60)

    def replies() -> list[str]:
        items: list[dict[str, Any]] = []
        cursor = None
        with _client(server) as c:
            while True:
                page = c.get(f"/api/v2/instances/{instance}/loopback/outbox?limit=100"
                             + (f"&cursor={cursor}" if cursor else "")).json()  # fmt: skip
                items += page["items"]
                cursor = page["meta"]["cursor"]
                if not cursor:
                    return [o["content"]["text"] for o in items if o["content"].get("kind") == "text"]

    _wait(lambda: len(replies()) >= 300, 180)
    time.sleep(3)  # a reply repeated late would show up now
    got = replies()
    assert sorted(got) == sorted(texts), (len(got), len(set(got)))
