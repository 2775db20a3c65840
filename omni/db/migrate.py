"""Applying the shipped migrations: once, by the supervisor, before the API serves."""

from __future__ import annotations

import asyncpg
from aerich import Command
from tortoise import Tortoise

from omni.db import keys
from omni.db.config import migrations_dir, tortoise_config

MIGRATION_LOCK = 7_315_551  # pg advisory lock id: one node migrates at a time


async def upgrade(dsn: str) -> list[str]:
    """Apply pending migrations; returns the names applied (empty when the schema is current)."""
    async with Command(tortoise_config=tortoise_config(dsn, pool_max=2), app="models",
                       location=str(migrations_dir())) as cmd:  # fmt: skip
        await cmd.init()
        return list(await cmd.upgrade(run_in_transaction=True))


async def pending(dsn: str) -> list[str]:
    """Migrations shipped with this version but not yet applied to the database."""
    shipped = sorted(p.stem for p in (migrations_dir() / "models").glob("*.py") if p.stem[0].isdigit())
    await Tortoise.init(config=tortoise_config(dsn, pool_max=1))
    try:
        conn = Tortoise.get_connection("default")
        exists = await conn.execute_query_dict("select to_regclass('aerich') as t")
        applied = set()
        if exists and exists[0]["t"]:
            applied = {r["version"].removesuffix(".py") for r in await conn.execute_query_dict(
                "select version from aerich where app = 'models'")}  # fmt: skip
        return [m for m in shipped if m not in applied]
    finally:
        await Tortoise.close_connections()


async def prepare(db_url: str, override_key: str | None) -> tuple[list[str], str | None]:
    """Apply migrations and create the primary key, under an advisory lock so several nodes never race.

    Returns (migrations applied, the primary key if it was generated just now).
    """
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute("select pg_advisory_lock($1)", MIGRATION_LOCK)
        applied = await upgrade(db_url)
        await Tortoise.init(config=tortoise_config(db_url, pool_max=1))
        try:
            new_key = await keys.ensure_primary(override_key)
        finally:
            await Tortoise.close_connections()
        return applied, new_key
    finally:
        await conn.close()
