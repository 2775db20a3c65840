"""`omni providers`, `omni routes`, `omni follow-up` and `omni trigger-logs`: the agent backends, which chat or person
goes to which agent, idle-chat follow-ups, and why the agent did (or did not) answer."""

from __future__ import annotations

from typing import Any

import click

from omni.cli.base import (
    HEX_PREFIX_RE,
    UUID_RE,
    Session,
    UsageProblem,
    cols,
    command,
    confirm,
    fields,
    model_body,
    model_options,
    moment,
    pop_model_values,
    read_json,
    show_command,
)
from omni.client import models as m

PROVIDER_COLUMNS = cols("id:short=ID", "name=Name", "schema=Schema", "baseUrl=Base URL", "schemaConfig.model=Model",
                        "isActive=Active", "lastHealthStatus=Health")  # fmt: skip
DISCOVERED_COLUMNS = cols("id=ID", "name=Name", "description=Description")
ROUTE_COLUMNS = cols("id:short=ID", "scope=Scope", "chatId:short=Chat", "personId:short=Person", "label=Label",
                     "agentProviderId:short=Provider", "agentId=Agent", "priority=Priority",
                     "isActive=Active")  # fmt: skip
METRIC_COLUMNS = cols("instanceId:short=Instance", "triggers=Triggers", "replied=Replied", "failed=Failed",
                      "avgDurationMs=Avg ms", "p95DurationMs=p95 ms", "inputTokens=In tokens",
                      "outputTokens=Out tokens", "byDecision=By decision")  # fmt: skip
LOG_COLUMNS = cols("createdAt=When", "instanceId:short=Instance", "chatId=Chat", "senderId=Sender",
                   "decision=Decision", "reason=Reason", "durationMs=ms", "error=Error")  # fmt: skip
PROVIDER_SKIP = ("schema_", "default_timeout", "default_stream")  # their friendlier flags are below
ROUTE_ALIASES = {"agent_provider_id": ["--provider"], "agent_id": ["--agent"]}


# ---- shared by `setup agent` ---------------------------------------------------------------------------------------


def reply_filter(value: str, flag: str = "--reply-filter") -> dict[str, Any]:
    """A reply filter from a preset or JSON: `all`; `smart` (DMs, mentions and replies); or conditions joined by
    commas: `dm`, `mention`, `reply`, `name=<pattern>` (the agent's name said in a group), e.g. `dm,mention`."""
    text = value.strip()
    if text.startswith("{") or text.startswith("@") or text == "-":
        return read_json(text, flag)
    if text.lower() == "all":
        return {"mode": "all"}
    words = {"dm": "onDm", "dms": "onDm", "mention": "onMention", "mentions": "onMention", "reply": "onReply",
             "replies": "onReply"}  # fmt: skip
    conditions: dict[str, Any] = {}
    patterns: list[str] = []
    for part in text.replace("+", ",").split(","):
        word = part.strip()
        if not word:
            continue
        if word.lower() == "smart":
            conditions.update(onDm=True, onMention=True, onReply=True)
        elif word.lower() in words:
            conditions[words[word.lower()]] = True
        elif word.lower().startswith(("name=", "name:")):
            patterns.append(word[5:])
        else:
            raise UsageProblem(f"{flag}: unknown reply filter {word!r}",
                               hint="all, smart, or dm,mention,reply,name=PATTERN (or the filter as JSON)",
                               field=flag)  # fmt: skip
    if patterns:
        conditions.update(onNameMatch=True, namePatterns=patterns)
    if not conditions:
        raise UsageProblem(f"{flag}: empty reply filter", hint="all, smart, or dm,mention,reply", field=flag)
    return {"mode": "filtered", "conditions": conditions}


# ---- providers -----------------------------------------------------------------------------------------------------


@click.group(name="providers")
def providers() -> None:
    """Agent providers: the backends that answer (OpenAI, Anthropic, Agno, A2A, a webhook, echo).

    \b
    Examples:
      omni providers create --name gpt --schema openai --api-key sk-… --model gpt-4.1-mini
      omni providers create --name os --schema agno --base-url http://localhost:7777
      omni providers test gpt                  # health check: exit 1 when it does not answer
      omni providers agents os                 # what the backend offers (Agno, A2A)
      omni providers delete gpt --force        # also unbinds the instances using it
    The quickest way to an answering agent is `omni setup agent --instance NAME --provider openai`.
    """


