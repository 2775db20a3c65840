"""`omni auth` (log the CLI in to a server) and `omni config` (the CLI's own settings: apiUrl, apiKey,
defaultInstance, format). Both live in one JSON file, 0600 (`omni config path`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import click

from omni.cli.base import Session, UsageProblem, command, config_path, stored
from omni.client import config as cli_config
from omni.client.http import DEFAULT_URL

KEYS = cli_config.KEYS
FORMATS = ("human", "json")


def mask(key: str | None) -> str | None:
    if not key:
        return None
    return key[:12] + "…" if len(key) > 20 else "…"


def _check_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageProblem(f"not an http(s) URL: {url!r}", hint="e.g. http://127.0.0.1:8882", field="apiUrl")
    return url.rstrip("/").removesuffix("/api/v2")


def _save(**changes: Any) -> dict[str, Any]:
    values = stored()
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    cli_config.save(config_path(), values)
    return values


# ---- auth ----------------------------------------------------------------------------------------------------------


@click.group(name="auth")
def auth() -> None:
    """Log the CLI in to a server (the key is checked before it is saved).

    \b
    Examples:
      omni auth login --api-key omni_sk_…                       # the local server
      omni auth login --api-url https://omni.example.com --api-key omni_sk_…
      omni auth status
    """


@command(auth, "login")
@click.option("--api-key", prompt="API key", hide_input=True, help="The key (`omni keys create` makes one).")
@click.option("--api-url", help=f"The server (default: the one configured, else {DEFAULT_URL}).")
def login(s: Session, api_key: str, api_url: str | None) -> None:
    """Check the key against the server, then save it (and the URL) for every later command."""
    from omni.client import Client

    url = _check_url(api_url) if api_url else (stored().get("apiUrl") or DEFAULT_URL)
    with Client(url, api_key.strip(), max_retries=0) as client:
        who = client.system.validate_key()
    _save(apiUrl=url, apiKey=api_key.strip())
    s.out.emit({"apiUrl": url, "keyName": who.key_name, "keyPrefix": who.key_prefix, "scopes": who.scopes},
               message=f"logged in to {url} as {who.key_name}")  # fmt: skip


@command(auth, "status")
def auth_status(s: Session) -> None:
    """The server and key in use, and whether the server accepts the key."""
    client = s.client
    info: dict[str, Any] = {"apiUrl": client.base_url, "apiKey": mask(client.api_key), "configFile": str(config_path())}
    if not client.api_key:
        raise UsageProblem("not logged in", hint="run `omni auth login --api-key KEY`")
    who = client.system.validate_key()
    health = client.system.health()
    info.update(valid=True, keyName=who.key_name, scopes=who.scopes, server=health.status,
                version=getattr(health, "version", None))  # fmt: skip
    s.out.emit(info, message=f"logged in as {who.key_name}")


@command(auth, "logout")
def logout(s: Session) -> None:
    """Forget the saved key (the URL stays)."""
    had = bool(stored().get("apiKey"))
    _save(apiKey=None)
    s.out.emit({"loggedOut": had}, message="logged out" if had else "was not logged in")


# ---- config --------------------------------------------------------------------------------------------------------


@click.group(name="config")
def config() -> None:
    """The CLI's settings: apiUrl, apiKey, defaultInstance, format (human|json).

    \b
    Examples:
      omni config set defaultInstance support     # then --instance can be left out
      omni config set format json                 # JSON even on a terminal
      omni config list
    """


@command(config, "list")
def config_list(s: Session) -> None:
    """Every setting (the key masked)."""
    values = stored()
    rows = [{"key": k, "value": mask(values.get(k)) if k == "apiKey" else values.get(k)} for k in KEYS]
    if s.out.json:
        s.out.emit({k: (mask(values.get(k)) if k == "apiKey" else values.get(k)) for k in KEYS})
    else:
        from omni.cli.base import cols

        s.out.emit(rows, cols("key=Key", "value=Value"))
        s.out.note(f"[dim]{config_path()}[/dim]")


def _key(name: str) -> str:
    for key in KEYS:
        if key.lower() == name.lower().replace("-", "").replace("_", ""):
            return key
    raise UsageProblem(f"unknown setting {name!r}", hint=f"settings: {', '.join(KEYS)}", field="key")


@command(config, "get")
@click.argument("key")
def config_get(s: Session, key: str) -> None:
    """One setting (the key masked)."""
    name = _key(key)
    value = stored().get(name)
    s.out.emit({"key": name, "value": mask(value) if name == "apiKey" else value})


@command(config, "set")
@click.argument("key")
@click.argument("value")
def config_set(s: Session, key: str, value: str) -> None:
    """Change a setting (apiUrl is checked to be a URL, format is human or json)."""
    name = _key(key)
    if name == "apiUrl":
        value = _check_url(value)
    elif name == "format" and value not in FORMATS:
        raise UsageProblem(f"format is one of {', '.join(FORMATS)}", field="format")
    elif name == "defaultInstance":
        s.resolve("instance", value)  # it must exist (by id, prefix or name) — checked now, not at first use
    _save(**{name: value})
    s.out.emit({"key": name, "value": mask(value) if name == "apiKey" else value}, message=f"{name} set")


@command(config, "unset")
@click.argument("key")
def config_unset(s: Session, key: str) -> None:
    """Remove a setting (back to its default)."""
    name = _key(key)
    _save(**{name: None})
    s.out.emit({"key": name, "value": None}, message=f"{name} unset")


@command(config, "path")
def config_file(s: Session) -> None:
    """Where the settings are kept."""
    s.out.emit({"path": str(config_path())})


def register(cli: click.Group) -> None:
    cli.add_command(auth)
    cli.add_command(config)
