"""Every NATS subject omni uses is built here, and only here."""

from __future__ import annotations

import re

INTERNAL = "omni.internal"


def rate_limit_usage() -> str:
    """Each API worker's request counts per key, shared so that limits hold across workers and nodes."""
    return f"{INTERNAL}.ratelimit.usage"


def keys_changed() -> str:
    """Broadcast when an API key is revoked, updated or deleted: every API worker drops it from its cache."""
    return f"{INTERNAL}.keys.changed"


CUSTOM = "omni.custom"
CUSTOM_PREFIX = "custom."
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


def custom_event(event_type: str, instance_id: object | None = None) -> str:
    """`omni.custom.<type without "custom.">.<instance id or "global">` for a `custom.*` event.

    Every dot-separated token of the type must be letters, digits, `_` or `-`: wildcards (`*`, `>`), spaces and
    empty tokens would make another subject (or a subscription pattern), so they raise ValueError."""
    if not event_type.startswith(CUSTOM_PREFIX):
        raise ValueError(f"a custom event type starts with {CUSTOM_PREFIX!r}")
    tokens = event_type[len(CUSTOM_PREFIX) :].split(".")
    if not all(_TOKEN.match(t) for t in tokens):
        raise ValueError("each part of a custom event type must be letters, digits, '_' or '-'")
    instance = "global" if instance_id is None else str(instance_id)
    if not _TOKEN.match(instance):
        raise ValueError("the instance id must be letters, digits, '_' or '-'")
    return f"{CUSTOM}.{'.'.join(tokens)}.{instance}"
