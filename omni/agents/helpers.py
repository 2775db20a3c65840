"""Helpers for provider plugins: a deadline over an answer, HTTP failures as `AgentError`s with clear messages,
Server-Sent Events, a timed health check, and SDKs imported off the event loop.

The built-in providers use exactly these; a third-party provider may too (they are part of omni's public API).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from types import ModuleType
from typing import TypeVar

import httpx

from omni.agents.base import (
    AUTH_FAILED,
    BAD_REQUEST,
    NOT_FOUND,
    PROVIDER_ERROR,
    RATE_LIMITED,
    TIMEOUT,
    UNREACHABLE,
    AgentError,
    Health,
)

T = TypeVar("T")


class Deadline:
    """The time left for one answer. `run` and `iterate` raise `AgentError(TIMEOUT)` once it is spent.

    A timeout is applied to each awaited step, never around a `yield`: an async generator suspended at a yield
    belongs to its consumer, and a timer firing then would cancel the consumer instead."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self._at - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def expired(self) -> AgentError:
        return AgentError(f"no answer within {self.seconds:g} s (the instance's agent timeout)", code=TIMEOUT)

    async def run(self, awaitable: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self.remaining()):
                return await awaitable
        except TimeoutError:
            raise self.expired() from None

    async def iterate(self, items: AsyncIterable[T]) -> AsyncIterator[T]:
        iterator = aiter(items)
        while True:
            try:
                async with asyncio.timeout(self.remaining()):
                    item = await anext(iterator)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise self.expired() from None
            yield item


def status_error(status: int, detail: str, who: str) -> AgentError:
    """An HTTP error status of a provider as an `AgentError` whose message says what to fix."""
    detail = detail.strip()[:300] or f"HTTP {status}"
    if status in (401, 403):
        return AgentError(f"{who} refused the API key ({status}: {detail}); set a valid apiKey with "
                          "PATCH /api/v2/providers/:id", code=AUTH_FAILED)  # fmt: skip
    if status == 404:
        return AgentError(f"{who} has no such resource ({detail}): check the agent id, model or baseUrl",
                          code=NOT_FOUND)  # fmt: skip
    if status == 408:
        return AgentError(f"{who} timed out ({detail})", code=TIMEOUT, retryable=True)
    if status == 429:
        return AgentError(f"{who} is rate limiting ({detail})", code=RATE_LIMITED, retryable=True)
    if status >= 500:
        return AgentError(f"{who} failed ({status}: {detail})", code=PROVIDER_ERROR, retryable=True)
    return AgentError(f"{who} refused the request ({status}: {detail})", code=BAD_REQUEST)


def http_error(exc: Exception, who: str) -> AgentError:
    """An httpx failure (timeout, refused connection, error status) as an `AgentError`."""
    if isinstance(exc, httpx.TimeoutException):
        return AgentError(f"{who} did not answer in time ({type(exc).__name__})", code=TIMEOUT)
    if isinstance(exc, httpx.HTTPStatusError):
        response = exc.response
        try:
            body = response.text
        except httpx.ResponseNotRead:
            body = ""
        return status_error(response.status_code, _detail(body), who)
    if isinstance(exc, httpx.TransportError):
        return AgentError(f"{who} is unreachable ({type(exc).__name__}: {exc}); check its baseUrl and that it runs",
                          code=UNREACHABLE, retryable=True)  # fmt: skip
    return AgentError(f"{who} failed: {type(exc).__name__}: {exc}", code=PROVIDER_ERROR)


def _detail(body: str) -> str:
    """The message of a JSON error body (`{"detail": …}`, `{"message": …}`, `{"error": {"message": …}}`), or the
    body itself."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    for value in (data, data.get("error") if isinstance(data, dict) else None):
        if isinstance(value, dict):
            for key in ("detail", "message", "error"):
                if isinstance(value.get(key), str):
                    return value[key]
    return body


async def sse_events(lines: AsyncIterable[str]) -> AsyncIterator[tuple[str | None, str]]:
    """(event name, data) for each Server-Sent Event in a stream of lines (`httpx.Response.aiter_lines()`)."""
    event: str | None = None
    data: list[str] = []
    async for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    if data:
        yield event, "\n".join(data)


async def timed_health(check: Callable[[], Awaitable[str | None]]) -> Health:
    """Run `check` (it returns a short description, or raises `AgentError`) and time it."""
    started = time.perf_counter()
    try:
        detail = await check()
    except AgentError as exc:
        return Health(ok=False, latency_ms=_ms(started), detail=str(exc), code=exc.code)
    return Health(ok=True, latency_ms=_ms(started), detail=detail)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


async def load_module(name: str) -> ModuleType:
    """Import an SDK on first use, in a thread: some take a second to import, which must not stall the event loop
    (and `import omni` stays fast)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    return await asyncio.to_thread(importlib.import_module, name)
