"""`omni setup agent`: from nothing to an instance answering with an agent, in one command."""

from __future__ import annotations

import os
from typing import Any

import click

from omni.cli.base import Session, UsageProblem, command
from omni.cli.providers import hint_for_health
from omni.cli.providers import reply_filter as parse_filter

SCHEMAS = ("openai", "anthropic", "agno", "a2a", "webhook", "echo")
DEFAULT_MODELS = {"openai": "gpt-4.1-mini", "anthropic": "claude-sonnet-4-5"}
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
NEEDS_URL = ("agno", "a2a", "webhook")
PROMPTED = ("openai", "anthropic")  # the schemas with a schemaConfig.systemPrompt


@click.group(name="setup")
def setup() -> None:
    """Guided setup: one command to a working result.

    \b
    Examples:
      omni setup agent --instance support --provider openai --api-key sk-… --prompt "You are Ana's assistant"
      omni setup agent --instance support --provider anthropic --model claude-sonnet-4-5
      omni setup agent --instance support --provider agno --base-url http://localhost:7777 --agent-id sales
      omni setup agent --instance demo --provider echo          # no network: answers with what it is sent
      omni setup agent --instance support --provider my-gpt     # an existing provider, by name
    """


def _masked(value: str) -> str:
    """The API's masking of a secret (to recognise a stored key without reading it)."""
    return "*" * 8 if len(value) <= 12 else f"{value[:4]}{'*' * 8}{value[-4:]}"


def _url(value: str | None) -> str | None:
    return value.rstrip("/") if value else None


def _same(row: Any, schema: str, base_url: str | None, config: dict[str, Any], api_key: str | None) -> bool:
    stored = row.schema_config or {}
    return (row.schema_ == schema and row.is_active and _url(row.base_url) == _url(base_url)
            and stored.get("model") == config.get("model") and stored.get("systemPrompt") == config.get("systemPrompt")
            and (api_key is None or row.api_key == _masked(api_key)))  # fmt: skip


def _provider_for_schema(s: Session, schema: str, *, model: str | None, api_key: str | None, base_url: str | None,
                         prompt: str | None, name: str | None) -> tuple[Any, bool]:  # fmt: skip
    """An active provider of `schema` with these settings (reused), else a new one: (provider, created)."""
    if schema in DEFAULT_MODELS:
        if not model:
            model = DEFAULT_MODELS[schema]
            s.out.note(f"[dim]model: {model} (--model to choose another)[/dim]")
        api_key = api_key or os.environ.get(KEY_VARIABLES[schema])
        if not api_key and (schema == "anthropic" or not base_url):
            raise UsageProblem(f"{schema} needs an API key: give --api-key (or set {KEY_VARIABLES[schema]})",
                               hint="a local OpenAI-compatible server without keys: --base-url http://localhost:…/v1",
                               field="api-key")  # fmt: skip
    elif model:
        raise UsageProblem(f"--model is for openai and anthropic; {schema} providers choose their model themselves",
                           field="model")  # fmt: skip
    if schema in NEEDS_URL and not base_url:
        raise UsageProblem(f"{schema} needs --base-url (the agent server's address)", field="base-url")
    config: dict[str, Any] = {}
    if model:
        config["model"] = model
    if prompt:
        if schema not in PROMPTED:
            raise UsageProblem(f"--prompt is for openai and anthropic; a {schema} agent has its own instructions",
                               field="prompt")  # fmt: skip
        config["systemPrompt"] = prompt
    for row in s.client.providers.iterate(limit=100):
        if (name is None or row.name == name) and _same(row, schema, base_url, config, api_key):
            return row, False
    taken = {row.name for row in s.client.providers.iterate(limit=100)}
    wanted = name or (f"{schema}-{model}" if model else schema)
    if name and name in taken:
        raise UsageProblem(f"a provider named {name!r} exists with other settings",
                           hint=f"use it as it is (--provider {name}), or choose another --name")  # fmt: skip
    final, n = wanted, 2
    while final in taken:
        final, n = f"{wanted}-{n}", n + 1
    fields = {"name": final, "schema": schema, "base_url": base_url, "api_key": api_key,
              "schema_config": config or None}  # fmt: skip
    from omni.client.errors import ValidationFailed

    try:
        return s.client.providers.create(**{k: v for k, v in fields.items() if v is not None}), True
    except ValidationFailed as exc:
        problem = exc.fields.get("schema")
        if not problem:
            raise
        raise UsageProblem(f"{schema!r} is neither a provider schema nor an existing provider",
                           hint=f"{'; '.join(problem)}; `omni providers list` shows the providers",
                           field="provider") from None  # fmt: skip


