"""discord.py pointed at one instance's URLs: the REST base and the gateway are per client, never process globals.

`discord.http.Route` builds its URL from the class-wide `Route.BASE`, and `DiscordWebSocket.from_client` connects to
the module-wide `DiscordWebSocket.DEFAULT_GATEWAY`. Several instances in one process may talk to different servers,
so `RoutedHTTPClient` rewrites each request's URL (and each gateway URL) from those defaults to the client's own.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY = "wss://gateway.discord.gg/"


class RoutedHTTPClient(discord.http.HTTPClient):
    """discord.py's HTTP client (its rate limiter included) sending to `api_base` and connecting to `gateway`."""

    api_base: str = DEFAULT_API_BASE
    gateway: yarl.URL = yarl.URL(DEFAULT_GATEWAY)

    def rewrite(self, url: str) -> str:
        base = discord.http.Route.BASE
        if url.startswith(base):
            return self.api_base.rstrip("/") + url[len(base) :]
        return url

    async def request(self, route: discord.http.Route, **kwargs: Any) -> Any:
        route.url = self.rewrite(route.url)
        return await super().request(route, **kwargs)

    async def ws_connect(self, url: str, *, compress: int = 0) -> aiohttp.ClientWebSocketResponse:
        wanted = yarl.URL(url)
        default = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        if wanted.with_query(None) == default.with_query(None):  # not a resume URL the gateway gave us
            wanted = self.gateway.with_query(wanted.query)
        return await super().ws_connect(str(wanted), compress=compress)


def route(client: discord.Client, api_base: str, gateway: str) -> discord.Client:
    """Make `client` use these URLs (its HTTP client becomes a `RoutedHTTPClient`; the state keeps the same object)."""
    http = client.http
    http.__class__ = RoutedHTTPClient
    http.api_base = api_base.rstrip("/")  # type: ignore[attr-defined]
    http.gateway = yarl.URL(gateway if gateway.endswith("/") else gateway + "/")  # type: ignore[attr-defined]
    return client
