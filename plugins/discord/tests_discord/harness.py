"""Driving the `Discord` channel directly: a hand-made `ChannelContext` (events collected in a list, states recorded,
an in-memory store) against the fake Discord with the real discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from omni_discord.plugin import Discord, DiscordConfig

from omni.channels.base import ChannelContext
from omni.testing.store import MemoryStore

from .fake_discord import FakeDiscord


class Harness:
    def __init__(self, fake: FakeDiscord, tmp: Path, *, token: str | None = None, **config: Any) -> None:
        self.fake = fake
        self.events: list[Any] = []
        self.states: list[tuple[str, str | None]] = []
        self.store = MemoryStore()
        self.config = DiscordConfig.model_validate(
            {"apiBaseUrl": fake.api_url, "gatewayUrl": fake.gateway_url, "guildReadyTimeout": 0.05, **config}
        )
        self.ctx = ChannelContext(
            instance_id="00000000-0000-0000-0000-000000000001", channel="discord", config=self.config,
            secrets={"token": token or fake.token}, emit=self._emit, set_state=self._set_state,
            set_qr=self._set_qr, store=self.store, data_dir=tmp, log=logging.getLogger("test.discord"),  # type: ignore[arg-type]
        )  # fmt: skip
        self.channel = Discord()
        self.channel.reidentify_delay = 0.0
        self._changed = asyncio.Event()

    async def _emit(self, event: Any) -> None:
        self.events.append(event)
        self._changed.set()

    async def _set_state(self, state: str, message: str | None = None, **_: Any) -> None:
        self.states.append((state, message))
        self._changed.set()

    async def _set_qr(self, code: str | None, expires_in: float = 60) -> None:
        return None

    async def connect(self) -> Discord:
        await self.channel.connect(self.ctx)
        return self.channel

    async def wait(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Wait until predicate(events) returns something truthy; return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = predicate(self.events)
            if found:
                return found
            if loop.time() > deadline:
                raise TimeoutError(f"not seen in {timeout}s; events: {self.events}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), 0.05)

    async def wait_event(self, kind: str, pred: Any = None, timeout: float = 5.0) -> Any:
        def found(events: list[Any]) -> Any:
            hits = [e for e in events if e.kind == kind and (pred is None or pred(e))]
            return hits[-1] if hits else None

        return await self.wait(found, timeout)

    async def wait_state(self, state: str, count: int = 1, timeout: float = 10.0) -> None:
        await self.wait(lambda _: sum(1 for s, _m in self.states if s == state) >= count, timeout)


@contextlib.asynccontextmanager
async def connected(fake: FakeDiscord, tmp: Path, **kwargs: Any) -> AsyncIterator[Harness]:
    h = Harness(fake, tmp, **kwargs)
    await h.connect()
    try:
        yield h
    finally:
        await h.channel.disconnect()
