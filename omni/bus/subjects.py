"""Every NATS subject omni uses is built here, and only here."""

from __future__ import annotations

INTERNAL = "omni.internal"


def keys_changed() -> str:
    """Broadcast when an API key is revoked, updated or deleted: every API worker drops it from its cache."""
    return f"{INTERNAL}.keys.changed"
