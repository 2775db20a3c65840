"""The OpenAPI 3.0 document, generated from the route registry (every route, its scope, input and output), and the
Swagger UI, served from files shipped with omni (the server may have no internet)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, html, json

from omni import __version__
from omni.api.models import ErrorEnvelope
from omni.api.routing import ANY_KEY, PUBLIC, REGISTRY, endpoint, openapi_path

bp = Blueprint("docs")

PARAM_TYPES = {"uuid": {"type": "string", "format": "uuid"}, "int": {"type": "integer"}, "str": {"type": "string"}}
ERRORS = {
    "400": "Invalid input: `details.fields` names each bad field",
    "401": "Missing, invalid, revoked or expired API key",
    "403": "The key lacks the scope, or cannot access the instance",
    "404": "Not found",
    "409": "Conflict",
    "413": "Body too large",
    "429": "Rate limit exceeded: `details.retryAfterMs`",
}


def _to_30(schema: Any) -> Any:
    """Pydantic writes JSON Schema 2020-12; OpenAPI 3.0 wants `nullable` instead of a null type, and no `const`."""
    if isinstance(schema, list):
        return [_to_30(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    schema = dict(schema)
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del schema[key]
            if len(rest) == 1 and "$ref" not in rest[0]:
                schema = {**rest[0], **schema}
            elif len(rest) == 1:
                schema["allOf"] = rest
            else:
                schema[key] = rest
            schema["nullable"] = True
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    if schema.get("type") == "null":
        schema = {"nullable": True}
    return {k: _to_30(v) for k, v in schema.items()}


class _Components:
    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def ref(self, model: Any) -> dict[str, Any]:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return {}
        schema = model.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}", mode="serialization"
        )
        for name, sub in schema.pop("$defs", {}).items():
            self.schemas.setdefault(name, _to_30(sub))
        name = model.__name__.replace("[", "_").replace("]", "").replace(",", "_").replace(" ", "")
        self.schemas.setdefault(name, _to_30(schema))
        return {"$ref": f"#/components/schemas/{name}"}

    def input(self, model: type[BaseModel]) -> dict[str, Any]:
        schema = model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}", mode="validation")
        for name, sub in schema.pop("$defs", {}).items():
            self.schemas.setdefault(name, _to_30(sub))
        return _to_30(schema)

    def body(self, model: type[BaseModel]) -> dict[str, Any]:
        """A request body as a named component (SDK generators, `omni.client.models`, make a class of it)."""
        schema = self.input(model)
        name = model.__name__
        existing = self.schemas.get(name)
        if existing is not None and existing != schema:
            return schema  # two input models of one name: the second stays inline
        self.schemas[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}


def document() -> dict[str, Any]:
    components = _Components()
    error = components.ref(ErrorEnvelope)
    paths: dict[str, Any] = {}
    for ep in sorted(REGISTRY.values(), key=lambda e: (e.path, e.method)):
        path, params = openapi_path(ep.path)
        op: dict[str, Any] = {"operationId": ep.name.replace(".", "_"), "summary": ep.summary, "tags": [ep.tag]}
        if ep.description:
            op["description"] = ep.description
        parameters = [{"name": n, "in": "path", "required": True, "schema": PARAM_TYPES.get(t, {"type": "string"})}
                      for n, t in params]  # fmt: skip
        if ep.query is not None:
            schema = components.input(ep.query)
            required = set(schema.get("required", []))
            for name, prop in schema.get("properties", {}).items():
                parameters.append({"name": name, "in": "query", "required": name in required, "schema": prop})
        if parameters:
            op["parameters"] = parameters
        if ep.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": components.body(ep.body)}},
            }
        ok = {"description": "OK"}
        if ep.response is not None:
            ok["content"] = {"application/json": {"schema": components.ref(ep.response)}}
        responses: dict[str, Any] = {str(ep.status): ok}
        if params:
            responses["404"] = {"description": ERRORS["404"], "content": {"application/json": {"schema": error}}}
        if ep.scope == PUBLIC:
            op["security"] = []
            if ep.name == "system.health":
                responses["503"] = {"description": "Degraded", "content": {"application/json": {"schema": ok.get(
                    "content", {}).get("application/json", {}).get("schema", {})}}}  # fmt: skip
        else:
            op["x-required-scope"] = None if ep.scope == ANY_KEY else ep.scope
            for code, text in ERRORS.items():
                responses[code] = {"description": text, "content": {"application/json": {"schema": error}}}
        for code, text in ep.errors:
            responses[str(code)] = {"description": text, "content": {"application/json": {"schema": error}}}
        op["responses"] = responses
        paths.setdefault(path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "Omni API", "version": __version__,
                 "description": "One API for every messaging channel. Every route but health, info and these docs "
                                "needs an API key; `x-required-scope` names the scope each route needs."},
        "servers": [{"url": "/"}],
        "security": [{"apiKeyHeader": []}, {"apiKeyQuery": []}],
        "paths": paths,
        "components": {
            "schemas": components.schemas,
            "securitySchemes": {
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
            },
        },
    }  # fmt: skip


def _swagger_dir() -> Path:
    import swagger_ui_bundle

    return Path(swagger_ui_bundle.swagger_ui_path)


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Omni API</title>
<link rel="stylesheet" href="/api/v2/docs/static/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/v2/docs/static/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/api/v2/openapi.json", dom_id: "#ui", persistAuthorization: true});</script>
</body></html>"""

STATIC = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "application/javascript"}


@endpoint(bp, "GET", "/openapi.json", scope=PUBLIC, summary="This OpenAPI document")
async def openapi_json(request: Request) -> HTTPResponse:
    doc = getattr(request.app.ctx, "openapi", None)
    if doc is None:
        doc = request.app.ctx.openapi = document()
    return json(doc)


@endpoint(bp, "GET", "/docs", scope=PUBLIC, summary="Swagger UI")
async def docs(request: Request) -> HTTPResponse:
    return html(PAGE)


@endpoint(bp, "GET", "/docs/static/<asset:str>", scope=PUBLIC, summary="Swagger UI assets")
async def docs_asset(request: Request, asset: str) -> HTTPResponse:
    if asset not in STATIC:
        return json({"error": {"code": "NOT_FOUND", "message": "no such asset", "details": {}}}, status=404)
    return await file(_swagger_dir() / asset, mime_type=STATIC[asset])
