"""Driving the `WhatsApp` channel directly: a hand-made `ChannelContext` (events collected in a list, states and QR
codes recorded, an in-memory store) with the fake neonize client in the channel's `client_factory`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from omni_whatsapp.plugin import WhatsApp, WhatsAppConfig

from omni.channels.base import ChannelContext
from omni.testing.store import MemoryStore

from .fake_neonize import FakeClient


class Harness:
    def __init__(self, tmp: Path, *, fake: bool = True, **config: Any) -> None:
        self.events: list[Any] = []
        self.states: list[tuple[str, str | None]] = []
        self.qrs: list[tuple[str | None, float]] = []
        self.clients: list[FakeClient] = []
        self.config = WhatsAppConfig.model_validate(config)
        self.ctx = ChannelContext(
            instance_id="00000000-0000-0000-0000-000000000001", channel="whatsapp-baileys", config=self.config,
            secrets={}, emit=self._emit, set_state=self._set_state, set_qr=self._set_qr, store=MemoryStore(),  # type: ignore[arg-type]
            data_dir=tmp, log=logging.getLogger("test.whatsapp"),
        )  # fmt: skip
        self.channel = WhatsApp()
        if fake:
            self.channel.client_factory = self._factory  # type: ignore[method-assign, assignment]
        self._changed = asyncio.Event()

    def _factory(self, name: str, uuid: str) -> FakeClient:
        client = FakeClient(name, uuid)
        self.clients.append(client)
        return client

    @property
    def client(self) -> FakeClient:
        return self.clients[-1]

    async def _emit(self, event: Any) -> None:
        self.events.append(event)
        self._changed.set()

    async def _set_state(self, state: str, message: str | None = None, **_: Any) -> None:
        self.states.append((state, message))
        self._changed.set()

    async def _set_qr(self, code: str | None, expires_in: float = 60) -> None:
        self.qrs.append((code, expires_in))
        self._changed.set()

    def start(self) -> asyncio.Task[None]:
        """`connect` in a task (it returns once paired / connected), then wait until the fake client exists."""
        return asyncio.create_task(self.channel.connect(self.ctx))

    async def until(self, predicate: Any, timeout: float = 5.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                raise TimeoutError(f"not seen in {timeout}s; qrs={self.qrs} states={self.states}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), 0.02)

    async def connecting(self) -> asyncio.Task[None]:
        task = self.start()
        await self.until(lambda: bool(self.clients) and self.client.connect_task is not None)
        return task


async def paired(tmp_path: Path, **config: Any) -> Harness:
    """A harness whose channel connected with a stored session (Connected straight away)."""
    from neonize.aioze.events import ConnectedEv

    h = Harness(tmp_path, **config)
    task = await h.connecting()
    await h.client.fire(ConnectedEv(status=True))
    await asyncio.wait_for(task, 2)
    return h
