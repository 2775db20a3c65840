"""A systemd unit for `omni serve`, rendered by `omni install --systemd` (root only)."""

from __future__ import annotations

import os
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

from omni.host.errors import HostError
from omni.host.services import omni_argv
from omni.paths import Paths, is_root

UNIT_PATH = Path("/etc/systemd/system/omni.service")


def render(paths: Paths) -> str:
    template = files("omni.host").joinpath("templates/omni.service").read_text()
    environment = f"Environment=OMNI_HOME={os.environ['OMNI_HOME']}" if os.environ.get("OMNI_HOME") else ""
    return template.format(omni=" ".join(omni_argv()), config_file=paths.config_file, environment=environment)


def install_unit(paths: Paths, unit_path: Path = UNIT_PATH) -> bool:
    """Write the unit (returns False when it is already current) and reload systemd if it runs."""
    if not is_root():
        raise HostError("--systemd needs root: run `sudo omni install --systemd`")
    text = render(paths)
    if unit_path.exists() and unit_path.read_text() == text:
        return False
    unit_path.parent.mkdir(parents=True, exist_ok=True)
    unit_path.write_text(text)
    if Path("/run/systemd/system").exists() and shutil.which("systemctl"):
        subprocess.run(["systemctl", "daemon-reload"], check=False)
    return True
