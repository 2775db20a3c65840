"""Secrets at rest: channel tokens, provider API keys and secret settings are stored Fernet-encrypted.

The key lives in `<data>/master.key` (0600), generated on first use; several nodes sharing one database share it
through `OMNI_SECRET_KEY` instead. The API returns secrets masked (`mask`), never whole.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from tortoise import fields

PREFIX = "enc:v1:"
ENV_KEY = "OMNI_SECRET_KEY"


class SecretsUnavailable(RuntimeError):
    """Encrypted data was read or written before the key was loaded, or with the wrong key."""


_box: MultiFernet | None = None


def load_key(path: Path, *, create: bool = True) -> None:
    """Make the key of this data dir (or `OMNI_SECRET_KEY`) the one used to encrypt and decrypt.

    `OMNI_SECRET_KEY` may hold several comma-separated keys: the first encrypts, all decrypt (key rotation).
    """
    global _box
    env = os.environ.get(ENV_KEY)
    if env:
        keys = [k.strip().encode() for k in env.split(",") if k.strip()]
    else:
        if not path.exists():
            if not create:
                raise SecretsUnavailable(f"missing {path}: run `omni install`")
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(Fernet.generate_key())
        keys = [path.read_bytes().strip()]
    try:
        _box = MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise SecretsUnavailable(f"{ENV_KEY} or {path} does not hold a valid key: {exc}") from None


def encrypt(value: str) -> str:
    if _box is None:
        raise SecretsUnavailable("the secrets key is not loaded")
    return PREFIX + _box.encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption existed; re-encrypted on the next save
    if _box is None:
        raise SecretsUnavailable("the secrets key is not loaded")
    try:
        return _box.decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise SecretsUnavailable("a stored secret does not decrypt with this key (OMNI_SECRET_KEY mismatch?)") from None


def mask(value: str | None) -> str | None:
    """What the API shows of a secret: enough to recognise it, never enough to use it."""
    if not value:
        return value
    if len(value) <= 12:
        return "*" * 8
    return f"{value[:4]}{'*' * 8}{value[-4:]}"


class EncryptedTextField(fields.TextField):
    """A text column holding a Fernet token; Python code sees the plain value."""

    def to_db_value(self, value: Any, instance: Any) -> Any:
        if value is None:
            return None
        return encrypt(str(value))

    def to_python_value(self, value: Any) -> Any:
        if value is None or not isinstance(value, str):
            return value
        return decrypt(value)
