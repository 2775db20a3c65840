"""One blueprint per resource."""

from __future__ import annotations

from sanic import Blueprint


def blueprints() -> list[Blueprint]:
    from omni.api import openapi
    from omni.api.routes import keys, metrics, system

    return [system.bp, openapi.bp, metrics.bp, keys.bp]
