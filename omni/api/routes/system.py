"""Health, info and key validation."""

from __future__ import annotations

import asyncio
import platform
import time
from datetime import UTC, datetime
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from tortoise import Tortoise

from omni.api.errors import UNAUTHORIZED, ApiError
from omni.db import keys
from omni.db.models import ApiKey

bp = Blueprint("system", url_prefix="/api/v2")

PUBLIC = {"/api/v2/health", "/api/v2/info"}
CHECK_TIMEOUT = 3.0


async def authenticate(request: Request) -> None:
    """Every /api/v2 route except the public ones needs a valid key; fails closed."""
    if request.path in PUBLIC or not request.path.startswith("/api/v2"):
        return
    key = request.headers.get("x-api-key") or request.args.get("api_key")
    if not key:
        raise ApiError(401, UNAUTHORIZED, "missing API key: send the x-api-key header")
    row = await ApiKey.filter(key_hash=keys.digest(key), status="active").first()
    if row is None or (row.expires_at is not None and row.expires_at <= datetime.now(UTC)):
        raise ApiError(401, UNAUTHORIZED, "invalid, revoked or expired API key")
    request.ctx.api_key = row


async def _timed(check: Any) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        details = await asyncio.wait_for(check(), CHECK_TIMEOUT)
        result: dict[str, Any] = {"status": "ok", "latency": round((time.perf_counter() - start) * 1000, 2)}
        if details:
            result["details"] = details
    except Exception as exc:
        result = {"status": "error", "latency": round((time.perf_counter() - start) * 1000, 2),
                  "error": f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__}  # fmt: skip
    return result


async def _database() -> None:
    await Tortoise.get_connection("default").execute_query("select 1")


def _nats(request: Request) -> Any:
    async def check() -> dict[str, Any]:
        nc = request.app.ctx.nats
        info = await nc.jetstream().account_info()
        return {"connected": nc.is_connected, "server": nc.connected_url.netloc.split("@")[-1]
                if nc.connected_url else None, "streams": info.streams, "consumers": info.consumers,
                "memory": info.memory, "storage": info.storage}  # fmt: skip

    return check


@bp.get("/health")
async def health(request: Request) -> HTTPResponse:
    database, bus = await asyncio.gather(_timed(_database), _timed(_nats(request)))
    ok = database["status"] == "ok" and bus["status"] == "ok"
    body = {
        "status": "healthy" if ok else "degraded",
        "version": request.app.ctx.version,
        "uptime": round(time.time() - request.app.ctx.runtime.started, 3),
        "timestamp": datetime.now(UTC).isoformat(),
        "checks": {"database": database, "nats": bus},
    }
    return json(body, status=200 if ok else 503)


@bp.get("/info")
async def info(request: Request) -> HTTPResponse:
    runtime = request.app.ctx.runtime
    return json({
        "version": request.app.ctx.version,
        "environment": runtime.environment,
        "uptime": round(time.time() - runtime.started, 3),
        "startedAt": datetime.fromtimestamp(runtime.started, UTC).isoformat(),
        "python": platform.python_version(),
        "services": {"database": "embedded" if runtime.postgres_managed else "external",
                     "nats": "embedded" if runtime.nats_managed else "external"},
    })  # fmt: skip


@bp.post("/auth/validate")
async def validate(request: Request) -> HTTPResponse:
    row: ApiKey = request.ctx.api_key
    return json({"data": {"valid": True, "keyPrefix": row.key_prefix, "keyName": row.name, "scopes": row.scopes}})
