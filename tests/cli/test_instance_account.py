"""`omni instances check|profile|update-*|block|blocklist|privacy|reject-call|group-*|sync|syncs` against a real
server with a loopback instance (its account and groups live in the plugin store)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli, unique
from tests.cli.test_instances import wait_connected

HISTORY = {"chat-9": [{"id": f"h{i}", "from": "ana", "text": f"past {i}", "at": f"2026-11-20T10:{i:02d}:00Z"}
                      for i in range(30)]}  # fmt: skip


def _instance(cli_run: Cli, **config: object) -> str:
    name = unique("acct")
    cli_run.ok("instances", "create", "--name", name, "--channel", "loopback", "--config", json.dumps(config))
    wait_connected(cli_run, name)
    return name


def test_account_commands(cli_run: Cli, tmp_path: Path) -> None:
    name = _instance(cli_run, contacts=[{"id": "ana", "name": "Ana", "phone": "+5511999990000"}])
    found = cli_run.ok("instances", "check", name, "+55 11 99999-0000", "+15550100")
    assert [(f["exists"], f.get("id")) for f in found] == [(True, "ana"), (False, None)]
    assert cli_run.ok("instances", "update-name", name, "Helpdesk")["name"] == "Helpdesk"
    assert cli_run.ok("instances", "update-bio", name, "Mon-Fri")["status"] == "Mon-Fri"
    picture = tmp_path / "me.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    assert cli_run.ok("instances", "update-picture", name, str(picture))["pictureId"]
    assert cli_run.ok("instances", "profile", name)["pictureUrl"]
    assert cli_run.ok("instances", "remove-picture", name)["pictureId"] is None
    assert cli_run.ok("instances", "profile", name, "--user", "ana")["name"] == "Ana"
    missing = cli_run("instances", "update-picture", name, str(tmp_path / "nope.png"), ok=False)
    assert missing.code == 1 and "no such file" in missing.json["error"]
    cli_run.ok("instances", "block", name, "+15550100")
    cli_run.ok("instances", "block", name, "ana")
    cli_run.ok("instances", "unblock", name, "ana")
    assert cli_run.ok("instances", "blocklist", name) == ["+15550100"]
    assert "+15550100" in cli_run("instances", "blocklist", name, human=True, ok=True).out
    assert cli_run.ok("instances", "privacy", name)["lastSeen"] == "contacts"
    assert cli_run.ok("instances", "reject-call", name, "--call-id", "c9", "--from", "ana")["rejected"] is True


def test_group_commands(cli_run: Cli) -> None:
    name = _instance(cli_run)
    group = cli_run.ok("instances", "group-create", name, "Launch", "-p", "ana", "-p", "+15550100")
    assert group["memberCount"] == 3
    invite = cli_run.ok("instances", "group-invite", name, group["id"])
    fresh = cli_run.ok("instances", "group-revoke-invite", name, group["id"])
    assert fresh["code"] != invite["code"]
    assert cli_run.ok("instances", "group-join", name, fresh["link"])["id"] == group["id"]
    gone = cli_run("instances", "group-join", name, invite["code"], ok=False)
    assert gone.json["details"]["code"] == "NOT_FOUND"
    result = cli_run.ok("instances", "group-participants", name, group["id"], "demote", "ana", "zed")
    assert [r["status"] for r in result] == ["ok", "not a member"]
    bad = cli_run("instances", "group-participants", name, group["id"], "kick", "ana", ok=False)
    assert bad.code == 2


def test_sync_follows_the_job_to_the_end(cli_run: Cli) -> None:
    name = _instance(cli_run, history=HISTORY)
    job = cli_run.ok("instances", "sync", name, "--type", "messages", "--chat", "chat-9", "--depth", "all")
    assert job["status"] == "completed" and job["progress"]["stored"] == 30
    again = cli_run.ok("instances", "sync", name, "--type", "messages", "--chat", "chat-9", "--depth", "all")
    assert again["progress"]["stored"] == 0 and again["progress"]["duplicates"] == 30
    human = cli_run("instances", "sync", name, "--type", "profile", human=True, ok=True).out
    assert "synced" in human
    started = cli_run.ok("instances", "sync", name, "--type", "groups", "--no-wait")
    assert started["status"] in ("pending", "running", "completed")
    jobs = cli_run.ok("instances", "syncs", name)
    assert len(jobs) == 4 and jobs[-1]["id"] == job["id"]
    if started["status"] != "completed":
        cli_run("instances", "sync-cancel", name, started["id"])
    ended = cli_run("instances", "sync-cancel", name, job["id"], ok=False)
    assert ended.json["details"]["code"] == "CONFLICT"
    bad = cli_run("instances", "sync", name, "--depth", "2w", ok=False)
    assert bad.code == 2
