"""From stored provider rows to provider objects: `settings_from_row` validates one row for its provider class, and
`ProviderPool` keeps one built provider per row, rebuilt when the row changes.

The provider classes are the ones the loaded plugins registered (`Plugins.providers`, filled by
`register_agent_providers`).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from omni.agents.base import (
    INVALID_CONFIG,
    PROVIDER_INACTIVE,
    PROVIDER_NOT_FOUND,
    UNKNOWN_SCHEMA,
    AgentError,
    AgentProvider,
    ProviderSettings,
)
from omni.db.models import AgentProvider as ProviderRow

if TYPE_CHECKING:
    from omni.plugins.manager import Plugins

log = logging.getLogger("omni.agents")

# a replaced provider stays open this long (or its own timeout, if longer) for the answers still under way with it
RETIRE_AFTER = 300.0


def config_errors(provider_cls: type[AgentProvider], config: dict[str, Any] | None) -> dict[str, list[str]]:
    """The problems of a `schemaConfig` for this provider class (`{"model": ["Field required"]}`), none when valid."""
    try:
        provider_cls.config_model.model_validate(config or {})
    except ValidationError as exc:
        found: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False):
            found.setdefault(".".join(str(p) for p in error["loc"]) or "schemaConfig", []).append(error["msg"])
        return found
    return {}


def missing_settings(provider_cls: type[AgentProvider], base_url: str | None, api_key: str | None) -> dict[str, str]:
    """`{"baseUrl": "…"}` for each connection setting the provider class needs and the row lacks."""
    missing = {}
    if provider_cls.needs_base_url and not base_url:
        missing["baseUrl"] = f"{provider_cls.key} providers need a baseUrl (the agent server's address)"
    if provider_cls.needs_api_key and not api_key:
        missing["apiKey"] = f"{provider_cls.key} providers need an apiKey"
    return missing


def settings_from_row(row: ProviderRow, provider_cls: type[AgentProvider]) -> ProviderSettings:
    """The row as `ProviderSettings` (its API key is decrypted by the column). Raises `AgentError(INVALID_CONFIG)`
    naming the field to fix when `schemaConfig` does not suit the class or a needed setting is missing."""
    who = f"provider {row.name!r} ({row.schema})"
    try:
        config = provider_cls.config_model.model_validate(row.schema_config or {})
    except ValidationError as exc:
        problems = "; ".join(f"schemaConfig.{k}: {', '.join(v)}" for k, v in
                             config_errors(provider_cls, row.schema_config).items()) or str(exc)  # fmt: skip
        raise AgentError(f"{who} has an invalid schemaConfig ({problems}); fix it with PATCH /api/v2/providers/"
                         f"{row.id}", code=INVALID_CONFIG) from None  # fmt: skip
    missing = missing_settings(provider_cls, row.base_url, row.api_key)
    if missing:
        raise AgentError(f"{who}: {'; '.join(missing.values())}; set it with PATCH /api/v2/providers/{row.id}",
                         code=INVALID_CONFIG)  # fmt: skip
    return ProviderSettings(id=str(row.id), name=row.name, schema=row.schema, base_url=row.base_url,
                            api_key=row.api_key, config=config, timeout=float(row.default_timeout),
                            stream=row.default_stream)  # fmt: skip


def build(row: ProviderRow, provider_cls: type[AgentProvider]) -> AgentProvider:
    """A provider object for the row (not pooled: the caller closes it)."""
    settings = settings_from_row(row, provider_cls)
    try:
        return provider_cls(settings)
    except AgentError:
        raise
    except Exception as exc:
        raise AgentError(f"provider {row.name!r} ({row.schema}) could not be built: {type(exc).__name__}: {exc}",
                         code=INVALID_CONFIG) from exc  # fmt: skip


def unknown_schema(schema: str, known: Mapping[str, type]) -> AgentError:
    names = ", ".join(sorted(known)) or "none"
    message = (f"no loaded plugin provides the provider schema {schema!r} (loaded: {names}); install the plugin "
               "(omni plugins install …) or change the provider's schema")  # fmt: skip
    return AgentError(message, code=UNKNOWN_SCHEMA)


@dataclass
class _Entry:
    provider: AgentProvider
    updated_at: datetime


class ProviderPool:
    """One built provider per stored provider row, rebuilt when the row's `updated_at` changes.

    A replaced provider is closed once the answers started with it had their time (`RETIRE_AFTER`, or its timeout);
    `close()` closes everything at once."""

    def __init__(self, plugins: Plugins | Mapping[str, type[AgentProvider]]) -> None:
        self._plugins: Plugins | None = None if isinstance(plugins, Mapping) else plugins
        self._classes: Mapping[str, type[AgentProvider]] = (
            plugins if isinstance(plugins, Mapping) else plugins.providers
        )
        self._entries: dict[uuid.UUID, _Entry] = {}
        self._lock = asyncio.Lock()
        self._retired: dict[asyncio.Task[None], AgentProvider] = {}

    def provider_class(self, schema: str) -> type[AgentProvider]:
        """The class registered for `schema`, or `AgentError(UNKNOWN_SCHEMA)`."""
        cls = self._classes.get(schema)
        if cls is None:
            raise unknown_schema(schema, self._classes)
        return cls

    async def get(self, provider_id: uuid.UUID | str) -> AgentProvider:
        """The provider of this row, built or rebuilt as needed. Raises `AgentError` with code `PROVIDER_NOT_FOUND`,
        `PROVIDER_INACTIVE`, `UNKNOWN_SCHEMA` or `INVALID_CONFIG`."""
        key = _uuid(provider_id)
        state = await ProviderRow.filter(id=key).values("updated_at", "is_active") if key is not None else []
        if key is None or not state:
            self.evict(key)
            raise AgentError(f"no agent provider {provider_id}", code=PROVIDER_NOT_FOUND)
        if not state[0]["is_active"]:
            self.evict(key)
            fix = f'PATCH /api/v2/providers/{provider_id} {{"isActive": true}}'
            raise AgentError(
                f"agent provider {provider_id} is inactive; activate it with {fix}", code=PROVIDER_INACTIVE
            )
        current = self._current(key, state[0]["updated_at"])
        if current is not None:
            return current
        async with self._lock:
            current = self._current(key, state[0]["updated_at"])
            if current is not None:
                return current
            row = await ProviderRow.get_or_none(id=key)
            if row is None:
                raise AgentError(f"no agent provider {provider_id}", code=PROVIDER_NOT_FOUND)
            provider = self._build(row)
            self.evict(key)
            self._entries[key] = _Entry(provider, row.updated_at)
        return provider

    def _current(self, key: uuid.UUID, updated_at: datetime) -> AgentProvider | None:
        entry = self._entries.get(key)
        return entry.provider if entry is not None and entry.updated_at == updated_at else None

    def _build(self, row: ProviderRow) -> AgentProvider:
        cls = self.provider_class(row.schema)
        try:
            return build(row, cls)
        except AgentError as exc:
            if exc.__cause__ is not None and self._plugins is not None:  # the plugin's constructor crashed
                owner = self._plugins.owner_of("provider", row.schema)
                if owner is not None:
                    self._plugins.record(owner, f"building provider {row.name!r}", exc.__cause__)
            raise

    def evict(self, provider_id: uuid.UUID | None) -> None:
        """Forget the provider of this row (it changed, or was deleted or deactivated); it is closed once the answers
        that use it had their time."""
        entry = self._entries.pop(provider_id, None) if provider_id is not None else None
        if entry is None:
            return
        provider = entry.provider

        async def close_later() -> None:
            await asyncio.sleep(max(provider.settings.timeout, RETIRE_AFTER))
            await _close(provider)

        task = asyncio.create_task(close_later(), name=f"close-provider-{provider.settings.id}")
        self._retired[task] = provider
        task.add_done_callback(lambda t: self._retired.pop(t, None))

    async def close(self) -> None:
        """Close every provider now (the server stops)."""
        providers = [e.provider for e in self._entries.values()]
        self._entries = {}
        for task, provider in list(self._retired.items()):
            task.cancel()
            providers.append(provider)
        self._retired = {}
        for provider in providers:
            await _close(provider)


async def _close(provider: AgentProvider) -> None:
    try:
        await provider.close()
    except Exception:
        log.exception("closing the %s provider %s failed", provider.key, provider.settings.id)


def _uuid(value: uuid.UUID | str) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
