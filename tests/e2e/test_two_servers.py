"""Two omni servers on one postgres + nats: each active instance runs on exactly one of them; when one dies, the other
takes its instances over within seconds and sends keep working."""

from __future__ import annotations

import os
import signal
import time
import uuid
from typing import Any

import httpx
import psutil

from omni import config, paths
from omni.host import endpoints
from tests.conftest import cleanup, make_home


def _wait(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            last = repr(exc)
        time.sleep(0.25)
    raise AssertionError(f"{what}: not reached in {timeout}s (last: {last!r})")


def _tree(pid: int) -> set[int]:
    proc = psutil.Process(pid)
    return {proc.pid, *(c.pid for c in proc.children(recursive=True))}


def test_instances_are_split_and_taken_over(monkeypatch: Any) -> None:
    a, b = make_home(), make_home()
    try:
        a.omni("install", "--non-interactive")
        a.omni("start")
        where = paths.resolve(a.root)
        monkeypatch.setenv("OMNI_HOME", str(a.root))
        settings = config.load(where, pgserve_port=a.pg_port, nats_port=a.nats_port)
        b.extra_env.update({
            "DATABASE_URL": endpoints.database_url(settings, where), "NATS_URL": endpoints.nats_url(settings, where),
            "OMNI_SECRET_KEY": where.master_key.read_text().strip(),
        })  # fmt: skip
        b.omni("install", "--non-interactive")
        b.omni("start")
        key = a.cli_key()
        ca = httpx.Client(base_url=a.url, headers={"x-api-key": key}, timeout=30)
        cb = httpx.Client(base_url=b.url, headers={"x-api-key": key}, timeout=30)
        ids = []
        for i in range(20):
            r = ca.post("/api/v2/instances", json={"name": f"two-{i}-{uuid.uuid4().hex[:4]}", "channel": "loopback"})
            assert r.status_code == 201, r.text
            ids.append(r.json()["data"]["id"])
            assert (cb if i % 2 else ca).post(f"/api/v2/instances/{ids[-1]}/connect").status_code == 200

        def states() -> dict[str, dict[str, Any]]:
            return {i: ca.get(f"/api/v2/instances/{i}/status").json()["data"] for i in ids}

        _wait(lambda: all(s["state"] == "connected" for s in states().values()), 60, "all connected")
        a_pids, b_pids = _tree(a.pid("supervisor")), _tree(b.pid("supervisor"))
        owners = {i: int(s["owner"].split(":")[1]) for i, s in states().items()}
        on_a = [i for i, pid in owners.items() if pid in a_pids]
        on_b = [i for i, pid in owners.items() if pid in b_pids]
        assert len(on_a) + len(on_b) == 20 and on_a and on_b, owners  # split, each exactly once

        # none runs twice: one instance.connected per instance so far (the journal is written a moment after the
        # state, by whichever worker holds the instance events' writer)
        def connected_events(i: str) -> list[dict[str, Any]]:
            return ca.get(f"/api/v2/events?instanceId={i}&eventType=instance.connected").json()["items"]

        _wait(lambda: all(connected_events(i) for i in ids), 30, "every instance.connected journaled")
        time.sleep(1)  # a second connect would be journaled by now
        for i in ids:
            events = connected_events(i)
            assert len(events) == 1, (i, events)

        os.kill(b.pid("supervisor"), signal.SIGKILL)  # the whole server B goes (its children die with it)
        started = time.monotonic()

        def all_on_a() -> bool:
            current = states()
            return all(s["state"] == "connected" and int(s["owner"].split(":")[1]) in a_pids for s in current.values())

        _wait(all_on_a, 45, "every instance on server A")
        took = time.monotonic() - started
        assert took < 30, took
        for i in on_b:
            r = ca.post("/api/v2/messages/send", json={"instanceId": i, "to": "c1", "text": "after takeover"})
            assert r.status_code == 201, r.text
        ca.close()
        cb.close()
    finally:
        cleanup(b)
        cleanup(a)
