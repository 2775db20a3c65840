"""`omni providers`, `routes`, `follow-up`, `trigger-logs` and `setup agent` against a running server: an agent that
answers on a loopback instance after one command (echo, and openai against a fake OpenAI)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from omni.client import Client
from omni.testing.server import OmniServer
from tests.cli.conftest import Cli, unique
from tests.fakes.openai_server import KEY as OPENAI_KEY
from tests.fakes.openai_server import FakeOpenAI

CLOSED = "http://127.0.0.1:1"  # nothing listens there
FOLLOW_UP = {"enabled": True, "schedule": {"kind": "fixed", "intervalsMinutes": [30, 120]}, "maxFollowUps": 2,
             "promptTemplate": "Customer idle {{minutes}} min"}  # fmt: skip


@pytest.fixture
def client(omni_cli_server: OmniServer) -> Iterator[Client]:
    with Client(omni_cli_server.url, omni_cli_server.api_key) as c:
        yield c


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    """The fake OpenAI served from its own event loop in a thread (the CLI tests are synchronous)."""
    loop = asyncio.new_event_loop()
    fake = FakeOpenAI(slow_seconds=1.0)
    ready, stop = threading.Event(), None

    async def serve() -> None:
        nonlocal stop
        stop = asyncio.Event()
        async with fake:
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(20), "the fake OpenAI did not start"
    try:
        yield fake
    finally:
        loop.call_soon_threadsafe(stop.set)  # type: ignore[union-attr]
        thread.join(10)


def loopback(cli_run: Cli, **flags: str) -> dict[str, Any]:
    """A connected loopback instance."""
    extra = [item for key, value in flags.items() for item in (f"--{key.replace('_', '-')}", value)]
    created = cli_run.ok("instances", "create", "--name", unique("agent"), "--channel", "loopback", *extra)
    deadline = time.monotonic() + 10
    while cli_run.ok("instances", "status", created["id"])["state"] != "connected":
        assert time.monotonic() < deadline, "the loopback instance did not connect"
        time.sleep(0.1)
    return created


def dm(client: Client, instance_id: str, sender: str, text: str, name: str | None = None) -> None:
    message = {"chatId": sender, "from": sender, "text": text, **({"fromName": name} if name else {})}
    client.instances.loopback_inbound(instance_id, [message])


def wait_for_reply(client: Client, instance_id: str, to: str, contains: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in client.instances.loopback_outbox(instance_id, to=to)["items"]:
            if contains in (item["content"].get("text") or ""):
                return item
        time.sleep(0.2)
    logs = client.trigger_logs.list(instance_id=instance_id).items
    raise AssertionError(f"no reply containing {contains!r} within {timeout} s; trigger logs: "
                         f"{[(log.decision, log.reason, log.error) for log in logs]}")  # fmt: skip


# ---- providers -----------------------------------------------------------------------------------------------------


def test_providers_create_get_update_test_delete(cli_run: Cli) -> None:
    name = unique("echo")
    created = cli_run.ok("providers", "create", "--name", name, "--schema", "echo", "--schema-config",
                         '{"prefix": "> "}', "--timeout", "7", "--no-stream", "--tags", "demo,cli",
                         "--description", "for tests")  # fmt: skip
    assert created["schema"] == "echo" and created["schemaConfig"] == {"prefix": "> "}
    assert created["defaultTimeout"] == 7 and created["defaultStream"] is False and created["tags"] == ["demo", "cli"]
    assert cli_run.ok("providers", "get", name)["id"] == created["id"]
    assert cli_run.ok("providers", "get", created["id"][:8])["id"] == created["id"]
    table = cli_run("providers", "list", human=True, ok=True)
    assert name in table.out and "Schema" in table.out
    updated = cli_run.ok("providers", "update", name, "--description", "changed", "--stream")
    assert updated["description"] == "changed" and updated["defaultStream"] is True
    assert updated["schemaConfig"] == {"prefix": "> "}
    healthy = cli_run("providers", "test", name, ok=True)
    assert healthy.data["healthy"] is True and "healthy" in healthy.json["message"]
    human = cli_run("providers", "test", name, human=True, ok=True)
    assert "healthy" in human.out
    # echo has no discovery; a setting the schema does not know is refused with its field
    nothing = cli_run("providers", "agents", name, ok=False)
    assert nothing.json["details"]["code"] == "CAPABILITY_NOT_SUPPORTED"
    bad = cli_run("providers", "update", name, "--model", "x", ok=False)
    assert "schemaConfig.model" in bad.json["details"]["fields"]
    cli_run.ok("providers", "delete", name)
    assert cli_run("providers", "get", created["id"], ok=False).json["details"]["code"] == "NOT_FOUND"


def test_provider_errors_are_clear(cli_run: Cli) -> None:
    unknown = cli_run("providers", "create", "--name", unique("p"), "--schema", "nosuch", human=True, ok=False)
    assert "unknown provider schema" in unknown.err and "echo" in unknown.err
    missing = cli_run("providers", "create", "--name", unique("p"), ok=False)
    assert missing.code == 2 and "--schema" in missing.json["error"]
    needs_url = cli_run("providers", "create", "--name", unique("p"), "--schema", "agno", ok=False)
    assert "baseUrl" in needs_url.json["details"]["fields"]
    typo = cli_run("providers", "create", "--name", unique("p"), "--schema", "echo", "--schema-config", "{x", ok=False)
    assert typo.json["details"]["code"] == "USAGE" and "--schema-config" in typo.json["details"]["fields"]
    gone = cli_run("providers", "get", "no-such-provider-anywhere", human=True, ok=False)
    assert "no provider matches" in gone.err and "omni providers list" in gone.err


def test_unhealthy_provider_test_exits_1_with_the_reason(cli_run: Cli) -> None:
    name = unique("down")
    cli_run.ok("providers", "create", "--name", name, "--schema", "openai", "--base-url", f"{CLOSED}/v1",
               "--api-key", "sk-nothing-there", "--model", "m", "--timeout", "5")  # fmt: skip
    down = cli_run("providers", "test", name, ok=False)
    assert down.code == 1 and down.json["success"] is False
    assert down.json["details"]["code"] == "UNREACHABLE" and down.json["details"]["healthy"] is False
    human = cli_run("providers", "test", name, human=True, ok=False)
    assert "unhealthy" in human.err and "baseUrl" in human.err
    assert cli_run.ok("providers", "get", name)["lastHealthStatus"] == "unhealthy"


def test_delete_a_bound_provider_needs_force(cli_run: Cli) -> None:
    name = unique("bound")
    provider = cli_run.ok("providers", "create", "--name", name, "--schema", "echo")
    instance = cli_run.ok("instances", "create", "--name", unique("user"), "--channel", "loopback", "--no-connect",
                          "--agent-provider", name)  # fmt: skip
    assert instance["agentProviderId"] == provider["id"]
    refused = cli_run("providers", "delete", name, ok=False)
    assert "--force" in refused.json["details"]["hint"] and instance["id"] in refused.json["details"]["hint"]
    cli_run.ok("providers", "delete", name, "--force")
    assert cli_run.ok("instances", "get", instance["id"])["agentProviderId"] is None


# ---- routes --------------------------------------------------------------------------------------------------------


def test_routes_for_a_chat_and_a_person(cli_run: Cli, client: Client) -> None:
    instance = loopback(cli_run)
    provider = cli_run.ok("providers", "create", "--name", unique("route-p"), "--schema", "echo")
    chat = client.chats.create(instance_id=instance["id"], external_id=unique("vip"), chat_type="group",
                               name=unique("VIP group"))  # fmt: skip
    route = cli_run.ok("routes", "create", instance["name"], "--scope", "chat", "--chat", chat.name, "--provider",
                       provider["name"], "--agent", "sales", "--no-stream", "--label", "vip", "--reply-filter",
                       "mention,name=ana", "--agent-timeout", "120")  # fmt: skip
    assert route["chatId"] == str(chat.id) and route["agentProviderId"] == provider["id"]
    assert route["agentId"] == "sales" and route["agentStreamMode"] is False and route["agentTimeout"] == 120
    assert route["agentReplyFilter"]["conditions"]["onMention"] is True
    assert route["agentReplyFilter"]["conditions"]["namePatterns"] == ["ana"]
    assert cli_run.ok("routes", "get", instance["name"], "vip")["id"] == route["id"]
    assert cli_run.ok("routes", "get", instance["id"][:8], route["id"][:6])["id"] == route["id"]
    updated = cli_run.ok("routes", "update", instance["name"], "vip", "--priority", "10", "--gate")
    assert updated["priority"] == 10 and updated["agentGateEnabled"] is True
    # a person route: the person comes from an inbound message
    person_name = unique("Ana")
    dm(client, instance["id"], unique("ana"), "hello", name=person_name)
    deadline = time.monotonic() + 15
    while not [p for p in client.persons.iterate(limit=100) if p.display_name == person_name]:
        assert time.monotonic() < deadline, "the sender did not become a person"
        time.sleep(0.2)
    person_route = cli_run.ok("routes", "create", instance["name"], "--scope", "user", "--person", person_name,
                              "--agent-session-strategy", "per_user")  # fmt: skip
    assert person_route["scope"] == "user" and person_route["agentSessionStrategy"] == "per_user"
    listed = cli_run.ok("routes", "list", instance["name"])
    assert {r["id"] for r in listed} == {route["id"], person_route["id"]}
    assert [r["id"] for r in cli_run.ok("routes", "list", instance["name"], "--scope", "user")] == [person_route["id"]]
    table = cli_run("routes", "list", instance["name"], human=True, ok=True)
    assert "vip" in table.out and "Scope" in table.out
    # mistakes
    wrong = cli_run("routes", "create", instance["name"], "--scope", "chat", "--person", person_name, ok=False)
    assert wrong.json["details"]["code"] == "USAGE"
    twice = cli_run("routes", "create", instance["name"], "--scope", "chat", "--chat", str(chat.id), ok=False)
    assert twice.json["details"]["code"] == "CONFLICT"
    bad = cli_run("routes", "create", instance["name"], "--scope", "group", "--chat", "x", ok=False)
    assert bad.code == 2
    nothing = cli_run("routes", "update", instance["name"], "vip", ok=False)
    assert nothing.json["error"] == "nothing to change"
    cli_run.ok("routes", "delete", instance["name"], "vip")
    assert cli_run("routes", "get", instance["name"], route["id"], ok=False).json["details"]["code"] == "NOT_FOUND"
    assert cli_run("routes", "get", instance["name"], "vip", ok=False).json["details"]["code"] == "NOT_FOUND"


# ---- follow-ups ----------------------------------------------------------------------------------------------------


def test_follow_up_set_get_unset_from_literal_file_and_stdin(cli_run: Cli, tmp_path: Any) -> None:
    import json

    instance = cli_run.ok("instances", "create", "--name", unique("fu"), "--channel", "loopback", "--no-connect")
    assert cli_run.ok("follow-up", "get", "instances", instance["name"])["config"] is None
    done = cli_run.ok("follow-up", "set", "instances", instance["name"], json.dumps(FOLLOW_UP))
    assert done["config"]["schedule"]["intervalsMinutes"] == [30, 120] and done["id"] == instance["id"]
    path = tmp_path / "follow-up.json"
    path.write_text(json.dumps({**FOLLOW_UP, "maxFollowUps": 3}))
    assert cli_run.ok("follow-up", "set", "instance", instance["id"][:8], f"@{path}")["config"]["maxFollowUps"] == 3
    provider = cli_run.ok("providers", "create", "--name", unique("fu-p"), "--schema", "echo")
    from_stdin = cli_run.ok("follow-up", "set", "agents", provider["name"], "-", input=json.dumps(FOLLOW_UP))
    assert from_stdin["scope"] == "agents" and from_stdin["config"]["enabled"] is True
    assert cli_run.ok("follow-up", "get", "instances", instance["name"])["config"]["maxFollowUps"] == 3
    human = cli_run("follow-up", "get", "instances", instance["name"], human=True, ok=True)
    assert "intervalsMinutes" in human.out
    cli_run.ok("follow-up", "unset", "instances", instance["name"])
    assert cli_run.ok("follow-up", "get", "instances", instance["name"])["config"] is None
    # mistakes
    assert cli_run("follow-up", "get", "planets", "x", ok=False).json["details"]["code"] == "USAGE"
    broken = cli_run("follow-up", "set", "instances", instance["name"], "{nope", ok=False)
    assert "config" in broken.json["details"]["fields"]
    invalid = cli_run("follow-up", "set", "instances", instance["name"], '{"enabled": true}', ok=False)
    assert invalid.json["details"]["code"] == "VALIDATION_ERROR"


# ---- setup agent ---------------------------------------------------------------------------------------------------


def test_setup_agent_echo_answers_on_loopback(cli_run: Cli, client: Client) -> None:
    instance = loopback(cli_run)
    done = cli_run("setup", "agent", "--instance", instance["name"], "--provider", "echo", ok=True)
    setup = done.data
    assert setup["instance"]["id"] == instance["id"] and setup["provider"]["schema"] == "echo"
    assert setup["replyFilter"] == {"mode": "filtered", "conditions": {"onDm": True, "onMention": True,
                                                                        "onReply": True}}  # fmt: skip
    assert setup["health"]["healthy"] is True and "simulate" in setup["tryIt"]
    bound = cli_run.ok("instances", "get", instance["name"])
    assert bound["agentProviderId"] == setup["provider"]["id"] and bound["agentReplyFilter"]["mode"] == "filtered"
    sender = unique("bob")
    dm(client, instance["id"], sender, "ping from the cli test")
    reply = wait_for_reply(client, instance["id"], sender, "ping from the cli test")
    assert reply["to"] == sender
    # the same setup again reuses the provider
    again = cli_run.ok("setup", "agent", "--instance", instance["id"][:8], "--provider", "echo", "--no-check")
    assert again["provider"]["id"] == setup["provider"]["id"] and again["provider"]["created"] is False
    # the trigger logs say it replied
    deadline = time.monotonic() + 10
    while not (logs := cli_run.ok("trigger-logs", "--instance", instance["name"], "--decision", "replied")):
        assert time.monotonic() < deadline, "no replied trigger log"
        time.sleep(0.2)
    assert logs[0]["senderId"] == sender and logs[0]["providerId"] == setup["provider"]["id"]
    assert cli_run.ok("trigger-logs", "--instance", instance["name"], "--since", "1h", "--sender", sender)
    assert not cli_run.ok("trigger-logs", "--instance", instance["name"], "--until", "1h")
    table = cli_run("trigger-logs", "--instance", instance["name"], human=True, ok=True)
    assert "replied" in table.out and "Decision" in table.out
    metrics = cli_run.ok("routes", "metrics", "--instance", instance["name"])
    assert metrics[0]["instanceId"] == instance["id"] and metrics[0]["replied"] >= 1
    human = cli_run("setup", "agent", "--instance", instance["name"], "--provider", "echo", "--reply-filter", "all",
                    human=True, ok=True)  # fmt: skip
    assert "reused" in human.err and "every message" in human.err and "try it" in human.out and "simulate" in human.out


def test_setup_agent_openai_against_a_fake(cli_run: Cli, client: Client, fake_openai: FakeOpenAI) -> None:
    instance = loopback(cli_run)
    model = unique("fake-model")  # any model name answers; a fresh one makes a fresh provider
    setup = cli_run.ok("setup", "agent", "--instance", instance["name"], "--provider", "openai", "--base-url",
                       f"{fake_openai.url}/v1", "--api-key", OPENAI_KEY, "--model", model, "--prompt", "be brief",
                       "--reply-filter", "dm")  # fmt: skip
    assert setup["provider"]["name"] == f"openai-{model}" and setup["provider"]["created"] is True
    assert setup["health"]["healthy"] is True
    provider = cli_run.ok("providers", "get", setup["provider"]["id"])
    assert provider["schemaConfig"] == {"model": model, "systemPrompt": "be brief"}
    assert provider["apiKey"] != OPENAI_KEY and provider["hasApiKey"] is True
    sender = unique("carol")
    dm(client, instance["id"], sender, "how are you")
    reply = wait_for_reply(client, instance["id"], sender, "echo:")
    assert "how are you" in reply["content"]["text"]
    sent = [s.json for s in fake_openai.seen if s.path == "/v1/chat/completions"]
    assert any(body["model"] == model and body["messages"][0] == {"role": "system", "content": "be brief"}
               for body in sent)  # fmt: skip
    # another instance with the same settings shares the provider; a different key does not
    other = cli_run.ok("instances", "create", "--name", unique("agent2"), "--channel", "loopback", "--no-connect")
    shared = cli_run.ok("setup", "agent", "--instance", other["name"], "--provider", "openai", "--base-url",
                        f"{fake_openai.url}/v1/", "--api-key", OPENAI_KEY, "--model", model, "--prompt",
                        "be brief")  # fmt: skip
    assert shared["provider"]["id"] == setup["provider"]["id"] and shared["provider"]["created"] is False
    wrong = cli_run("setup", "agent", "--instance", other["name"], "--provider", "openai", "--base-url",
                    f"{fake_openai.url}/v1", "--api-key", "sk-wrong-key-123", "--model", model, "--prompt", "be brief",
                    human=True, ok=True)  # fmt: skip
    assert "does not answer" in wrong.err  # a warning: the binding is done
    second = cli_run.ok("instances", "get", other["name"])["agentProviderId"]
    assert second != setup["provider"]["id"]
    assert cli_run.ok("providers", "get", second)["name"] == f"openai-{model}-2"
    assert cli_run("providers", "test", second, ok=False).json["details"]["code"] == "AUTH_FAILED"


def test_setup_agent_mistakes(cli_run: Cli) -> None:
    instance = cli_run.ok("instances", "create", "--name", unique("oops"), "--channel", "loopback", "--no-connect")
    no_key = cli_run("setup", "agent", "--instance", instance["name"], "--provider", "anthropic",
                     env={"ANTHROPIC_API_KEY": ""}, ok=False)  # fmt: skip
    assert "ANTHROPIC_API_KEY" in no_key.json["error"]
    no_url = cli_run("setup", "agent", "--instance", instance["name"], "--provider", "agno", ok=False)
    assert "--base-url" in no_url.json["error"]
    nowhere = cli_run("setup", "agent", "--instance", "no-such-instance-anywhere", "--provider", "echo", ok=False)
    assert nowhere.json["details"]["code"] == "NOT_FOUND"
    odd = cli_run("setup", "agent", "--instance", instance["name"], "--provider", "echo", "--reply-filter", "sometimes",
                  ok=False)  # fmt: skip
    assert "reply filter" in odd.json["error"]
    unknown = cli_run("setup", "agent", "--instance", instance["name"], "--provider", "nosuch-schema", ok=False)
    assert "neither a provider schema" in unknown.json["error"] and "echo" in unknown.json["details"]["hint"]
    existing = cli_run.ok("providers", "create", "--name", unique("mine"), "--schema", "echo")
    mixed = cli_run("setup", "agent", "--instance", instance["name"], "--provider", existing["name"], "--model", "x",
                    ok=False)  # fmt: skip
    assert "existing provider" in mixed.json["error"]
    by_name = cli_run.ok("setup", "agent", "--instance", instance["name"], "--provider", existing["name"],
                         "--no-check")  # fmt: skip
    assert by_name["provider"]["id"] == existing["id"] and by_name["instance"]["state"] != "connected"
