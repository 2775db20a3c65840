"""`omni automations`: "when event X matches conditions Y, run actions Z" — create, change, switch on and off, and
the log of their runs; `omni webhooks`: the inbound webhook sources (and `trigger`, a custom event)."""

from __future__ import annotations

import json
from typing import Any

import click

from omni.cli.base import (
    Column,
    Session,
    UsageProblem,
    cols,
    command,
    delete_command,
    model_body,
    model_options,
    pop_model_values,
    read_json,
    show_command,
)
from omni.cli.events import collect, cursor_option, limit_option, trigger_event, trigger_options
from omni.client import models as m

COLUMNS = cols("id:short=ID", "name=Name", "triggerEventType=Trigger", "enabled=Enabled", "priority=Priority",
               Column("actions", "Actions", lambda v: ", ".join(str(a.get("type")) for a in v or []) or "-"),
               "updatedAt=Updated")  # fmt: skip
LOG_COLUMNS = cols("createdAt=When", "status=Status", "eventId:short=Event", "conditionsMatched=Matched",
                   "executionTimeMs=ms", "error=Error")  # fmt: skip
SOURCE_COLUMNS = cols("id:short=ID", "name=Name", "enabled=Enabled", "hasSecret=Secret", "totalReceived=Received",
                      "lastReceivedAt=Last received", "description=Description")  # fmt: skip
ACTION_TYPES = ("webhook", "send_message", "emit_event", "log", "call_agent")
OPERATORS = ("eq", "neq", "gt", "lt", "gte", "lte", "contains", "not_contains", "exists", "not_exists", "regex")
SYMBOLS = {"=": "eq", "==": "eq", "!=": "neq", ">": "gt", "<": "lt", ">=": "gte", "<=": "lte", "~": "regex",
           "=~": "regex"}  # fmt: skip
# Flags this module makes itself (the rest of AutomationCreate/Update come from `model_options`).
OWN = ("trigger_event_type", "trigger_conditions", "actions", "enabled")


@click.group(name="automations")
def automations() -> None:
    """Automations: when an event matches conditions, run actions (webhook, send_message, emit_event, log,
    call_agent).

    \b
    Examples:
      omni automations create --name greet --trigger message.received \\
        --condition 'payload.content.text contains hello' \\
        --action log --action-config '{"message": "greeted {{payload.content.text}}"}'
      omni automations create --name ask --trigger message.received --action call_agent \\
        --provider-id my-openai --agent-id support --response-as answer --action log \\
        --action-config '{"message": "{{answer}}"}'
      omni automations list --enabled
      omni automations disable greet
      omni automations logs greet --status failed
    """


def parse_condition(text: str) -> dict[str, Any]:
    """`--condition`: a JSON object `{field, operator, value}`, or `FIELD OP [VALUE]` (the value read as JSON when
    it is JSON, else as text; OP a name such as contains, or = != > < >= <= ~)."""
    text = text.strip()
    if text.startswith("{"):
        value = read_json(text, "--condition")
        if not isinstance(value, dict):
            raise UsageProblem("--condition JSON must be an object {field, operator, value}", field="--condition")
        return value
    parts = text.split(None, 2)
    if len(parts) < 2:
        raise UsageProblem(f"--condition {text!r}: give FIELD OPERATOR [VALUE]",
                           hint="e.g. --condition 'payload.content.text contains hello' or a JSON object",
                           field="--condition")  # fmt: skip
    field, op = parts[0], parts[1]
    operator = SYMBOLS.get(op, op.lower())
    if operator not in OPERATORS:
        raise UsageProblem(f"--condition: unknown operator {op!r}",
                           hint=f"one of {', '.join(OPERATORS)} (or = != > < >= <= ~)", field="--condition")  # fmt: skip
    condition: dict[str, Any] = {"field": field, "operator": operator}
    if len(parts) == 3:
        raw = parts[2]
        try:
            condition["value"] = json.loads(raw)
        except ValueError:
            condition["value"] = raw
        if operator in ("contains", "not_contains", "regex") and not isinstance(condition["value"], str):
            condition["value"] = raw  # text operators compare text: `contains 42` means the text "42"
    elif operator not in ("exists", "not_exists"):
        raise UsageProblem(f"--condition: {operator} needs a value", hint=f"e.g. '{field} {op} VALUE'",
                           field="--condition")  # fmt: skip
    return condition


