"""Shared test helpers: a throw-away OMNI_HOME with free ports, and the real `omni` CLI run as a subprocess (the code
lives in `omni.testing.server`, which plugin authors use too)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from omni.testing.server import Home, cleanup, free_port, make_home, omni_command

__all__ = ["Home", "cleanup", "free_port", "make_home", "omni_command"]


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


# -- the frozen build, started as soon as the session knows it needs one ------------------------------------------

FROZEN_TESTS = "tests/e2e/test_frozen.py"


class FrozenBuild:
    """`packaging/build.sh` in the background from the start of the session (it takes minutes of one core, and most
    tests meanwhile wait on servers, not on the CPU); `test_frozen` waits for it."""

    def __init__(self) -> None:
        # 0755 under /tmp, like /opt/omni: the unprivileged postgres user runs the bundled binaries in place.
        self.out = Path(tempfile.mkdtemp(prefix="omni-frozen-", dir="/tmp"))
        self.out.chmod(0o755)
        self.log = self.out.parent / f"{self.out.name}.log"
        repo = Path(__file__).resolve().parents[1]
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(["bash", str(repo / "packaging" / "build.sh"), str(self.out)],
                                         env={**os.environ, "PYTHON": sys.executable}, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip

    def wait(self, timeout: float = 600) -> tuple[int, str]:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            code = -1
        return code, self.log.read_text(errors="replace")[-10_000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: the build and its children, by PID
            self.proc.wait()
        shutil.rmtree(self.out, ignore_errors=True)
        self.log.unlink(missing_ok=True)


_frozen: FrozenBuild | None = None


def pytest_collection_finish(session: pytest.Session) -> None:
    global _frozen
    wanted = any(item.nodeid.startswith(FROZEN_TESTS) for item in session.items)
    if wanted and not session.config.option.collectonly and shutil.which("bash"):
        try:
            import PyInstaller  # noqa: F401
        except ImportError:
            return
        _frozen = FrozenBuild()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _frozen is not None:
        _frozen.stop()


def frozen_build() -> FrozenBuild:
    """The session's build (started now if the session did not start it)."""
    global _frozen
    if _frozen is None:
        _frozen = FrozenBuild()
    return _frozen
