"""`omni install`: folders, the service user, the PostgreSQL cluster, NATS config, schema, primary key, CLI login.

Reinstall-safe: what exists is kept (data, keys, passwords); only what is missing is created.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from dataclasses import dataclass, field
from typing import Any

from omni.client import config as cli_config
from omni.config import Settings
from omni.config import load as load_settings
from omni.config import write_file as write_config_file
from omni.db import crypto, migrate
from omni.host import endpoints, nats, postgres, procs, secrets
from omni.host.errors import HostError, PortInUse
from omni.host.lock import lock_held
from omni.paths import Paths, is_root


@dataclass
class InstallResult:
    settings: Settings
    created: list[str] = field(default_factory=list)
    new_key: str | None = None
    running: bool = False


def make_dirs(paths: Paths, result: InstallResult | None = None) -> None:
    # As root the data dir is traversable (not listable) so the postgres user can reach its cluster.
    modes = {paths.config: 0o755, paths.data: 0o711 if is_root() else 0o700, paths.logs: 0o750, paths.run: 0o755}
    for path, mode in modes.items():
        if not path.exists():
            path.mkdir(parents=True, mode=mode)
            path.chmod(mode)
            if result is not None:
                result.created.append(str(path))


def install(paths: Paths, file_values: dict[str, Any]) -> InstallResult:
    result = InstallResult(settings=load_settings(paths))
    make_dirs(paths, result)
    if write_config_file(paths, file_values) or not paths.config_file.exists():
        result.created.append(str(paths.config_file))
    settings = result.settings = load_settings(paths)
    if not paths.secrets_file.exists():
        result.created.append(str(paths.secrets_file))
    creds = secrets.load(paths.secrets_file, create=True)
    if not paths.master_key.exists() and not os.environ.get(crypto.ENV_KEY):
        crypto.load_key(paths.master_key)
        result.created.append(str(paths.master_key))
    if lock_held(paths):
        # The running server already has its cluster, schema and key; never start a second postgres.
        result.running = True
        return result
    if settings.nats_is_managed:
        nats.binary()
        nats.write_config(paths, settings.nats_port, creds)
    pg: subprocess.Popen[bytes] | None = None
    try:
        if settings.postgres_managed:
            pg = _start_postgres(paths, settings, creds, result)
        db_url = endpoints.database_url(settings, paths)
        _, result.new_key = asyncio.run(migrate.prepare(db_url, settings.api_key))
    finally:
        if pg is not None:
            pg.send_signal(signal.SIGINT)
            pg.wait(30)
    _login_cli(paths, settings, result.new_key or settings.api_key)
    return result


def _start_postgres(
    paths: Paths, settings: Settings, creds: dict[str, str], result: InstallResult
) -> subprocess.Popen[bytes]:
    account = postgres.service_account(create=True)
    bin_path = postgres.bin_dir(paths, account)
    if postgres.initdb(paths, bin_path, account, creds["postgres_superuser_password"]):
        result.created.append(str(paths.pgdata))
    if not procs.port_free(postgres.HOST, settings.pgserve_port):
        raise PortInUse(settings.pgserve_port, "embedded PostgreSQL", "PGSERVE_PORT")
    proc = procs.spawn(postgres.command(paths, bin_path, settings.pgserve_port), env=procs.base_env(),
                       account=account, death_signal=signal.SIGINT)  # fmt: skip
    try:
        superuser = postgres.dsn(postgres.SUPERUSER, creds["postgres_superuser_password"], settings.pgserve_port,
                                 "postgres")  # fmt: skip
        asyncio.run(postgres.wait_ready(superuser, timeout=60))
        asyncio.run(postgres.bootstrap(creds, settings.pgserve_port))
    except BaseException:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        raise HostError(f"postgres did not start: {output.strip()[-2000:]}") from None
    return proc


def _login_cli(paths: Paths, settings: Settings, key: str | None) -> None:
    """Point the local CLI at this server; a key already there is kept unless a new one was made."""
    current = cli_config.load(paths.cli_config_file)
    updated = {**current}
    updated.setdefault("apiUrl", settings.api_url)
    if key:
        updated["apiKey"] = key
    if updated != current or not paths.cli_config_file.exists():
        cli_config.save(paths.cli_config_file, updated)
