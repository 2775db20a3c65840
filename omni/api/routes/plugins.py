"""`GET /plugins`: what was loaded, from where, and what went wrong (load errors, duplicate keys, incompatible
plugin-API versions, runtime crashes)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sanic import Blueprint, Request

from omni.api.routing import endpoint

bp = Blueprint("plugins", url_prefix="/plugins")


class PluginOut(BaseModel):
    name: str
    source: str = Field(description="builtin, entry-point or folder")
    module: str
    version: str | None
    status: str = Field(description="loaded, failed, incompatible")
    error: str | None
    channels: list[str]
    providers: list[str]
    runtime_errors: list[str] = Field(alias="runtimeErrors")


class PluginList(BaseModel):
    items: list[PluginOut]


@endpoint(bp, "GET", "", scope="plugins:read", summary="Loaded plugins and their problems", response=PluginList)
async def list_plugins(request: Request) -> dict[str, Any]:
    return {"items": request.app.ctx.plugins.listing()}
