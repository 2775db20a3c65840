"""A real omni for tests: installed in a throw-away `OMNI_HOME` with free ports, started with the `omni` CLI in
subprocesses, and stopped (then every process of that home killed by PID) afterwards.

`Home` is the installation (folder, ports, environment, the CLI); `OmniServer` a started one with its URL, API key
and HTTP clients; `start_server()` makes one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

__all__ = ["Home", "OmniServer", "cleanup", "free_port", "make_home", "omni_command", "start_server"]


def free_port() -> int:
    """A TCP port nobody listens on right now (on 127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def omni_command() -> list[str]:
    """The `omni` CLI of this interpreter (so the plugins installed next to it are found)."""
    return [sys.executable, "-m", "omni"]


@dataclass
class Home:
    """One omni installation: its folder, ports and environment. Nothing of the caller's `OMNI_*`, `API_*`,
    `PGSERVE_*`, `NATS_*` or `DATABASE_URL` leaks in; `extra_env` is added last."""

    root: Path
    api_port: int = field(default_factory=free_port)
    pg_port: int = field(default_factory=free_port)
    nats_port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OMNI_", "API_", "PGSERVE_", "NATS_"))}
        env.pop("DATABASE_URL", None)
        env.update(OMNI_HOME=str(self.root), API_PORT=str(self.api_port), PGSERVE_PORT=str(self.pg_port),
                   NATS_PORT=str(self.nats_port), NO_COLOR="1")  # fmt: skip
        env.update(self.extra_env)
        return env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def omni(self, *args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """Run the `omni` CLI against this home."""
        result = subprocess.run([*omni_command(), *args], env=self.env, capture_output=True, text=True,
                                timeout=timeout, check=False)  # fmt: skip
        if check and result.returncode != 0:
            command = " ".join(args)
            raise AssertionError(f"omni {command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def json(self, *args: str, check: bool = True) -> dict:
        return json.loads(self.omni(*args, "--json", check=check).stdout)

    def health(self) -> httpx.Response:
        return httpx.get(f"{self.url}/api/v2/health", timeout=5)

    def wait_healthy(self, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                last = self.health()
                if last.status_code == 200:
                    return last.json()
            time.sleep(0.1)
        raise AssertionError(f"not healthy in {timeout}s: {last.text if last is not None else 'no answer'}")

    def cli_key(self) -> str:
        """The API key `omni install` made for the CLI (every scope)."""
        return json.loads((self.root / "config" / "cli.json").read_text())["apiKey"]

    def pid(self, service: str) -> int:
        return json.loads((self.root / "run" / f"{service}.pid").read_text())["pid"]

    def processes(self) -> list[psutil.Process]:
        """Live processes belonging to this home (by the paths in their command line or environment)."""
        marker = str(self.root)
        found = []
        for proc in psutil.process_iter(["pid", "cmdline", "status"]):
            if proc.info["status"] == psutil.STATUS_ZOMBIE or proc.pid == os.getpid():
                continue
            cmdline = " ".join(proc.info.get("cmdline") or [])
            try:
                env_home = proc.environ().get("OMNI_HOME") if "omni" in cmdline else None
            except psutil.Error:
                env_home = None
            if marker in cmdline or env_home == marker:
                found.append(proc)
        return found


def make_home() -> Home:
    """A new, empty home under /tmp (mode 0755: as root, postgres runs as an unprivileged user that must be able to
    reach its data)."""
    root = Path(tempfile.mkdtemp(prefix="omni-test-", dir="/tmp"))
    root.chmod(0o755)
    return Home(root)


def cleanup(home: Home) -> None:
    """`omni stop`, then kill whatever of this home is still alive (by PID, never by name), then remove the folder."""
    with contextlib.suppress(Exception):
        home.omni("stop", check=False, timeout=60)
    for proc in home.processes():
        with contextlib.suppress(psutil.Error):
            proc.kill()
    shutil.rmtree(home.root, ignore_errors=True)


class OmniServer:
    """A started omni: `url`, `api_key` (every scope), `client` (a sync `httpx.Client` with the key and the base URL),
    `async_client()` (a new `httpx.AsyncClient` likewise; close it, or use it as `async with`), `logs()`, `stop()`."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.url = home.url
        self.api_key = home.cli_key()
        self._client: httpx.Client | None = None
        self.stopped = False

    @property
    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key}

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(base_url=self.url, headers=self.headers, timeout=30)
        return self._client

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """A new async client bound to nothing yet: create it in the event loop that uses it."""
        kwargs.setdefault("timeout", 30)
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return httpx.AsyncClient(base_url=self.url, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.post(path, **kwargs)

    def logs(self, lines: int = 200) -> str:
        """The last lines of every service's log (for a failing test's report)."""
        result = self.home.omni("logs", "-n", str(lines), check=False, timeout=30)
        return result.stdout + result.stderr

    def stop(self) -> None:
        """Stop the server and every process of its home, and remove the home. Idempotent."""
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None
        if not self.stopped:
            self.stopped = True
            cleanup(self.home)

    def __enter__(self) -> OmniServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"OmniServer({self.url}, home={self.home.root})"


def start_server(*, load_plugins: str | None = None, workers: int = 1, env: dict[str, str] | None = None,
                 timeout: float = 180) -> OmniServer:  # fmt: skip
    """Install and start omni in a new temporary home and wait until it is healthy.

    `load_plugins` becomes `OMNI_LOAD_PLUGINS` (None: every installed plugin; "": none; "a,b": those entry points;
    the built-in loopback channel is always there). `workers` is the number of API worker processes. `env` adds
    environment variables (they reach the API process, and so your plugin). The caller stops it (`stop()`)."""
    home = make_home()
    home.extra_env["OMNI_API_WORKERS"] = str(workers)
    if load_plugins is not None:
        home.extra_env["OMNI_LOAD_PLUGINS"] = load_plugins
    home.extra_env.update(env or {})
    try:
        home.omni("install", "--non-interactive", timeout=timeout)
        home.omni("start", timeout=timeout)
        home.wait_healthy(60)
        return OmniServer(home)
    except AssertionError as exc:
        logs = home.omni("logs", "--service", "api", "-n", "60", check=False, timeout=30)
        cleanup(home)
        raise AssertionError(f"{exc}\n--- omni logs --service api ---\n{logs.stdout}{logs.stderr}") from None
    except BaseException:
        cleanup(home)
        raise
