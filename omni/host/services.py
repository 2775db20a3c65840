"""The supervised services: how each is prepared, started, probed and stopped."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from omni.config import Settings
from omni.host import nats, postgres, procs, secrets
from omni.host.errors import PortInUse
from omni.paths import Paths

STOP_TIMEOUT = 15.0
API_GATE = "api.gate"  # in the run dir: the API serves only once the supervisor has created it  # seconds a service gets to stop after its stop signal, before SIGKILL


@dataclass
class Service:
    name: str
    port: int
    argv: list[str]
    env: dict[str, str]
    probe: Callable[[], bool]
    stop_signal: int = signal.SIGTERM
    account: procs.Account | None = None
    ready_timeout: float = 60.0
    alive: Callable[[], bool] | None = None  # a cheaper "still answering" check for a running service
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)


def omni_argv() -> list[str]:
    """How to run this omni again as a child: the frozen binary itself, or this Python with `-m omni`."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    # -P: never import from the current directory (an `omni/` folder there must not run in our place).
    return [sys.executable, "-P", "-m", "omni"]


def preflight_ports(settings: Settings) -> None:
    """Fail before starting anything when a port we need is taken, naming the setting that moves it."""
    wanted = [(settings.api_host, settings.api_port, "API", "--port or API_PORT")]
    if settings.postgres_managed:
        wanted.append((postgres.HOST, settings.pgserve_port, "embedded PostgreSQL", "PGSERVE_PORT"))
    if settings.nats_is_managed:
        wanted.append((nats.HOST, settings.nats_port, "embedded NATS", "NATS_PORT"))
    for host, port, what, how in wanted:
        if not procs.port_free(host, port):
            raise PortInUse(port, what, how)


def _probe(coro_factory: Callable[[], object]) -> Callable[[], bool]:
    def probe() -> bool:
        try:
            asyncio.run(coro_factory())  # type: ignore[arg-type]
            return True
        except Exception:
            return False

    return probe


async def _pg_once(url: str) -> None:
    await postgres.wait_ready(url, timeout=0.5)


async def _nats_once(url: str) -> None:
    await nats.jetstream_info(url)


def build(settings: Settings, paths: Paths, log: logging.Logger) -> list[Service]:
    """Prepare what each managed service needs on disk and describe how to run it, in start order."""
    services: list[Service] = []
    creds = secrets.load(paths.secrets_file, create=True)
    if settings.postgres_managed:
        account = postgres.service_account(create=True)
        bin_path = postgres.bin_dir(paths, account)
        if postgres.initdb(paths, bin_path, account, creds["postgres_superuser_password"]):
            log.info("created the PostgreSQL cluster in %s", paths.pgdata)
        superuser = postgres.dsn(postgres.SUPERUSER, creds["postgres_superuser_password"], settings.pgserve_port,
                                 "postgres")  # fmt: skip
        services.append(Service(
            "postgres", settings.pgserve_port, postgres.command(paths, bin_path, settings.pgserve_port),
            procs.base_env(), _probe(lambda: _pg_once(superuser)), stop_signal=signal.SIGINT, account=account,
        ))  # fmt: skip
    if settings.nats_is_managed:
        nats.write_config(paths, settings.nats_port, creds)
        url = nats.url(creds, settings.nats_port)
        services.append(Service(
            "nats", settings.nats_port, nats.command(paths), procs.base_env(), _probe(lambda: _nats_once(url)),
        ))  # fmt: skip
    services.append(api_service(settings, paths))
    return services


def api_service(settings: Settings, paths: Paths) -> Service:
    env = dict(os.environ)
    env["OMNI_API_GATE"] = str(paths.run / API_GATE)
    # Flags given to the supervisor reach the API process as environment, which outranks the config file.
    for name in ("api_host", "api_port", "api_workers", "pgserve_port", "nats_port", "log_level"):
        env[f"OMNI_{name.upper()}"] = str(getattr(settings, name))
    health = f"{settings.api_url}/api/v2/health"

    def probe() -> bool:
        try:
            return httpx.get(health, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def alive() -> bool:  # degraded (503) still answers: the API is alive, its dependencies are not
        try:
            httpx.get(health, timeout=5)
            return True
        except httpx.HTTPError:
            return False

    return Service("api", settings.api_port, [*omni_argv(), "_api"], env, probe, alive=alive)
