"""Settings precedence (flags > environment > config file > defaults), v2 variable names, locations."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from omni import config, paths


@pytest.fixture
def where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> paths.Paths:
    for name in ("API_PORT", "API_HOST", "DATABASE_URL", "NATS_URL", "PGSERVE_PORT", "PGSERVE_MANAGED", "NATS_PORT",
                 "NATS_MANAGED", "OMNI_API_KEY", "OMNI_API_PORT", "LOG_LEVEL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return paths.resolve(tmp_path)


def test_defaults_match_omni_v2(where: paths.Paths) -> None:
    s = config.load(where)
    assert (s.api_port, s.pgserve_port, s.nats_port) == (8882, 8432, 4222)
    assert s.postgres_managed and s.nats_is_managed
    assert s.api_url == "http://127.0.0.1:8882"


def test_precedence_flags_env_file_defaults(where: paths.Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_file(where, {"api_port": 7000, "nats_port": 5000})
    assert config.load(where).api_port == 7000
    monkeypatch.setenv("API_PORT", "9000")
    assert config.load(where).api_port == 9000
    assert config.load(where).nats_port == 5000  # untouched by the environment: the file wins over defaults
    monkeypatch.setenv("OMNI_API_PORT", "9100")  # the OMNI_ name is preferred over the v2 name
    assert config.load(where).api_port == 9100
    assert config.load(where, api_port=9999).api_port == 9999
    assert config.load(where, api_port=None).api_port == 9100  # an unset flag is no value
    assert config.env_overrides(where) == {"api_port": (7000, 9100)}


def test_v2_env_names_switch_to_external_services(where: paths.Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/omni")
    monkeypatch.setenv("NATS_URL", "nats://bus:4222")
    s = config.load(where)
    assert not s.postgres_managed and not s.nats_is_managed
    monkeypatch.setenv("PGSERVE_MANAGED", "true")  # explicit v2 flag keeps the embedded server
    assert config.load(where).postgres_managed


def test_invalid_values_name_the_setting(where: paths.Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNI_API_KEY", "sk-123")
    with pytest.raises(ValidationError, match="omni_sk_"):
        config.load(where)
    monkeypatch.delenv("OMNI_API_KEY")
    monkeypatch.setenv("API_PORT", "70000")
    with pytest.raises(ValidationError) as info:
        config.load(where)
    message = config.describe_error(info.value)
    assert message.startswith("api_port (environment OMNI_API_PORT or API_PORT, or api_port in omni.toml)")
    assert "'70000'" in message


def test_config_file_rejects_unknown_keys_and_keeps_existing(where: paths.Paths) -> None:
    with pytest.raises(ValueError, match="not a config file setting"):
        config.write_file(where, {"api_key": "omni_sk_x"})
    assert config.write_file(where, {"api_port": 7000})
    assert not config.write_file(where, {"api_port": 7000, "nats_url": None})
    assert config.read_file(where) == {"api_port": 7000}


def test_omni_home_puts_everything_in_one_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNI_HOME", str(tmp_path))
    p = paths.resolve()
    assert all(d.is_relative_to(tmp_path) for d in p.all_dirs())
    assert p.config_file == tmp_path / "config" / "omni.toml"


def test_system_locations_for_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMNI_HOME", raising=False)
    monkeypatch.setattr(paths.os, "geteuid", lambda: 0)
    p = paths.resolve()
    assert (p.config, p.data, p.logs, p.run) == (Path("/etc/omni"), Path("/var/lib/omni"), Path("/var/log/omni"),
                                                 Path("/run/omni"))  # fmt: skip
    monkeypatch.setattr(paths.os, "geteuid", lambda: 1000)
    user = paths.resolve()
    assert not str(user.data).startswith("/var/")
