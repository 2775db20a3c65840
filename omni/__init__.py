"""Omni: one API, one CLI and one event stream for every messaging channel.

The public plugin API is importable from here (`from omni import Channel, hookimpl, InboundMessage …`); it is loaded
on first use, so `omni --version` and the CLI stay fast.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("omni")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+src"

_PUBLIC = {
    "hookimpl": "omni.plugins.hookspecs",
    "PLUGIN_API_VERSION": "omni.plugins.hookspecs",
    "Channel": "omni.channels.base",
    "ChannelContext": "omni.channels.base",
    "Capabilities": "omni.channels.base",
    "MediaType": "omni.channels.base",
    "ChannelError": "omni.channels.base",
    "ChannelNotReady": "omni.channels.base",
    "ChannelAuthFailed": "omni.channels.base",
    "SendFailed": "omni.channels.base",
    "Chat": "omni.channels.types",
    "Sender": "omni.channels.types",
    "Media": "omni.channels.types",
    "Contact": "omni.channels.types",
    "Location": "omni.channels.types",
    "Poll": "omni.channels.types",
    "Embed": "omni.channels.types",
    "InboundMessage": "omni.channels.types",
    "InboundReaction": "omni.channels.types",
    "InboundEdit": "omni.channels.types",
    "InboundDelete": "omni.channels.types",
    "InboundReceipt": "omni.channels.types",
    "InboundPresence": "omni.channels.types",
    "InboundSystem": "omni.channels.types",
    "Outbound": "omni.channels.types",
    "SendResult": "omni.channels.types",
    "AgentProvider": "omni.agents.base",
    "AgentRequest": "omni.agents.base",
    "AgentEvent": "omni.agents.base",
    "AgentError": "omni.agents.base",
    "ProviderConfig": "omni.agents.base",
    "ProviderSettings": "omni.agents.base",
    "Health": "omni.agents.base",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'omni' has no attribute {name!r}")
    return getattr(import_module(module), name)
