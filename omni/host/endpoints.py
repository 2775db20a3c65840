"""Where the database and the event bus are: the embedded ones (with our generated credentials) or external ones."""

from __future__ import annotations

from omni.config import Settings
from omni.host import nats, postgres, secrets
from omni.host.errors import HostError
from omni.paths import Paths


def database_url(settings: Settings, paths: Paths) -> str:
    if settings.postgres_managed:
        return postgres.app_dsn(secrets.load(paths.secrets_file, create=True), settings.pgserve_port)
    if not settings.database_url:
        raise HostError("no database: set DATABASE_URL, or PGSERVE_MANAGED=true for the embedded PostgreSQL")
    return settings.database_url


def nats_url(settings: Settings, paths: Paths) -> str:
    if settings.nats_is_managed:
        return nats.url(secrets.load(paths.secrets_file, create=True), settings.nats_port)
    if not settings.nats_url:
        raise HostError("no event bus: set NATS_URL, or NATS_MANAGED=true for the embedded NATS")
    return settings.nats_url


def redact(url: str) -> str:
    """A URL safe to print: the password replaced."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
