"""Where omni keeps its files.

Every location comes from platformdirs, except that `OMNI_HOME=/dir` puts everything under one folder (tests,
portable installs) and root without `OMNI_HOME` uses the system locations of a daemon.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "omni"


@dataclass(frozen=True)
class Paths:
    config: Path
    data: Path
    logs: Path
    run: Path

    # Files and folders inside those locations, named here once.
    @property
    def config_file(self) -> Path:
        return self.config / "omni.toml"

    @property
    def cli_config_file(self) -> Path:
        return self.config / "cli.json"

    @property
    def secrets_file(self) -> Path:
        return self.data / "secrets.json"

    @property
    def master_key(self) -> Path:
        """The key that encrypts secrets in the database (0600)."""
        return self.data / "master.key"

    @property
    def pgdata(self) -> Path:
        return self.data / "postgres"

    @property
    def pg_runtime(self) -> Path:
        """Root installs copy the postgres binaries here so the unprivileged postgres user can run them."""
        return self.data / "runtime"

    @property
    def nats_dir(self) -> Path:
        return self.data / "nats"

    @property
    def nats_config(self) -> Path:
        return self.nats_dir / "nats.conf"

    @property
    def lock_file(self) -> Path:
        return self.run / "supervisor.lock"

    @property
    def state_file(self) -> Path:
        return self.run / "state.json"

    @property
    def new_key_file(self) -> Path:
        """A freshly generated primary key waits here (0600) until `omni start` shows it once, then it is deleted."""
        return self.run / "primary-key.once"

    def pid_file(self, service: str) -> Path:
        return self.run / f"{service}.pid"

    def log_file(self, service: str) -> Path:
        return self.logs / f"{service}.log"

    def all_dirs(self) -> list[Path]:
        return [self.config, self.data, self.logs, self.run]


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def resolve(home: str | os.PathLike[str] | None = None) -> Paths:
    """The locations for this process: `home` (or `OMNI_HOME`), else system (root) or per-user locations."""
    home = home or os.environ.get("OMNI_HOME")
    if home:
        base = Path(home).expanduser().resolve()
        return Paths(config=base / "config", data=base / "data", logs=base / "logs", run=base / "run")
    if is_root() and sys.platform.startswith("linux"):
        # platformdirs' site config dir is the desktop one (/etc/xdg); a daemon's config lives in /etc.
        return Paths(
            config=Path("/etc") / APP,
            data=platformdirs.site_state_path(APP),
            logs=platformdirs.site_log_path(APP),
            run=platformdirs.site_runtime_path(APP),
        )
    data = platformdirs.user_data_path(APP)
    # Without XDG_RUNTIME_DIR platformdirs falls back to a world-shared /tmp path; keep run files with our state.
    run = platformdirs.user_runtime_path(APP) if os.environ.get("XDG_RUNTIME_DIR") else data / "run"
    return Paths(config=platformdirs.user_config_path(APP), data=data, logs=platformdirs.user_log_path(APP), run=run)
