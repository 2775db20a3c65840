"""`omni instances` against a running server: create with every kind of flag, fuzzy ids, status, QR pairing."""

from __future__ import annotations

import json
import time

import segno

from omni.cli.instances import decode_rendered, render_qr
from tests.cli.conftest import Cli, unique


def test_create_list_get_update_delete_with_names_and_prefixes(cli_run: Cli) -> None:
    name = unique("inst")
    created = cli_run.ok("instances", "create", "--name", name, "--channel", "loopback", "--no-connect",
                         "--agent-reply-filter", '{"mode": "filtered", "conditions": {"onDm": true}}',
                         "--trigger-events", "message.received,reaction.received", "--agent-stream-mode",
                         "--message-debounce-mode", "fixed", "--message-debounce-min-ms", "500")  # fmt: skip
    assert created["name"] == name
    assert created["agentReplyFilter"]["conditions"]["onDm"] is True
    assert created["triggerEvents"] == ["message.received", "reaction.received"]
    assert created["agentStreamMode"] is True and created["messageDebounceMinMs"] == 500
    # by name, by unique prefix, by part of the name
    assert cli_run.ok("instances", "get", name)["id"] == created["id"]
    assert cli_run.ok("instances", "get", created["id"][:8])["id"] == created["id"]
    assert cli_run.ok("instances", "get", name[-6:])["id"] == created["id"]
    updated = cli_run.ok("instances", "update", name, "--no-agent-stream-mode", "--access-mode", "allowlist")
    assert updated["agentStreamMode"] is False and updated["accessMode"] == "allowlist"
    cleared = cli_run.ok(
        "instances", "update", name, "--agent-reply-filter", "null", "--message-debounce-group-ms", "null"
    )
    assert cleared["agentReplyFilter"] is None and cleared["messageDebounceGroupMs"] is None
    listed = cli_run.ok("instances", "list", "--search", name)
    assert [row["id"] for row in listed] == [created["id"]]
    cli_run.ok("instances", "delete", name)
    gone = cli_run("instances", "get", created["id"], ok=False)
    assert gone.json["success"] is False and gone.json["details"]["code"] == "NOT_FOUND"


def test_human_output_is_a_table_and_errors_say_what_to_do(cli_run: Cli) -> None:
    name = unique("human")
    cli_run.ok("instances", "create", "--name", name, "--channel", "loopback", "--no-connect")
    table = cli_run("instances", "list", "--search", name, human=True, ok=True)
    assert name in table.out and "Channel" in table.out and "loopback" in table.out
    missing = cli_run("instances", "get", "no-such-instance-anywhere", human=True, ok=False)
    assert "no instance matches" in missing.err and "omni instances list" in missing.err
    bad = cli_run("instances", "update", name, "--message-debounce-min-ms", "-5", human=True, ok=False)
    assert "messageDebounceMinMs" in bad.err
    nothing = cli_run("instances", "update", name, ok=False)
    assert nothing.json["error"] == "nothing to change"
    typo = cli_run("instances", "create", "--name", "x", "--channel", "loopback", "--agent-reply-filter", "{bad",
                   ok=False)  # fmt: skip
    assert "--agent-reply-filter" in typo.json["details"]["fields"]


def test_ambiguous_names_list_the_candidates(cli_run: Cli) -> None:
    stem = unique("twin")
    for suffix in ("a", "b"):
        cli_run.ok("instances", "create", "--name", f"{stem}-{suffix}", "--channel", "loopback", "--no-connect")
    twins = cli_run("instances", "get", stem, ok=False)
    assert twins.json["details"]["code"] == "AMBIGUOUS"
    assert len(twins.json["details"]["candidates"]) == 2


def test_qr_watch_draws_codes_until_paired(cli_run: Cli) -> None:
    name = unique("qr")
    cli_run.ok("instances", "create", "--name", name, "--channel", "loopback",
               "--config", '{"pairAfterMs": 3000, "qrRotateMs": 1000}')  # fmt: skip
    watched = cli_run("instances", "qr", name, "--watch", "--timeout", "60", ok=True)
    lines = [line for line in watched.out.splitlines() if line.startswith('{"event": "qr"')]
    assert len(lines) >= 2  # the code rotated while waiting
    assert '"state": "connected"' in watched.out
    assert cli_run.ok("instances", "status", name)["state"] == "connected"
    assert cli_run("instances", "qr", name, ok=False).json["details"]["code"] == "NOT_FOUND"


def test_rendered_qr_is_the_payloads_matrix() -> None:
    payload = "2@AbCdEf0123456789,ghIJkl,mnOPqr=="
    text = render_qr(payload)
    expected = [[bool(v) for v in row] for row in segno.make(payload, error="l", boost_error=False).matrix]
    assert decode_rendered(text) == expected


def test_contacts_and_groups_come_from_the_connected_channel(cli_run: Cli) -> None:
    name = unique("dir")
    config = {"contacts": [{"id": "u1", "name": "Ana", "parentId": "g1"}, {"id": "u2", "name": "Bo", "parentId": "g2"},
                           {"id": "u3", "name": "Cy", "parentId": "g1", "isBot": True}],
              "groups": [{"id": "g1", "name": "Guild One", "type": "guild", "memberCount": 2},
                         {"id": "c1", "name": "general", "type": "channel", "parentId": "g1"}]}  # fmt: skip
    cli_run.ok("instances", "create", "--name", name, "--channel", "loopback", "--config", json.dumps(config))
    wait_connected(cli_run, name)
    everyone = cli_run.ok("instances", "contacts", name)
    assert [c["name"] for c in everyone] == ["Ana", "Bo", "Cy"]
    assert [c["id"] for c in cli_run.ok("instances", "contacts", name, "--guild", "g1")] == ["u1", "u3"]
    assert [c["id"] for c in cli_run.ok("instances", "contacts", name, "--search", "bo")] == ["u2"]
    groups = cli_run.ok("instances", "groups", name, "--guild", "g1")
    assert {g["name"]: g["type"] for g in groups} == {"Guild One": "guild", "general": "channel"}
    table = cli_run("instances", "groups", name, human=True, ok=True).out
    assert "Guild One" in table and "Members" in table
    cli_run.ok("instances", "disconnect", name)
    offline = cli_run("instances", "contacts", name, ok=False)
    assert offline.json["details"]["code"] == "NOT_CONNECTED"


def wait_connected(cli_run: Cli, name: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while cli_run.ok("instances", "status", name)["state"] != "connected":
        assert time.monotonic() < deadline, "not connected"
        time.sleep(0.1)


def test_qr_watch_says_why_no_code_comes(cli_run: Cli) -> None:
    name = unique("qrdown")
    cli_run.ok("instances", "create", "--name", name, "--channel", "loopback", "--config",
               '{"connectError": "not_ready"}')  # fmt: skip
    watched = cli_run("instances", "qr", name, "--watch", "--timeout", "5", human=True, ok=False)
    assert "reconnecting" in watched.out and "unreachable" in watched.out, watched.out
    assert "not paired within 5 s" in watched.err
    cli_run.ok("instances", "disconnect", name)
