"""`MemoryStore`: the `ChannelContext.store` interface (`PluginStore`) in a dict, for tests that drive a channel
class directly with a hand-made `ChannelContext` (the real store is PostgreSQL)."""

from __future__ import annotations

from typing import Any


class MemoryStore:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    async def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    async def set(self, key: str, value: Any, *, ttl: float | None = None, secret: bool = False) -> None:
        self.data[key] = value

    async def add(self, key: str, value: Any) -> bool:
        if key in self.data:
            return False
        self.data[key] = value
        return True

    async def delete(self, key: str) -> None:
        self.data.pop(key, None)

    async def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self.data if k.startswith(prefix))

    async def items(self, prefix: str = "", *, after: str | None = None, limit: int = 100) -> list[tuple[str, Any]]:
        keys = [k for k in await self.keys(prefix) if after is None or k > after]
        return [(k, self.data[k]) for k in keys[:limit]]
