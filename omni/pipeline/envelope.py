"""The event envelope on the bus (the reference §3): `{id, type, payload, metadata, timestamp}`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson


def make(event_type: str, payload: dict[str, Any], *, instance_id: str | None, channel: str | None,
         source: str, correlation_id: str | None = None, event_id: str | None = None) -> dict[str, Any]:  # fmt: skip
    now = datetime.now(UTC)
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": event_type,
        "payload": payload,
        "metadata": {
            "instanceId": instance_id,
            "channelType": channel,
            "source": source,
            "correlationId": correlation_id,
            "timings": {"published": now.timestamp()},
        },
        "timestamp": int(now.timestamp() * 1000),
    }


def encode(envelope: dict[str, Any]) -> bytes:
    return orjson.dumps(envelope, default=str)


def decode(data: bytes) -> dict[str, Any]:
    value = orjson.loads(data)
    if not isinstance(value, dict) or not isinstance(value.get("type"), str) or not isinstance(value.get("id"), str):
        raise ValueError("not an omni event envelope")
    return value
