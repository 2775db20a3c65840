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


# -- the pipeline: `omni.<domain>.<action>.<channel>.<instance>` ----------------------------------------------------

ROOT = "omni"


def configure(namespace: str) -> None:
    """Put every subject, stream and bucket of this process under `namespace` (default "omni"): several omni
    deployments (or test databases) can share one NATS server without seeing each other's traffic."""
    global ROOT, INTERNAL, CUSTOM
    if not _TOKEN.match(namespace):
        raise ValueError("the bus namespace must be letters, digits, '_' or '-'")
    ROOT, INTERNAL, CUSTOM = namespace, f"{namespace}.internal", f"{namespace}.custom"


def stream_name(domain: str) -> str:
    """`OMNI_MESSAGE` for the default namespace."""
    return f"{ROOT.upper().replace('-', '_')}_{domain}"


def bucket_name(name: str) -> str:
    return f"{ROOT.replace('-', '_')}_{name}"


# what each inbound kind becomes: (event type, action variant)
INBOUND_EVENT = {
    "message": "message.received",
    "edit": "message.edited",
    "delete": "message.deleted",
    "system": "message.system",
}


def inbound_event_type(kind: str, *, removed: bool = False, status: str | None = None, state: str | None = None) -> str:
    """The event type of a normalised inbound event (`message.received`, `reaction.removed`, `message.read` …)."""
    if kind == "reaction":
        return "reaction.removed" if removed else "reaction.received"
    if kind == "receipt":
        return f"message.{status}"
    if kind == "presence":
        return f"presence.{state}"
    return INBOUND_EVENT[kind]


def event(event_type: str, channel: str, instance_id: object) -> str:
    """`omni.message.received.discord.<instance>`: the subject of a core event of one instance."""
    return f"{ROOT}.{event_type}.{_token(channel)}.{_token(str(instance_id))}"


def system_event(name: str) -> str:
    """`omni.system.<name>` (dead letters, replays …)."""
    return f"{ROOT}.system.{name}"


def send_command(channel: str, instance_id: object) -> str:
    """Work for the node that owns the instance: `omni.command.send.<channel>.<instance>`."""
    return f"{ROOT}.command.send.{_token(channel)}.{_token(str(instance_id))}"


def send_commands_of(instance_id: object) -> str:
    """The filter of an instance's send consumer."""
    return f"{ROOT}.command.send.*.{_token(str(instance_id))}"


def send_direct(instance_id: object) -> str:
    """Core NATS request to the node that owns the instance (only its runner listens): send this recorded message now,
    answer its outcome."""
    return f"{INTERNAL}.send.direct.{_token(str(instance_id))}"


def send_result(message_id: object) -> str:
    """Core NATS (not stored): the send's outcome, for the API request waiting on it."""
    return f"{INTERNAL}.send.result.{_token(str(message_id))}"


def send_results() -> str:
    """Every send outcome (each API worker listens once, and wakes the request waiting for that id)."""
    return f"{INTERNAL}.send.result.*"


def instance_control(instance_id: object) -> str:
    """Core NATS: connect / disconnect / restart / logout / pair for the node that owns the instance."""
    return f"{INTERNAL}.instance.control.{_token(str(instance_id))}"


def instance_controls() -> str:
    """What every node listens to (the owner of the instance acts and answers)."""
    return f"{INTERNAL}.instance.control.*"


def _token(value: str) -> str:
    if not _TOKEN.match(value):
        raise ValueError(f"{value!r} can't be a subject token (letters, digits, '_' or '-')")
    return value


def instances_changed() -> str:
    """Core NATS: an instance was created, activated, deactivated or asked to restart; every node rescans now."""
    return f"{INTERNAL}.instances.changed"
