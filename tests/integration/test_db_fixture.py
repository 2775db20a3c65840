"""The integration fixtures themselves: a migrated database per test, isolated from the others."""

from __future__ import annotations

from omni.db import keys
from omni.db.models import ApiKey


async def test_each_test_gets_a_fresh_migrated_database(db: str) -> None:
    assert await ApiKey.all().count() == 0
    assert (await keys.ensure_primary(None)).startswith("omni_sk_")
    assert await ApiKey.all().count() == 1


async def test_databases_are_isolated(db: str) -> None:
    assert await ApiKey.all().count() == 0
