"""One blueprint per resource."""

from __future__ import annotations

from sanic import Blueprint


def blueprints() -> list[Blueprint]:
    from omni.api import openapi
    from omni.api.routes import keys, system

    return [system.bp, openapi.bp, keys.bp]
