"""`omni settings`: the server's typed global settings — list, get, set (with a reason kept in the history), unset,
and each setting's history of changes. (`omni config` is the CLI's own configuration.)"""

from __future__ import annotations

import json
from typing import Any

import click

from omni.cli.base import Session, UsageProblem, cols, command, confirm
from omni.cli.events import collect, cursor_option, limit_option

COLUMNS = cols("key=Key", "value=Value", "valueType=Type", "category=Category", "updatedBy=By", "updatedAt=Updated")
HISTORY_COLUMNS = cols("changedAt=When", "oldValue=Old", "newValue=New", "changedBy=By", "changeReason=Reason")
VALUE_TYPES = ("string", "integer", "boolean", "json", "secret")


@click.group(name="settings")
def settings() -> None:
    """Server settings: list, get, set, unset, history (secrets are shown masked).

    VALUE is read as JSON when it is JSON (42, true, null, {"a": 1}), else as text.

    \b
    Examples:
      omni settings list --category general
      omni settings set media.max_mb 25 --reason "bigger videos"
      omni settings set greeting 'Hello there' --category general
      omni settings set openai.key sk-… --type secret
      omni settings history media.max_mb
    """


def parse_value(raw: str, value_type: str | None) -> Any:
    """VALUE as JSON when it is valid JSON, else the text; `--type string`/`secret` always take the text."""
    if value_type in ("string", "secret"):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        if value_type in ("integer", "boolean", "json"):
            raise UsageProblem(f"{raw!r} is not a {value_type} value",
                               hint='integers as 42, booleans as true/false, json as \'{"a": 1}\'',
                               field="value") from None  # fmt: skip
        return raw


@command(settings, "list")
@click.option("--category", help="Only this category.")
@limit_option(100)
@cursor_option
def list_settings(s: Session, category: str | None, limit: int, cursor: str | None) -> None:
    """List settings."""
    page = collect(s, lambda **kw: s.client.settings.list(category=category, **kw), limit, "settings", cursor)
    s.out.emit(page, COLUMNS, empty="no settings yet: `omni settings set KEY VALUE`")


@command(settings, "get")
@click.argument("key")
def get_setting(s: Session, key: str) -> None:
    """Show a setting."""
    s.out.emit(s.client.settings.get(key))


@command(settings, "set")
@click.argument("key")
@click.argument("value")
@click.option("--type", "value_type", type=click.Choice(VALUE_TYPES),
              help="The value's type (needed the first time unless the value tells it; secret: stored encrypted).")  # fmt: skip
@click.option("--category", help="Group it under this category.")
@click.option("--description", help="What it is for.")
@click.option("--reason", "-r", help="Why (kept in its history).")
def set_setting(s: Session, key: str, value: str, value_type: str | None, category: str | None,
                description: str | None, reason: str | None) -> None:  # fmt: skip
    """Create or change a setting (VALUE: JSON when it is JSON, else text; null clears it)."""
    row = s.client.settings.set(key, parse_value(value, value_type), value_type=value_type, category=category,
                                description=description, reason=reason)  # fmt: skip
    s.out.emit(row, message=f"{row.key} = {json.dumps(row.value)}")


@command(settings, "unset")
@click.argument("key")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
def unset_setting(s: Session, key: str, yes: bool) -> None:
    """Delete a setting and its history (`omni settings delete` does the same)."""
    confirm(s, yes, f"delete the setting {key} and its history?")
    s.client.settings.delete(key)
    s.out.emit({"key": key, "deleted": True}, message=f"setting {key} deleted")


settings.add_command(unset_setting, "delete")


@command(settings, "history")
@click.argument("key")
@limit_option()
@cursor_option
def history(s: Session, key: str, limit: int, cursor: str | None) -> None:
    """A setting's changes, newest first: old and new value, who and why."""
    page = collect(s, lambda **kw: s.client.settings.history(key, **kw), limit, "changes", cursor)
    s.out.emit(page, HISTORY_COLUMNS, empty="no changes")


def register(cli: click.Group) -> None:
    cli.add_command(settings)
