"""Scopes: `namespace:action`, `namespace:*` or `*`. Every route names the one scope it needs (see routing.py)."""

from __future__ import annotations

from collections.abc import Iterable

NAMESPACES = (
    "messages", "chats", "instances", "persons", "events", "access", "settings", "providers", "automations",
    "webhooks", "keys", "logs", "batch", "metrics", "plugins", "dead-letters",
)  # fmt: skip
ACTIONS = ("read", "write", "send", "delete")


def allows(granted: Iterable[str], needed: str) -> bool:
    namespace = needed.split(":", 1)[0]
    return any(scope in ("*", needed, f"{namespace}:*") for scope in granted)


def valid(scope: str) -> bool:
    if scope == "*":
        return True
    namespace, _, action = scope.partition(":")
    return namespace in NAMESPACES and (action == "*" or action in ACTIONS)


def covers(granted: Iterable[str], wanted: Iterable[str]) -> list[str]:
    """The wanted scopes that `granted` does not include (a key cannot mint more than it has)."""
    granted = list(granted)
    missing = []
    for scope in wanted:
        if scope == "*":
            if "*" not in granted:
                missing.append(scope)
        elif scope.endswith(":*"):
            if not ("*" in granted or scope in granted):
                missing.append(scope)
        elif not allows(granted, scope):
            missing.append(scope)
    return missing
