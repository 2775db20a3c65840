"""`omni access` (rules, mode, check, pairing) and `omni keys` (the key shown once, scopes, instances, revoke, audit)
against a running server."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from omni.client import AuthError, Client, Forbidden
from omni.testing.server import OmniServer
from tests.cli.conftest import Cli, unique
from tests.cli.test_agents_cli import dm, loopback, wait_for_reply


@pytest.fixture
def client(omni_cli_server: OmniServer) -> Iterator[Client]:
    with Client(omni_cli_server.url, omni_cli_server.api_key) as c:
        yield c


# ---- access --------------------------------------------------------------------------------------------------------


def test_rules_create_get_update_check_delete(cli_run: Cli) -> None:
    instance = cli_run.ok("instances", "create", "--name", unique("acl"), "--channel", "loopback", "--no-connect")
    assert cli_run.ok("access", "mode", instance["name"])["accessMode"] == "blocklist"  # the default
    mode = cli_run("access", "mode", instance["name"], "allowlist", ok=True)
    assert mode.data["accessMode"] == "allowlist" and "allowlist" in mode.json["message"]
    assert cli_run.ok("instances", "get", instance["name"])["accessMode"] == "allowlist"
    allow = cli_run.ok("access", "create", "--type", "allow", "--instance", instance["name"], "--phone", "+5511*",
                       "--priority", "5", "--expires", "7d", "--reason", "Brazil")  # fmt: skip
    assert allow["instanceId"] == instance["id"] and allow["phonePattern"] == "+5511*" and allow["priority"] == 5
    assert allow["expiresAt"] and allow["ruleType"] == "allow"
    spammer = unique("spammer")
    deny = cli_run.ok("access", "create", "--type", "deny", "--instance", instance["id"][:8], "--user", spammer,
                      "--action", "block", "--message", "not here", "--priority", "50")  # fmt: skip
    assert deny["platformUserId"] == spammer and deny["blockMessage"] == "not here" and deny["action"] == "block"
    assert cli_run.ok("access", "get", allow["id"][:8])["id"] == allow["id"]
    listed = cli_run.ok("access", "list", "--instance", instance["name"])
    assert {r["id"] for r in listed} == {allow["id"], deny["id"]}
    assert [r["id"] for r in cli_run.ok("access", "list", "--instance", instance["name"], "--type", "deny")] == [
        deny["id"]]  # fmt: skip
    table = cli_run("access", "list", "--instance", instance["name"], human=True, ok=True)
    assert "+5511*" in table.out and spammer in table.out and "Priority" in table.out
    # the check the dispatcher runs
    yes = cli_run("access", "check", "--instance", instance["name"], "--phone", "+5511999990000", ok=True)
    assert yes.data["allowed"] is True and yes.data["rule"]["id"] == allow["id"]
    no = cli_run.ok("access", "check", "--instance", instance["name"], "--user", spammer)
    assert no["allowed"] is False and no["action"] == "block" and no["rule"]["id"] == deny["id"]
    stranger = cli_run("access", "check", "--instance", instance["name"], "--phone", "+15550000000", human=True,
                       ok=True)  # fmt: skip
    assert "not allowed" in stranger.out
    updated = cli_run.ok("access", "update", allow["id"][:8], "--no-enabled", "--priority", "7")
    assert updated["enabled"] is False and updated["priority"] == 7
    assert (
        cli_run.ok("access", "check", "--instance", instance["name"], "--phone", "+5511999990000")["allowed"] is False
    )
    cli_run.ok("access", "delete", allow["id"])
    assert cli_run("access", "get", allow["id"], ok=False).json["details"]["code"] == "NOT_FOUND"
    cli_run.ok("access", "mode", instance["name"], "disabled")


def test_access_mistakes_say_what_to_do(cli_run: Cli) -> None:
    instance = cli_run.ok("instances", "create", "--name", unique("acl-bad"), "--channel", "loopback", "--no-connect")
    no_match = cli_run("access", "create", "--type", "allow", "--instance", instance["name"], ok=False)
    assert no_match.json["details"]["code"] == "USAGE" and "--phone" in no_match.json["error"]
    assert cli_run("access", "create", "--type", "maybe", "--phone", "+1", ok=False).code == 2
    bad_time = cli_run("access", "create", "--type", "allow", "--phone", "+1", "--expires", "soonish", ok=False)
    assert "--expires" in bad_time.json["details"]["fields"]
    bad_phone = cli_run("access", "create", "--type", "allow", "--instance", instance["name"], "--phone", "abc",
                        human=True, ok=False)  # fmt: skip
    assert "phonePattern" in bad_phone.err
    assert cli_run("access", "mode", instance["name"], "sometimes", ok=False).code == 2
    who = cli_run("access", "check", "--instance", instance["name"], ok=False)
    assert who.json["details"]["code"] == "USAGE"
    gone = cli_run("access", "get", "abcdef12", ok=False)
    assert gone.json["details"]["code"] == "NOT_FOUND"
    nothing = cli_run("access", "approve", instance["name"], "NOCODE", ok=False)
    assert nothing.json["details"]["code"] == "NOT_FOUND"


def test_pairing_pending_approve_deny(cli_run: Cli, client: Client) -> None:
    instance = loopback(cli_run)
    cli_run.ok("setup", "agent", "--instance", instance["name"], "--provider", "echo", "--no-check")
    mode = cli_run.ok("access", "mode", instance["name"], "allowlist", "--pairing")
    assert mode["accessPairing"] is True
    first, second = unique("dave"), unique("erin")
    dm(client, instance["id"], first, "let me in", name="Dave")
    dm(client, instance["id"], second, "me too", name="Erin")
    deadline = time.monotonic() + 20
    while len(waiting := cli_run.ok("access", "pending", instance["name"])) < 2:
        assert time.monotonic() < deadline, f"pairing requests did not appear: {waiting}"
        time.sleep(0.2)
    by_sender = {r["platformUserId"]: r for r in waiting}
    table = cli_run("access", "pending", instance["name"], human=True, ok=True)
    assert by_sender[first]["code"] in table.out and "Code" in table.out
    wait_for_reply(client, instance["id"], first, by_sender[first]["code"])  # the sender got the code
    approved = cli_run("access", "approve", instance["name"], by_sender[first]["code"].lower(), ok=True)
    assert approved.data["status"] == "approved" and approved.data["ruleId"] and "approved" in approved.json["message"]
    denied = cli_run.ok("access", "deny", instance["name"], by_sender[second]["id"], "--reason", "unknown")
    assert denied["status"] == "denied"
    assert cli_run.ok("access", "pending", instance["name"]) == []
    assert {r["id"] for r in cli_run.ok("access", "pending", instance["name"], "--status", "approved")} == {
        by_sender[first]["id"]}  # fmt: skip
    again = cli_run("access", "deny", instance["name"], by_sender[first]["id"], ok=False)
    assert again.json["details"]["code"] == "CONFLICT"
    check = cli_run.ok("access", "check", "--instance", instance["name"], "--user", first)
    assert check["allowed"] is True and check["rule"]["id"] == approved.data["ruleId"]
    dm(client, instance["id"], first, "now answer me")
    wait_for_reply(client, instance["id"], first, "now answer me")


# ---- keys ----------------------------------------------------------------------------------------------------------


def test_keys_create_shows_the_key_once_and_it_works(cli_run: Cli, omni_cli_server: OmniServer) -> None:
    instance = cli_run.ok("instances", "create", "--name", unique("keyed"), "--channel", "loopback", "--no-connect")
    name = unique("key")
    made = cli_run("keys", "create", "--name", name, "--scopes", "instances:read,messages:*", "--instances",
                   instance["name"], "--rate-limit", "100", "--expires", "30d", "--description", "for a bot",
                   ok=True)  # fmt: skip
    key = made.data
    assert key["plainTextKey"].startswith("omni_sk_") and "shown once" in made.json["message"]
    assert key["scopes"] == ["instances:read", "messages:*"] and key["instanceIds"] == [instance["id"]]
    assert key["rateLimit"] == 100 and key["expiresAt"] and key["status"] == "active"
    with Client(omni_cli_server.url, key["plainTextKey"]) as bot:
        assert [str(i.id) for i in bot.instances.list().items] == [instance["id"]]
        with pytest.raises(Forbidden):
            bot.keys.list()
    deadline = time.monotonic() + 10  # usage and audit rows are written in batches
    while (shown := cli_run.ok("keys", "get", name))["usageCount"] < 2:
        assert time.monotonic() < deadline, shown
        time.sleep(0.2)
    assert "plainTextKey" not in shown and shown["maskedKey"].endswith("*") and shown["lastUsedAt"]
    assert cli_run.ok("keys", "get", key["id"][:8])["id"] == key["id"]
    listed = cli_run.ok("keys", "list", "--status", "active", "--limit", "100")
    assert key["id"] in {k["id"] for k in listed}
    audit = cli_run.ok("keys", "audit", name)
    assert any(row["path"].endswith("/instances") and row["status"] == 200 for row in audit)
    assert any(row["status"] == 403 for row in cli_run.ok("keys", "audit", name, "--status-code", "403"))
    assert cli_run.ok("keys", "audit", name, "--since", "1h", "--path", "/api/v2/keys")
    table = cli_run("keys", "audit", name, human=True, ok=True)
    assert "Method" in table.out and "/instances" in table.out
    updated = cli_run.ok("keys", "update", name, "--rate-limit", "5", "--scopes", "instances:read")
    assert updated["rateLimit"] == 5 and updated["scopes"] == ["instances:read"]
    revoked = cli_run("keys", "revoke", name, "--reason", "leaked", ok=True)
    assert revoked.data["status"] == "revoked" and revoked.data["revokeReason"] == "leaked"
    with Client(omni_cli_server.url, key["plainTextKey"], max_retries=0) as bot, pytest.raises(AuthError):
        bot.instances.list()
    assert key["id"] in {k["id"] for k in cli_run.ok("keys", "list", "--status", "revoked", "--limit", "100")}
    cli_run.ok("keys", "delete", key["id"][:8])
    assert cli_run("keys", "get", key["id"], ok=False).json["details"]["code"] == "NOT_FOUND"


def test_keys_human_output_warns_that_the_key_is_shown_once(cli_run: Cli) -> None:
    name = unique("human-key")
    made = cli_run("keys", "create", "--name", name, "--scopes", "events:read", human=True, ok=True)
    key_line = [line.strip() for line in made.out.splitlines() if line.strip().startswith("omni_sk_")]
    assert len(key_line) == 1 and len(key_line[0]) > 20
    assert "shown once" in made.out and name in made.out
    table = cli_run("keys", "list", human=True, ok=True)
    assert name in table.out and key_line[0] not in table.out and "all" in table.out
    details = cli_run("keys", "get", name, human=True, ok=True)
    assert "maskedKey" in details.out and key_line[0] not in details.out


def test_keys_mistakes(cli_run: Cli) -> None:
    bad_scope = cli_run("keys", "create", "--name", unique("k"), "--scopes", "everything", human=True, ok=False)
    assert "unknown scope" in bad_scope.err
    past = cli_run("keys", "create", "--name", unique("k"), "--scopes", "events:read", "--expires", "2001-01-01",
                   ok=False)  # fmt: skip
    assert "expiresAt" in past.json["details"]["fields"]
    assert cli_run("keys", "create", "--name", unique("k"), ok=False).code == 2
    nowhere = cli_run("keys", "create", "--name", unique("k"), "--scopes", "events:read", "--instances",
                      "no-such-instance-anywhere", ok=False)  # fmt: skip
    assert nowhere.json["details"]["code"] == "NOT_FOUND"
    primary = cli_run("keys", "revoke", "primary", ok=False)
    assert primary.json["details"]["code"] in ("CONFLICT", "AMBIGUOUS")
    assert cli_run("keys", "update", unique("nokey"), "--rate-limit", "1", ok=False).json["details"]["code"] == (
        "NOT_FOUND")  # fmt: skip
    name = unique("k")
    cli_run.ok("keys", "create", "--name", name, "--scopes", "events:read")
    assert cli_run("keys", "update", name, ok=False).json["error"] == "nothing to change"
