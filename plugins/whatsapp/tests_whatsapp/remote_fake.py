"""The fake neonize client (`fake_neonize.FakeClient`) *inside a running omni*, for the channel conformance suite.

The suite runs omni as a subprocess; its driver lives in the test process. omni is started with
`OMNI_WHATSAPP_CLIENT_FACTORY=tests_whatsapp.remote_fake:factory` (the plugin's test seam, session.py),
`OMNI_WHATSAPP_FAKE_ADDRESS=127.0.0.1:<port>` and this folder's parent on `PYTHONPATH`. Each client the plugin makes
then opens a TCP connection to the driver — standing for whatsmeow's websocket to WhatsApp — and:

- says who it is: `{"hello": uuid, "name": ..., "options": {...}}`;
- reports every neonize call the plugin makes (whatever `FakeClient` records): `{"call": name, "args": [...]}`
  (protobuf arguments as `{"proto": full name, "b64": bytes}`);
- hands the plugin what the driver sends: `{"event": full name, "b64": ...}` (a neonize event) or `{"qr": code}`;
- ends its connection task when the driver closes the connection (a dropped websocket) or on `stop()`.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import json
import logging
import os
from typing import Any

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import Message as Proto

from tests_whatsapp.fake_neonize import FakeClient

ADDRESS_ENV = "OMNI_WHATSAPP_FAKE_ADDRESS"
log = logging.getLogger(__name__)


def encode(value: Any) -> Any:
    if isinstance(value, Proto):
        return {"proto": value.DESCRIPTOR.full_name, "b64": base64.b64encode(value.SerializePartialToString()).decode()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode()}
    if isinstance(value, enum.Enum):
        return {"enum": f"{type(value).__name__}.{value.name}"}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return {"repr": repr(value)[:300]}


def decode(value: Any) -> Any:
    if isinstance(value, dict) and "proto" in value:
        cls = message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(value["proto"]))
        message = cls()
        message.MergeFromString(base64.b64decode(value["b64"]))  # no required-field check (proto2)
        return message
    if isinstance(value, dict) and "bytes" in value:
        return base64.b64decode(value["bytes"])
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def line(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode() + b"\n"


class _Reported(list):  # type: ignore[type-arg]
    """`FakeClient.calls`: every call recorded is also sent to the driver."""

    def __init__(self, client: RemoteClient) -> None:
        super().__init__()
        self.client = client

    def append(self, item: Any) -> None:
        super().append(item)
        name, args = item
        self.client.report({"call": name, "args": encode(list(args))})


class RemoteClient(FakeClient):
    def __init__(self, name: str, uuid: str, **options: Any) -> None:
        super().__init__(name, uuid, **options)
        self.writer: asyncio.StreamWriter | None = None
        self.calls = _Reported(self)

    def report(self, payload: dict[str, Any]) -> None:
        if self.writer is not None and not self.writer.is_closing():
            self.writer.write(line(payload))

    async def connect(self, proxy_settings: Any = None) -> asyncio.Task[None]:
        host, port = os.environ[ADDRESS_ENV].rsplit(":", 1)
        reader, self.writer = await asyncio.open_connection(host, int(port))  # refused: the dial fails
        self.report({"hello": self.uuid, "name": self.name, "options": encode(self.options)})
        self.calls.append(("connect", (proxy_settings,)))
        self.connect_task = asyncio.get_running_loop().create_task(self._run(reader))
        return self.connect_task

    async def _run(self, reader: asyncio.StreamReader) -> None:
        stop = asyncio.ensure_future(self._stop.wait())
        try:
            while True:
                read = asyncio.ensure_future(reader.readline())
                await asyncio.wait({read, stop}, return_when=asyncio.FIRST_COMPLETED)
                if stop.done():
                    read.cancel()
                    return
                data = read.result()
                if not data:
                    return  # the driver dropped the connection
                await self._deliver(json.loads(data))
        finally:
            stop.cancel()
            if self.writer is not None:
                self.writer.close()

    async def _deliver(self, payload: dict[str, Any]) -> None:
        if "qr" in payload:
            await self.qr(payload["qr"])
            return
        event = decode({"proto": payload["event"], "b64": payload["b64"]})
        from neonize.events import EVENT_TO_INT

        if self.event.handlers.get(EVENT_TO_INT[type(event)]) is None:
            return  # neonize only passes on the events a handler was registered for
        try:
            await self.fire(event)
        except Exception:  # neonize loses a handler's crash in a thread-safe future; log it here at least
            log.exception("the plugin's handler for %s failed", type(event).__name__)


def factory(name: str, uuid: str, **options: Any) -> RemoteClient:
    return RemoteClient(name, uuid, **options)
