"""The Tortoise configuration, built in one place for the API, the supervisor and aerich."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MODEL_MODULES = ["omni.db.models", "aerich.models"]


def tortoise_config(dsn: str, *, pool_max: int = 10) -> dict[str, Any]:
    return {
        "connections": {
            "default": {
                "engine": "tortoise.backends.asyncpg",
                "credentials": _credentials(dsn, pool_max),
            }
        },
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _credentials(dsn: str, pool_max: int) -> dict[str, Any]:
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(dsn)
    if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
        raise ValueError("database url must look like postgres://user:password@host:port/database")
    return {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": (parts.path or "/").lstrip("/") or "postgres",
        "minsize": 1,
        "maxsize": pool_max,
        # asyncpg resets every connection on its way back to the pool (one more round trip running
        # `pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` each query). Omni never leaves session state on
        # a pooled connection (no SET, LISTEN, cursors or session locks; the migration lock has its own connection),
        # so the reset is skipped: it cost ~15 % of a list request.
        "reset": _keep_session,
    }


async def _keep_session(connection: Any) -> None:
    """The pool's connection reset: nothing to undo (see `_credentials`)."""


def migrations_dir() -> Path:
    """aerich reads migration files from disk, so they ship as package data (and in the frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "omni" / "db" / "migrations"
    return Path(__file__).parent / "migrations"


# For the aerich CLI during development (`aerich migrate --name <change>`): points at a local database.
AERICH_CONFIG = tortoise_config("postgres://omni:omni@127.0.0.1:8432/omni")
