"""Serving a fake's Sanic app on 127.0.0.1 (a free port) inside the test's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Self

from sanic import Request, Sanic


def new_app(prefix: str) -> Sanic:
    app = Sanic(f"{prefix}_{uuid.uuid4().hex[:8]}", configure_logging=False)
    app.config.AUTO_EXTEND = False  # no sanic-ext: a fake needs none of it
    app.config.KEEP_ALIVE = False
    app.config.TOUCHUP = False  # sanic rewrites its own handlers once per process; several fakes start in one
    app.config.RESPONSE_TIMEOUT = 600
    return app


@dataclass
class Seen:
    """One request a fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str, bytes]] = field(default_factory=list)  # (field, filename, content)

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def record(request: Request) -> Seen:
    seen = Seen(request.method, request.path, {k.lower(): v for k, v in request.headers.items()}, request.body)
    if request.content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        seen.form = {k: v[0] for k, v in request.form.items()}
        seen.files = [(name, f.name, f.body) for name, files in request.files.items() for f in files]
    return seen


async def sse(request: Request, events: AsyncIterator[str]) -> None:
    """Send each string of `events` as it comes (each already framed as SSE)."""
    response = await request.respond(content_type="text/event-stream", headers={"Cache-Control": "no-store"})
    async for chunk in events:
        await response.send(chunk)
    await response.eof()


class Fake:
    """A fake server: `async with FakeX() as fake:` serves `fake.app()`; `fake.url` is its base URL."""

    url: str

    def app(self) -> Sanic:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self._serving = serve(self.app())
        self.url = await self._serving.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._serving.__aexit__(None, None, None)


@contextlib.asynccontextmanager
async def serve(app: Sanic) -> AsyncIterator[str]:
    """Serve `app` until the block ends; yields its base URL (`http://127.0.0.1:<port>`)."""
    server = await app.create_server(host="127.0.0.1", port=0, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.start_serving()
    await server.after_start()
    port = server.server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.server.close()
        for connection in list(server.connections):
            connection.abort()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.server.wait_closed(), 5)
        await server.after_stop()
        Sanic._app_registry.pop(app.name, None)
