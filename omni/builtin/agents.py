"""omni's agent providers as one built-in plugin: `openai`, `anthropic`, `agno`, `a2a`, `webhook` and `echo`.

Each provider imports its SDK only when it is first used, so loading this plugin costs no SDK import."""

from __future__ import annotations

from typing import Any

from omni.agents.providers.a2a import A2A
from omni.agents.providers.agno import Agno
from omni.agents.providers.anthropic import Anthropic
from omni.agents.providers.openai import OpenAI
from omni.agents.providers.webhook import Webhook
from omni.builtin.echo import Echo
from omni.plugins.hookspecs import hookimpl


@hookimpl
def register_agent_providers(register: Any) -> None:
    for provider in (OpenAI, Anthropic, Agno, A2A, Webhook, Echo):
        register(provider)