def build_actions(s: Session, action: tuple[str, ...], action_config: tuple[str, ...], actions: str | None,
                  agent: dict[str, Any]) -> list[dict[str, Any]] | None:  # fmt: skip
    """The actions from `--actions JSON`, or from `--action TYPE` each with the `--action-config` in the same
    position (call_agent takes `--provider-id/--agent-id/--response-as` too)."""
    if actions is not None:
        if action or action_config:
            raise UsageProblem("give --actions, or --action with --action-config, not both", field="--actions")
        value = read_json(actions, "--actions")
        value = [value] if isinstance(value, dict) else value
        if not isinstance(value, list):
            raise UsageProblem("--actions must be a JSON list of {type, config}", field="--actions")
        return value
    if not action:
        if action_config:
            raise UsageProblem("--action-config without --action", hint="e.g. --action log --action-config JSON",
                               field="--action")  # fmt: skip
        if any(v is not None for v in agent.values()):
            raise UsageProblem("--provider-id/--agent-id/--response-as go with --action call_agent", field="--action")
        return None
    shortcuts = any(v is not None for v in agent.values())
    needing = [kind for kind in action if kind != "call_agent" or not shortcuts]  # call_agent may have no config
    if action_config and len(action_config) not in (len(needing), len(action)):
        raise UsageProblem(f"{len(action_config)} --action-config for {len(action)} --action",
                           hint="one --action-config per --action, in the same order (call_agent may take "
                                "--provider-id/--agent-id instead)", field="--action-config")  # fmt: skip
    configs = list(action_config)
    built = []
    for kind in action:
        wanted = len(action_config) == len(action) or kind != "call_agent" or not shortcuts
        config = read_json(configs.pop(0), "--action-config") if wanted and configs else {}
        if not isinstance(config, dict):
            raise UsageProblem("--action-config must be a JSON object", field="--action-config")
        if kind == "call_agent":
            for key, value in agent.items():
                if value is not None:
                    config.setdefault(key, value)
            if "providerId" in config and isinstance(config["providerId"], str):
                config["providerId"] = s.resolve("provider", config["providerId"])
        elif not config:
            raise UsageProblem(f"--action {kind} needs its --action-config",
                               hint=ACTION_HINTS.get(kind), field="--action-config")  # fmt: skip
        built.append({"type": kind, "config": config})
    if not any(a["type"] == "call_agent" for a in built) and any(v is not None for v in agent.values()):
        raise UsageProblem("--provider-id/--agent-id/--response-as go with --action call_agent", field="--action")
    return built


ACTION_HINTS = {
    "webhook": '\'{"url": "https://example.com/hook", "method": "POST", "bodyTemplate": "{{payload}}"}\'',
    "send_message": '\'{"instanceId": "{{instanceId}}", "to": "{{chatId}}", "contentTemplate": "hi"}\'',
    "emit_event": '\'{"eventType": "custom.seen", "payloadTemplate": {"text": "{{payload.content.text}}"}}\'',
    "log": '\'{"level": "info", "message": "got {{payload.content.text}}"}\'',
}


