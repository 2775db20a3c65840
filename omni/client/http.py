"""The HTTP layer shared by `Client` (sync) and `AsyncClient`: one request description (`Call`), envelope unwrapping,
errors raised as `OmniError`s, retries that never send twice, and pages.

Resource methods build a `Call`; the sync client runs it at once and returns the result, the async client returns a
coroutine of the same result. So every method exists once and behaves the same in both clients.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from omni import __version__
from omni.client import config
from omni.client.errors import ApiUnavailable, OmniError, from_response

if TYPE_CHECKING:
    from omni.client import resources

T = TypeVar("T")

DEFAULT_URL = "http://127.0.0.1:8882"
API_PREFIX = "/api/v2"
RETRIED_STATUSES = (429, 502, 503, 504)


def camel(values: dict[str, Any]) -> dict[str, Any]:
    """snake_case keyword arguments → the API's camelCase names; `None` means "not given" and is left out.
    Names already in camelCase pass through; nested dicts are the caller's JSON and stay as they are."""
    return {to_camel(k) if "_" in k.strip("_") else k: v for k, v in values.items() if v is not None}


def fields_body(values: dict[str, Any]) -> dict[str, Any]:
    """A request body from the fields a caller passed: camelCase names, and an explicit `None` kept (JSON null:
    `update(id, agent_provider_id=None)` unbinds the agent)."""
    return {to_camel(k) if "_" in k.strip("_") else k: v for k, v in values.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def parse(model: type[T] | None, data: Any) -> T | Any:
    """`data` as `model`; data a newer or older server shaped differently is kept as it came rather than refused."""
    if model is None or data is None:
        return data
    if isinstance(data, list):
        return [parse(model, item) for item in data]
    try:
        return model.model_validate(data)  # type: ignore[attr-defined]
    except ValidationError:
        return model.model_construct(**data) if isinstance(data, dict) else data  # type: ignore[attr-defined]


@dataclass
class Page(Generic[T]):
    """One page of a list: `items`, `has_more`, `cursor` (pass it back as `cursor=` for the next page), `total`
    (when asked for with `include_total=True`). Iterating a page iterates its items."""

    items: list[T]
    has_more: bool = False
    cursor: str | None = None
    total: int | None = None

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class Call:
    """One API request and how to read its answer."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    body: Any = None
    files: dict[str, Any] | None = None
    form: dict[str, Any] | None = None
    model: Any = None
    page: bool = False  # the answer is `{items, meta}`
    raw: bool = False  # the whole JSON answer, not its `data`
    transform: Callable[[Any], Any] | None = None
    idempotent: bool | None = None  # None: by method (GET/PUT/DELETE yes); sends carry an Idempotency-Key instead
    headers: dict[str, str] = field(default_factory=dict)

    def retriable(self) -> bool:
        if self.idempotent is not None:
            return self.idempotent
        return self.method in ("GET", "HEAD", "PUT", "DELETE") or "Idempotency-Key" in self.headers

    def result(self, response: httpx.Response) -> Any:
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        if response.status_code >= 400:
            raise from_response(response.status_code, body, response.reason_phrase)
        if self.raw:
            out = body if body is not None else response.text
        elif self.page:
            body = body or {}
            meta = body.get("meta") or {}
            out = Page(items=parse(self.model, body.get("items") or []), has_more=bool(meta.get("hasMore")),
                       cursor=meta.get("cursor"), total=meta.get("total"))  # fmt: skip
        elif isinstance(body, dict) and "data" in body:
            out = parse(self.model, body["data"])
        else:
            out = body
        return self.transform(out) if self.transform else out


def settings(base_url: str | None, api_key: str | None) -> tuple[str, str | None]:
    """Arguments > `OMNI_API_URL` / `OMNI_API_KEY` > the CLI's config file (`omni auth login` writes it) > default."""
    stored: dict[str, Any] = {}
    if base_url is None or api_key is None:
        from omni.paths import resolve

        stored = config.load(resolve().cli_config_file)
    url = base_url or os.environ.get("OMNI_API_URL") or stored.get("apiUrl") or DEFAULT_URL
    key = api_key or os.environ.get("OMNI_API_KEY") or stored.get("apiKey")
    return url.rstrip("/").removesuffix(API_PREFIX), key


class _Base:
    # the resources (`omni.client.resources`), attached in __init__
    system: resources.System
    instances: resources.Instances
    routes: resources.Routes
    chats: resources.Chats
    messages: resources.Messages
    persons: resources.Persons
    keys: resources.Keys
    providers: resources.Providers
    access: resources.Access
    automations: resources.Automations
    webhook_sources: resources.WebhookSources
    settings: resources.Settings
    events: resources.Events
    dead_letters: resources.DeadLetters
    follow_ups: resources.FollowUps
    trigger_logs: resources.TriggerLogs

    def __init__(self, base_url: str | None, api_key: str | None, timeout: float, max_retries: int) -> None:
        self.base_url, self.api_key = settings(base_url, api_key)
        self.timeout = timeout
        self.max_retries = max_retries
        from omni.client.resources import attach

        attach(self)

    def _headers(self) -> dict[str, str]:
        headers = {"user-agent": f"omni-client/{__version__}", "accept": "application/json"}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        return headers

    def _request_args(self, call: Call) -> dict[str, Any]:
        args: dict[str, Any] = {"params": _jsonable(call.params) if call.params else None, "headers": call.headers}
        if call.files is not None:
            args["files"] = call.files
            args["data"] = {k: str(v).lower() if isinstance(v, bool) else str(v)
                            for k, v in (call.form or {}).items() if v is not None}  # fmt: skip
        elif call.body is not None:
            args["json"] = _jsonable(call.body)
        return args

    def _again(
        self, call: Call, attempt: int, error: Exception | None, response: httpx.Response | None
    ) -> float | None:
        """Seconds to wait before trying `call` again, or None when this answer (or error) is final. A request that
        is not idempotent is tried again only when the server refused it before doing anything (429)."""
        if attempt >= self.max_retries:
            return None
        if response is not None and response.status_code not in RETRIED_STATUSES:
            return None
        if not (call.retriable() or (response is not None and response.status_code == 429)):
            return None
        if response is not None:
            if response.status_code == 429:
                try:
                    ms = response.json()["error"]["details"]["retryAfterMs"]
                    return min(float(ms) / 1000, 30.0)
                except (ValueError, KeyError, TypeError):
                    return 1.0
            return 0.5 * 2**attempt
        return 0.3 * 2**attempt

    def _finish(self, call: Call, error: Exception | None, response: httpx.Response | None) -> Any:
        if error is not None:
            if isinstance(error, httpx.TimeoutException):
                raise ApiUnavailable(f"the server at {self.base_url} did not answer in time", code="TIMEOUT")
            raise ApiUnavailable(f"cannot reach the server at {self.base_url} ({type(error).__name__}: {error})",
                                 code="CONNECTION_ERROR") from error  # fmt: skip
        assert response is not None
        return call.result(response)


class Client(_Base):
    """The sync client: `Client()` reads the URL and key like the CLI does (arguments, `OMNI_API_URL`/`OMNI_API_KEY`,
    then the CLI's config). Use it as a context manager, or `close()` it."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None, *, timeout: float = 30.0,
                 max_retries: int = 2, transport: httpx.BaseTransport | None = None) -> None:  # fmt: skip
        super().__init__(base_url, api_key, timeout, max_retries)
        self._http = httpx.Client(base_url=self.base_url + API_PREFIX, headers=self._headers(), timeout=timeout,
                                  transport=transport)  # fmt: skip

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def run(self, call: Call) -> Any:
        attempt = 0
        while True:
            try:
                response, error = self._http.request(call.method, call.path, **self._request_args(call)), None
            except httpx.TransportError as exc:
                response, error = None, exc
            wait = self._again(call, attempt, error, response)
            if wait is None:
                return self._finish(call, error, response)
            attempt += 1
            time.sleep(wait)

    def pages(self, call: Call) -> Iterator[Any]:
        """Every item of every page, fetching the next page when needed."""
        params = dict(call.params or {})
        while True:
            page = self.run(Call(call.method, call.path, params=params, model=call.model, page=True))
            yield from page.items
            if not page.has_more or not page.cursor:
                return
            params["cursor"] = page.cursor


class AsyncClient(_Base):
    """The async client: the same methods as `Client`, awaited. `async with AsyncClient() as omni: ...`"""

    def __init__(self, base_url: str | None = None, api_key: str | None = None, *, timeout: float = 30.0,
                 max_retries: int = 2, transport: httpx.AsyncBaseTransport | None = None) -> None:  # fmt: skip
        super().__init__(base_url, api_key, timeout, max_retries)
        self._http = httpx.AsyncClient(base_url=self.base_url + API_PREFIX, headers=self._headers(),
                                       timeout=timeout, transport=transport)  # fmt: skip

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def run(self, call: Call) -> Any:
        attempt = 0
        while True:
            try:
                response, error = await self._http.request(call.method, call.path, **self._request_args(call)), None
            except httpx.TransportError as exc:
                response, error = None, exc
            wait = self._again(call, attempt, error, response)
            if wait is None:
                return self._finish(call, error, response)
            attempt += 1
            await asyncio.sleep(wait)

    async def pages(self, call: Call) -> AsyncIterator[Any]:
        params = dict(call.params or {})
        while True:
            page = await self.run(Call(call.method, call.path, params=params, model=call.model, page=True))
            for item in page.items:
                yield item
            if not page.has_more or not page.cursor:
                return
            params["cursor"] = page.cursor


def upload(path: str | Path) -> tuple[str, bytes, str]:
    """A local file as a multipart part: (name, bytes, mime type guessed from its name)."""
    import mimetypes

    file = Path(path).expanduser()
    if not file.is_file():
        raise OmniError(f"no such file: {file}", code="VALIDATION_ERROR", details={"fields": {"file": ["not found"]}})
    return file.name, file.read_bytes(), mimetypes.guess_type(file.name)[0] or "application/octet-stream"


__all__ = ["AsyncClient", "Call", "Client", "Page", "camel", "fields_body", "parse", "upload"]
