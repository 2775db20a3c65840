"""Settings: command-line flags > environment > config file (TOML) > defaults.

The environment takes `OMNI_*` names and the names Omni v2 users already have in their `.env`
(`API_PORT`, `DATABASE_URL`, `NATS_URL`, `PGSERVE_*`, `NATS_*`, `OMNI_API_KEY`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, ClassVar, Literal

import tomli_w
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from omni.paths import Paths
from omni.paths import resolve as resolve_paths

KEY_PREFIX = "omni_sk_"


def _env(name: str, *v2_names: str) -> Any:
    """OMNI_<NAME>, then the v2 names (environment); the field name itself (config file, flags)."""
    return AliasChoices(f"OMNI_{name.upper()}", *v2_names, name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, extra="ignore", populate_by_name=True)

    api_host: str = Field("127.0.0.1", validation_alias=_env("api_host", "API_HOST"))
    api_port: int = Field(8882, ge=1, le=65535, validation_alias=_env("api_port", "API_PORT"))
    # Two workers where there are two cores: a list is CPU-bound in Python and in PostgreSQL, and a second worker
    # (forked, sharing the first's memory) takes the API from ~600 to ~1,300 list requests/s (bench/RESULTS.md).
    api_workers: int = Field(default_factory=lambda: min(2, os.cpu_count() or 1), ge=1, le=64,
                             validation_alias=_env("api_workers"))  # fmt: skip
    api_key: str | None = Field(None, validation_alias=_env("api_key"))

    database_url: str | None = Field(None, validation_alias=_env("database_url", "DATABASE_URL"))
    pgserve_managed: bool | None = Field(None, validation_alias=_env("pgserve_managed", "PGSERVE_MANAGED"))
    pgserve_port: int = Field(8432, ge=1, le=65535, validation_alias=_env("pgserve_port", "PGSERVE_PORT"))

    nats_url: str | None = Field(None, validation_alias=_env("nats_url", "NATS_URL"))
    nats_managed: bool | None = Field(None, validation_alias=_env("nats_managed", "NATS_MANAGED"))
    nats_port: int = Field(4222, ge=1, le=65535, validation_alias=_env("nats_port", "NATS_PORT"))

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=_env("log_level", "LOG_LEVEL")
    )
    log_max_bytes: int = Field(10 * 1024 * 1024, ge=64 * 1024, validation_alias=_env("log_max_bytes"))
    log_backups: int = Field(5, ge=1, le=100, validation_alias=_env("log_backups"))

    # Which settings the config file may hold; `omni install` writes these.
    FILE_KEYS: ClassVar[tuple[str, ...]] = (
        "api_host", "api_port", "api_workers", "database_url", "pgserve_managed", "pgserve_port",
        "nats_url", "nats_managed", "nats_port", "log_level", "log_max_bytes", "log_backups",
    )  # fmt: skip

    @field_validator("api_key")
    @classmethod
    def _key_format(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(KEY_PREFIX):
            raise ValueError(f"OMNI_API_KEY must start with {KEY_PREFIX!r}")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    # Derived facts, computed in one place.
    @property
    def postgres_managed(self) -> bool:
        return self.pgserve_managed if self.pgserve_managed is not None else not self.database_url

    @property
    def nats_is_managed(self) -> bool:
        return self.nats_managed if self.nats_managed is not None else not self.nats_url

    @property
    def api_url(self) -> str:
        host = "127.0.0.1" if self.api_host in ("0.0.0.0", "::", "") else self.api_host
        return f"http://{host}:{self.api_port}"


def load(paths: Paths | None = None, **flags: Any) -> Settings:
    """Settings for `paths` (default: this process's locations); `flags` are command-line values (None = unset)."""
    paths = paths or resolve_paths()
    cls = type("Settings", (Settings,), {"model_config": {**Settings.model_config, "toml_file": paths.config_file}})
    return cls(**{k: v for k, v in flags.items() if v is not None})


def read_file(paths: Paths) -> dict[str, Any]:
    if not paths.config_file.exists():
        return {}
    return tomllib.loads(paths.config_file.read_text())


def write_file(paths: Paths, values: dict[str, Any]) -> bool:
    """Merge `values` into the config file. Returns True when the file changed."""
    unknown = set(values) - set(Settings.FILE_KEYS)
    if unknown:
        raise ValueError(f"not a config file setting: {', '.join(sorted(unknown))}")
    current = read_file(paths)
    merged = {**current, **{k: v for k, v in values.items() if v is not None}}
    if merged == current and paths.config_file.exists():
        return False
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(
        paths.config_file,
        "# omni settings; environment variables and flags override these.\n" + tomli_w.dumps(merged),
        0o644,
    )
    return True


def _atomic_write(path: Path, text: str, mode: int) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.chmod(mode)
    tmp.replace(path)


def env_overrides(paths: Paths) -> dict[str, tuple[Any, Any]]:
    """Settings where the environment overrides the config file: {name: (file value, effective value)}."""
    effective = load(paths).model_dump()
    return {
        key: (value, effective[key])
        for key, value in read_file(paths).items()
        if key in effective and effective[key] != value
    }


def describe_error(exc: ValidationError) -> str:
    """A settings error a user can act on: the setting, every name it can be set by, and what is wrong."""
    by_alias = {}
    for name, info in Settings.model_fields.items():
        choices = info.validation_alias.choices if isinstance(info.validation_alias, AliasChoices) else [name]
        by_alias.update({str(c): (name, [str(c) for c in choices]) for c in choices})
    lines = []
    for error in exc.errors():
        loc = str(error["loc"][0]) if error["loc"] else ""
        name, names = by_alias.get(loc, (loc, [loc]))
        env_names = " or ".join(n for n in names if n != name)
        lines.append(f"{name} (environment {env_names}, or {name} in omni.toml): {error['msg']}, "
                     f"got {error.get('input')!r}")  # fmt: skip
    return "; ".join(lines)
