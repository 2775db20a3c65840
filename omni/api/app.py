"""The Sanic application factory: resources open in `before_server_start`, close in `after_server_stop`."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from sanic import Request, Sanic
from tortoise.contrib.sanic import register_tortoise

from omni import __version__
from omni.api import errors
from omni.api.routes import system
from omni.db.config import tortoise_config
from omni.host import nats


@dataclass
class ApiRuntime:
    database_url: str
    nats_url: str
    environment: str = "production"
    postgres_managed: bool = True
    nats_managed: bool = True
    started: float = field(default_factory=time.time)


def create_app(runtime: ApiRuntime, name: str = "omni") -> Sanic:
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.REQUEST_MAX_SIZE = 10 * 1024 * 1024
    app.config.REQUEST_TIMEOUT = 30
    app.config.KEEP_ALIVE_TIMEOUT = 15
    app.ctx.runtime = runtime
    app.ctx.version = __version__
    app.ctx.log = logging.getLogger("omni.api")

    register_tortoise(app, config=tortoise_config(runtime.database_url))

    @app.before_server_start
    async def open_bus(app: Sanic) -> None:
        app.ctx.nats = await nats.connect(runtime.nats_url, retry=True)

    @app.after_server_stop
    async def close_bus(app: Sanic) -> None:
        await app.ctx.nats.drain()

    @app.on_request
    async def authenticate(request: Request) -> None:
        await system.authenticate(request)

    app.error_handler.add(Exception, errors.handle)
    app.blueprint(system.bp)
    return app
