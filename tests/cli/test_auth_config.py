"""`omni auth`, `omni config`, `omni completions` and `omni --help`, each in a home of its own (the shared server's
CLI config stays as it is)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from omni.testing.server import OmniServer
from tests.cli.conftest import Cli, unique


@pytest.fixture
def fresh(cli_run: Cli, tmp_path: Path) -> Cli:
    """The CLI with an empty config of its own (not logged in), pointed at nothing."""
    other = Cli(cli_run.server)
    other.env["OMNI_HOME"] = str(tmp_path)
    return other


def test_login_checks_the_key_saves_it_0600_and_logout_forgets_it(fresh: Cli, omni_cli_server: OmniServer,
                                                                   tmp_path: Path) -> None:  # fmt: skip
    before = fresh("instances", "list", human=True, ok=False)
    assert "not logged in" in before.err or "cannot reach" in before.err
    wrong = fresh("auth", "login", "--api-url", omni_cli_server.url, "--api-key", "omni_sk_wrong", ok=False)
    assert wrong.json["details"]["code"] == "UNAUTHORIZED"
    config_file = tmp_path / "config" / "cli.json"
    assert not config_file.exists()  # a rejected key is not saved

    done = fresh.ok("auth", "login", "--api-url", omni_cli_server.url + "/api/v2/", "--api-key",
                    omni_cli_server.api_key)  # fmt: skip
    assert done["apiUrl"] == omni_cli_server.url and done["scopes"] == ["*"]
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert json.loads(config_file.read_text())["apiKey"] == omni_cli_server.api_key
    status = fresh.ok("auth", "status")
    assert status["valid"] is True and status["server"] == "healthy"
    assert omni_cli_server.api_key not in json.dumps(status)  # masked
    assert isinstance(fresh.ok("instances", "list"), list)

    fresh.ok("auth", "logout")
    after = fresh("instances", "list", human=True, ok=False)
    assert "omni auth login" in after.err


def test_config_set_get_unset_and_default_instance(fresh: Cli, omni_cli_server: OmniServer) -> None:
    fresh.ok("auth", "login", "--api-url", omni_cli_server.url, "--api-key", omni_cli_server.api_key)
    name = unique("default")
    fresh.ok("instances", "create", "--name", name, "--channel", "loopback")
    missing = fresh("config", "set", "defaultInstance", "no-such-instance-here", ok=False)
    assert missing.json["details"]["code"] == "NOT_FOUND"
    fresh.ok("config", "set", "default-instance", name)
    assert fresh.ok("config", "get", "defaultInstance")["value"] == name
    assert fresh.ok("instances", "whoami")["name"] == name  # --instance left out: the default
    assert fresh("config", "set", "format", "xml", ok=False).json["details"]["fields"]["format"]
    assert fresh("config", "set", "apiUrl", "ftp://x", ok=False).json["details"]["code"] == "USAGE"
    assert fresh("config", "get", "colour", ok=False).json["error"] == "unknown setting 'colour'"
    fresh.ok("config", "set", "format", "json")
    assert fresh("config", "list", human=False).json["data"]["format"] == "json"
    fresh.ok("config", "unset", "defaultInstance")
    assert fresh.ok("config", "get", "defaultInstance")["value"] is None
    no_default = fresh("instances", "whoami", ok=False)
    assert "defaultInstance" in no_default.json["details"]["hint"]


def test_environment_overrides_config(fresh: Cli, omni_cli_server: OmniServer) -> None:
    env = {"OMNI_API_URL": omni_cli_server.url, "OMNI_API_KEY": omni_cli_server.api_key}
    assert isinstance(fresh.ok("instances", "list", env=env), list)
    down = fresh("instances", "list", env={"OMNI_API_URL": "http://127.0.0.1:9", "OMNI_API_KEY": "x"}, ok=False)
    assert down.json["details"]["code"] == "CONNECTION_ERROR" and "omni status" in down.json["details"]["hint"]


def test_help_is_grouped_and_completions_print(cli_run: Cli) -> None:
    top = cli_run("--help", ok=True).out
    assert top.index("Core:") < top.index("Management:") < top.index("System:")
    assert "omni setup agent" in top  # examples
    for shell, marker in (("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete --no-files --command omni")):
        assert marker in cli_run("completions", shell, ok=True).out
    assert cli_run("completions", "powershell").code == 2
    unknown = cli_run(
        "instances", "list", "--colour", "x"
    )  # a typo: the JSON envelope (exit 2, as click's usage errors)
    assert (
        unknown.code == 2 and "No such option" in unknown.json["error"] and unknown.json["details"]["code"] == "USAGE"
    )
    typed = cli_run("instances", "list", "--colour", "x", human=True)
    assert typed.code == 2 and "Try 'omni instances list --help' for help" in typed.err
