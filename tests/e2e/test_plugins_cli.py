"""`omni plugins` as a user runs it: install a wheel into the plugins folder of a throw-away OMNI_HOME, see it in
`omni plugins list --json`, use the command it adds, uninstall it; broken plugins never break the CLI. No server is
needed: these commands only read and write the data dir."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import Home
from tests.plugin_helpers import build_wheel, channel_module, forget_modules, make_dist, unique

COMMAND = """
import click


@click.command(name={command!r})
@click.argument("who", default="world")
def hello(who):
    \"\"\"Say hello from the e2e plugin.\"\"\"
    click.echo("hello " + who + " from {plugin}")


@hookimpl
def register_commands(cli):
    cli.add_command(hello)
"""


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home")


def folder_of(home: Home) -> Path:
    return home.root / "data" / "plugins"


def plugin_wheel(out: Path, plugin: str, command: str) -> tuple[Path, str, str]:
    """A wheel `omni-<plugin>` 0.3 with a channel and a CLI command; returns (wheel, package, channel key)."""
    package, key = unique(f"omni_{plugin}"), unique(f"{plugin}-chan")
    code = channel_module(key, COMMAND.format(command=command, plugin=plugin))
    wheel = build_wheel(out, f"omni-{plugin}", "0.3", {f"{package}/__init__.py": "", f"{package}/plugin.py": code},
                        plugins={plugin: f"{package}.plugin"}, requires=("omni", "pluggy>=1"))  # fmt: skip
    return wheel, package, key


def listed(home: Home) -> dict[str, dict]:
    data = json.loads(home.omni("plugins", "list", "--json").stdout)
    assert data["pluginsDir"] == str(folder_of(home))
    return {item["name"]: item for item in data["items"]}


def test_install_list_use_and_uninstall_a_wheel(home: Home, tmp_path: Path) -> None:
    wheel, package, key = plugin_wheel(tmp_path / "dist", "etoe", "etoe-hello")
    done = home.omni("plugins", "install", str(wheel))
    assert "installed omni-etoe 0.3" in done.stdout and f"plugin etoe loads (channels: {key})" in done.stdout
    assert "omni restart" in done.stdout
    folder = folder_of(home)
    assert (folder / package / "plugin.py").is_file()
    names = {p.name for p in folder.iterdir()}
    assert not any(n.startswith(("omni-", "omni_0", "pluggy")) for n in names if n != "omni_etoe-0.3.dist-info"), names

    item = listed(home)["etoe"]
    assert (item["status"], item["version"], item["channels"], item["error"]) == ("loaded", "0.3", [key], None)
    assert item["source"] in ("folder", "entry-point")  # see the xfail in tests/unit/test_plugins.py
    assert listed(home)["loopback"]["source"] == "builtin"

    assert home.omni("etoe-hello", "you").stdout.strip() == "hello you from etoe"  # register_commands
    assert "etoe-hello" in home.omni("--help").stdout

    gone = home.omni("plugins", "uninstall", "etoe")
    assert "removed omni-etoe 0.3 (plugin etoe)" in gone.stdout and "omni restart" in gone.stdout
    assert "etoe" not in listed(home)
    assert list(folder.iterdir()) == []
    missing = home.omni("etoe-hello", check=False)
    assert missing.returncode != 0 and "No such command" in missing.stdout + missing.stderr  # piped: the JSON error


def test_install_a_project_directory_with_pip(home: Home, tmp_path: Path) -> None:
    pytest.importorskip("setuptools")
    project = tmp_path / "omni-projplug"
    package = unique("omni_projplug")
    (project / package).mkdir(parents=True)
    (project / package / "__init__.py").write_text("")
    (project / package / "plugin.py").write_text(channel_module(unique("proj-chan")))
    (project / "pyproject.toml").write_text(f"""
[project]
name = "omni-projplug"
version = "1.1.0"
dependencies = ["omni"]

[project.entry-points.omni]
projplug = "{package}.plugin"

[tool.setuptools]
packages = ["{package}"]