def _pick_agent(s: Session, provider: Any, agent_type: str) -> str | None:
    """Agno runs a named agent: the only one the AgentOS has, else the user must choose."""
    from omni.client import OmniError

    try:
        found = getattr(s.client.providers, f"{agent_type}s")(provider.id)
    except OmniError as exc:
        raise UsageProblem(f"cannot list the {agent_type}s of {provider.name}: {exc.message}",
                           hint="give --agent-id, or check the server at its --base-url") from None  # fmt: skip
    ids = [item.id for item in found if item.id]
    if len(ids) == 1:
        s.out.note(f"[dim]{agent_type}: {ids[0]} (the only one)[/dim]")
        return ids[0]
    if not ids:
        raise UsageProblem(f"{provider.name} offers no {agent_type}s", hint="give --agent-id", field="agent-id")
    raise UsageProblem(f"{provider.name} offers {len(ids)} {agent_type}s: which one? give --agent-id",
                       hint=", ".join(ids[:20]), field="agent-id")  # fmt: skip


@command(setup, "agent")
@click.option("--instance", help="The instance that should answer (UUID, prefix or name; default: the configured one).")
@click.option("--provider", required=True,
              help="A schema (openai, anthropic, agno, a2a, webhook, echo) or an existing provider.")  # fmt: skip
@click.option("--model", help="openai / anthropic: the model (default gpt-4.1-mini / claude-sonnet-4-5).")
@click.option("--api-key", help="The backend's key (openai / anthropic: else OPENAI_API_KEY / ANTHROPIC_API_KEY).")
@click.option("--base-url", help="The backend's address (agno, a2a, webhook; an OpenAI-compatible server).")
@click.option("--agent-id", "--agent", "agent_id", help="The agent to run (agno: default the only one it has).")
@click.option("--agent-type", type=click.Choice(["agent", "team", "workflow"]), default="agent", show_default=True,
              help="agno: an agent, a team or a workflow.")  # fmt: skip
