"""Applying the shipped migrations: once, by the supervisor, before the API serves."""

from __future__ import annotations

from aerich import Command
from tortoise import Tortoise

from omni.db.config import migrations_dir, tortoise_config


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
