"""The systemd unit `omni install --systemd` writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from omni import paths
from omni.host import systemd


def test_unit_runs_the_foreground_supervisor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNI_HOME", str(tmp_path))
    text = systemd.render(paths.resolve())
    assert "\nExecStart=" in text and text.split("ExecStart=")[1].split("\n")[0].endswith(" serve")
    assert f"Environment=OMNI_HOME={tmp_path}" in text
    assert "KillMode=mixed" in text and "Restart=on-failure" in text


@pytest.mark.skipif(os.geteuid() != 0, reason="writing a unit needs root")
def test_install_unit_is_idempotent(tmp_path: Path) -> None:
    unit = tmp_path / "omni.service"
    where = paths.resolve(tmp_path)
    assert systemd.install_unit(where, unit) is True
    assert systemd.install_unit(where, unit) is False
