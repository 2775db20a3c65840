"""Child processes: spawn with a privilege drop and a parent-death signal, pid files, ports, orphans."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Account:
    """The unprivileged user a child runs as when omni runs as root."""

    name: str
    uid: int
    gid: int


def spawn(
    argv: Sequence[str | os.PathLike[str]],
    *,
    env: dict[str, str],
    cwd: Path | None = None,
    account: Account | None = None,
    death_signal: int = signal.SIGTERM,
) -> subprocess.Popen[bytes]:
    """Start a supervised child in its own process group, output piped, that dies with its parent."""
    parent = os.getpid()

    def before_exec() -> None:
        # CPython runs this after the uid/gid change, which would otherwise clear the death signal.
        die_with_parent(death_signal, parent)

    kwargs: dict[str, object] = {}
    if account is not None:
        kwargs.update(user=account.uid, group=account.gid, extra_groups=[])
    return subprocess.Popen(
        [os.fspath(a) for a in argv],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        process_group=0,
        preexec_fn=before_exec if sys.platform.startswith("linux") else None,
        **kwargs,  # type: ignore[arg-type]
    )


def die_with_parent(death_signal: int = signal.SIGTERM, parent: int | None = None) -> None:
    """This process gets `death_signal` when its parent dies (Linux; a no-op elsewhere). A forked child calls this
    itself: the kernel clears the setting on fork."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(death_signal))
    if parent is not None and os.getppid() != parent:  # the parent died before the prctl
        os._exit(1)


def base_env() -> dict[str, str]:
    """A small, predictable environment for children (no secrets of the parent leak into postgres or nats)."""
    keep = ("PATH", "LANG", "TZ", "HOME", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["LC_ALL"] = "C.UTF-8"
    return env


# -- pid files -------------------------------------------------------------------------------------------------


def write_pid(path: Path, pid: int) -> None:
    """Record a pid with its start time, so a recycled pid is never mistaken for ours."""
    try:
        started = psutil.Process(pid).create_time()
    except psutil.Error:
        started = 0.0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"pid": pid, "started": started}))
    tmp.replace(path)


def read_pid(path: Path) -> tuple[int, float] | None:
    try:
        data = json.loads(path.read_text())
        return int(data["pid"]), float(data.get("started", 0))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def live_process(path: Path) -> psutil.Process | None:
    """The process a pid file names, if it is still the same process."""
    record = read_pid(path)
    if record is None:
        return None
    pid, started = record
    try:
        proc = psutil.Process(pid)
        if started and abs(proc.create_time() - started) > 1.0:
            return None
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc
    except psutil.Error:
        return None


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


# -- ports -----------------------------------------------------------------------------------------------------


def port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.02)
    return False


# -- stopping --------------------------------------------------------------------------------------------------


def terminate(proc: psutil.Process, sig: int = signal.SIGTERM, timeout: float = 10.0) -> bool:
    """Send `sig`, wait, then SIGKILL. A stopped process is continued so it can act on the signal.

    Returns True if it ended within the timeout without SIGKILL.
    """
    try:
        proc.send_signal(sig)
        proc.send_signal(signal.SIGCONT)
    except psutil.NoSuchProcess:
        return True
    if wait_gone(proc, timeout):
        return True
    with contextlib.suppress(psutil.Error):
        proc.kill()
    wait_gone(proc, 5)
    return False


def wait_gone(proc: psutil.Process, timeout: float) -> bool:
    """Wait until `proc` has exited. A zombie counts as exited: a process that is not our child is reaped by
    init whenever init gets to it, which can take seconds in some containers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.02)
    return False


def processes_using(markers: Sequence[str]) -> list[psutil.Process]:
    """Processes whose command line mentions one of `markers` (our data paths): what a crash may leave behind."""
    found = []
    me = os.getpid()
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if proc.pid == me:
            continue
        cmdline = " ".join(proc.info.get("cmdline") or [])
        if any(m in cmdline for m in markers):
            found.append(proc)
    return found
