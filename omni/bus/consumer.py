"""Durable pull consumers with idempotent handlers: explicit ack, bounded redelivery with backoff, per-chat order,
and dead letters for what never succeeds (a poison event must not block its stream).

A batch is split by conversation (`key(envelope)`): one conversation's events run in order, different conversations in
parallel. A handler raising `Retry` (or anything else) is redelivered after a backoff; after `max_attempts` the event
goes to dead letters and is terminated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from omni.pipeline import envelope as envelopes

log = logging.getLogger("omni.bus.consumer")

Handler = Callable[[dict[str, Any]], Awaitable[None]]
DeadLetter = Callable[..., Awaitable[None]]  # (consumer, subject, payload, error, stack, dead_letter_id=None)
Retried = Callable[[list[str]], Awaitable[None]]
DEAD_LETTER_HEADER = "Omni-Dead-Letter"  # set on an event republished from dead letters


class Retry(Exception):
    """Not now: redeliver after a backoff (counts as an attempt)."""


@dataclass
class ConsumerSpec:
    durable: str
    stream: str
    filter_subject: str | None
    handler: Handler
    key: Callable[[dict[str, Any]], Any] = lambda e: None
    max_attempts: int = 5
    batch: int = 256
    concurrency: int = 8
    ack_wait: float = 30.0
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    on_give_up: Callable[[dict[str, Any], str], Awaitable[None]] | None = None
    # the handler also takes the delivery attempt (1 = first): `handler(envelope, attempt)`
    pass_attempt: bool = False
    # the whole fetched batch at once (e.g. one transaction); when it raises, the events run one by one instead
    batch_handler: Callable[[list[dict[str, Any]]], Awaitable[None]] | None = None


def backoff(attempt: int, base: float, cap: float) -> float:
    """Exponential with ±20 % jitter."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay * random.uniform(0.8, 1.2)


