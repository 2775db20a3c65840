"""Authentication, scopes and instance restrictions, applied to every request before its handler runs.

Keys are looked up by their SHA-256 (the plain key is never stored) and cached briefly per worker; a revoke, update
or delete is broadcast on NATS so every worker drops the key at once, and the cache never outlives CACHE_TTL anyway.
"""

from __future__ import annotations

import hmac
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sanic import Request

from omni.api import scopes
from omni.api.errors import FORBIDDEN, UNAUTHORIZED, ApiError
from omni.api.routing import ANY_KEY, PUBLIC, lookup
from omni.db import keys
from omni.db.models import ApiKey

CACHE_TTL = 30.0
CACHE_MAX = 10_000


@dataclass(frozen=True)
class Principal:
    """The key a request authenticated with."""

    id: uuid.UUID
    name: str
    prefix: str
    key_hash: str
    scopes: tuple[str, ...]
    instance_ids: frozenset[uuid.UUID] | None  # None: every instance
    rate_limit: int | None
    expires_at: datetime | None

    def allows(self, scope: str) -> bool:
        return scopes.allows(self.scopes, scope)

    def can_access(self, instance_id: uuid.UUID | str | None) -> bool:
        if self.instance_ids is None or instance_id is None:
            return True
        try:
            return uuid.UUID(str(instance_id)) in self.instance_ids
        except ValueError:
            return False

    @classmethod
    def of(cls, row: ApiKey) -> Principal:
        ids = None if row.instance_ids is None else frozenset(uuid.UUID(str(i)) for i in row.instance_ids)
        return cls(row.id, row.name, row.key_prefix, row.key_hash, tuple(row.scopes or ()), ids, row.rate_limit,
                   row.expires_at)  # fmt: skip


class KeyCache:
    def __init__(self) -> None:
        self._by_hash: dict[str, tuple[Principal, float]] = {}

    def get(self, key_hash: str) -> Principal | None:
        hit = self._by_hash.get(key_hash)
        if hit is None or time.monotonic() - hit[1] > CACHE_TTL:
            return None
        return hit[0]

    def put(self, principal: Principal) -> None:
        if len(self._by_hash) >= CACHE_MAX:
            self._by_hash.clear()
        self._by_hash[principal.key_hash] = (principal, time.monotonic())

    def evict(self, key_id: str | None = None) -> None:
        if key_id is None:
            self._by_hash.clear()
            return
        for key_hash, (principal, _) in list(self._by_hash.items()):
            if str(principal.id) == key_id:
                del self._by_hash[key_hash]


def presented_key(request: Request) -> str | None:
    return request.headers.get("x-api-key") or request.args.get("api_key")


async def authenticate(request: Request, cache: KeyCache) -> Principal:
    """The request's key, or 401. Fails closed: any doubt is a denial."""
    key = presented_key(request)
    if not key:
        raise ApiError(401, UNAUTHORIZED, "missing API key: send it in the x-api-key header")
    if len(key) > 200:
        raise ApiError(401, UNAUTHORIZED, "invalid API key")
    digest = keys.digest(key)
    principal = cache.get(digest)
    if principal is None:
        row = await ApiKey.filter(key_hash=digest, status="active").first()
        if row is None or not hmac.compare_digest(row.key_hash, digest):
            raise ApiError(401, UNAUTHORIZED, "invalid or revoked API key")
        principal = Principal.of(row)
        cache.put(principal)
    if principal.expires_at is not None and principal.expires_at <= datetime.now(UTC):
        raise ApiError(401, UNAUTHORIZED, "this API key has expired")
    return principal


def authorize(request: Request, principal: Principal) -> None:
    """The route's scope, from the one route → scope table; a route missing from it is denied."""
    endpoint = lookup(request.route.name if request.route else None)
    if endpoint is None:
        raise ApiError(403, FORBIDDEN, "this route declares no scope and is closed")
    if endpoint.scope not in (PUBLIC, ANY_KEY) and not principal.allows(endpoint.scope):
        raise ApiError(403, FORBIDDEN, f"this key lacks the scope {endpoint.scope!r}",
                       {"requiredScope": endpoint.scope})  # fmt: skip


def is_public(request: Request) -> bool:
    endpoint = lookup(request.route.name if request.route else None)
    return endpoint is not None and endpoint.scope == PUBLIC


def principal_of(request: Request) -> Principal:
    return request.ctx.principal


def check_instance(request: Request, instance_id: uuid.UUID | str | None) -> None:
    """403 when the key is restricted to other instances."""
    if not principal_of(request).can_access(instance_id):
        message = f"this key cannot access instance {instance_id}"
        raise ApiError(403, FORBIDDEN, message, {"instanceId": str(instance_id)})


def instance_filter(request: Request, requested: Iterable[uuid.UUID] | None = None) -> list[uuid.UUID] | None:
    """The instances a list may show: the key's restriction intersected with what was asked (None: no limit)."""
    allowed = principal_of(request).instance_ids
    wanted = None if requested is None else set(requested)
    if allowed is None:
        return None if wanted is None else sorted(wanted)
    return sorted(allowed if wanted is None else allowed & wanted)
