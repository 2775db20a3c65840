"""Generated credentials of the embedded services, kept in one 0600 file in the data dir."""

from __future__ import annotations

import json
import os
import secrets
import string
from pathlib import Path

ALPHABET = string.ascii_letters + string.digits


def token(length: int = 32) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


FIELDS = ("postgres_superuser_password", "postgres_password", "nats_user", "nats_password")


def load(path: Path, *, create: bool = False) -> dict[str, str]:
    """The credentials; with `create`, missing ones are generated and saved (never replaced)."""
    values: dict[str, str] = {}
    if path.exists():
        values = json.loads(path.read_text())
    missing = [f for f in FIELDS if not values.get(f)]
    if missing and create:
        for field in missing:
            values[field] = "omni" if field == "nats_user" else token()
        save(path, values)
    return values


def save(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh, indent=2)
    tmp.replace(path)
