"""Small async helpers over the HTTP API, for tests of a running omni. Each takes an `httpx.AsyncClient` whose base URL
is the server and which sends an API key (`OmniServer.async_client()` makes one)."""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

__all__ = [
    "connect_and_wait",
    "create_instance",
    "find_message",
    "inject_inbound",
    "list_messages",
    "status",
    "wait_until",
]

API = "/api/v2"


async def wait_until(check: Callable[[], Any], timeout: float = 15.0, *, interval: float = 0.1,
                     what: str = "condition") -> Any:  # fmt: skip
    """Call `check()` (sync or async) until it returns something truthy, and return that. Raises `AssertionError`
    (naming `what` and the last value) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if inspect.isawaitable(last):
            last = await last
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not reached in {timeout}s (last: {last!r})")
        await asyncio.sleep(interval)


def _data(response: httpx.Response, expected: int, what: str) -> Any:
    if response.status_code != expected:
        raise AssertionError(f"{what}: expected {expected}, got {response.status_code}: {response.text}")
    return response.json()


async def create_instance(client: httpx.AsyncClient, channel: str, **fields: Any) -> str:
    """`POST /instances` with `channel` and `fields` (camelCase API names: `config`, `secrets`, tokens …; `name`
    defaults to a unique one). Returns the instance id; it is not connected yet."""
    body = {"name": f"{channel}-{uuid.uuid4().hex[:8]}", "channel": channel, **fields}
    data = _data(await client.post(f"{API}/instances", json=body), 201, f"creating a {channel} instance")
    return str(data["data"]["id"])


async def status(client: httpx.AsyncClient, instance_id: str) -> dict[str, Any]:
    """`GET /instances/:id/status` → `{state, since, message, error, details, …}`."""
    return _data(await client.get(f"{API}/instances/{instance_id}/status"), 200, "instance status")["data"]


async def connect_and_wait(client: httpx.AsyncClient, instance_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """`POST /instances/:id/connect`, then wait until the state is `connected` and return the status. Fails at once
    when the instance lands in `needs_auth` or `error` instead (with its message and traceback)."""
    _data(await client.post(f"{API}/instances/{instance_id}/connect"), 200, "connecting")

    async def connected() -> dict[str, Any] | None:
        current = await status(client, instance_id)
        if current["state"] in ("needs_auth", "error"):
            raise AssertionError(f"instance {instance_id} is {current['state']}: {current.get('message')}\n"
                                 f"{current.get('error') or ''}")  # fmt: skip
        return current if current["state"] == "connected" else None

    return await wait_until(connected, timeout, what=f"instance {instance_id} connected")


async def inject_inbound(client: httpx.AsyncClient, instance_id: str,
                         messages: dict[str, Any] | list[dict[str, Any]]) -> list[str]:  # fmt: skip
    """Inject inbound traffic into a *loopback* instance (`POST /instances/:id/loopback/inbound`) and return the
    external ids. Each item is `{chatId, from, text | type + media, externalId?, isGroup?, …}` for a message, or
    with `kind`: `reaction` (`target`, `emoji`), `edit` (`target`, `text`), `delete` (`target`), `receipt`
    (`targets`, `status`). The same `externalId` twice is a redelivery (stored once)."""
    items = [messages] if isinstance(messages, dict) else list(messages)
    response = await client.post(f"{API}/instances/{instance_id}/loopback/inbound", json={"messages": items})
    return list(_data(response, 202, "injecting inbound traffic")["data"]["externalIds"])


async def list_messages(client: httpx.AsyncClient, instance_id: str, **filters: Any) -> list[dict[str, Any]]:
    """Every stored message of an instance (newest first, deleted ones included), following the cursor."""
    params: dict[str, Any] = {"instanceId": instance_id, "limit": 100, "includeDeleted": "true", **filters}
    found: list[dict[str, Any]] = []
    while True:
        page = _data(await client.get(f"{API}/messages", params=params), 200, "listing messages")
        found += page["items"]
        cursor = (page.get("meta") or {}).get("cursor")
        if not (page.get("meta") or {}).get("hasMore") or not cursor:
            return found
        params["cursor"] = cursor


async def find_message(client: httpx.AsyncClient, instance_id: str, external_id: str) -> list[dict[str, Any]]:
    """The stored messages of an instance with this platform id (one, when all is well; none before it is stored)."""
    return [m for m in await list_messages(client, instance_id) if m.get("externalId") == external_id]
