"""Group commits: many concurrent callers of the same kind of write share one statement.

A `Coalescer` gathers the items submitted while its previous batch is on its way to postgres and writes them as the
next batch (one round trip and one commit for all of them). An idle system pays nothing: the first item goes out on
the next turn of the event loop, together with whatever else was submitted in that turn. A busy one writes fewer,
larger statements — the round trips, commits and WAL flushes per message are what bound a send or an agent reply on a
small machine, not the rows.

Each caller gets its own item's result, or its own exception: the batch function decides how a failing batch is
retried row by row, so that one bad row never fails its neighbours.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# A batch result per item: the value, or the exception that item alone raises.
Outcome = Any


class Coalescer(Generic[T, R]):
    def __init__(self, run: Callable[[list[T]], Awaitable[Sequence[Outcome]]], *, max_batch: int = 256,
                 concurrency: int = 2) -> None:  # fmt: skip
        self.run = run
        self.max_batch = max_batch
        self.concurrency = concurrency
        self.pending: list[tuple[T, asyncio.Future[R]]] = []
        self.running = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.tasks: set[asyncio.Future[None]] = set()
        self.batches = 0
        self.items = 0

    async def submit(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # a new event loop (tests, a restarted worker): nothing pending survives it
            self.loop, self.pending, self.running, self.tasks = loop, [], 0, set()
        future: asyncio.Future[R] = loop.create_future()
        self.pending.append((item, future))
        if self.running < self.concurrency and len(self.pending) == 1:
            self.running += 1
            loop.call_soon(self._start)
        # the write goes on whatever happens to this caller (a cancelled request still gets its row written)
        return await asyncio.shield(future)

    def _start(self) -> None:
        if not self.pending:
            self.running -= 1
            return
        batch, self.pending = self.pending[: self.max_batch], self.pending[self.max_batch :]
        task = asyncio.ensure_future(self._flush(batch))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _flush(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            self.batches += 1
            self.items += len(batch)
            try:
                outcomes = await self.run([item for item, _ in batch])
            except BaseException as exc:  # the whole batch failed (connection lost …): every caller sees it
                outcomes = [exc] * len(batch)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
        finally:
            if self.pending:  # what came in meanwhile is the next batch
                self._start()
            else:
                self.running -= 1