[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"
""")
    done = home.omni("plugins", "install", str(project), timeout=300, check=False)
    if (
        done.returncode != 0
        and "setuptools" in done.stdout + done.stderr
        and "No matching distribution" in (done.stdout + done.stderr)
    ):
        pytest.skip("pip cannot fetch setuptools for the isolated build here")
    assert done.returncode == 0, done.stdout + done.stderr
    assert listed(home)["projplug"]["status"] == "loaded"
    home.omni("plugins", "uninstall", "omni-projplug")
    assert "projplug" not in listed(home)


def test_broken_plugins_never_break_the_cli(home: Home) -> None:
    folder = folder_of(home)
    make_dist(folder, "omni-crashy", {(crashy := unique("crashy")): "raise RuntimeError('bad import')\n"},
              {"crashy": crashy})  # fmt: skip
    rude = unique("rude")
    make_dist(folder, "omni-rude", {rude: """
import click
from omni.plugins.hookspecs import hookimpl


@hookimpl
def register_commands(cli):
    cli.add_command(click.Command("status", callback=lambda: print("hijacked")))
    cli.add_command(click.Command("rude-ok", callback=lambda: print("rude but fine")))
    raise RuntimeError("and then it crashed")


@hookimpl
def register_doctor_checks(register):
    register("token", lambda: (False, "token expired"))
"""}, {"rude": rude})  # fmt: skip

    help_text = home.omni("--help")
    assert "status" in help_text.stdout and "rude-ok" in help_text.stdout
    assert "plugin rude tried to replace `omni status`; ignored" in help_text.stderr
    assert home.omni("rude-ok").stdout.strip() == "rude but fine"
    assert home.omni("--version").returncode == 0

    unknown = home.omni("no-such-command", check=False)
    assert unknown.returncode == 2 and "crashy" in unknown.stderr and "omni plugins" in unknown.stderr

    items = listed(home)
    assert items["crashy"]["status"] == "failed" and "RuntimeError: bad import" in items["crashy"]["error"]
    assert items["rude"]["status"] == "loaded"

    doctor = json.loads(home.omni("doctor", "--json", check=False).stdout)
    rows = {c["check"]: c for c in doctor["checks"]}
    assert rows["plugins"]["status"] == "WARN" and "crashy failed" in rows["plugins"]["message"]
    assert rows["plugin rude: token"]["status"] == "FAIL" and rows["plugin rude: token"]["message"] == "token expired"

    home.extra_env["OMNI_LOAD_PLUGINS"] = ""
    data = json.loads(home.omni("plugins", "--json").stdout)
    assert {i["source"] for i in data["items"]} == {"builtin"} and data["loadPlugins"] == ""
    assert "rude-ok" not in home.omni("--help").stdout

    failed = home.omni("plugins", "uninstall", "nothing-here", check=False)
    assert failed.returncode == 1 and "no plugin or distribution named 'nothing-here'" in failed.stderr


def test_the_frozen_installer_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the PyInstaller binary there is no pip: the same commands use omni's own wheel installer."""
    from omni.cli import cli

    wheel, package, key = plugin_wheel(tmp_path / "dist", "frozenplug", "frozenplug-hello")
    monkeypatch.setenv("OMNI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OMNI_LOAD_PLUGINS", raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    runner = CliRunner()
    try:
        done = runner.invoke(cli, ["plugins", "install", str(wheel)], catch_exceptions=False)
        assert done.exit_code == 0, done.output
        assert "installed omni-frozenplug 0.3" in done.output
        folder = tmp_path / "home" / "data" / "plugins"
        assert (folder / "omni_frozenplug-0.3.dist-info" / "INSTALLER").read_text() == "omni\n"

        listing = runner.invoke(cli, ["plugins", "list", "--json"], catch_exceptions=False)
        items = {i["name"]: i for i in json.loads(listing.output)["items"]}
        assert items["frozenplug"]["status"] == "loaded" and items["frozenplug"]["channels"] == [key]

        gone = runner.invoke(cli, ["plugins", "uninstall", "omni-frozenplug"], catch_exceptions=False)
        assert gone.exit_code == 0 and "removed omni-frozenplug 0.3" in gone.output
        assert list(folder.iterdir()) == []
    finally:
        forget_modules(package)
