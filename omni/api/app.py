"""The Sanic application factory: resources open in `before_server_start`, close in `after_server_stop`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nats.aio.msg import Msg
from sanic import Blueprint, Request, Sanic
from sanic.config import Config
from sanic.response import HTTPResponse
from tortoise.contrib.sanic import register_tortoise

from omni import __version__
from omni.api import auth, errors
from omni.api.audit import AuditEntry, AuditWriter
from omni.api.audit import now as utcnow
from omni.api.ratelimit import SHARE_EVERY, RateLimiter
from omni.api.routes.metrics import Metrics
from omni.api.routes.send import IDEMPOTENCY_TTL
from omni.bus import streams, subjects
from omni.channels.runtime import bucket
from omni.db import crypto
from omni.db.config import tortoise_config
from omni.host import nats, procs
from omni.pipeline.outbound import Waiters
from omni.pipeline.service import Pipeline
from omni.plugins.manager import load_plugins

DEFAULT_RATE_LIMIT = 1000  # requests per minute for keys without their own limit (Omni v2's default)


@dataclass
class ApiRuntime:
    database_url: str
    nats_url: str
    secret_key_path: Path | None = None
    environment: str = "production"
    postgres_managed: bool = True
    nats_managed: bool = True
    default_rate_limit: int = DEFAULT_RATE_LIMIT
    started: float = field(default_factory=time.time)
    data_dir: Path | None = None  # channel sessions, uploaded media (None: a temporary folder)
    plugins_dir: Path | None = None  # third-party plugins (`omni plugins install`)
    load_plugins: str | None = None  # OMNI_LOAD_PLUGINS: None = all, "" = none, "a,b" = those
    pipeline: bool = True  # consumers + channel runtime in this process
    bus_namespace: str = "omni"  # subjects, streams and buckets live under it (tests use one per database)


GC_YOUNG = 50_000


async def _start_pipeline(app: Sanic) -> None:
    """Start the pipeline; until it runs, retry (NATS may be restarting) — never leave a worker without it."""
    delay = 0.5
    while True:
        try:
            await app.ctx.pipeline.start()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            app.ctx.log.exception("starting the pipeline failed; retrying in %.1fs", delay)
            with contextlib.suppress(Exception):
                await app.ctx.pipeline.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def create_app(runtime: ApiRuntime, name: str = "omni") -> Sanic:
    from omni.api.routes import blueprints

    # sanic-ext would add its own /docs (from a CDN) when installed: our docs are served from shipped files.
    app = Sanic(name, config=Config(env_prefix="OMNI_SANIC_"))
    app.config.AUTO_EXTEND = False
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.REQUEST_MAX_SIZE = 10 * 1024 * 1024
    app.config.REQUEST_TIMEOUT = 30
    app.config.RESPONSE_TIMEOUT = 30
    app.config.KEEP_ALIVE_TIMEOUT = 15
    app.ctx.runtime = runtime
    app.ctx.version = __version__
    app.ctx.log = logging.getLogger("omni.api")
    app.ctx.keys = auth.KeyCache()
    app.ctx.limiter = RateLimiter()
    app.ctx.audit = AuditWriter()
    app.ctx.metrics = Metrics()

    register_tortoise(app, config=tortoise_config(runtime.database_url))
    subjects.configure(runtime.bus_namespace)
    app.ctx.data_dir = runtime.data_dir or Path(tempfile.mkdtemp(prefix="omni-data-"))
    app.ctx.plugins = load_plugins(runtime.plugins_dir, runtime.load_plugins)
    app.ctx.pipeline = None

    @app.before_server_start
    async def open_resources(app: Sanic) -> None:
        procs.die_with_parent()  # a forked worker goes with the API process (kill -9 of it leaves no worker behind)
        # fewer, larger young-generation collections: a request makes many short-lived objects, and the default
        # (every 700 allocations) puts collector pauses into the latency tail
        gc.set_threshold(GC_YOUNG, 20, 20)
        app.ctx.limiter.node = uuid.uuid4().hex  # forked workers must not share the id their parent drew
        if runtime.secret_key_path is not None:
            crypto.load_key(runtime.secret_key_path, create=False)
        app.ctx.nats = await nats.connect(runtime.nats_url, retry=True)

        async def key_changed(msg: Msg) -> None:
            app.ctx.keys.evict(msg.data.decode() or None)

        await app.ctx.nats.subscribe(subjects.keys_changed(), cb=key_changed)

        async def usage(msg: Msg) -> None:
            app.ctx.limiter.absorb(msg.data)

        await app.ctx.nats.subscribe(subjects.rate_limit_usage(), cb=usage)
        app.ctx.share_usage = asyncio.create_task(_share_usage(app), name="rate-limit-share")
        app.ctx.js = app.ctx.nats.jetstream()
        idempotency: list[Any] = []

        async def idempotency_bucket() -> Any:
            if not idempotency:
                idempotency.append(await bucket(app.ctx.js, subjects.bucket_name("idempotency"), IDEMPOTENCY_TTL))
            return idempotency[0]

        app.ctx.idempotency = idempotency_bucket
        app.ctx.send_waiters = Waiters()
        await app.ctx.send_waiters.start(app.ctx.nats)
        app.ctx.pipeline_start = None
        if runtime.pipeline:
            # The streams first (sends and inbound need them), the consumers and the channel runtime in the
            # background: the worker serves as soon as it can, which keeps `omni start` within its 3 s.
            await streams.ensure(app.ctx.js)
            app.ctx.pipeline = Pipeline(app.ctx.nats, app.ctx.plugins, app.ctx.data_dir, app.ctx.send_waiters)
            app.ctx.pipeline_start = asyncio.create_task(_start_pipeline(app), name="pipeline-start")
        await app.ctx.plugins.acall("startup", app=app)
        app.ctx.audit.start()

    @app.after_server_stop
    async def close_resources(app: Sanic) -> None:
        await app.ctx.plugins.acall("shutdown", app=app)
        if app.ctx.pipeline_start is not None and not app.ctx.pipeline_start.done():
            app.ctx.pipeline_start.cancel()
            with contextlib.suppress(BaseException):
                await app.ctx.pipeline_start
        if app.ctx.pipeline is not None:
            await app.ctx.pipeline.stop()
            app.ctx.pipeline = None
        app.ctx.share_usage.cancel()
        await app.ctx.audit.stop()
        await app.ctx.nats.drain()

    @app.on_request
    async def guard(request: Request) -> None:
        request.ctx.started = time.perf_counter()
        request.ctx.principal = None
        if request.route is None or auth.is_public(request):
            return
        principal = await auth.authenticate(request, app.ctx.keys)
        request.ctx.principal = principal
        decision = app.ctx.limiter.hit(str(principal.id), principal.rate_limit or runtime.default_rate_limit)
        request.ctx.rate = decision
        if not decision.allowed:
            raise errors.ApiError(429, errors.RATE_LIMITED, f"rate limit of {decision.limit} requests per minute "
                                  "exceeded", {"retryAfterMs": decision.retry_after_ms})  # fmt: skip
        auth.authorize(request, principal)

    @app.on_response
    async def account(request: Request, response: HTTPResponse) -> None:
        app.ctx.metrics.observe(request, response.status)
        rate = getattr(request.ctx, "rate", None)
        if rate is not None:
            response.headers.update(rate.headers())
            if not rate.allowed:
                response.headers["Retry-After"] = str(max(1, rate.retry_after_ms // 1000))
        principal = getattr(request.ctx, "principal", None)
        if principal is not None:
            elapsed = (time.perf_counter() - request.ctx.started) * 1000
            app.ctx.audit.record(AuditEntry(principal.id, request.method, request.path, response.status,
                                            request.remote_addr or request.ip or "", elapsed, utcnow()))  # fmt: skip

    app.error_handler.add(Exception, errors.handle)
    app.blueprint(Blueprint.group(*blueprints(), url_prefix="/api/v2"))
    app.ctx.plugins.call("register_routes", app=app)
    return app


async def _share_usage(app: Sanic) -> None:
    while True:
        await asyncio.sleep(SHARE_EVERY)
        message = app.ctx.limiter.share()
        if message is not None:
            with contextlib.suppress(Exception):  # NATS down: limits stay per worker until it is back
                await app.ctx.nats.publish(subjects.rate_limit_usage(), message)
