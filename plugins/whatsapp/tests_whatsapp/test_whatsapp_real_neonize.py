"""The plugin starts neonize's real client (whatsmeow, in-process). There is no network here: the connect must end
with `ChannelNotReady`, fast (no DNS: at once; a blackholed network: the plugin's own dialTimeout), never hang — and
the session store (a sqlite file in the instance's data dir) exists by then."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

import pytest
from omni_whatsapp.plugin import SESSION_FILE, STOP_WAIT, new_neonize_client

from omni.channels.base import ChannelNotReady

from .harness import Harness

SLACK = 5.0  # seconds on top of the plugin's own limits (a 2-core box, neonize's thread pool)


def recording(made: list[Any]) -> Any:
    def factory(name: str, uuid: str, **options: Any) -> Any:
        made.append(new_neonize_client(name, uuid, **options))
        return made[-1]

    return factory


@pytest.mark.timeout(60)
async def test_real_neonize_client_reports_unreachable(tmp_path: Path) -> None:
    h = Harness(tmp_path, fake=False, dialTimeout=10)
    assert h.channel.client_factory is new_neonize_client  # production's seam, wrapped only to look at the client
    made: list[Any] = []
    h.channel.client_factory = recording(made)  # type: ignore[method-assign, assignment]
    started = time.monotonic()
    with pytest.raises(ChannelNotReady) as failed:
        await h.channel.connect(h.ctx)
    elapsed = time.monotonic() - started
    assert elapsed < 10 + SLACK, elapsed
    from neonize.aioze.client import NewAClient

    (client,) = made
    assert isinstance(client, NewAClient) and client.uuid == h.ctx.instance_id.encode()
    assert client.name == str(tmp_path / SESSION_FILE)
    session = tmp_path / SESSION_FILE
    assert session.is_file() and session.stat().st_size > 0  # neonize opened its sqlite session store in the data dir
    assert session.read_bytes().startswith(b"SQLite format 3")
    message = str(failed.value)
    assert "could not reach WhatsApp" in message or "did not answer within" in message, message
    assert failed.value.code in ("UNREACHABLE", "NO_ANSWER")
    assert h.qrs == [] and h.events == []
    assert h.channel.status()["disconnectReason"] == failed.value.code  # reported truthfully
    assert h.channel.client is None  # stopped: no neonize call can reach the stopped Go client
    await h.channel.disconnect()


@pytest.mark.timeout(60)
async def test_real_neonize_blackholed_dial_ends_within_dial_timeout(tmp_path: Path) -> None:
    """A proxy that accepts and never answers (a blackholed network): whatsmeow's dial hangs ~60 s; the connect ends
    after dialTimeout + the stop waits, and the event loop keeps running meanwhile."""
    accepted: list[asyncio.StreamWriter] = []

    async def sink(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)

    server = await asyncio.start_server(sink, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    h = Harness(tmp_path, fake=False, dialTimeout=2, proxy=f"http://127.0.0.1:{port}")
    made: list[Any] = []
    h.channel.client_factory = recording(made)  # type: ignore[method-assign, assignment]
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.1)
            ticks += 1

    beat = asyncio.create_task(ticker())
    started = time.monotonic()
    try:
        with pytest.raises(ChannelNotReady) as failed:
            await h.channel.connect(h.ctx)
        elapsed = time.monotonic() - started
        assert elapsed < 2 + 2 * STOP_WAIT + SLACK, elapsed
        assert ticks >= elapsed * 10 * 0.5  # the loop was not blocked
        assert failed.value.code in ("NO_ANSWER", "UNREACHABLE"), failed.value
        assert accepted, "whatsmeow did not dial through the proxy"
        assert (tmp_path / SESSION_FILE).is_file()
    finally:
        beat.cancel()
        server.close()
        for writer in accepted:  # the pending dial fails now instead of a minute later
            writer.close()
        task = h.channel._task
        if task is not None:
            await asyncio.wait({task}, timeout=20)
        with contextlib.suppress(Exception):
            await h.channel.disconnect()


def test_neonize_api_the_session_code_relies_on() -> None:
    """Shapes of neonize 0.5.2 that session.py depends on (a neonize upgrade that changes them fails here)."""
    import inspect

    from neonize.aioze.client import NewAClient
    from neonize.proto.Neonize_pb2 import ConnectFailureReason, TemporaryBan

    assert isinstance(inspect.getattr_static(NewAClient, "is_connected"), property)  # its value is a coroutine
    assert inspect.iscoroutinefunction(NewAClient.get_blocklist) and inspect.iscoroutinefunction(NewAClient.get_me)
    params = inspect.signature(NewAClient.__init__).parameters
    assert {"jid", "uuid", "new_device"} <= set(params)
    assert dict(ConnectFailureReason.items()) == {
        "GENERIC": 1, "LOGGED_OUT": 2, "TEMP_BANNED": 3, "MAIN_DEVICE_GONE": 4, "UNKNOWN_LOGOUT": 5,
        "CLIENT_OUTDATED": 6, "BAD_USER_AGENT": 7, "INTERNAL_SERVER_ERROR": 8, "EXPERIMENTAL": 9,
        "SERVICE_UNAVAILABLE": 10,
    }  # fmt: skip
    assert TemporaryBan.TempBanReason.Value("BLOCKED_BY_USERS") == 2