def automation_options(required: bool) -> Any:
    def decorate(fn: Any) -> Any:
        model = m.AutomationCreate if required else m.AutomationUpdate
        for option in reversed([
            click.option("--trigger", "--trigger-event-type", "trigger", required=required,
                         help="The event type that starts it (message.received, custom.*, …)."),
            click.option("--condition", "-c", "conditions", multiple=True,
                         help="FIELD OP [VALUE] or a JSON object (repeat; all must hold unless --condition-logic or)."),
            *([] if required else [click.option("--clear-conditions", is_flag=True, help="Remove every condition.")]),
            click.option("--action", "-a", "action", multiple=True, type=click.Choice(ACTION_TYPES),
                         help="An action to run (repeat, in order; each with its --action-config)."),
            click.option("--action-config", "action_config", multiple=True, metavar="JSON",
                         help="The config of the --action in the same position (JSON, @file or -)."),
            click.option("--actions", "actions_json", metavar="JSON",
                         help="Every action at once: [{type, config}, …] (JSON, @file or -)."),
            click.option("--provider-id", "--provider", "provider_id",
                         help="call_agent: the provider (UUID, prefix or name)."),
            click.option("--agent-id", "--agent", "agent_id", help="call_agent: the agent's id at the provider."),
            click.option("--response-as", help="call_agent: keep the reply as this variable for later actions."),
            click.option("--enabled/--disabled", "enabled", default=None,
                         help="Switched on (the default when created) or off."),
        ]):  # fmt: skip
            fn = option(fn)
        return model_options(model, skip=OWN, required=("name",) if required else ())(fn)

    return decorate


def automation_body(s: Session, model: type[Any], values: dict[str, Any]) -> dict[str, Any]:
    agent = {"providerId": values.pop("provider_id"), "agentId": values.pop("agent_id"),
             "responseAs": values.pop("response_as")}  # fmt: skip
    actions = build_actions(s, values.pop("action"), values.pop("action_config"), values.pop("actions_json"), agent)
    conditions = [parse_condition(c) for c in values.pop("conditions")]
    clear = values.pop("clear_conditions", False)
    if clear and conditions:
        raise UsageProblem("--clear-conditions and --condition together", field="--clear-conditions")
    trigger, enabled = values.pop("trigger"), values.pop("enabled")
    body = model_body(s, model, pop_model_values(model, values))
    if trigger is not None:
        body["trigger_event_type"] = trigger
    if conditions or clear:
        body["trigger_conditions"] = conditions  # [] clears them (None would not be sent)
    if actions is not None:
        body["actions"] = actions
    if enabled is not None:
        body["enabled"] = enabled
    return body


@command(automations, "list")
@click.option("--enabled/--disabled", "enabled", default=None, help="Only switched on (or off) ones.")
@click.option("--trigger", help="Only those started by this event type.")
@limit_option()
@cursor_option
def list_automations(s: Session, enabled: bool | None, trigger: str | None, limit: int, cursor: str | None) -> None:
    """List automations."""
    page = collect(s, lambda **kw: s.client.automations.list(enabled=enabled, trigger_event_type=trigger, **kw),
                   limit, "automations", cursor)  # fmt: skip
    s.out.emit(page, COLUMNS, empty="no automations yet: `omni automations create --help`")


show_command(automations, "automation", "automations", "Show an automation: trigger, conditions, actions, debounce.")


@command(automations, "create")
@automation_options(required=True)
def create_automation(s: Session, **values: Any) -> None:
    """Create an automation (--trigger, at least one --action; conditions optional)."""
    body = automation_body(s, m.AutomationCreate, values)
    if "actions" not in body:
        raise UsageProblem("an automation needs at least one action",
                           hint="--action log --action-config '{\"message\": \"{{payload.content.text}}\"}'",
                           field="--action")  # fmt: skip
    created = s.client.automations.create(**body)
    s.out.emit(created, message=f"automation {created.name} created ({'enabled' if created.enabled else 'disabled'})")


@command(automations, "update")
@click.argument("automation")
@automation_options(required=False)
def update_automation(s: Session, automation: str, **values: Any) -> None:
    """Change an automation (only the flags given change; --action/--actions replace every action, --condition every
    condition)."""
    body = automation_body(s, m.AutomationUpdate, values)
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    updated = s.client.automations.update(s.resolve("automation", automation), **body)
    s.out.emit(updated, message=f"automation {updated.name} updated")


delete_command(automations, "automation", "automation", "automations", "Delete an automation (and its logs).")


