"""`omni automations`, `omni webhooks` and `omni settings` against a running server."""

from __future__ import annotations

import uuid

from tests.cli.conftest import Cli, unique

LOG = '{"message": "got {{payload.content.text}}"}'


# ---- automations ---------------------------------------------------------------------------------------------------


def test_automation_create_get_update_enable_disable_logs_delete(cli_run: Cli) -> None:
    name = unique("auto")
    created = cli_run.ok("automations", "create", "--name", name, "--trigger", "message.received",
                         "--condition", "payload.content.text contains hello there",
                         "--condition", '{"field": "payload.chat.type", "operator": "eq", "value": "dm"}',
                         "--condition", "metadata.instanceId exists", "--condition", "payload.count >= 3",
                         "--condition-logic", "or", "--action", "log", "--action-config", LOG,
                         "--action", "emit_event", "--action-config", '{"eventType": "custom.greeted"}',
                         "--priority", "7", "--debounce", '{"mode": "fixed", "delayMs": 500}', "--disabled")  # fmt: skip
    assert created["name"] == name and created["triggerEventType"] == "message.received"
    assert created["triggerConditions"] == [
        {"field": "payload.content.text", "operator": "contains", "value": "hello there"},
        {"field": "payload.chat.type", "operator": "eq", "value": "dm"},
        {"field": "metadata.instanceId", "operator": "exists", "value": None},
        {"field": "payload.count", "operator": "gte", "value": 3},
    ]
    assert created["conditionLogic"] == "or" and created["priority"] == 7 and created["enabled"] is False
    assert [a["type"] for a in created["actions"]] == ["log", "emit_event"]
    assert created["debounce"]["delayMs"] == 500
    # by name, prefix and part of the name
    assert cli_run.ok("automations", "get", name)["id"] == created["id"]
    assert cli_run.ok("automations", "get", created["id"][:8])["id"] == created["id"]
    assert cli_run.ok("automations", "get", name[-8:])["id"] == created["id"]

    assert created["id"] in [a["id"] for a in cli_run.ok("automations", "list", "--disabled", "--limit", "100")]
    assert created["id"] not in [a["id"] for a in cli_run.ok("automations", "list", "--enabled", "--limit", "100")]
    table = cli_run("automations", "list", "--trigger", "message.received", "--limit", "100", human=True, ok=True)
    assert name in table.out and "log, emit_event" in table.out

    enabled = cli_run("automations", "enable", name, human=True, ok=True)
    assert f"automation {name} enabled" in enabled.out
    assert cli_run.ok("automations", "get", name)["enabled"] is True
    assert cli_run.ok("automations", "disable", name)["enabled"] is False

    updated = cli_run.ok("automations", "update", name, "--clear-conditions", "--action", "log", "--action-config",
                         '{"level": "warn", "message": "x"}', "--description", "changed", "--enabled")  # fmt: skip
    assert not updated["triggerConditions"] and updated["description"] == "changed" and updated["enabled"]
    assert updated["actions"] == [{"type": "log", "config": {"level": "warn", "message": "x"}}]
    assert updated["triggerEventType"] == "message.received"  # untouched
    renamed = cli_run.ok(
        "automations", "update", created["id"][:8], "--name", f"{name}-2", "--trigger", "custom.order.paid"
    )
    assert renamed["name"] == f"{name}-2" and renamed["triggerEventType"] == "custom.order.paid"

    assert cli_run.ok("automations", "logs", f"{name}-2") == []
    assert "no runs yet" in cli_run("automations", "logs", f"{name}-2", "--status", "failed", human=True).out
    cli_run.ok("automations", "delete", f"{name}-2")
    gone = cli_run("automations", "get", created["id"], human=True, ok=False)
    assert "omni automations list" in gone.err


