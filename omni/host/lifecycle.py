"""`omni start | stop | status`: the daemonised supervisor seen from the command line."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import psutil

from omni.client import config as cli_config
from omni.config import Settings
from omni.host import procs, services
from omni.host.errors import HostError
from omni.host.lock import lock_held
from omni.host.logs import SERVICES, tail
from omni.host.services import STOP_TIMEOUT
from omni.paths import Paths

START_TIMEOUT = 120.0


@dataclass
class StartResult:
    url: str
    already_running: bool
    pid: int | None
    new_key: str | None = None
    seconds: float = 0.0


def health(url: str, timeout: float = 3.0) -> tuple[int | None, dict[str, Any] | None, str | None]:
    """(HTTP status, body, error) of the API's health route."""
    try:
        response = httpx.get(f"{url}/api/v2/health", timeout=timeout)
        return response.status_code, response.json(), None
    except (httpx.HTTPError, ValueError) as exc:
        return None, None, str(exc) or type(exc).__name__


def supervisor(paths: Paths) -> psutil.Process | None:
    return procs.live_process(paths.pid_file("supervisor"))


def start(settings: Settings, paths: Paths, serve_args: list[str]) -> StartResult:
    began = time.monotonic()
    if lock_held(paths):
        sup = supervisor(paths)
        return StartResult(settings.api_url, True, sup.pid if sup else None)
    services.preflight_ports(settings)
    paths.logs.mkdir(parents=True, exist_ok=True)
    out_path = paths.logs / "supervisor.out"  # raw output before logging is set up (import errors, crashes)
    if out_path.exists() and out_path.stat().st_size > settings.log_max_bytes:
        out_path.replace(out_path.with_suffix(".out.1"))
    with out_path.open("ab") as out:
        proc = subprocess.Popen(
            [*services.omni_argv(), "serve", "--daemon", *serve_args],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True, close_fds=True,
        )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            raise HostError(_failure(paths, code))
        status, _, _ = health(settings.api_url, timeout=1)
        if status == 200 and (paths.pid_file("api")).exists():
            break
        time.sleep(0.1)
    else:
        raise HostError(f"omni did not become healthy in {START_TIMEOUT:.0f}s; see `omni logs` and `omni doctor`")
    key = None
    if paths.new_key_file.exists():
        key = paths.new_key_file.read_text().strip()
        procs.remove(paths.new_key_file)
    return StartResult(settings.api_url, False, proc.pid, key, time.monotonic() - began)


def _failure(paths: Paths, code: int) -> str:
    error_file = paths.run / "supervisor.error"
    if error_file.exists():
        return error_file.read_text().strip()
    lines = tail(paths.logs / "supervisor.out", 15) or tail(paths.log_file("supervisor"), 15)
    return f"omni exited during start-up (code {code}):\n" + "\n".join(lines)


@dataclass
class StopResult:
    was_running: bool
    killed: list[str] = field(default_factory=list)
    removed_pid_files: list[str] = field(default_factory=list)


def stop(paths: Paths) -> StopResult:
    """Stop the supervisor (it stops its children in order); then clean anything a crash left. Idempotent."""
    sup = supervisor(paths)
    result = StopResult(was_running=sup is not None)
    if sup is not None:
        procs.terminate(sup, timeout=STOP_TIMEOUT * 3 + 5)
    cleanup = clean_leftovers(paths)
    result.killed, result.removed_pid_files = cleanup.killed, cleanup.removed_pid_files
    return result


def leftovers(paths: Paths) -> tuple[list[psutil.Process], list[str]]:
    """(orphan processes of this data dir, stale pid files) — only meaningful when no supervisor runs."""
    if lock_held(paths):
        return [], []
    stale = [s for s in SERVICES if paths.pid_file(s).exists()]
    orphans = {p.pid: p for p in procs.processes_using(markers(paths))}
    for service in SERVICES[1:]:
        proc = procs.live_process(paths.pid_file(service))
        if proc is not None:
            orphans[proc.pid] = proc
    return list(orphans.values()), stale


def markers(paths: Paths) -> list[str]:
    """Command-line fragments that only processes of this data dir carry."""
    return [str(paths.pgdata), str(paths.nats_config)]


def clean_leftovers(paths: Paths) -> StopResult:
    orphans, stale = leftovers(paths)
    result = StopResult(was_running=False)
    for proc in orphans:
        try:
            name = f"{proc.name()} (pid {proc.pid})"
        except psutil.Error:
            continue
        sig = 2 if "postgres" in name else 15  # postgres: SIGINT is its fast, safe shutdown
        procs.terminate(proc, sig=sig, timeout=10)
        result.killed.append(name)
    for service in stale:
        procs.remove(paths.pid_file(service))
        result.removed_pid_files.append(str(paths.pid_file(service)))
    procs.remove(paths.state_file)
    return result


def status(settings: Settings, paths: Paths) -> dict[str, Any]:
    sup = supervisor(paths) if lock_held(paths) else None
    state: dict[str, Any] = {}
    if sup is not None and paths.state_file.exists():
        try:
            state = json.loads(paths.state_file.read_text())
        except ValueError:
            state = {}
    code, body, error = health(settings.api_url)
    cli = cli_config.load(paths.cli_config_file)
    auth = {"configured": bool(cli.get("apiKey")), "valid": None}
    if cli.get("apiKey") and code is not None:
        try:
            r = httpx.post(f"{cli.get('apiUrl') or settings.api_url}/api/v2/auth/validate",
                           headers={"x-api-key": cli["apiKey"]}, timeout=3)  # fmt: skip
            auth["valid"] = r.status_code == 200
        except httpx.HTTPError:
            auth["valid"] = None
    rows = []
    managed = {"postgres": settings.postgres_managed, "nats": settings.nats_is_managed, "api": True}
    for name in SERVICES[1:]:
        entry = state.get("services", {}).get(name, {})
        rows.append({
            "service": name,
            "managed": managed[name],
            "state": entry.get("state", "stopped") if managed[name] else "external",
            "pid": entry.get("pid") if sup else None,
            "port": entry.get("port") or {"postgres": settings.pgserve_port, "nats": settings.nats_port,
                                          "api": settings.api_port}[name],
            "restarts": entry.get("restarts", 0),
        })  # fmt: skip
    return {
        "configDir": str(paths.config), "dataDir": str(paths.data), "logDir": str(paths.logs),
        "apiUrl": settings.api_url,
        "running": sup is not None, "supervisorPid": sup.pid if sup else None,
        "health": body if body else {"status": "unreachable", "error": error},
        "auth": auth,
        "services": rows,
    }  # fmt: skip
