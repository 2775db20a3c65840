"""Declaring a route declares everything about it: method, path, the scope it needs, its input and output models.

The registry built here is the one table that maps route → scope (checked on every request, fail-closed) and the
source of the OpenAPI document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, ResponseStream
from sanic.response import json as json_response

from omni.api.errors import VALIDATION_ERROR, ApiError

PUBLIC = "public"  # no key needed
ANY_KEY = "any"  # any valid key, whatever its scopes


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # the full path, Sanic style: /api/v2/keys/<key_id:uuid>
    scope: str  # "namespace:action", or PUBLIC
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    description: str = ""
    errors: tuple[tuple[int, str], ...] = ()  # error statuses beyond the usual ones (502 …), with what they mean


REGISTRY: dict[str, Endpoint] = {}
PREFIX = "/api/v2"


def endpoint(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    scope: str,
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    tag: str | None = None,
    errors: dict[int, str] | None = None,
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[HTTPResponse]]]:
    """Register a handler. It receives the validated `query`/`body` models as keyword arguments and may return a
    response, a dict, or a pydantic model (sent with `status`). `errors` documents statuses the route may answer
    beyond the usual ones (`{502: "the provider is unreachable"}`)."""

    def decorate(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[HTTPResponse]]:
        name = f"{bp.name}.{fn.__name__}"
        if name in REGISTRY:
            raise RuntimeError(f"duplicate route name {name}")
        full = f"{PREFIX}{bp.url_prefix or ''}{path}".rstrip("/") or "/"
        REGISTRY[name] = Endpoint(name, method.upper(), full, scope, summary, tag or bp.name, body, query, response,
                                  status, (fn.__doc__ or "").strip(), tuple((errors or {}).items()))  # fmt: skip

        async def handler(request: Request, **params: Any) -> HTTPResponse:
            if query is not None:
                params["query"] = parse_query(request, query)
            if body is not None:
                params["body"] = parse_body(request, body)
            result = await fn(request, **params)
            if isinstance(result, HTTPResponse | ResponseStream):
                return result
            if isinstance(result, BaseModel):
                result = result.model_dump(mode="json", by_alias=True)
            return json_response(result, status=status)

        handler.__name__ = fn.__name__
        handler.__doc__ = fn.__doc__
        bp.add_route(handler, path or "/", methods=[method.upper()], name=fn.__name__, strict_slashes=False)
        return handler

    return decorate


def mount(app: Any, bp: Blueprint) -> None:
    """Add a plugin's blueprint under /api/v2 (for `register_routes(app)`): its `endpoint()` routes are then
    authenticated, scope-checked, rate-limited, audited and in the OpenAPI document like omni's own."""
    app.blueprint(bp, url_prefix=f"{PREFIX}{bp.url_prefix or ''}")


def lookup(route_name: str | None) -> Endpoint | None:
    """The endpoint of a Sanic route name (`<app>.<blueprint>.<handler>`)."""
    if not route_name:
        return None
    return REGISTRY.get(route_name.split(".", 1)[-1])


# -- input -----------------------------------------------------------------------------------------------------

IGNORED_QUERY = {"api_key"}


def parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    raw: dict[str, Any] = {}
    for key, values in request.args.items():
        values = [v for v in values if v != ""]  # `?status=` means "no filter", as an absent parameter
        if key in IGNORED_QUERY or not values:
            continue
        raw[key] = values if _is_list(model, key) else values[-1]
    return validate(model, raw)


def _is_list(model: type[BaseModel], key: str) -> bool:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            origin = getattr(field.annotation, "__origin__", None)
            return origin is list or "list[" in str(field.annotation)
    return False


def parse_body(request: Request, model: type[BaseModel]) -> BaseModel:
    raw = request.body or b""
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ApiError(400, VALIDATION_ERROR, "the body is not valid UTF-8") from None
        except ValueError as exc:
            raise ApiError(400, VALIDATION_ERROR, f"the body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, VALIDATION_ERROR, "the body must be a JSON object",
                       {"fields": {"body": ["expected an object"]}})  # fmt: skip
    return validate(model, data)


def _nul_fields(data: Any, path: str = "") -> list[str]:
    """PostgreSQL cannot store U+0000 in text or JSON: such input is refused up front, naming the field."""
    if isinstance(data, str):
        return [path or "body"] if "\x00" in data else []
    if isinstance(data, dict):
        return [f for k, v in data.items() for f in _nul_fields(k, path) + _nul_fields(v, f"{path}.{k}".lstrip("."))]
    if isinstance(data, list):
        return [f for i, v in enumerate(data) for f in _nul_fields(v, f"{path}.{i}".lstrip("."))]
    return []


def validate(model: type[BaseModel], data: Any) -> BaseModel:
    bad = _nul_fields(data)
    if bad:
        raise ApiError(400, VALIDATION_ERROR, "invalid request",
                       {"fields": {f: ["must not contain the NUL character (\\u0000)"] for f in bad}})  # fmt: skip
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(400, VALIDATION_ERROR, "invalid request", {"fields": fields_of(exc)}) from None


def fields_of(exc: ValidationError) -> dict[str, list[str]]:
    """`{"scopes.0": ["..."]}`: each bad field (by its wire name) with its problems."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"]) or "body"
        fields.setdefault(loc, []).append(error["msg"])
    return fields


def openapi_path(path: str) -> tuple[str, list[tuple[str, str]]]:
    """`/keys/<key_id:uuid>` → (`/keys/{keyId}`... kept as `{key_id}`), [(name, type)]."""
    params = []

    def repl(match: re.Match[str]) -> str:
        name, _, kind = match.group(1).partition(":")
        params.append((name, kind or "str"))
        return "{" + name + "}"

    return re.sub(r"<([^>]+)>", repl, path), params