def _switch(name: str, doc: str) -> None:
    @command(automations, name)
    @click.argument("automation")
    def switch(s: Session, automation: str) -> None:
        row = getattr(s.client.automations, name)(s.resolve("automation", automation))
        s.out.emit(row, message=f"automation {row.name} {name}d")

    switch.help = doc


_switch("enable", "Switch an automation on.")
_switch("disable", "Switch an automation off (it stays, with its logs).")


@command(automations, "logs")
@click.argument("automation")
@click.option("--status", type=click.Choice(["success", "failed", "skipped"]))
@limit_option()
@cursor_option
def logs(s: Session, automation: str, status: str | None, limit: int, cursor: str | None) -> None:
    """An automation's runs, newest first."""
    automation_id = s.resolve("automation", automation)
    page = collect(s, lambda **kw: s.client.automations.logs(automation_id, status=status, **kw), limit, "runs",
                   cursor)  # fmt: skip
    s.out.emit(page, LOG_COLUMNS, empty="no runs yet")


# ---- webhook sources -----------------------------------------------------------------------------------------------


@click.group(name="webhooks")
def webhooks() -> None:
    """Inbound webhook sources (name, expected headers, signing secret), and custom events (`trigger`).

    \b
    Examples:
      omni webhooks create --name github --description "GitHub" --headers '{"X-GitHub-Event": true}' --secret S
      omni webhooks list
      omni webhooks update github --disabled
      omni webhooks trigger --type custom.deploy.done --payload '{"version": "1.2"}'
    """


SOURCE_ALIASES = {"expected_headers": ["--headers"]}


@command(webhooks, "list")
@click.option("--enabled/--disabled", "enabled", default=None, help="Only switched on (or off) ones.")
@limit_option()
@cursor_option
def list_sources(s: Session, enabled: bool | None, limit: int, cursor: str | None) -> None:
    """List webhook sources."""
    page = collect(s, lambda **kw: s.client.webhook_sources.list(enabled=enabled, **kw), limit, "sources", cursor)
    s.out.emit(page, SOURCE_COLUMNS, empty="no webhook sources yet: `omni webhooks create --name NAME`")


show_command(webhooks, "webhook", "webhook_sources", "Show a webhook source (its secret masked).")


@command(webhooks, "create")
@model_options(m.SourceCreate, skip=("enabled",), aliases=SOURCE_ALIASES, required=("name",))
@click.option("--enabled/--disabled", "enabled", default=None, help="Switched on (the default) or off.")
def create_source(s: Session, enabled: bool | None, **values: Any) -> None:
    """Create a webhook source (--headers: header name → true (present) or an exact value)."""
    body = model_body(s, m.SourceCreate, pop_model_values(m.SourceCreate, values))
    if enabled is not None:
        body["enabled"] = enabled
    created = s.client.webhook_sources.create(**body)
    s.out.emit(created, message=f"webhook source {created.name} created")


@command(webhooks, "update")
@click.argument("source")
@model_options(m.SourceUpdate, skip=("enabled",), aliases=SOURCE_ALIASES)
@click.option("--enabled/--disabled", "enabled", default=None, help="Switch it on or off.")
def update_source(s: Session, source: str, enabled: bool | None, **values: Any) -> None:
    """Change a webhook source (only the flags given change)."""
    body = model_body(s, m.SourceUpdate, pop_model_values(m.SourceUpdate, values))
    if enabled is not None:
        body["enabled"] = enabled
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    updated = s.client.webhook_sources.update(s.resolve("webhook", source), **body)
    s.out.emit(updated, message=f"webhook source {updated.name} updated")


delete_command(webhooks, "webhook", "webhook source", "webhook_sources", "Delete a webhook source.")


@command(webhooks, "trigger")
@trigger_options
def trigger(s: Session, **values: Any) -> None:
    """Publish a custom event (the same as `omni events trigger`)."""
    trigger_event(s, **values)


def register(cli: click.Group) -> None:
    cli.add_command(automations)
    cli.add_command(webhooks)
