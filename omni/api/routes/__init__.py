"""One blueprint per resource."""

from __future__ import annotations

from sanic import Blueprint


def blueprints() -> list[Blueprint]:
    from omni.api import openapi
    from omni.api.routes import (
        access,
        agent_routes,
        automations,
        chats,
        events,
        instances,
        keys,
        messages,
        metrics,
        persons,
        providers,
        settings,
        system,
        webhook_sources,
    )

    resources = [keys, instances, agent_routes, providers, access, automations, webhook_sources, settings, chats,
                 messages, persons, events]  # fmt: skip
    return [system.bp, openapi.bp, metrics.bp, *(m.bp for m in resources)]
