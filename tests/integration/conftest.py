"""One real postgres and one real nats-server per test session (the binaries omni embeds); each test gets its own
database cloned from a migrated template."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from tortoise import Tortoise

from omni.db import crypto, migrate
from omni.db.config import tortoise_config
from omni.host import nats, postgres, procs, secrets
from omni.paths import resolve
from tests.conftest import free_port

TEMPLATE = "omni_template"


@dataclass
class Servers:
    root: Path
    pg_port: int
    nats_port: int
    creds: dict[str, str]

    @property
    def superuser_dsn(self) -> str:
        return postgres.dsn(postgres.SUPERUSER, self.creds["postgres_superuser_password"], self.pg_port, "postgres")

    def database_dsn(self, name: str) -> str:
        return postgres.dsn(postgres.APP_USER, self.creds["postgres_password"], self.pg_port, name)

    @property
    def nats_url(self) -> str:
        return nats.url(self.creds, self.nats_port)


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    root = Path(tempfile.mkdtemp(prefix="omni-it-", dir="/tmp"))
    root.chmod(0o755)
    paths = resolve(root)
    paths.data.mkdir(parents=True)
    paths.data.chmod(0o711)
    creds = secrets.load(paths.secrets_file, create=True)
    pg_port, nats_port = free_port(), free_port()
    account = postgres.service_account(create=True)
    bin_path = postgres.bin_dir(paths, account)
    postgres.initdb(paths, bin_path, account, creds["postgres_superuser_password"])
    command = [*postgres.command(paths, bin_path, pg_port), "-c", "fsync=off", "-c", "max_connections=300"]
    pg = procs.spawn(command, env=procs.base_env(), account=account, death_signal=signal.SIGINT)
    paths.nats_dir.mkdir(parents=True)
    nats.write_config(paths, nats_port, creds)
    ns = procs.spawn(nats.command(paths), env=procs.base_env())
    for proc in (pg, ns):  # drain output so the pipes never fill
        threading.Thread(target=proc.stdout.read, daemon=True).start()
    found = Servers(root, pg_port, nats_port, creds)
    try:
        asyncio.run(postgres.wait_ready(found.superuser_dsn, 30))
        asyncio.run(postgres.bootstrap(creds, pg_port))
        asyncio.run(nats.wait_ready(found.nats_url, 30))
        asyncio.run(_make_template(found))
        yield found
    finally:
        for proc, sig in ((ns, signal.SIGTERM), (pg, signal.SIGINT)):
            proc.send_signal(sig)
            try:
                proc.wait(20)
            except Exception:
                proc.kill()
        shutil.rmtree(root, ignore_errors=True)


async def _make_template(servers: Servers) -> None:
    conn = await asyncpg.connect(servers.superuser_dsn)
    try:
        await conn.execute(f"create database {TEMPLATE} owner {postgres.APP_USER}")
    finally:
        await conn.close()
    await migrate.upgrade(servers.database_dsn(TEMPLATE))


@pytest.fixture
async def db_url(servers: Servers) -> AsyncIterator[str]:
    """A fresh, migrated database for one test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(servers.superuser_dsn)
    try:
        await conn.execute(f"create database {name} template {TEMPLATE} owner {postgres.APP_USER}")
        yield servers.database_dsn(name)
        await conn.execute(f"drop database if exists {name} with (force)")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def secret_key(servers: Servers) -> Path:
    path = servers.root / "data" / "master.key"
    crypto.load_key(path)
    return path


@pytest.fixture
async def db(db_url: str, secret_key: Path) -> AsyncIterator[str]:
    """Tortoise connected to a fresh database (for model-level tests)."""
    await Tortoise.init(config=tortoise_config(db_url, pool_max=4), _enable_global_fallback=True)
    try:
        yield db_url
    finally:
        await Tortoise.close_connections()


class Response:
    """An answer as the tests read it: `status`, `json` (parsed, None when not JSON), `text`, `body`, `headers`."""

    def __init__(self, raw: httpx.Response) -> None:
        self.raw = raw

    @property
    def status(self) -> int:
        return self.raw.status_code

    @property
    def json(self) -> Any:
        try:
            return self.raw.json()
        except ValueError:
            return None

    @property
    def text(self) -> str:
        return self.raw.text

    @property
    def body(self) -> bytes:
        return self.raw.content

    @property
    def headers(self) -> httpx.Headers:
        return self.raw.headers


