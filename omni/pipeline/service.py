"""The pipeline of one API worker: the streams, the persist consumers, dead letters and the channel runtime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nats.aio.client import Client as NATS
from tortoise import Tortoise

from omni.agents.dispatcher import Dispatcher
from omni.bus import streams
from omni.bus import subjects as names
from omni.bus.consumer import Consumer, ConsumerSpec, Retry
from omni.bus.lease import SERVER_LEASES, Lease, prefers
from omni.channels.runtime import LEASE_TTL, RENEW, Runtime
from omni.pipeline.deadletters import DeadLetters
from omni.pipeline.persist import NotYet, persist, persist_batch
from omni.plugins.manager import Plugins

log = logging.getLogger("omni.pipeline")

PERSISTED = ("MESSAGE", "REACTION", "INSTANCE", "ACCESS")
DISPATCH = "DISPATCH"
PATIENCE = 6.0  # seconds another worker's lease must stay free before this one takes it
RETRY_SWEEP_EVERY = 60.0  # seconds between sweeps for dead letters whose automatic retry is due


def conversation(env: dict[str, Any]) -> Any:
    """Events of one chat run in order; different chats in parallel."""
    chat = (env.get("payload") or {}).get("chat")
    return ((env.get("metadata") or {}).get("instanceId"), chat.get("id") if isinstance(chat, dict) else None)


class Pipeline:
    def __init__(self, nc: NATS, plugins: Plugins, data_dir: Path, waiters: Any = None) -> None:
        self.nc = nc
        self.waiters = waiters
        self.js = nc.jetstream()
        self.plugins = plugins
        self.data_dir = data_dir
        self.dead = DeadLetters(self.js)
        self.runtime: Runtime | None = None
        self.retry_sweep: asyncio.Task[None] | None = None
        self.leader: asyncio.Task[None] | None = None
        self.leases: dict[str, Lease] = {}
        self.running: dict[str, Any] = {}  # a Consumer per persisted domain, and the agent Dispatcher

    async def start(self) -> None:
        await streams.ensure(self.js)  # again: cheap, and a restarted nats-server may have lost nothing but config
        self.runtime = Runtime(nc=self.nc, js=self.js, plugins=self.plugins, data_dir=self.data_dir,
                               dead_letter=self.dead.record, retried=self.dead.resolve_retried)  # fmt: skip
        await self.runtime.start()
        # Each persist consumer runs in one process at a time (a lease per stream): a conversation's events are then
        # written in order by one writer, while its chats run in parallel inside it. So does the agent dispatcher
        # (a chat's debounce and replies need all of its events in one place).
        # With several API workers the leases are spread over them (the message writer and the dispatcher apart).
        domains = [*PERSISTED, *([DISPATCH] if self.waiters is not None else [])]
        self.leases = {d: Lease(self.runtime.owners, "dispatch" if d == DISPATCH else f"persist-{d.lower()}",
                                self.runtime.node, safe_for=LEASE_TTL - RENEW,
                                patience=0 if prefers(d, SERVER_LEASES.index(d)) else PATIENCE) for d in domains}  # fmt: skip
        await self._lead()
        self.leader = asyncio.create_task(self._leading(), name="persist-leases")
        self.retry_sweep = asyncio.create_task(self._retry_dead_letters(), name="dead-letter-retries")

    async def _leading(self) -> None:
        while True:
            await asyncio.sleep(RENEW)
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("persist leases")

    async def _lead(self) -> None:
        for domain, lease in self.leases.items():
            try:
                held = await lease.keep()
            except Exception as exc:  # taking a free lease failed (NATS away): try again next round
                log.warning("persist lease %s: %s", domain, exc)
                held = lease.held
            consumer = self.running.get(domain)
            if held and consumer is None and domain == DISPATCH:
                consumer = Dispatcher(self.nc, self.js, self.plugins, self.waiters, runtime=self.runtime)
                await consumer.start()
                self.running[domain] = consumer
            elif held and consumer is None:
                spec = ConsumerSpec(durable=f"persist-{domain.lower()}", stream=names.stream_name(domain),
                                    filter_subject=f"{names.ROOT}.{domain.lower()}.>", handler=self._persist,
                                    key=conversation, batch_handler=self._persist_batch, batch=1000)  # fmt: skip
                consumer = Consumer(self.js, spec, self.dead.record, self.dead.resolve_retried)
                await consumer.start()
                self.running[domain] = consumer
            elif not held and consumer is not None:
                log.warning("lost the lease of %s; another node runs it now", domain)
                await self.running.pop(domain).stop()

    async def stop(self) -> None:
        for task in (self.retry_sweep, self.leader):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self.retry_sweep = self.leader = None
        for domain, consumer in list(self.running.items()):
            await consumer.stop()
            await self.leases[domain].release()
        self.running = {}
        if self.runtime is not None:
            await self.runtime.stop()

    async def _retry_dead_letters(self) -> None:
        """Every `RETRY_SWEEP_EVERY` seconds: the automatic retries that are due (never fatal)."""
        while True:
            await asyncio.sleep(RETRY_SWEEP_EVERY)
            try:
                count = await self.dead.retry_due(datetime.now(UTC))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dead letter retry sweep failed")
                continue
            if count:
                log.info("dead letters: %d automatic retries published", count)

    async def _persist_batch(self, envs: list[dict[str, Any]]) -> None:
        client = Tortoise.get_connection("default")
        async with client.acquire_connection() as conn:
            fresh = await persist_batch(conn, envs)
        if self.plugins.pm.hook.on_event.get_hookimpls():
            for env in fresh:
                await self.plugins.acall("on_event", event=env)

    async def _persist(self, env: dict[str, Any]) -> None:
        client = Tortoise.get_connection("default")
        async with client.acquire_connection() as conn:
            try:
                fresh = await persist(conn, env)
            except NotYet as exc:
                raise Retry(str(exc)) from exc
        if fresh:
            await self.plugins.acall("on_event", event=env)