class Consumer:
    def __init__(self, js: JetStreamContext, spec: ConsumerSpec, dead_letter: DeadLetter,
                 retried: Retried | None = None) -> None:  # fmt: skip
        self.js = js
        self.spec = spec
        self.dead_letter = dead_letter
        self.retried = retried
        self.task: asyncio.Task[None] | None = None
        self.processed = 0
        self.failed = 0
        self.inflight: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        spec = self.spec
        config = ConsumerConfig(
            durable_name=spec.durable, ack_policy=AckPolicy.EXPLICIT, ack_wait=spec.ack_wait, max_deliver=-1,
            max_ack_pending=max(1000, spec.batch * 4), deliver_policy=DeliverPolicy.ALL,
            filter_subject=spec.filter_subject,
        )  # fmt: skip
        self.sub = await self.js.pull_subscribe(spec.filter_subject or "", durable=spec.durable, stream=spec.stream,
                                                config=config)  # fmt: skip
        self.task = asyncio.create_task(self._run(), name=f"consumer-{spec.durable}")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        with contextlib.suppress(Exception):
            await self.sub.unsubscribe()

    async def _run(self) -> None:
        if self.spec.batch_handler is not None:
            await self._run_batches()
        else:
            await self._run_pipelined()

    async def _fetch(self, n: int) -> list[Msg]:
        try:
            return await self.sub.fetch(n, timeout=1.0)
        except (TimeoutError, NatsTimeout):
            return []
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # connection trouble: nats-py reconnects; try again shortly
            log.warning("%s: fetch failed: %s", self.spec.durable, exc)
            await asyncio.sleep(0.5)
            return []

    async def _decode(self, msgs: list[Msg]) -> list[tuple[Msg, dict[str, Any]]]:
        decoded: list[tuple[Msg, dict[str, Any]]] = []
        for msg in msgs:
            try:
                decoded.append((msg, envelopes.decode(msg.data)))
            except Exception as exc:
                await self._poison(msg, exc)
        return decoded

    async def _run_pipelined(self) -> None:
        """Fetch while handling: each event starts as soon as the one before it in its conversation is done, not
        when the whole previous batch is (one slow conversation never holds up the others, and a new event never
        waits for a fetch behind a batch). At most twice `batch` events are in hand at once."""
        gate = asyncio.Semaphore(self.spec.concurrency)
        limit = self.spec.batch * 2
        tails: dict[Any, asyncio.Task[None]] = {}
        room = asyncio.Event()
        room.set()

        async def chained(before: asyncio.Task[None] | None, msg: Msg, env: dict[str, Any]) -> None:
            if before is not None:
                await asyncio.wait([before])  # its outcome is its own: acked, redelivered or dead-lettered
            async with gate:
                await self._one(msg, env)

        def finished(task: asyncio.Task[None], key: Any) -> None:
            self.inflight.discard(task)
            if tails.get(key) is task:
                del tails[key]
            if len(self.inflight) < limit:
                room.set()

        try:
            while True:
                await room.wait()
                msgs = await self._fetch(min(self.spec.batch, limit - len(self.inflight)))
                for msg, env in await self._decode(msgs):
                    key = self._key(env)
                    task = asyncio.create_task(chained(tails.get(key), msg, env))
                    tails[key] = task
                    self.inflight.add(task)
                    task.add_done_callback(lambda t, k=key: finished(t, k))
                if len(self.inflight) >= limit:
                    room.clear()
        finally:  # stopped: what is in hand is not acked, so JetStream redelivers it (to whoever runs this next)
            for task in list(self.inflight):
                task.cancel()
            if self.inflight:
                await asyncio.wait(list(self.inflight))

    async def _run_batches(self) -> None:
        """A batch at a time, in order (the batch handler writes it in one transaction); the next batch is fetched
        while this one is written."""
        gate = asyncio.Semaphore(self.spec.concurrency)
        ahead: asyncio.Task[list[Msg]] = asyncio.create_task(self._fetch(self.spec.batch))
        try:
            while True:
                msgs = await ahead
                ahead = asyncio.create_task(self._fetch(self.spec.batch))
                decoded = await self._decode(msgs)
                if not decoded or await self._batch(decoded):
                    continue
                groups: dict[Any, list[tuple[Msg, dict[str, Any] | None]]] = {}
                for msg, env in decoded:
                    groups.setdefault(self._key(env), []).append((msg, env))

                async def run_group(items: list[tuple[Msg, dict[str, Any] | None]]) -> None:
                    async with gate:
                        for msg, env in items:
                            await self._one(msg, env)

                await asyncio.gather(*(run_group(items) for items in groups.values()))
        finally:
            ahead.cancel()

    async def _batch(self, decoded: list[tuple[Msg, dict[str, Any]]]) -> bool:
        try:
            await self.spec.batch_handler([env for _, env in decoded])  # type: ignore[misc]
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("%s: a batch of %d failed (%s); going event by event", self.spec.durable, len(decoded), exc)
            return False
        self.processed += len(decoded)
        for msg, _ in decoded:
            with contextlib.suppress(Exception):
                await msg.ack()
        await self._went_through([msg for msg, _ in decoded])
        return True

    async def _went_through(self, msgs: list[Msg]) -> None:
        ids = [m.headers[DEAD_LETTER_HEADER] for m in msgs if m.headers and DEAD_LETTER_HEADER in m.headers]
        if ids and self.retried is not None:
            try:
                await self.retried(ids)
            except Exception:
                log.exception("%s: resolving retried dead letters failed", self.spec.durable)

    def _key(self, env: dict[str, Any]) -> Any:
        try:
            return self.spec.key(env)
        except Exception:
            return None

    async def _one(self, msg: Msg, env: dict[str, Any] | None) -> None:
        attempt = msg.metadata.num_delivered if msg.metadata else 1
        try:
            if self.spec.pass_attempt:
                if msg.headers and DEAD_LETTER_HEADER in msg.headers:
                    attempt = max(attempt, 2)  # a retried dead letter: it may have gone through before
                await self.spec.handler(env or {}, attempt)  # type: ignore[call-arg]
            else:
                await self.spec.handler(env or {})
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.failed += 1
            # "not yet" (a reaction before its message) waits longer than a failure before giving up
            limit = self.spec.max_attempts * (4 if isinstance(exc, Retry) else 1)
            if attempt >= limit:
                await self._give_up(msg, env, exc)
                return
            delay = backoff(attempt, self.spec.backoff_base, self.spec.backoff_cap)
            if not isinstance(exc, Retry):
                log.warning("%s: %s failed (attempt %d, again in %.1fs): %s", self.spec.durable,
                            (env or {}).get("type"), attempt, delay, exc)  # fmt: skip
            with contextlib.suppress(Exception):
                await msg.nak(delay=delay)
            return
        self.processed += 1
        with contextlib.suppress(Exception):
            await msg.ack()
        await self._went_through([msg])

    async def _poison(self, msg: Msg, exc: Exception) -> None:
        await self._give_up(msg, None, exc)

    async def _give_up(self, msg: Msg, env: dict[str, Any] | None, exc: Exception) -> None:
        payload: Any = env if env is not None else {"raw": msg.data.decode("utf-8", "replace")[:100_000]}
        stack = "".join(traceback.format_exception(exc))[-20_000:]
        try:
            dead_letter_id = msg.headers.get(DEAD_LETTER_HEADER) if msg.headers else None
            await self.dead_letter(self.spec.durable, msg.subject, payload, f"{type(exc).__name__}: {exc}", stack,
                                   dead_letter_id=dead_letter_id)  # fmt: skip
        except Exception as dl_exc:  # keep the event (redelivered later) rather than lose it
            log.error("%s: writing the dead letter failed: %s", self.spec.durable, dl_exc)
            with contextlib.suppress(Exception):
                await msg.nak(delay=self.spec.backoff_cap)
            return
        log.error("%s: %s moved to dead letters after %s", self.spec.durable, msg.subject, exc)
        if self.spec.on_give_up is not None and env is not None:
            try:
                await self.spec.on_give_up(env, f"{type(exc).__name__}: {exc}")
            except Exception:
                log.exception("%s: the give-up handler failed", self.spec.durable)
        with contextlib.suppress(Exception):
            await msg.term()
