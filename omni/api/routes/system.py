"""Health, info and key validation."""

from __future__ import annotations

import asyncio
import platform
import time
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from tortoise import Tortoise

from omni.api.auth import principal_of
from omni.api.models import Data, Out
from omni.api.routing import ANY_KEY, PUBLIC, endpoint

bp = Blueprint("system")

CHECK_TIMEOUT = 3.0
HEALTH_TTL = 0.5  # seconds a health result is reused


class Check(BaseModel):
    status: str
    latency: float
    error: str | None = None
    details: dict[str, Any] | None = None


class Health(BaseModel):
    status: str
    version: str
    uptime: float
    timestamp: str
    checkedAt: str
    checks: dict[str, Check]


class Info(BaseModel):
    version: str
    environment: str
    uptime: float
    startedAt: str
    python: str
    services: dict[str, str]


class Validation(Out):
    valid: bool
    key_prefix: str
    key_name: str
    scopes: list[str]


async def _timed(check: Any) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        details = await asyncio.wait_for(check(), CHECK_TIMEOUT)
        result: dict[str, Any] = {"status": "ok", "latency": round((time.perf_counter() - start) * 1000, 2)}
        if details:
            result["details"] = details
    except Exception as exc:  # any failure is reported as the check's error
        result = {"status": "error", "latency": round((time.perf_counter() - start) * 1000, 2),
                  "error": f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__}  # fmt: skip
    return result


async def _database() -> None:
    await Tortoise.get_connection("default").execute_query("select 1")


def _nats(request: Request) -> Any:
    async def check() -> dict[str, Any]:
        nc = request.app.ctx.nats
        info = await nc.jetstream().account_info()
        server = nc.connected_url.netloc.split("@")[-1] if nc.connected_url else None
        return {"connected": nc.is_connected, "server": server, "streams": info.streams,
                "consumers": info.consumers, "memory": info.memory, "storage": info.storage}  # fmt: skip

    return check


@endpoint(bp, "GET", "/health", scope=PUBLIC, summary="Health of the API, the database and NATS", response=Health)
async def health(request: Request) -> HTTPResponse:
    """`healthy` (200) when the database answers a query and NATS a JetStream account call; else `degraded` (503).

    The checks run at most once per HEALTH_TTL per worker; concurrent callers share one run (`checkedAt` tells when),
    so a flood of health probes never becomes a flood of database and NATS calls."""
    app = request.app
    now = time.monotonic()
    cached = getattr(app.ctx, "health", None)
    if cached is None or now - cached[0] >= HEALTH_TTL:
        cached = (now, asyncio.ensure_future(_checks(request)))
        app.ctx.health = cached
    database, bus, checked_at = await asyncio.shield(cached[1])
    ok = database["status"] == "ok" and bus["status"] == "ok"
    body = {
        "status": "healthy" if ok else "degraded",
        "version": request.app.ctx.version,
        "uptime": round(time.time() - request.app.ctx.runtime.started, 3),
        "timestamp": datetime.now(UTC).isoformat(),
        "checkedAt": checked_at,
        "checks": {"database": database, "nats": bus},
    }
    return json(body, status=200 if ok else 503)


async def _checks(request: Request) -> tuple[dict[str, Any], dict[str, Any], str]:
    database, bus = await asyncio.gather(_timed(_database), _timed(_nats(request)))
    return database, bus, datetime.now(UTC).isoformat()


@endpoint(bp, "GET", "/info", scope=PUBLIC, summary="Version and runtime information", response=Info)
async def info(request: Request) -> dict[str, Any]:
    runtime = request.app.ctx.runtime
    return {
        "version": request.app.ctx.version,
        "environment": runtime.environment,
        "uptime": round(time.time() - runtime.started, 3),
        "startedAt": datetime.fromtimestamp(runtime.started, UTC).isoformat(),
        "python": platform.python_version(),
        "services": {"database": "embedded" if runtime.postgres_managed else "external",
                     "nats": "embedded" if runtime.nats_managed else "external"},
    }  # fmt: skip


@endpoint(bp, "POST", "/auth/validate", scope=ANY_KEY, summary="Check the key in use", response=Data[Validation])
async def validate(request: Request) -> dict[str, Any]:
    key = principal_of(request)
    return {"data": Validation(valid=True, key_prefix=key.prefix, key_name=key.name, scopes=list(key.scopes)).dump()}