def test_automation_call_agent_shortcuts_and_actions_json(cli_run: Cli) -> None:
    provider = str(uuid.uuid4())
    name = unique("agent")
    created = cli_run.ok("automations", "create", "--name", name, "--trigger", "message.received",
                         "--action", "call_agent", "--provider-id", provider, "--agent-id", "support",
                         "--response-as", "answer", "--action", "log", "--action-config",
                         '{"message": "{{answer}}"}')  # fmt: skip
    call, log = created["actions"]
    assert call["type"] == "call_agent" and call["config"]["providerId"] == provider
    assert call["config"]["agentId"] == "support" and call["config"]["responseAs"] == "answer"
    assert log == {"type": "log", "config": {"level": "info", "message": "{{answer}}"}}
    actions = '[{"type": "log", "config": {"message": "only this"}}]'
    replaced = cli_run.ok("automations", "update", name, "--actions", actions)
    assert replaced["actions"] == [{"type": "log", "config": {"level": "info", "message": "only this"}}]


def test_automation_errors_say_what_to_do(cli_run: Cli) -> None:
    def fails(*args: str) -> dict:
        return cli_run("automations", "create", "--name", unique("bad"), *args, ok=False).json

    no_action = fails("--trigger", "message.received")
    assert (
        no_action["error"] == "an automation needs at least one action" and "--action" in no_action["details"]["hint"]
    )
    bad_op = fails("--trigger", "message.received", "--condition", "payload.x resembles y", "--action", "log",
                   "--action-config", LOG)  # fmt: skip
    assert "unknown operator 'resembles'" in bad_op["error"] and "contains" in bad_op["details"]["hint"]
    no_value = fails("--trigger", "message.received", "--condition", "payload.x eq", "--action", "log",
                     "--action-config", LOG)  # fmt: skip
    assert no_value["error"] == "--condition: eq needs a value"
    counts = fails("--trigger", "message.received", "--action", "log", "--action-config", LOG, "--action-config", LOG)
    assert counts["error"] == "2 --action-config for 1 --action"
    no_config = fails("--trigger", "message.received", "--action", "webhook")
    assert "needs its --action-config" in no_config["error"] and "url" in no_config["details"]["hint"]
    both = fails("--trigger", "x.y", "--actions", "[]", "--action", "log", "--action-config", LOG)
    assert both["details"]["code"] == "USAGE"
    api = fails("--trigger", "message.received", "--action", "webhook", "--action-config", '{"url": "ftp://x"}')
    assert api["details"]["code"] == "VALIDATION_ERROR" and api["details"]["fields"]
    human = cli_run("automations", "create", "--name", unique("bad"), "--trigger", "not a type", "--action", "log",
                    "--action-config", LOG, human=True, ok=False)  # fmt: skip
    assert "triggerEventType" in human.err and "--help" in human.err
    missing_flag = cli_run("automations", "create", "--trigger", "message.received", ok=False)
    assert missing_flag.code == 2 and "--name" in missing_flag.out + missing_flag.err
    assert cli_run("automations", "update", str(uuid.uuid4()), "--enabled", ok=False).json["details"]["code"] == (
        "NOT_FOUND")  # fmt: skip


# ---- webhooks ------------------------------------------------------------------------------------------------------


def test_webhooks_create_list_get_update_delete_and_trigger(cli_run: Cli) -> None:
    name = unique("hook")
    created = cli_run.ok("webhooks", "create", "--name", name, "--description", "GitHub", "--headers",
                         '{"X-GitHub-Event": true, "X-Token": "abc"}', "--secret", "s3cr3t-value")  # fmt: skip
    assert created["name"] == name and created["hasSecret"] is True and created["secret"] != "s3cr3t-value"
    assert created["expectedHeaders"] == {"X-GitHub-Event": True, "X-Token": "abc"} and created["enabled"] is True
    assert cli_run.ok("webhooks", "get", name)["id"] == created["id"]
    assert cli_run.ok("webhooks", "get", created["id"][:8])["id"] == created["id"]
    table = cli_run("webhooks", "list", "--limit", "100", human=True, ok=True)
    assert name in table.out and "Received" in table.out
    updated = cli_run.ok("webhooks", "update", name, "--disabled", "--description", "off for now")
    assert updated["enabled"] is False and updated["description"] == "off for now"
    assert created["id"] in [w["id"] for w in cli_run.ok("webhooks", "list", "--disabled", "--limit", "100")]
    taken = cli_run("webhooks", "create", "--name", name, ok=False)
    assert taken.json["details"]["code"] == "CONFLICT"
    bad = cli_run("webhooks", "create", "--name", "Not Valid", human=True, ok=False)
    assert "name" in bad.err
    assert cli_run("webhooks", "update", name, ok=False).json["error"] == "nothing to change"
    deleted = cli_run("webhooks", "delete", name, human=True, ok=True)
    assert "deleted" in deleted.out
    assert cli_run("webhooks", "get", created["id"], ok=False).json["details"]["code"] == "NOT_FOUND"

    correlation = unique("hook-corr")
    event = cli_run.ok("webhooks", "trigger", "--type", "custom.deploy.done", "--payload", '{"version": "1.2"}',
                       "--correlation-id", correlation)  # fmt: skip
    assert event["eventType"] == "custom.deploy.done" and event["instanceId"] is None
    assert [e["id"] for e in cli_run.ok("events", "list", "--correlation-id", correlation)] == [event["id"]]


