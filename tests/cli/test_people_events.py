"""`omni persons`, `omni events` and `omni dead-letters` against a running server: persons, events and dead letters
made by injecting messages into a loopback instance (and a poison event on the bus)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from omni.client import Client
from omni.testing.server import OmniServer
from tests.cli.conftest import Cli, unique


def wait_for(check: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"no {what} within {timeout} s")


@dataclass
class People:
    instance: dict[str, Any]
    ana: str  # display names
    bob: str
    sender: str  # Ana's platform user id
    word: str  # a word only Ana's message has


@pytest.fixture(scope="module")
def people(omni_cli_server: OmniServer) -> People:
    cli_run = Cli(omni_cli_server)
    name, tag = unique("people"), uuid.uuid4().hex[:8]
    instance = cli_run.ok("instances", "create", "--name", name, "--channel", "loopback")
    client = Client(omni_cli_server.url, omni_cli_server.api_key)
    wait_for(lambda: client.instances.status(instance["id"]).state == "connected", "connection")
    found = People(instance, f"Ana {tag}", f"Bob {tag}", f"u-ana-{tag}", f"refund{tag}")
    client.instances.loopback_inbound(instance["id"], [
        {"chatId": f"c-ana-{tag}", "from": found.sender, "fromName": found.ana, "text": f"hello, {found.word} please"},
        {"chatId": f"c-bob-{tag}", "from": f"u-bob-{tag}", "fromName": found.bob, "text": "hi there"},
    ])  # fmt: skip
    wait_for(lambda: len(cli_run.ok("persons", "search", tag)) == 2, "persons")
    wait_for(lambda: len(cli_run.ok("events", "list", "--instance", name, "--type", "message.*")) == 2, "events")
    client.close()
    return found


# ---- persons -------------------------------------------------------------------------------------------------------


def test_persons_list_search_get_update_presence_timeline(cli_run: Cli, people: People) -> None:
    listed = cli_run.ok("persons", "list", "--search", people.ana)
    assert [p["displayName"] for p in listed] == [people.ana]
    ana = listed[0]
    # by name, by part of the name, by id prefix
    got = cli_run.ok("persons", "get", people.ana)
    assert got["id"] == ana["id"] and got["identities"][0]["platformUserId"] == people.sender
    assert cli_run.ok("persons", "get", ana["id"][:8])["id"] == ana["id"]
    assert cli_run.ok("persons", "get", people.ana.lower())["id"] == ana["id"]
    human = cli_run("persons", "get", people.ana, human=True, ok=True)
    assert "Identities" in human.out and people.sender in human.out and "loopback" in human.out

    updated = cli_run.ok("persons", "update", ana["id"][:8], "--email", f"{people.word}@example.com",
                         "--metadata", '{"vip": true}')  # fmt: skip
    assert updated["primaryEmail"] == f"{people.word}@example.com" and updated["metadata"] == {"vip": True}
    assert updated["identities"]  # the detail, with identities
    assert cli_run.ok("persons", "search", f"{people.word}@example")[0]["id"] == ana["id"]

    presence = cli_run.ok("persons", "presence", people.ana)
    assert presence["personId"] == ana["id"] and presence["lastSeenChannel"] == "loopback"
    timeline = cli_run.ok("persons", "timeline", people.ana)
    assert {item["kind"] for item in timeline} == {"message", "event"}
    assert any(people.word in (item["textContent"] or "") for item in timeline)
    table = cli_run("persons", "timeline", people.ana, human=True, ok=True)
    assert "Kind" in table.out and people.word in table.out


def test_persons_link_unlink_and_merge(cli_run: Cli, people: People) -> None:
    ana = cli_run.ok("persons", "get", people.ana)
    bob = cli_run.ok("persons", "get", people.bob)
    bob_identity = bob["identities"][0]["id"]
    linked = cli_run.ok("persons", "link", ana["identities"][0]["id"], bob_identity, "--reason", "same human")
    assert linked["id"] == ana["id"] and len(linked["identities"]) == 2
    assert cli_run("persons", "get", bob["id"], ok=False).json["details"]["code"] == "NOT_FOUND"  # merged away

    unlinked = cli_run.ok("persons", "unlink", bob_identity.upper(), "--reason", "not the same")
    assert unlinked["id"] != ana["id"] and [i["id"] for i in unlinked["identities"]] == [bob_identity]
    assert len(cli_run.ok("persons", "get", ana["id"])["identities"]) == 1

    merged = cli_run.ok("persons", "merge", unlinked["id"][:8], ana["id"][:8], "--reason", "merge them")
    assert merged["id"] == ana["id"] and len(merged["identities"]) == 2
    human = cli_run("persons", "unlink", bob_identity, human=True, ok=True)
    assert "unlinked into the new person" in human.out


def test_persons_errors_say_what_to_do(cli_run: Cli, people: People) -> None:
    missing = cli_run("persons", "get", "nobody-by-this-name-at-all", human=True, ok=False)
    assert "no person matches" in missing.err and "omni persons list" in missing.err
    not_uuid = cli_run("persons", "link", "abc", str(uuid.uuid4()), ok=False)
    assert not_uuid.json["details"]["code"] == "USAGE" and "identity_a" in not_uuid.json["details"]["fields"]
    unknown = cli_run("persons", "unlink", str(uuid.uuid4()), ok=False)
    assert unknown.json["details"]["code"] == "NOT_FOUND"
    itself = cli_run("persons", "merge", people.ana, people.ana, ok=False)
    assert itself.json["error"] == "a person cannot be merged into itself"
    assert cli_run("persons", "update", people.ana, ok=False).json["error"] == "nothing to change"
    bad = cli_run("persons", "update", people.ana, "--metadata", "[1,", ok=False)
    assert "--metadata" in bad.json["details"]["fields"]
    assert cli_run("persons", "list", "--limit", "0", ok=False).code == 2  # click's own usage error


# ---- events --------------------------------------------------------------------------------------------------------


def test_events_list_filters_get_search_analytics(cli_run: Cli, people: People) -> None:
    name = people.instance["name"]
    received = cli_run.ok("events", "list", "--instance", name, "--type", "message.received", "--since", "1h")
    assert len(received) == 2 and all(e["instanceId"] == people.instance["id"] for e in received)
    assert cli_run.ok("events", "list", "--instance", name, "--until", "2000-01-01") == []
    ana = cli_run.ok("persons", "get", people.ana)
    mine = cli_run.ok("events", "list", "--person", people.ana, "--direction", "inbound")
    assert mine and all(e["personId"] == ana["id"] for e in mine)
    page = cli_run("events", "list", "--instance", name, "--limit", "1", ok=True).json
    assert len(page["data"]) == 1 and page["meta"]["hasMore"] is True
    rest = cli_run.ok("events", "list", "--instance", name, "--limit", "1", "--cursor", page["meta"]["cursor"])
    assert rest[0]["id"] != page["data"][0]["id"]
    assert len(cli_run.ok("events", "list", "--instance", name, "--limit", "250")) >= 3  # read page by page

    event = next(e for e in received if people.word in (e["textContent"] or ""))
    assert cli_run.ok("events", "get", event["id"][:10])["id"] == event["id"]
    found = cli_run.ok("events", "search", people.word)
    assert [e["id"] for e in found] == [event["id"]] and people.word in found[0]["preview"]
    full = cli_run.ok("events", "search", people.word.upper(), "--format", "full", "--instance", name)
    assert full[0]["textContent"] == event["textContent"]
    agent = cli_run("events", "search", people.word, "--format", "agent", human=True, ok=True)
    assert "[message.received]" in agent.out
    assert cli_run.ok("events", "search", people.word, "--type", "custom.*") == []

    stats = cli_run.ok("events", "analytics", "--instance", name)
    assert stats["byEventType"]["message.received"] == 2 and stats["granularity"] == "hourly"
    daily = cli_run("events", "analytics", "--granularity", "daily", "--since", "3d", human=True, ok=True)
    assert "message.received" in daily.out and "When (UTC)" in daily.out

    timeline = cli_run.ok("events", "timeline", people.ana)
    assert timeline and all(e["personId"] == ana["id"] for e in timeline)
    by_sender = cli_run.ok("events", "by-sender", people.sender)
    assert [e["id"] for e in by_sender] == [event["id"]]
    table = cli_run("events", "list", "--instance", name, human=True, ok=True)
    assert "message.received" in table.out and "Type" in table.out


def test_events_trigger_and_errors(cli_run: Cli, people: People) -> None:
    correlation = unique("corr")
    created = cli_run.ok("events", "trigger", "--type", "custom.order.paid", "--payload", '{"orderId": 42}',
                         "--instance", people.instance["name"], "--correlation-id", correlation)  # fmt: skip
    assert created["eventType"] == "custom.order.paid" and created["payload"] == {"orderId": 42}
    assert created["instanceId"] == people.instance["id"]
    again = cli_run.ok("events", "list", "--correlation-id", correlation)
    assert [e["id"] for e in again] == [created["id"]]
    global_event = cli_run("events", "trigger", "--type", "custom.ping", human=True, ok=True)
    assert "custom.ping published" in global_event.out

    not_custom = cli_run("events", "trigger", "--type", "order.paid", ok=False)
    assert not_custom.json["details"]["code"] == "USAGE" and "custom.order.paid" in not_custom.json["details"]["hint"]
    not_object = cli_run("events", "trigger", "--type", "custom.x", "--payload", "[1]", ok=False)
    assert "--payload" in not_object.json["details"]["fields"]
    bad_name = cli_run("events", "trigger", "--type", "custom.bad name", ok=False)
    assert bad_name.json["details"]["code"] == "VALIDATION_ERROR"
    bad_time = cli_run("events", "list", "--since", "yesterday-ish", human=True, ok=False)
    assert "--since: not a time: 'yesterday-ish'" in bad_time.err and "2h" in bad_time.err
    missing = cli_run("events", "get", str(uuid.uuid4()), ok=False)
    assert missing.json["details"]["code"] == "NOT_FOUND"
    no_instance = cli_run("events", "list", "--instance", "no-such-instance-here", ok=False)
    assert no_instance.json["details"]["code"] == "NOT_FOUND"
    backwards = cli_run("events", "analytics", "--since", "1h", "--until", "2h", ok=False)
    assert backwards.json["details"]["code"] == "VALIDATION_ERROR"


# ---- dead letters --------------------------------------------------------------------------------------------------


def publish_poison(server: OmniServer, instance_id: str, count: int) -> None:
    """Undecodable events on an instance's subject: the persisting consumer dead-letters them."""
    import nats

    from omni.bus import subjects
    from omni.host import nats as host_nats
    from omni.host import secrets
    from omni.paths import resolve

    url = host_nats.url(secrets.load(resolve(server.home.root).secrets_file), server.home.nats_port)

    async def send() -> None:
        nc = await nats.connect(url)
        try:
            js = nc.jetstream()
            for i in range(count):
                await js.publish(subjects.event("message.received", "loopback", instance_id), b"{poison %d" % i)
        finally:
            await nc.close()

    asyncio.run(send())


