"""The Python client of Omni's REST API (the CLI is built on it; it is also the SDK you import).

    from omni.client import Client

    with Client() as omni:                       # URL and key as the CLI has them (or Client(url, key))
        inst = omni.instances.create(name="support", channel="loopback")
        omni.messages.send(instance_id=inst.id, to="alice", text="hello")
        for chat in omni.chats.iterate(instance_id=inst.id):
            print(chat.name)

`AsyncClient` has the same methods, awaited. Errors raise `OmniError` subclasses carrying the API's `code`,
`status` and `details`; results are the typed models of `omni.client.models` (lists a `Page`).
"""

from omni.client.errors import (
    Ambiguous,
    ApiUnavailable,
    AuthError,
    Conflict,
    Forbidden,
    NotFound,
    NotSupported,
    OmniError,
    RateLimited,
    ServerError,
    ValidationFailed,
)
from omni.client.http import AsyncClient, Client, Page

__all__ = ["Ambiguous", "ApiUnavailable", "AsyncClient", "AuthError", "Client", "Conflict", "Forbidden", "NotFound",
           "NotSupported", "OmniError", "Page", "RateLimited", "ServerError", "ValidationFailed"]  # fmt: skip