@click.option("--prompt", "--system-prompt", "prompt", help="openai / anthropic: the system prompt.")
@click.option(
    "--reply-filter",
    default="smart",
    show_default=True,
    help="When to answer: smart (DMs, mentions, replies), all, or dm,mention,reply,name=PATTERN, or JSON.",
)
@click.option("--stream/--no-stream", default=None, help="Edit the answer in place as it grows (channels that can).")
@click.option("--name", help="The new provider's name (default: <schema>-<model>).")
@click.option("--check/--no-check", default=True, show_default=True, help="Run the provider's health check.")
def agent(s: Session, instance: str | None, provider: str, model: str | None, api_key: str | None,
          base_url: str | None, agent_id: str | None, agent_type: str, prompt: str | None, reply_filter: str,
          stream: bool | None, name: str | None, check: bool) -> None:  # fmt: skip
    """Make an instance answer with an agent: reuse or create the provider, bind it, set when to answer, check it."""
    from omni.client.errors import NotFound

    reply = parse_filter(reply_filter)
    instance_id = s.instance(instance)
    row = None
    if provider not in SCHEMAS:
        try:
            row = s.client.providers.get(s.resolve("provider", provider))
        except NotFound:
            row = None  # not a provider's name: a plugin's schema
        if row is not None and (model or api_key or base_url or prompt):
            raise UsageProblem(f"{row.name} is an existing provider: --model, --api-key, --base-url and --prompt "
                               "only apply to a new one",
                               hint=f"change it with `omni providers update {row.name}`")  # fmt: skip
    created = False
    if row is None:
        row, created = _provider_for_schema(s, provider, model=model, api_key=api_key, base_url=base_url,
                                            prompt=prompt, name=name)  # fmt: skip
    s.out.note(f"[green]✓[/green] provider {row.name} ({row.schema_}) {'created' if created else 'reused'}")
    if agent_id is None and row.schema_ == "agno":
        agent_id = _pick_agent(s, row, agent_type)
    binding = {"agent_provider_id": str(row.id), "agent_reply_filter": reply, "agent_id": agent_id,
               "agent_type": agent_type if row.schema_ == "agno" else None, "agent_stream_mode": stream}  # fmt: skip
    bound = s.client.instances.update(instance_id, **{k: v for k, v in binding.items() if v is not None})
    s.out.note(f"[green]✓[/green] {bound.name} answers with it ({_describe(reply)})")
    health = None
    if check:
        health = s.client.providers.health(row.id)
        if health.healthy:
            s.out.note(f"[green]✓[/green] health check passed ({health.latency_ms:.0f} ms)")
        else:
            s.out.note(f"[yellow]⚠ the provider does not answer yet:[/yellow] {health.error}")
            s.out.note(f"[dim]→ {hint_for_health(health.code).replace('NAME', row.name)}; then "
                       f"`omni providers test {row.name}`[/dim]")  # fmt: skip
    state = s.client.instances.status(instance_id).state
    if state != "connected":
        s.out.note(f"[yellow]⚠ {bound.name} is {state}:[/yellow] connect it (`omni instances connect {bound.name}`)")
    if bound.channel == "loopback":
        attempt = f'omni instances simulate {bound.name} --from tester --text "hello" --outbox 30'
    else:
        attempt = f"send {bound.owner_identifier or 'the account'} a direct message from another account"
    data = {"instance": {"id": str(bound.id), "name": bound.name, "channel": bound.channel, "state": state},
            "provider": {"id": str(row.id), "name": row.name, "schema": row.schema_,
                         "model": (row.schema_config or {}).get("model"), "created": created},
            "agentId": bound.agent_id, "replyFilter": reply,
            "health": None if health is None else health.model_dump(mode="json", by_alias=True),
            "tryIt": attempt, "whyNot": f"omni trigger-logs --instance {bound.name}"}  # fmt: skip
    if s.out.json:
        s.out.emit(data, message=f"{bound.name} answers with {row.name}. Try it: {attempt}")
        return
    model_name = data["provider"]["model"]
    checked = "not checked" if health is None else (
        f"healthy ({health.latency_ms:.0f} ms)" if health.healthy else f"unhealthy: {health.error}")  # fmt: skip
    s.out.emit({"instance": f"{bound.name} ({bound.channel}, {state})",
                "provider": f"{row.name} ({row.schema_}{f', {model_name}' if model_name else ''}; "
                            f"{'created' if created else 'reused'})",
                "agent": bound.agent_id, "answers": _describe(reply), "health": checked, "try it": attempt,
                "why not": data["whyNot"]}, message=f"{bound.name} answers with {row.name}")  # fmt: skip


def _describe(reply: dict[str, Any]) -> str:
    if reply.get("mode") == "all":
        return "every message"
    names = {"onDm": "DMs", "onMention": "mentions", "onReply": "replies", "onNameMatch": "its name"}
    on = [label for key, label in names.items() if (reply.get("conditions") or {}).get(key)]
    return "on " + ", ".join(on)


def register(cli: click.Group) -> None:
    cli.add_command(setup)