def provider_options(creating: bool) -> Any:
    def decorate(fn: Any) -> Any:
        fn = click.option("--system-prompt", "--prompt", "system_prompt",
                          help="Sets schemaConfig.systemPrompt (openai, anthropic).")(fn)  # fmt: skip
        fn = click.option("--model", help="Sets schemaConfig.model (openai, anthropic).")(fn)
        fn = click.option("--stream/--no-stream", "default_stream", default=None,
                          help="Stream answers by default (defaultStream).")(fn)  # fmt: skip
        fn = click.option("--timeout", "default_timeout", type=click.IntRange(1, 3600),
                          help="Seconds for a call and the health check (defaultTimeout).")(fn)  # fmt: skip
        fn = click.option("--schema", "schema", required=creating,
                          help="The provider plugin: openai, anthropic, agno, a2a, webhook, echo, …")(fn)  # fmt: skip
        return fn

    return decorate


def provider_body(s: Session, model: type[Any], values: dict[str, Any]) -> dict[str, Any]:
    extra = {k: values.pop(k) for k in ("schema", "default_stream", "default_timeout", "model", "system_prompt")}
    body = model_body(s, model, pop_model_values(model, values))
    body.update(fields(schema=extra["schema"], default_stream=extra["default_stream"],
                       default_timeout=extra["default_timeout"]))  # fmt: skip
    config = fields(model=extra["model"], systemPrompt=extra["system_prompt"])
    if config:
        body["schema_config"] = {**(body.get("schema_config") or {}), **config}
    return body


