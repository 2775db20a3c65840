"""API key material: `omni_sk_` + 32 characters of [A-Za-z0-9]; only its SHA-256 hash and prefix are stored."""

from __future__ import annotations

import hashlib

from omni.config import KEY_PREFIX
from omni.db.models.api_keys import PRIMARY_KEY_NAME, ApiKey
from omni.host.secrets import token

KEY_BODY_LENGTH = 32


def generate() -> str:
    return KEY_PREFIX + token(KEY_BODY_LENGTH)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prefix(key: str) -> str:
    return key.removeprefix(KEY_PREFIX)[:8]


def mask(key: str) -> str:
    return f"{KEY_PREFIX}{prefix(key)}{'*' * 24}"


async def ensure_primary(override: str | None) -> str | None:
    """Create the primary key on first boot. Returns the plain key only when it was generated just now.

    `override` (OMNI_API_KEY) replaces the stored hash; the operator already knows that key, so it is never returned.
    """
    existing = await ApiKey.filter(name=PRIMARY_KEY_NAME).first()
    if override:
        if existing is None:
            await ApiKey.create(name=PRIMARY_KEY_NAME, key_prefix=prefix(override), key_hash=digest(override),
                                scopes=["*"])  # fmt: skip
        elif existing.key_hash != digest(override):
            existing.key_hash, existing.key_prefix, existing.status = digest(override), prefix(override), "active"
            await existing.save(update_fields=["key_hash", "key_prefix", "status", "updated_at"])
        return None
    if existing is not None:
        return None
    key = generate()
    await ApiKey.create(name=PRIMARY_KEY_NAME, key_prefix=prefix(key), key_hash=digest(key), scopes=["*"])
    return key


async def is_valid(key: str) -> bool:
    """True when `key` names an active, unexpired key (the full check with scopes comes with the API issue)."""
    from datetime import UTC, datetime

    row = await ApiKey.filter(key_hash=digest(key), status="active").first()
    return row is not None and (row.expires_at is None or row.expires_at > datetime.now(UTC))
