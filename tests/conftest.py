"""Shared test helpers: a throw-away OMNI_HOME with free ports, and the real `omni` CLI run as a subprocess."""

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def omni_command() -> list[str]:
    return [sys.executable, "-m", "omni"]


@dataclass
class Home:
    """One omni installation: its folder, ports and environment."""

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
    # Under /tmp with 0755: as root, postgres runs as an unprivileged user that must be able to reach its data.
    root = Path(tempfile.mkdtemp(prefix="omni-test-", dir="/tmp"))
    root.chmod(0o755)
    return Home(root)


def cleanup(home: Home) -> None:
    with contextlib.suppress(Exception):
        home.omni("stop", check=False, timeout=60)
    for proc in home.processes():  # by PID, never by name
        with contextlib.suppress(psutil.Error):
            proc.kill()
    shutil.rmtree(home.root, ignore_errors=True)


@pytest.fixture
def home() -> Iterator[Home]:
    h = make_home()
    try:
        yield h
    finally:
        cleanup(h)


@pytest.fixture(scope="module")
def installed() -> Iterator[Home]:
    """One installed (not started) home shared by a module's tests."""
    h = make_home()
    h.omni("install", "--non-interactive")
    try:
        yield h
    finally:
        cleanup(h)