@command(providers, "list")
@click.option("--active/--inactive", "active", default=None, help="Only active (or only inactive) providers.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def list_providers(s: Session, active: bool | None, limit: int, cursor: str | None) -> None:
    """List agent providers."""
    page = s.client.providers.list(active=active, limit=limit, cursor=cursor)
    s.out.emit(page, PROVIDER_COLUMNS, empty="no providers yet: `omni providers create --name NAME --schema openai`")


show_command(providers, "provider", "providers", "Show a provider (its API key masked).")


@command(providers, "create")
@model_options(m.ProviderCreate, skip=PROVIDER_SKIP, required=("name",))
@provider_options(creating=True)
def create_provider(s: Session, **values: Any) -> None:
    """Create an agent provider (the API key is stored encrypted). `--schema-config` takes the schema's settings as
    JSON; `--model` and `--system-prompt` set the usual ones."""
    created = s.client.providers.create(**provider_body(s, m.ProviderCreate, values))
    s.out.emit(created, message=f"provider {created.name} created (`omni providers test {created.name}` checks it)")


@command(providers, "update")
@click.argument("provider")
@model_options(m.ProviderUpdate, skip=PROVIDER_SKIP)
@provider_options(creating=False)
def update_provider(s: Session, provider: str, **values: Any) -> None:
    """Change a provider (only the flags given change; `--model`/`--system-prompt` merge into schemaConfig)."""
    provider_id = s.resolve("provider", provider)
    body = provider_body(s, m.ProviderUpdate, values)
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    if "schema_config" in body and not values.get("schema_config"):
        current = s.client.providers.get(provider_id).schema_config or {}
        body["schema_config"] = {**current, **body["schema_config"]}  # --model alone keeps the other settings
    updated = s.client.providers.update(provider_id, **body)
    s.out.emit(updated, message=f"provider {updated.name} updated")


@command(providers, "delete")
@click.argument("provider")
@click.option("--force", is_flag=True, help="Also unbind the instances and routes that use it.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
def delete_provider(s: Session, provider: str, force: bool, yes: bool) -> None:
    """Delete a provider (refused while instances use it, unless --force)."""
    from omni.client.errors import Conflict

    provider_id = s.resolve("provider", provider)
    confirm(s, yes, f"delete provider {provider_id}?")
    try:
        s.client.providers.delete(provider_id, force=force)
    except Conflict as exc:
        users = exc.details.get("instanceIds") or []
        raise UsageProblem(exc.message, hint=f"add --force to unbind {len(users)} instance(s): {', '.join(users)}"
                           if users else "add --force") from None  # fmt: skip
    s.out.emit({"id": provider_id, "deleted": True}, message=f"provider {provider_id} deleted")


@command(providers, "test")
@click.argument("provider")
def test_provider(s: Session, provider: str) -> None:
    """Health check: a cheap authenticated call to the backend. Exit status 1 when it does not answer."""
    provider_id = s.resolve("provider", provider)
    health = s.client.providers.health(provider_id)
    if not health.healthy:
        s.out.fail(f"unhealthy: {health.error}", code=health.code or "UNHEALTHY", details=health.model_dump(
            mode="json", by_alias=True), hint=hint_for_health(health.code))  # fmt: skip
    s.out.emit(health, message=f"healthy ({health.latency_ms:.0f} ms){f': {health.detail}' if health.detail else ''}")


def hint_for_health(code: str | None) -> str:
    return {"AUTH_FAILED": "set a valid key: `omni providers update NAME --api-key …`",
            "UNREACHABLE": "is the backend running at its baseUrl? `omni providers update NAME --base-url …`",
            "TIMEOUT": "the backend is slow or unreachable; a longer `--timeout` may help",
            "INVALID_CONFIG": "fix the setting named above with `omni providers update`",
            "NOT_FOUND": "no such model or agent: check `--model` / the agent id"}.get(
        code or "", "`omni providers get NAME` shows its settings")  # fmt: skip


def _discovery(name: str, doc: str) -> None:
    @command(providers, name)
    @click.argument("provider")
    def discover(s: Session, provider: str) -> None:
        found = getattr(s.client.providers, name)(s.resolve("provider", provider))
        s.out.emit(found, DISCOVERED_COLUMNS, empty=f"no {name}")

    discover.help = doc


_discovery("agents", "The agents the backend offers (Agno: AgentOS agents; A2A: the agent's skills).")
_discovery("teams", "The teams the backend offers (Agno).")
_discovery("workflows", "The workflows the backend offers (Agno).")


# ---- routes --------------------------------------------------------------------------------------------------------


@click.group(name="routes")
def routes() -> None:
    """Agent routes: a chat or a person of an instance handled by another agent or with other settings.

    \b
    Examples:
      omni routes create support --scope chat --chat "VIP group" --provider claude --agent sales
      omni routes create support --scope user --person "Ana" --no-stream --agent-timeout 120
      omni routes list support
      omni routes update support 3f2a --priority 10 --label vip
      omni routes metrics --hours 6
    Every override left out inherits from the instance.
    """


def route_options(fn: Any) -> Any:
    fn = click.option("--reply-filter", "reply_filter_preset",
                      help="all, smart, or dm,mention,reply,name=PATTERN (sets --agent-reply-filter).")(fn)  # fmt: skip
    fn = click.option("--gate/--no-gate", "gate", default=None, help="Same as --[no-]agent-gate-enabled.")(fn)
    fn = click.option("--stream/--no-stream", "stream", default=None, help="Same as --[no-]agent-stream-mode.")(fn)
    return fn


def route_body(s: Session, model: type[Any], values: dict[str, Any]) -> dict[str, Any]:
    stream, gate, preset = values.pop("stream"), values.pop("gate"), values.pop("reply_filter_preset")
    body = model_body(s, model, pop_model_values(model, values))
    body.update(fields(agent_stream_mode=stream, agent_gate_enabled=gate))
    if preset:
        body["agent_reply_filter"] = reply_filter(preset)
    return body


def resolve_route(s: Session, instance_id: str, value: str) -> str:
    """A route of the instance by UUID, unique id prefix or label."""
    from omni.client.errors import Ambiguous, NotFound

    value = value.strip()
    if UUID_RE.match(value):
        return value.lower()
    found = list(s.client.routes.iterate(instance_id, limit=100))
    wanted = value.lower()
    tiers = [[r for r in found if HEX_PREFIX_RE.match(value) and str(r.id).startswith(wanted)],
             [r for r in found if (r.label or "").lower() == wanted],
             [r for r in found if r.label and wanted in r.label.lower()]]  # fmt: skip
    for matches in tiers:
        if len(matches) == 1:
            return str(matches[0].id)
        if len(matches) > 1:
            listed = [f"{r.id}  {r.label or ''}".rstrip() for r in matches[:20]]
            raise Ambiguous(f"{value!r} matches {len(matches)} routes", code="AMBIGUOUS",
                            details={"candidates": listed})  # fmt: skip
    raise NotFound(f"no route of this instance matches {value!r}", code="NOT_FOUND", status=404)


@command(routes, "list")
@click.argument("instance")
@click.option("--scope", type=click.Choice(["chat", "user"]), help="Only chat (or only person) routes.")
@click.option("--active/--inactive", "is_active", default=None)
@click.option("--chat", help="Only this chat's route (UUID, prefix, name or platform id).")
@click.option("--person", help="Only this person's route (UUID, prefix or name).")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def list_routes(s: Session, instance: str, scope: str | None, is_active: bool | None, chat: str | None,
                person: str | None, limit: int, cursor: str | None) -> None:  # fmt: skip
    """List an instance's routes."""
    instance_id = s.resolve("instance", instance)
    page = s.client.routes.list(instance_id, scope=scope, is_active=is_active, limit=limit, cursor=cursor,
                                chat_id=s.resolve("chat", chat, instance_id=instance_id) if chat else None,
                                person_id=s.resolve("person", person) if person else None)  # fmt: skip
    s.out.emit(page, ROUTE_COLUMNS, empty="no routes: the instance's own agent settings apply to every chat")


@command(routes, "get")
@click.argument("instance")
@click.argument("route")
def get_route(s: Session, instance: str, route: str) -> None:
    """Show a route (ROUTE: UUID, id prefix or label)."""
    instance_id = s.resolve("instance", instance)
    s.out.emit(s.client.routes.get(instance_id, resolve_route(s, instance_id, route)))


@command(routes, "create")
@click.argument("instance")
@click.option("--scope", type=click.Choice(["chat", "user"]), required=True,
              help="chat: one chat; user: one person (on every chat of the instance).")  # fmt: skip
@click.option("--chat", help="The chat (scope chat): UUID, prefix, name or platform id.")
@click.option("--person", help="The person (scope user): UUID, prefix or name.")
@model_options(m.RouteFields, aliases=ROUTE_ALIASES)
@route_options
def create_route(s: Session, instance: str, scope: str, chat: str | None, person: str | None, **values: Any) -> None:
    """Route a chat or a person to another agent, or give it other agent settings."""
    instance_id = s.resolve("instance", instance)
    if scope == "chat" and not chat:
        raise UsageProblem("a chat route needs --chat", field="chat")
    if scope == "user" and not person:
        raise UsageProblem("a user route needs --person", field="person")
    if (chat and scope != "chat") or (person and scope != "user"):
        raise UsageProblem(f"a {scope} route takes {'--chat' if scope == 'chat' else '--person'} only",
                           hint="--scope chat --chat … or --scope user --person …")  # fmt: skip
    body = route_body(s, m.RouteFields, values)
    if chat:
        body["chat_id"] = s.resolve("chat", chat, instance_id=instance_id)
    if person:
        body["person_id"] = s.resolve("person", person)
    created = s.client.routes.create(instance_id, scope=scope, **body)
    s.out.emit(created, message=f"route {str(created.id)[:8]} created")


@command(routes, "update")
@click.argument("instance")
@click.argument("route")
@model_options(m.RouteFields, aliases=ROUTE_ALIASES)
@route_options
def update_route(s: Session, instance: str, route: str, **values: Any) -> None:
    """Change a route's overrides (its scope and target stay; only the flags given change)."""
    instance_id = s.resolve("instance", instance)
    route_id = resolve_route(s, instance_id, route)
    body = route_body(s, m.RouteFields, values)
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    s.out.emit(s.client.routes.update(instance_id, route_id, **body), message=f"route {route_id[:8]} updated")


@command(routes, "delete")
@click.argument("instance")
@click.argument("route")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
def delete_route(s: Session, instance: str, route: str, yes: bool) -> None:
    """Delete a route (the chat or person goes back to the instance's settings)."""
    instance_id = s.resolve("instance", instance)
    route_id = resolve_route(s, instance_id, route)
    confirm(s, yes, f"delete route {route_id}?")
    s.client.routes.delete(instance_id, route_id)
    s.out.emit({"id": route_id, "deleted": True}, message=f"route {route_id[:8]} deleted")


@command(routes, "metrics")
@click.option("--instance", help="Only this instance.")
@click.option("--hours", type=click.IntRange(1, 24 * 90), default=24, show_default=True, help="Over the last hours.")
def route_metrics(s: Session, instance: str | None, hours: int) -> None:
    """Agent dispatch per instance: triggers by decision, replies, failures, answer times, tokens."""
    rows = s.client.routes.metrics(instance_id=s.resolve("instance", instance) if instance else None, hours=hours)
    s.out.emit(rows, METRIC_COLUMNS, empty=f"no agent triggers in the last {hours} h")


# ---- follow-ups ----------------------------------------------------------------------------------------------------

SCOPES = {"agents": "agents", "agent": "agents", "providers": "agents", "provider": "agents",
          "instances": "instances", "instance": "instances", "chats": "chats", "chat": "chats"}  # fmt: skip
SCOPE_KIND = {"agents": "provider", "instances": "instance", "chats": "chat"}


@click.group(name="follow-up")
def follow_up() -> None:
    """Idle-chat follow-ups: nudges from the agent when a customer goes quiet after its reply.

    \b
    SCOPE is agents (a provider), instances or chats; the closest applies (chat → instance → agent), and
    `enabled: false` stops there.
    \b
    Examples:
      omni follow-up set instances support '{"enabled": true, "schedule": {"kind": "fixed",
        "intervalsMinutes": [30, 120]}, "maxFollowUps": 2, "promptTemplate": "Nudge after {{minutes}} min"}'
      omni follow-up set agents gpt @follow-up.json
      omni follow-up get chats 3f2a1b             # also shows the config that applies to the chat
      omni follow-up unset chats 3f2a1b
    """


def _scope_target(s: Session, scope: str, target: str) -> tuple[str, str]:
    name = SCOPES.get(scope.lower())
    if name is None:
        raise UsageProblem(f"unknown scope {scope!r}", hint="agents, instances or chats", field="scope")
    return name, s.resolve(SCOPE_KIND[name], target)


@command(follow_up, "get")
@click.argument("scope")
@click.argument("target")
def get_follow_up(s: Session, scope: str, target: str) -> None:
    """The follow-up config set at SCOPE TARGET (and, for a chat, the one in effect)."""
    scope, target_id = _scope_target(s, scope, target)
    found = s.client.follow_ups.get(scope, target_id)
    s.out.emit(found, message=None if found.config else "nothing set at this scope (a broader one applies)")


@command(follow_up, "set")
@click.argument("scope")
@click.argument("target")
@click.argument("config")
def set_follow_up(s: Session, scope: str, target: str, config: str) -> None:
    """Set the follow-up config at SCOPE TARGET: CONFIG is JSON, @file.json or - (stdin)."""
    scope, target_id = _scope_target(s, scope, target)
    body = read_json(config, "config")
    if not isinstance(body, dict):
        example = '{"enabled": true, "schedule": {"kind": "fixed", "intervalsMinutes": [30]}, …}'
        raise UsageProblem("the config must be a JSON object", field="config", hint=example)
    s.out.emit(s.client.follow_ups.set(scope, target_id, body), message=f"follow-ups set on {scope} {target_id[:8]}")


@command(follow_up, "unset")
@click.argument("scope")
@click.argument("target")
def unset_follow_up(s: Session, scope: str, target: str) -> None:
    """Clear the config at SCOPE TARGET (the next broader scope applies again)."""
    scope, target_id = _scope_target(s, scope, target)
    s.client.follow_ups.delete(scope, target_id)
    s.out.emit({"scope": scope, "id": target_id, "config": None},
               message=f"follow-ups cleared on {scope} {target_id[:8]}")  # fmt: skip


# ---- trigger logs --------------------------------------------------------------------------------------------------

DECISIONS = ("replied", "filtered", "rate_limited", "denied", "debounced", "paused", "failed", "reset", "stale",
             "pairing", "follow_up")  # fmt: skip


@click.option("--instance", help="Only this instance (UUID, prefix or name).")
@click.option("--chat", help="Only this chat (the platform's chat id).")
@click.option("--sender", help="Only this sender (the platform's user id).")
@click.option("--decision", type=click.Choice(DECISIONS), help="Only this decision.")
@click.option("--trace", "trace_id", help="Only this trace id.")
@click.option("--since", help="From: 30m, 2h, 7d (ago) or an ISO time.")
@click.option("--until", help="Until: 30m, 2h, 7d (ago) or an ISO time.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def trigger_logs(s: Session, instance: str | None, chat: str | None, sender: str | None, decision: str | None,
                 trace_id: str | None, since: str | None, until: str | None, limit: int,
                 cursor: str | None) -> None:  # fmt: skip
    """What the agent dispatcher decided for each inbound message, and why (newest first).

    \b
    Examples:
      omni trigger-logs --instance support --since 1h
      omni trigger-logs --decision failed --json | jq '.data[].error'
    """
    page = s.client.trigger_logs.list(
        instance_id=s.resolve("instance", instance) if instance else None, chat_id=chat, sender_id=sender,
        decision=decision, trace_id=trace_id, since=moment(since, "--since"), until=moment(until, "--until"),
        limit=limit, cursor=cursor)  # fmt: skip
    s.out.emit(page, LOG_COLUMNS, empty="no agent triggers (is an agent bound? `omni setup agent`)")


def register(cli: click.Group) -> None:
    cli.add_command(providers)
    cli.add_command(routes)
    cli.add_command(follow_up)
    command(cli, "trigger-logs")(trigger_logs)