@dataclass
class Api:
    """The real API app (in process, over ASGI) on a fresh database, with a primary key. The app is started on the
    first request and stopped when the test ends (sanic's test client would start and stop it around every request:
    80 times slower)."""

    client: Any
    key: str
    db_url: str
    http: httpx.AsyncClient | None = None

    @property
    def app(self) -> Any:
        return self.client.sanic_app

    @property
    def started(self) -> bool:
        return self.http is not None

    async def start(self) -> None:
        if self.http is None:
            await self.app._startup()
            await self.app._server_event("init", "before")
            await self.app._server_event("init", "after")
            self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://omni")

    async def stop(self) -> None:
        if self.http is not None:
            http, self.http = self.http, None
            await http.aclose()
            await self.app._server_event("shutdown", "before")
            await self.app._server_event("shutdown", "after")

    async def request(self, method: str, path: str, *, key: str | bool | None = True, **kwargs: Any) -> Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if key is True:
            headers["x-api-key"] = self.key
        elif isinstance(key, str):
            headers["x-api-key"] = key
        await self.start()
        assert self.http is not None
        return Response(await self.http.request(method, path, headers=headers, **kwargs))

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> Any:
        return await self.request("POST", path, **kw)

    async def patch(self, path: str, **kw: Any) -> Any:
        return await self.request("PATCH", path, **kw)

    async def put(self, path: str, **kw: Any) -> Any:
        return await self.request("PUT", path, **kw)

    async def delete(self, path: str, **kw: Any) -> Any:
        return await self.request("DELETE", path, **kw)

    async def new_key(self, **fields: Any) -> str:
        body = {"name": f"k-{uuid.uuid4().hex[:6]}", "scopes": ["*"], **fields}
        response = await self.post("/api/v2/keys", json=body)
        assert response.status == 201, response.json
        return response.json["data"]["plainTextKey"]


@pytest.fixture
async def api(request: pytest.FixtureRequest, servers: Servers, db_url: str, secret_key: Path) -> AsyncIterator[Api]:
    """Tests marked `@pytest.mark.pipeline` get the consumers and the channel runtime too (start the app once with
    `live_client`); each test has its own database and its own bus namespace on the shared nats-server."""
    from sanic import Sanic

    from omni.api.app import ApiRuntime, create_app
    from omni.db import keys

    plain = keys.generate()
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(
            "insert into api_keys (id, name, key_prefix, key_hash, scopes, status, usage_count, created_at, updated_at)"
            " values ($1, '__primary__', $2, $3, '[\"*\"]', 'active', 0, now(), now())",
            uuid.uuid4(), keys.prefix(plain), keys.digest(plain),
        )  # fmt: skip
    finally:
        await conn.close()
    Sanic.test_mode = True
    tag = uuid.uuid4().hex[:8]
    runtime = ApiRuntime(database_url=db_url, nats_url=servers.nats_url, secret_key_path=secret_key,
                         pipeline=request.node.get_closest_marker("pipeline") is not None, load_plugins="",
                         bus_namespace=f"t{tag}", data_dir=servers.root / "tests" / tag,
                         plugins_dir=servers.root / "tests" / tag / "plugins")  # fmt: skip
    app = create_app(runtime, name=f"omni_test_{tag}")
    api = Api(app.asgi_client, plain, db_url)
    try:
        yield api
    finally:
        await api.stop()
    await Tortoise.close_connections()
    Sanic._app_registry.pop(app.name, None)


@contextlib.asynccontextmanager
async def live_client(api: Api) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests really run concurrently in the started app (started now if it is not yet; stopped at
    the end only if this started it, so a test can start the app again)."""
    started_here = not api.started
    await api.start()
    try:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://omni",
                                     headers={"x-api-key": api.key}) as client:  # fmt: skip
            yield client
    finally:
        if started_here:
            await api.stop()
