"""The group-commit helper: callers submitted together share a batch, each gets its own result or exception, and a
batch that raises fails only its own callers."""

from __future__ import annotations

import asyncio

import pytest

from omni.db.coalesce import Coalescer


async def test_concurrent_callers_share_a_batch_and_get_their_own_results() -> None:
    batches: list[list[int]] = []

    async def run(items: list[int]) -> list[object]:
        batches.append(items)
        await asyncio.sleep(0.01)
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]

    c: Coalescer[int, int] = Coalescer(run, concurrency=1)
    results = await asyncio.gather(*(c.submit(i) for i in range(6)), return_exceptions=True)
    assert results[0::2] == [0, 20, 40]
    assert [str(e) for e in results[1::2]] == ["odd 1", "odd 3", "odd 5"]
    assert batches == [[0, 1, 2, 3, 4, 5]]  # submitted in one turn of the loop: one batch


async def test_items_arriving_during_a_flush_form_the_next_batch() -> None:
    batches: list[list[int]] = []
    release = asyncio.Event()

    async def run(items: list[int]) -> list[int]:
        batches.append(items)
        if len(batches) == 1:
            await release.wait()
        return items

    c: Coalescer[int, int] = Coalescer(run, concurrency=1, max_batch=3)
    first = asyncio.create_task(c.submit(0))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    later = [asyncio.create_task(c.submit(i)) for i in range(1, 6)]
    await asyncio.sleep(0.01)
    assert batches == [[0]]  # the others wait for the first flush
    release.set()
    assert await asyncio.gather(first, *later) == [0, 1, 2, 3, 4, 5]
    assert batches == [[0], [1, 2, 3], [4, 5]]  # at most max_batch a batch


async def test_a_failing_batch_fails_its_callers_and_the_next_batch_runs() -> None:
    calls = 0

    async def run(items: list[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("gone")
        return items

    c: Coalescer[int, int] = Coalescer(run)
    with pytest.raises(ConnectionError):
        await c.submit(1)
    assert await c.submit(2) == 2


async def test_a_cancelled_caller_does_not_cancel_the_write() -> None:
    done: list[int] = []

    async def run(items: list[int]) -> list[int]:
        await asyncio.sleep(0.02)
        done.extend(items)
        return items

    c: Coalescer[int, int] = Coalescer(run)
    task = asyncio.create_task(c.submit(7))
    await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.05)
    assert done == [7]
