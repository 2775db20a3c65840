"""`ctx.store`: a plugin's key-value storage in postgres (`plugin_storage`), one namespace per plugin and instance.
Values are any JSON; `secret=True` keeps one encrypted at rest (session credentials)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise

from omni.db import crypto
from omni.db.coalesce import Coalescer


class PluginStore:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace[:100]

    async def get(self, key: str, default: Any = None) -> Any:
        conn = Tortoise.get_connection("default")
        rows = await conn.execute_query_dict(
            "select value, encrypted_value from plugin_storage where plugin_id = $1 and key = $2 "
            "and (expires_at is null or expires_at > now())", [self.namespace, key])  # fmt: skip
        if not rows:
            return default
        row = rows[0]
        text = crypto.decrypt(row["encrypted_value"]) if row["encrypted_value"] else row["value"]
        return default if text is None else json.loads(text)

    async def set(self, key: str, value: Any, *, ttl: float | None = None, secret: bool = False) -> None:
        text = json.dumps(value)
        expires = datetime.now(UTC) + timedelta(seconds=ttl) if ttl else None
        plain, sealed = (None, crypto.encrypt(text)) if secret else (text, None)
        conn = Tortoise.get_connection("default")
        await conn.execute_query(
            "insert into plugin_storage (id, plugin_id, key, value, encrypted_value, expires_at, created_at, updated_at) "
            "values ($1, $2, $3, $4, $5, $6, now(), now()) on conflict (plugin_id, key) do update set "
            "value = excluded.value, encrypted_value = excluded.encrypted_value, expires_at = excluded.expires_at, "
            "updated_at = now()", [uuid.uuid4(), self.namespace, key, plain, sealed, expires])  # fmt: skip

    async def add(self, key: str, value: Any) -> bool:
        """Store `value` under `key` unless the key exists; True when it was added (an idempotent append). Appends
        made at the same time, by any plugin, share one statement."""
        return await _ADDS.submit((self.namespace, key, json.dumps(value)))

    async def delete(self, key: str) -> None:
        conn = Tortoise.get_connection("default")
        await conn.execute_query("delete from plugin_storage where plugin_id = $1 and key = $2", [self.namespace, key])

    async def keys(self, prefix: str = "") -> list[str]:
        conn = Tortoise.get_connection("default")
        rows = await conn.execute_query_dict(
            "select key from plugin_storage where plugin_id = $1 and key like $2 "
            "and (expires_at is null or expires_at > now()) order by key",
            [self.namespace, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"])  # fmt: skip
        return [r["key"] for r in rows]

    async def items(self, prefix: str = "", *, after: str | None = None, limit: int = 100) -> list[tuple[str, Any]]:
        """(key, value) in key order, from after `after`; plain values only."""
        conn = Tortoise.get_connection("default")
        rows = await conn.execute_query_dict(
            "select key, value from plugin_storage where plugin_id = $1 and key like $2 and key > $3 "
            "and (expires_at is null or expires_at > now()) order by key limit $4",
            [self.namespace, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
             after or "", limit])  # fmt: skip
        return [(r["key"], json.loads(r["value"]) if r["value"] is not None else None) for r in rows]


async def _add_many(batch: list[tuple[str, str, str]]) -> list[bool]:
    """The batch's new keys in one insert; a key already there (or twice in the batch) is left alone."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "insert into plugin_storage (id, plugin_id, key, value, created_at, updated_at) "
        "select u.id, u.ns, u.key, u.value, now(), now() from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) "
        "as u(id, ns, key, value) on conflict (plugin_id, key) do nothing returning plugin_id, key",
        [[uuid.uuid4() for _ in batch], [b[0] for b in batch], [b[1] for b in batch], [b[2] for b in batch]])  # fmt: skip
    added = {(r["plugin_id"], r["key"]) for r in rows}
    outcomes = []
    for ns, key, _ in batch:
        outcomes.append((ns, key) in added)
        added.discard((ns, key))  # the same key twice in one batch: only the first one added it
    return outcomes


_ADDS: Coalescer[tuple[str, str, str], bool] = Coalescer(_add_many)
