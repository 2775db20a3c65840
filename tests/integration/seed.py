"""Seed rows straight into a test database with asyncpg, filling every column the model defaults (the defaults are
Python-side, so plain SQL inserts would miss them)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
from tortoise import fields
from tortoise.models import Model

from omni.db.crypto import EncryptedTextField


def _default(field: fields.Field) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return datetime.now(UTC)
    if field.pk and isinstance(field, fields.UUIDField):
        return uuid.uuid4()
    default = field.default
    return default() if callable(default) else default


async def insert(db_url: str, model: type[Model], **values: Any) -> dict[str, Any]:
    """Insert one row of `model` (values by field name, `instance_id` style for foreign keys); returns it."""
    meta = model._meta
    row: dict[str, Any] = {}
    for name, column in meta.fields_db_projection.items():
        field = meta.fields_map[name]
        value = values.pop(name) if name in values else _default(field)
        if isinstance(field, EncryptedTextField) and value is not None:
            raise ValueError("seed encrypted columns through the API")
        row[column] = value
    if values:
        raise ValueError(f"unknown fields {sorted(values)} of {model.__name__}")
    params = [json.dumps(v) if isinstance(meta.fields_map[n], fields.JSONField) and v is not None else v
              for n, v in zip(meta.fields_db_projection, row.values(), strict=True)]  # fmt: skip
    columns = ", ".join(f'"{c}"' for c in row)
    placeholders = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    conn = await asyncpg.connect(db_url)
    try:
        sql = f'insert into "{meta.db_table}" ({columns}) values ({placeholders})'  # noqa: S608 (names from the model)
        await conn.execute(sql, *params)
    finally:
        await conn.close()
    return row


async def instance(db_url: str, name: str | None = None, channel: str = "loopback", **values: Any) -> uuid.UUID:
    from omni.db.models import Instance

    row = await insert(db_url, Instance, name=name or f"inst-{uuid.uuid4().hex[:8]}", channel=channel, **values)
    return row["id"]


async def execute(db_url: str, sql: str, *args: Any) -> Any:
    conn = await asyncpg.connect(db_url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()
