"""`omni keys`: API keys — create (the key is shown once), list, update, revoke, delete, and each key's audit log."""

from __future__ import annotations

from typing import Any

import click

from omni.cli.base import (
    Column,
    Session,
    UsageProblem,
    cols,
    command,
    confirm,
    delete_command,
    model_body,
    model_options,
    moment,
    pop_model_values,
    show_command,
)
from omni.client import models as m

COLUMNS = cols("id:short=ID", "name=Name", "maskedKey=Key", "scopes=Scopes",
               Column("instanceIds", "Instances", lambda v: "all" if v is None else ", ".join(str(i)[:8] for i in v)),
               "status=Status", "rateLimit=Rate/min", "expiresAt=Expires", "lastUsedAt=Last used",
               "usageCount=Uses")  # fmt: skip
AUDIT_COLUMNS = cols("createdAt=When", "method=Method", "path=Path", "status=Status", "durationMs=ms", "ip=IP")
ALIASES = {"instance_ids": ["--instances", "--instance"], "expires_at": ["--expires"]}


@click.group(name="keys")
def keys() -> None:
    """API keys: scopes, instance limits, rate limits, expiry, revocation and audit.

    \b
    Examples:
      omni keys create --name agent --scopes "messages:*,instances:read"
      omni keys create --name wa-only --scopes "messages:*" --instances support,sales --rate-limit 100 --expires 90d
      omni keys list --status active
      omni keys revoke agent --reason "leaked"
      omni keys audit agent --since 1h
    Scopes are namespace:action (read, write, delete, *) or *; a key never grants more than the key creating it.
    """


def _body(s: Session, model: type[Any], values: dict[str, Any]) -> dict[str, Any]:
    body = model_body(s, model, pop_model_values(model, values))
    if "expires_at" in body:
        body["expires_at"] = moment(body["expires_at"], "--expires", future=True)
    return body


@command(keys, "create")
@model_options(m.KeyCreate, aliases=ALIASES, required=("name", "scopes"))
def create_key(s: Session, **values: Any) -> None:
    """Create an API key. The key itself is printed this once: store it now."""
    created = s.client.keys.create(**_body(s, m.KeyCreate, values))
    warning = "store this key now: it is shown once and cannot be read again"
    if s.out.json:
        s.out.emit(created, message=warning)
        return
    console = s.out.console
    limits = f"; instances: {', '.join(str(i)[:8] for i in created.instance_ids)}" if created.instance_ids else ""
    console.print(f"[green]✓[/green] key [bold]{created.name}[/bold] created (scopes: {', '.join(created.scopes)}"
                  f"{limits})")  # fmt: skip
    console.print()
    console.print(f"    [bold reverse] {created.plain_text_key} [/bold reverse]")
    console.print()
    console.print(f"[yellow bold]⚠ {warning}[/yellow bold]")
    console.print(
        f"[dim]use it: omni auth login --api-key {created.plain_text_key[:12]}… (or the x-api-key header)[/dim]"
    )


@command(keys, "list")
@click.option("--status", type=click.Choice(["active", "revoked", "expired"]), help="Only keys in this state.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def list_keys(s: Session, status: str | None, limit: int, cursor: str | None) -> None:
    """List API keys (masked)."""
    s.out.emit(s.client.keys.list(status=status, limit=limit, cursor=cursor), COLUMNS, empty="no keys")


show_command(keys, "key", "keys", "Show a key (masked): scopes, instances, usage.")


@command(keys, "update")
@click.argument("key")
@model_options(m.KeyUpdate, aliases=ALIASES)
def update_key(s: Session, key: str, **values: Any) -> None:
    """Change a key's name, scopes, instances, rate limit or expiry (only the flags given change)."""
    key_id = s.resolve("key", key)
    body = _body(s, m.KeyUpdate, values)
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    updated = s.client.keys.update(key_id, **body)
    s.out.emit(updated, message=f"key {updated.name} updated")


@command(keys, "revoke")
@click.argument("key")
@click.option("--reason", help="Why (kept with the key).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
def revoke_key(s: Session, key: str, reason: str | None, yes: bool) -> None:
    """Revoke a key: refused from now on (it stays listed, with who revoked it and why)."""
    key_id = s.resolve("key", key)
    confirm(s, yes, f"revoke key {key_id}?")
    revoked = s.client.keys.revoke(key_id, reason=reason)
    s.out.emit(revoked, message=f"key {revoked.name} revoked")


delete_command(keys, "key", "key", "keys", "Delete a key (refused from now on, and gone from the list).")


@command(keys, "audit")
@click.argument("key")
@click.option("--since", help="From: 30m, 2h, 7d (ago) or an ISO time.")
@click.option("--until", help="Until: 30m, 2h, 7d (ago) or an ISO time.")
@click.option("--path", help="Only requests whose path starts with this (/api/v2/messages).")
@click.option("--status-code", type=click.IntRange(100, 599), help="Only answers with this HTTP status.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def audit(s: Session, key: str, since: str | None, until: str | None, path: str | None, status_code: int | None,
          limit: int, cursor: str | None) -> None:  # fmt: skip
    """The requests made with a key (newest first)."""
    page = s.client.keys.audit(s.resolve("key", key), since=moment(since, "--since"), until=moment(until, "--until"),
                               path=path, status_code=status_code, limit=limit, cursor=cursor)  # fmt: skip
    s.out.emit(page, AUDIT_COLUMNS, empty="no requests with this key")


def register(cli: click.Group) -> None:
    cli.add_command(keys)
