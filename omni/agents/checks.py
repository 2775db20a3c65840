"""One-off calls on a stored provider, outside any conversation: is it healthy (`check_health`), what agents, teams or
workflows does it offer (`discover`). Each builds the provider from its row, calls it within a time limit and closes
it; the API's `POST /providers/:id/health` and `GET /providers/:id/agents|teams|workflows` are thin layers over these.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from omni.agents.base import PROVIDER_ERROR, TIMEOUT, AgentError, AgentProvider, Health
from omni.agents.registry import build, unknown_schema

if TYPE_CHECKING:
    from omni.db.models import AgentProvider as ProviderRow
    from omni.plugins.manager import Plugins

log = logging.getLogger("omni.agents")

HealthStatus = Literal["healthy", "unhealthy", "error"]


def _build(row: ProviderRow, plugins: Plugins | Mapping[str, type[AgentProvider]]) -> AgentProvider:
    classes = plugins if isinstance(plugins, Mapping) else plugins.providers
    cls = classes.get(row.schema)
    if cls is None:
        raise unknown_schema(row.schema, classes)
    return build(row, cls)


async def _closed(provider: AgentProvider) -> None:
    try:
        await provider.close()
    except Exception:
        log.exception("closing the %s provider %s failed", provider.key, provider.settings.id)


async def check_health(row: ProviderRow, plugins: Plugins | Mapping[str, type[AgentProvider]],
                       limit: float) -> tuple[Health, HealthStatus]:  # fmt: skip
    """Reach the provider of `row` within `limit` seconds (at most its own timeout). The status, as stored in
    `last_health_status`: `healthy`; `unhealthy` (it failed or did not answer); `error` (it cannot be built — unknown
    schema, invalid schemaConfig — or its plugin crashed)."""
    started = time.perf_counter()
    try:
        provider = _build(row, plugins)
    except AgentError as exc:
        return Health(ok=False, latency_ms=0.0, detail=str(exc), code=exc.code), "error"
    limit = min(limit, float(row.default_timeout))
    try:
        async with asyncio.timeout(limit):
            health = await provider.health()
    except TimeoutError:
        health = Health(ok=False, latency_ms=_ms(started), detail=f"no answer within {limit:g} s", code=TIMEOUT)
    except AgentError as exc:
        health = Health(ok=False, latency_ms=_ms(started), detail=str(exc), code=exc.code)
    except Exception as exc:
        _record(plugins, row, "health", exc)
        detail = f"the {row.schema} provider crashed: {type(exc).__name__}: {exc}"
        return Health(ok=False, latency_ms=_ms(started), detail=detail, code=PROVIDER_ERROR), "error"
    finally:
        await _closed(provider)
    return health, "healthy" if health.ok else "unhealthy"


async def discover(row: ProviderRow, plugins: Plugins | Mapping[str, type[AgentProvider]],
                   kind: Literal["agents", "teams", "workflows"], limit: float) -> list[dict[str, Any]]:  # fmt: skip
    """What the provider of `row` offers. Raises `AgentError`: `NotSupported` when it has no such list, `TIMEOUT`
    after `limit` seconds (at most its own timeout), and whatever the provider raised."""
    provider = _build(row, plugins)
    limit = min(limit, float(row.default_timeout))
    try:
        async with asyncio.timeout(limit):
            return await provider.discover(kind)
    except TimeoutError:
        raise AgentError(f"provider {row.name!r} did not list its {kind} within {limit:g} s", code=TIMEOUT) from None
    except AgentError:
        raise
    except Exception as exc:
        _record(plugins, row, "discover", exc)
        raise AgentError(f"the {row.schema} provider crashed: {type(exc).__name__}: {exc}") from exc
    finally:
        await _closed(provider)


def _record(plugins: Plugins | Mapping[str, Any], row: ProviderRow, where: str, exc: Exception) -> None:
    log.error("the %s provider %s crashed in %s", row.schema, row.id, where, exc_info=exc)
    if not isinstance(plugins, Mapping):
        owner = plugins.owner_of("provider", row.schema)
        if owner is not None:
            plugins.record(owner, f"{where} of provider {row.name!r}", exc)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