def test_dead_letters_list_get_stats_retry_resolve_abandon(cli_run: Cli, omni_cli_server: OmniServer) -> None:
    instance = cli_run.ok("instances", "create", "--name", unique("dead"), "--channel", "loopback", "--no-connect")
    before = cli_run.ok("dead-letters", "stats")["total"]
    publish_poison(omni_cli_server, instance["id"], 3)

    def three() -> list[dict[str, Any]] | None:
        found = [r for r in cli_run.ok("dead-letters", "list", "--since", "10m") if instance["id"] in r["subject"]]
        return found if len(found) == 3 else None

    rows = wait_for(three, "3 dead letters")
    assert all(r["consumer"] and r["status"] == "pending" for r in rows)
    stats = cli_run.ok("dead-letters", "stats")
    assert stats["total"] >= before + 3 and stats["byStatus"]["pending"] >= 3
    human_stats = cli_run("dead-letters", "stats", human=True, ok=True)
    assert "pending" in human_stats.out and "dead letters" in human_stats.out

    first, second, third = (r["id"] for r in rows)
    detail = cli_run.ok("dead-letters", "get", first[:8])
    assert detail["id"] == first and "raw" in detail["payload"] and detail["stack"]
    retried = cli_run.ok("dead-letters", "retry", first[:8])
    assert retried["manualRetryCount"] == 1
    resolved = cli_run.ok("dead-letters", "resolve", second, "--note", "handled by hand")
    assert resolved["status"] == "resolved" and resolved["resolutionNote"] == "handled by hand"
    abandoned = cli_run("dead-letters", "abandon", third[:8], human=True, ok=True)
    assert "abandoned" in abandoned.out
    closed = cli_run("dead-letters", "retry", second, ok=False)
    assert closed.json["details"]["code"] == "CONFLICT"
    assert [r["id"] for r in cli_run.ok("dead-letters", "list", "--status", "resolved", "--since", "10m")
            if r["id"] in (first, second, third)] == [second]  # fmt: skip
    table = cli_run("dead-letters", "list", "--since", "10m", human=True, ok=True)
    assert "Consumer" in table.out and second[:8] in table.out
    assert cli_run("dead-letters", "get", str(uuid.uuid4()), ok=False).json["details"]["code"] == "NOT_FOUND"
    assert cli_run("dead-letters", "list", "--status", "lost", ok=False).code == 2
