"""Every hook a plugin can implement, declared once. `docs/plugins.md` documents each with this exact signature
(a test checks it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from sanic import Sanic

    from omni.channels.base import Channel

PROJECT = "omni"
PLUGIN_API_VERSION = 1  # a plugin module may declare OMNI_PLUGIN_API = <this>; another major is refused

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class OmniSpec:
    @hookspec
    def register_channels(self, register: Callable[[type[Channel]], None]) -> None:
        """Call `register(ChannelClass)` for each channel the plugin provides."""

    @hookspec
    def register_agent_providers(self, register: Callable[[type[Any]], None]) -> None:
        """Call `register(ProviderClass)` for each agent provider the plugin provides."""

    @hookspec
    def register_commands(self, cli: click.Group) -> None:
        """Add click commands or groups to the `omni` CLI."""

    @hookspec
    def register_routes(self, app: Sanic) -> None:
        """Add routes (blueprints) to the API app, before it starts."""

    @hookspec
    def register_doctor_checks(self, register: Callable[[str, Callable[[], tuple[bool, str]]], None]) -> None:
        """Call `register(name, check)`; `check()` returns (ok, detail) and is shown by `omni doctor`."""

    @hookspec
    async def startup(self, app: Sanic) -> None:
        """Called in each API worker once its resources are open."""

    @hookspec
    async def shutdown(self, app: Sanic) -> None:
        """Called in each API worker before its resources close."""

    @hookspec
    async def on_event(self, event: dict[str, Any]) -> None:
        """Called for every event persisted to the journal: the envelope `{id, type, payload, metadata: {instanceId,
        channelType, source, …}, timestamp}`."""
