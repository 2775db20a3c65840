"""One blueprint per resource."""

from __future__ import annotations

from sanic import Blueprint


def blueprints() -> list[Blueprint]:
    from omni.api import openapi
    from omni.api.routes import (
        access,
        agent_routes,
        agents,
        automations,
        chats,
        dead_letters,
        events,
        instance_account,
        instance_runtime,
        instances,
        keys,
        media,
        messages,
        metrics,
        persons,
        plugins,
        providers,
        send,
        settings,
        system,
        webhook_sources,
    )

    resources = [keys, instances, instance_runtime, instance_account, agent_routes, providers, access, automations, webhook_sources,
                 settings, chats, messages, send, persons, events, plugins, dead_letters, agents, media]  # fmt: skip
    return [system.bp, openapi.bp, metrics.bp, *(m.bp for m in resources)]