# ---- settings ------------------------------------------------------------------------------------------------------


def test_settings_set_get_list_history_unset(cli_run: Cli) -> None:
    stem, category = unique("cli").lower(), unique("cat").lower()
    number = cli_run.ok("settings", "set", f"{stem}.max", "25", "--category", category, "--reason", "first")
    assert number["value"] == 25 and number["valueType"] == "integer" and number["category"] == category
    text = cli_run.ok("settings", "set", f"{stem}.greeting", "Hello there", "--category", category)
    assert text["value"] == "Hello there" and text["valueType"] == "string"
    as_text = cli_run.ok("settings", "set", f"{stem}.code", "007", "--type", "string")
    assert as_text["value"] == "007"
    doc = cli_run.ok("settings", "set", f"{stem}.doc", '{"a": [1, 2]}')
    assert doc["value"] == {"a": [1, 2]} and doc["valueType"] == "json"
    flag = cli_run.ok("settings", "set", f"{stem}.on", "true")
    assert flag["value"] is True and flag["valueType"] == "boolean"
    secret = cli_run.ok("settings", "set", f"{stem}.key", "sk-very-secret-1234", "--type", "secret")
    assert secret["isSecret"] is True and secret["value"] != "sk-very-secret-1234"

    assert cli_run.ok("settings", "get", f"{stem}.max")["value"] == 25
    changed = cli_run("settings", "set", f"{stem}.max", "30", "--reason", "bigger", human=True, ok=True)
    assert f"{stem}.max = 30" in changed.out
    cleared = cli_run.ok("settings", "set", f"{stem}.max", "null", "--reason", "cleared")
    assert cleared["value"] is None and cleared["valueType"] == "integer"
    history = cli_run.ok("settings", "history", f"{stem}.max")
    assert [(h["oldValue"], h["newValue"], h["changeReason"]) for h in history] == [
        (30, None, "cleared"), (25, 30, "bigger"), (None, 25, "first")]  # fmt: skip
    table = cli_run("settings", "history", f"{stem}.max", human=True, ok=True)
    assert "bigger" in table.out and "Reason" in table.out

    listed = cli_run.ok("settings", "list", "--category", category)
    assert sorted(s["key"] for s in listed) == [f"{stem}.greeting", f"{stem}.max"]
    table = cli_run("settings", "list", "--category", category, human=True, ok=True)
    assert "Hello there" in table.out and "Category" in table.out

    wrong = cli_run("settings", "set", f"{stem}.max", '"many"', ok=False)
    assert wrong.json["details"]["code"] == "VALIDATION_ERROR"
    not_int = cli_run("settings", "set", f"{stem}.other", "abc", "--type", "integer", ok=False)
    assert not_int.json["details"]["code"] == "USAGE" and "not a integer" in not_int.json["error"]
    bad_key = cli_run("settings", "get", "Bad Key!", ok=False)
    assert bad_key.json["details"]["code"] == "VALIDATION_ERROR"

    cli_run.ok("settings", "unset", f"{stem}.max")
    cli_run.ok("settings", "delete", f"{stem}.greeting")
    missing = cli_run("settings", "get", f"{stem}.max", human=True, ok=False)
    assert f"no setting {stem}.max" in missing.err and "omni settings list" in missing.err
    assert cli_run.ok("settings", "list", "--category", category) == []
