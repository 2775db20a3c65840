"""The session plumbing (session.py and the connection part of the channel): the session store and its survival
across restarts, the ways a session ends (logged out, banned, replaced, unreachable) as reported, the watchdog, the
proxy, and neonize's client ids. Driven with the fake neonize client, fed real neonize events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from neonize._binder import ProxySettings
from neonize.aioze.events import (
    ClientOutdatedEv,
    ConnectedEv,
    ConnectFailureEv,
    DisconnectedEv,
    KeepAliveRestoredEv,
    KeepAliveTimeoutEv,
    LoggedOutEv,
    PairStatusEv,
    StreamErrorEv,
    StreamReplacedEv,
    TemporaryBanEv,
)
from neonize.proto.Neonize_pb2 import JID, PairStatus
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message
from omni_whatsapp import session as wa_session
from omni_whatsapp.plugin import SESSION_FILE, WhatsAppConfig
from pydantic import ValidationError

from omni.channels.base import ChannelAuthFailed, ChannelError, ChannelNotReady

from .fake_neonize import FakeClient, message_event, user
from .harness import Harness

ME = "4915100000001"
ALICE = "4915112345678"
DSN = "postgres://omni:s3cret@127.0.0.1:5432/omni"


async def connected(h: Harness) -> None:
    """`connect` with a stored session: whatsmeow says Connected straight away."""
    task = await h.connecting()
    await h.client.fire(ConnectedEv(status=True))
    await asyncio.wait_for(task, 2)


async def paired(tmp_path: Path, **config: Any) -> Harness:
    h = Harness(tmp_path, **config)
    await connected(h)
    return h


async def closed_with(h: Harness, error: type[ChannelError], timeout: float = 2.0) -> ChannelError:
    with pytest.raises(error) as failed:
        await asyncio.wait_for(h.channel.wait_closed(), timeout)
    return failed.value


# -- config -----------------------------------------------------------------------------------------------------------


def test_config_defaults_and_new_fields() -> None:
    config = WhatsAppConfig.model_validate({})
    assert (config.session_store, config.watchdog_seconds, config.proxy) == ("sqlite", 300.0, None)
    config = WhatsAppConfig.model_validate({"sessionStore": "postgres", "watchdogSeconds": 0})
    assert (config.session_store, config.watchdog_seconds) == ("postgres", 0)
    for bad in ({"sessionStore": "redis"}, {"watchdogSeconds": -1}):
        with pytest.raises(ValidationError):
            WhatsAppConfig.model_validate(bad)


@pytest.mark.parametrize(
    "url", ["http://proxy.local:3128", "https://user:pw@proxy.local", "socks5://127.0.0.1:1080", "socks5://u:p@h:1"]
)
def test_proxy_schemes_whatsmeow_takes(url: str) -> None:
    assert WhatsAppConfig.model_validate({"proxy": url}).proxy == url


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("socks5h://127.0.0.1:1080", "socks5h"),  # whatsmeow's SetProxyAddress refuses it: every dial would fail
        ("socks4://127.0.0.1:1080", "socks4"),
        ("ftp://nope", "ftp"),
        ("proxy.local:3128", "proxy"),
        ("http://", "no host"),
        ("http://proxy.local:99999", "port"),
    ],
)
def test_proxy_refused(url: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        WhatsAppConfig.model_validate({"proxy": url})


async def test_proxy_reaches_neonize_as_proxy_settings(tmp_path: Path) -> None:
    h = await paired(tmp_path, proxy="socks5://user:pw@10.0.0.1:1080")
    ((proxy,),) = h.client.called("connect")
    assert isinstance(proxy, ProxySettings)
    assert (proxy.proxy_address, proxy.no_websocket, proxy.only_login, proxy.no_media) == (
        "socks5://user:pw@10.0.0.1:1080", False, False, False
    )  # fmt: skip
    await h.channel.disconnect()


# -- the session survives a restart (sqlite in the data dir) ---------------------------------------------------------


class StoredSessionFake(FakeClient):
    """Stands for whatsmeow's sqlite store: the session file at `name` exists once paired; a client started on it
    says Connected by itself, one without it shows a QR code."""

    def _open_store(self) -> bool:
        """Open (make) the store; whether it holds a paired session."""
        store = Path(self.name)
        if store.exists() and store.read_text() == "paired":
            return True
        store.write_text("new")
        return False

    async def connect(self, proxy_settings: Any = None) -> asyncio.Task[None]:
        task = await super().connect(proxy_settings)
        answer = self.fire(ConnectedEv(status=True)) if self._open_store() else self.qr("2@fresh,qr")
        asyncio.get_running_loop().call_soon(asyncio.ensure_future, answer)
        return task

    def _save_paired(self) -> None:
        Path(self.name).write_text("paired")

    async def scanned(self) -> None:
        self._save_paired()
        await self.fire(PairStatusEv(ID=JID(User=ME, Server="s.whatsapp.net", Device=7), Status=PairStatus.SUCCESS))
        await self.fire(ConnectedEv(status=True))


def stored_session_harness(tmp_path: Path) -> Harness:
    h = Harness(tmp_path)

    def factory(name: str, uuid: str, **options: Any) -> StoredSessionFake:
        client = StoredSessionFake(name, uuid, **options)
        h.clients.append(client)
        return client

    h.channel.client_factory = factory  # type: ignore[method-assign, assignment]
    return h


async def test_session_survives_restart_without_pairing_again(tmp_path: Path) -> None:
    first = stored_session_harness(tmp_path)
    task = await first.connecting()
    await first.until(lambda: first.qrs)
    assert first.qrs[0][0] == "2@fresh,qr"
    await first.client.scanned()
    await asyncio.wait_for(task, 2)
    await first.channel.disconnect()
    assert (tmp_path / SESSION_FILE).read_text() == "paired"

    # omni restarts: a new channel object (the runtime makes one per connect), the same data dir
    again = stored_session_harness(tmp_path)
    await asyncio.wait_for(again.channel.connect(again.ctx), 2)
    assert again.qrs == []  # no QR: the stored session connected
    assert again.client.name == first.client.name == str(tmp_path / SESSION_FILE)
    assert again.client.options == {}  # sqlite: one device per file, whatsmeow takes it
    assert again.channel.status()["ownerIdentifier"] == f"+{ME}"  # read back from whatsmeow's store (get_me)
    assert again.channel.status()["sessionStore"] == "sqlite"
    await again.channel.disconnect()


# -- the session in postgres -----------------------------------------------------------------------------------------


class PostgresStub:
    """Stands in for `_prepare_postgres`: records what it was asked and says whether the device row exists."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []
        self.device_exists = True
        self.error: Exception | None = None

    async def __call__(self, url: str, device: str | None) -> bool:
        self.asked.append((url, device))
        if self.error is not None:
            raise self.error
        return device is not None and self.device_exists


@pytest.fixture
def pg(monkeypatch: pytest.MonkeyPatch) -> PostgresStub:
    stub = PostgresStub()
    monkeypatch.setattr(wa_session, "_prepare_postgres", stub)
    return stub


def postgres_harness(tmp_path: Path, **config: Any) -> Harness:
    h = Harness(tmp_path, sessionStore="postgres", **config)
    h.ctx.extra["databaseUrl"] = DSN

    def factory(name: str, uuid: str, **options: Any) -> FakeClient:
        client = FakeClient(name, uuid, **options)
        h.clients.append(client)
        return client

    h.channel.client_factory = factory  # type: ignore[method-assign, assignment]
    return h


async def test_postgres_store_pairs_a_new_device_then_resumes_it(tmp_path: Path, pg: PostgresStub) -> None:
    h = postgres_harness(tmp_path)
    task = await h.connecting()
    assert h.client.name == "postgres://omni:s3cret@127.0.0.1:5432/omni?search_path=omni_whatsapp&sslmode=disable"
    assert h.client.options == {"new_device": True}  # nothing stored: a new device, never "the first one"
    assert h.client.uuid == h.ctx.instance_id
    await h.client.qr("2@qr")
    device = JID(User=ME, Server="s.whatsapp.net", Device=23, IsEmpty=False)
    await h.client.fire(PairStatusEv(ID=device, Status=PairStatus.SUCCESS))
    await h.client.fire(ConnectedEv(status=True))
    await asyncio.wait_for(task, 2)
    saved = h.ctx.store.data[wa_session.DEVICE_KEY]  # type: ignore[attr-defined]
    assert (saved["User"], saved["Device"], saved["Server"]) == (ME, 23, "s.whatsapp.net")
    assert h.channel.status()["sessionStore"] == "postgres"
    await h.channel.disconnect()

    # a restart: the same store (ctx.store is postgres in omni), this instance's device is picked by its JID
    again = postgres_harness(tmp_path)
    again.ctx.store = h.ctx.store
    await connected(again)
    assert again.qrs == []
    (jid,) = again.client.options.values()
    assert (jid.User, jid.Device, jid.Server) == (ME, 23, "s.whatsapp.net")
    assert pg.asked[-1] == (DSN, f"{ME}:23@s.whatsapp.net")  # whatsmeow's JID string, the device table's key
    # the phone logs the device out: whatsmeow deletes it; so does the plugin's record of it
    await again.client.fire(LoggedOutEv(OnConnect=False, Reason=2))
    assert (await closed_with(again, ChannelAuthFailed)).code == "LOGGED_OUT"
    assert wa_session.DEVICE_KEY not in again.ctx.store.data  # type: ignore[attr-defined]
    await again.channel.disconnect()


async def test_postgres_device_gone_pairs_again_instead_of_crashing(tmp_path: Path, pg: PostgresStub) -> None:
    """neonize's Go side dereferences a device it cannot find (the whole process dies): never hand it a JID whose
    row is gone."""
    h = postgres_harness(tmp_path)
    await h.ctx.store.set(wa_session.DEVICE_KEY, {"User": ME, "Server": "s.whatsapp.net", "Device": 4})
    pg.device_exists = False
    task = await h.connecting()
    assert h.client.options == {"new_device": True}
    assert await h.ctx.store.get(wa_session.DEVICE_KEY) is None
    await h.client.qr("2@qr")
    assert h.qrs[0][0] == "2@qr"
    await h.channel.disconnect()
    task.cancel()


async def test_postgres_unreachable_is_not_ready_and_missing_dsn_is_an_error(tmp_path: Path, pg: PostgresStub) -> None:
    h = postgres_harness(tmp_path)
    pg.error = OSError("connection refused")
    with pytest.raises(ChannelNotReady, match="connection refused"):
        await h.channel.connect(h.ctx)
    assert h.clients == []  # no neonize client without its store
    nodsn = Harness(tmp_path, sessionStore="postgres")
    with pytest.raises(ChannelError) as failed:
        await nodsn.channel.connect(nodsn.ctx)
    assert failed.value.code == "SESSION_STORE_UNAVAILABLE" and not failed.value.retryable
    assert "databaseUrl" in str(failed.value)


def test_neonize_dsn() -> None:
    dsn = wa_session.neonize_dsn
    assert (
        dsn("postgresql://u:p@localhost/omni")
        == "postgres://u:p@localhost/omni?search_path=omni_whatsapp&sslmode=disable"
    )
    assert dsn("postgres://u:p@db.example.com:5433/omni").endswith("?search_path=omni_whatsapp&sslmode=require")
    assert dsn("postgres://u:p@db.example.com/omni?sslmode=verify-full").endswith(
        "sslmode=verify-full&search_path=omni_whatsapp"
    )
    with pytest.raises(ChannelError):
        dsn("mysql://u:p@h/db")


def test_jid_string_is_whatsmeows() -> None:
    assert wa_session.jid_string({"User": ME, "Server": "s.whatsapp.net"}) == f"{ME}@s.whatsapp.net"
    assert wa_session.jid_string({"User": ME, "Server": "s.whatsapp.net", "Device": 12}) == f"{ME}:12@s.whatsapp.net"
    assert wa_session.jid_string({"User": "1", "Server": "lid", "Device": 3, "RawAgent": 1}) == "1.1:3@lid"
    jid = wa_session.jid_from({"User": ME, "Server": "s.whatsapp.net", "Device": 12})
    assert (jid.User, jid.Device, jid.IsEmpty) == (ME, 12, False)


# -- how a session ends: told apart, reported --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "code", "text"),
    [
        (2, "LOGGED_OUT", "Linked devices"),  # 401: removed on the phone
        (4, "LOGGED_OUT", "403"),  # main device gone: logged out / moved phones / locked
        (5, "BANNED", "406"),  # "unknown logout", called BANNED by WhatsApp Web
        (None, "LOGGED_OUT", "pair again"),  # whatsmeow's device_removed stream error may carry no reason
    ],
)
async def test_logged_out_reasons(tmp_path: Path, reason: int | None, code: str, text: str) -> None:
    h = await paired(tmp_path)
    await h.client.fire(LoggedOutEv(OnConnect=False) if reason is None else LoggedOutEv(OnConnect=False, Reason=reason))
    failed = await closed_with(h, ChannelAuthFailed)
    assert failed.code == code and text in str(failed) and str(failed).startswith(code)
    status = h.channel.status()
    assert status["disconnectReason"] == code and status["disconnectDetail"] == str(failed)
    await h.channel.disconnect()


async def test_logged_out_on_connect_needs_auth(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    await h.client.fire(LoggedOutEv(OnConnect=True, Reason=2))
    with pytest.raises(ChannelAuthFailed) as failed:
        await asyncio.wait_for(task, 2)
    assert failed.value.code == "LOGGED_OUT"
    assert h.channel.status()["disconnectReason"] == "LOGGED_OUT"


async def test_temporary_ban_with_expiry(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    await h.client.fire(TemporaryBanEv(Code=TemporaryBanEv.BLOCKED_BY_USERS, Expire=3600))
    with pytest.raises(ChannelAuthFailed) as failed:
        await asyncio.wait_for(task, 2)
    assert failed.value.code == "BANNED"
    assert "too many people blocked you" in str(failed.value) and "no new pairing" in str(failed.value)
    expires = datetime.fromisoformat(h.channel.status()["banExpiresAt"])
    assert abs((expires - (datetime.now(UTC) + timedelta(hours=1))).total_seconds()) < 60
    assert expires.strftime("%Y-%m-%d %H:%M") in str(failed.value)


async def test_ban_as_connect_failure(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    await h.client.fire(ConnectFailureEv(Reason=3, Message="temporarily banned"))  # 402 as a plain ConnectFailure
    with pytest.raises(ChannelAuthFailed) as failed:
        await asyncio.wait_for(task, 2)
    assert failed.value.code == "BANNED" and "banExpiresAt" not in h.channel.status()


async def test_stream_replaced(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    await h.client.fire(StreamReplacedEv())
    failed = await closed_with(h, ChannelAuthFailed)
    assert failed.code == "REPLACED" and "another client" in str(failed)
    await h.channel.disconnect()


async def test_client_outdated_is_retried(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    await h.client.fire(ClientOutdatedEv())
    failed = await closed_with(h, ChannelNotReady)
    assert failed.code == "CLIENT_OUTDATED" and "upgrade neonize" in str(failed)
    await h.channel.disconnect()


async def test_other_connect_failures_are_not_ready(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    await h.client.fire(ConnectFailureEv(Reason=7, Message="bad user agent"))
    with pytest.raises(ChannelNotReady) as failed:
        await asyncio.wait_for(task, 2)
    assert failed.value.code == "BAD_USER_AGENT" and "409" in str(failed.value)


async def test_server_errors_after_connect_are_left_to_whatsmeow(tmp_path: Path) -> None:
    """503 / 500 while connected: whatsmeow reconnects by itself; reported as reconnecting, the connection stays."""
    h = await paired(tmp_path)
    await h.client.fire(ConnectFailureEv(Reason=10, Message="service unavailable"))
    assert h.states[-1][0] == "reconnecting" and "service unavailable" in (h.states[-1][1] or "")
    await h.client.fire(ConnectedEv(status=True))
    assert h.states[-1] == ("connected", "reconnected")
    await h.client.fire(StreamErrorEv(Code="516"))  # logged; whatsmeow handles it
    await h.client.fire(KeepAliveTimeoutEv(ErrorCount=2, LastSuccess=1_700_000_000))
    await h.client.fire(KeepAliveRestoredEv())
    await asyncio.sleep(0.05)
    assert not h.channel._closed.done()  # type: ignore[union-attr]
    await h.channel.disconnect()


async def test_unreachable_and_closed_are_reported(tmp_path: Path) -> None:
    h = Harness(tmp_path)

    def failing(name: str, uuid: str, **options: Any) -> FakeClient:
        client = h._factory(name, uuid)
        client.connect_error = RuntimeError("failed to dial whatsapp web websocket: no such host")
        return client

    h.channel.client_factory = failing  # type: ignore[method-assign, assignment]
    with pytest.raises(ChannelNotReady) as failed:
        await asyncio.wait_for(h.channel.connect(h.ctx), 2)
    assert failed.value.code == "UNREACHABLE"
    assert h.channel.status()["disconnectReason"] == "UNREACHABLE"
    ok = await paired(tmp_path)
    assert "disconnectReason" not in ok.channel.status()
    await ok.client.stop()  # the Go side ends the connection
    assert (await closed_with(ok, ChannelNotReady)).code == "CONNECTION_CLOSED"


async def test_deliberate_disconnect_ends_quietly(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    client = h.client
    await h.channel.disconnect()
    assert h.channel.client is None  # no neonize call can reach the stopped client any more
    await asyncio.wait_for(h.channel.wait_closed(), 1)  # a clean end
    before = list(h.states)
    await client.fire(DisconnectedEv(status=True))  # a late event of the stopped client
    assert h.states == before


# -- status and traffic ------------------------------------------------------------------------------------------------


async def test_status_shape(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    await h.client.qr("2@qr")
    await h.client.fire(PairStatusEv(ID=user(ME), Status=PairStatus.SUCCESS))
    await h.client.fire(ConnectedEv(status=True))
    await asyncio.wait_for(task, 2)
    status = h.channel.status()
    assert set(status) == {"ownerIdentifier", "profileName", "lastEventAt", "sessionStore"}
    assert (status["ownerIdentifier"], status["profileName"]) == (f"+{ME}", "Omni Test")
    assert abs((datetime.fromisoformat(status["lastEventAt"]) - datetime.now(UTC)).total_seconds()) < 5
    await h.channel.disconnect()


async def test_every_handler_counts_as_traffic(tmp_path: Path) -> None:
    """Handlers registered in `_register` (the inbound ones included) mark traffic before they run."""
    h = await paired(tmp_path)
    h.channel._last_event_at = datetime(2000, 1, 1, tzinfo=UTC)
    h.channel._last_event = 0.0
    await h.client.fire(message_event("3A01", user(ALICE), user(ALICE), Message(conversation="hi")))
    assert h.channel._last_event_at > datetime.now(UTC) - timedelta(seconds=5)
    assert h.channel._last_event > 0
    h.channel._last_event_at = datetime(2000, 1, 1, tzinfo=UTC)
    await h.client.qr("2@late")  # the QR handler too
    assert h.channel._last_event_at.year > 2000
    await h.channel.disconnect()


# -- the watchdog ----------------------------------------------------------------------------------------------------


async def test_watchdog_probes_a_silent_connection_and_keeps_it(tmp_path: Path) -> None:
    h = await paired(tmp_path, watchdogSeconds=0.2)
    await h.until(lambda: len(h.client.called("get_blocklist")) >= 2, timeout=3)
    assert not h.channel._closed.done()  # type: ignore[union-attr]
    await h.channel.disconnect()
    assert h.channel._watchdog is not None and h.channel._watchdog.task is None  # stopped with the connection


async def test_watchdog_reconnects_a_connected_but_silent_socket(tmp_path: Path) -> None:
    h = await paired(tmp_path, watchdogSeconds=0.3)
    h.client.answering = False  # the socket looks fine, nothing comes back
    loop = asyncio.get_running_loop()
    started = loop.time()
    failed = await closed_with(h, ChannelNotReady, timeout=3)
    assert failed.code == "SILENT" and "silent for" in str(failed) and "reconnecting" in str(failed)
    assert loop.time() - started < 0.3 + 0.15 + 2.0  # the limit, the probe's timeout (limit / 2), slack
    assert h.channel.status()["disconnectReason"] == "SILENT"
    await h.channel.disconnect()


async def test_watchdog_fails_at_once_when_whatsmeow_is_not_connected(tmp_path: Path) -> None:
    h = await paired(tmp_path, watchdogSeconds=0.2)
    h.client.socket_up = False
    failed = await closed_with(h, ChannelNotReady)
    assert "not connected" in str(failed)
    assert h.client.called("get_blocklist") == []  # no round trip needed to know
    await h.channel.disconnect()


async def test_watchdog_waits_while_events_flow(tmp_path: Path) -> None:
    h = await paired(tmp_path, watchdogSeconds=0.6)
    for n in range(12):
        await asyncio.sleep(0.1)
        await h.client.fire(message_event(f"3A{n:02}", user(ALICE), user(ALICE), Message(conversation="x")))
    assert h.client.called("get_blocklist") == []
    await h.channel.disconnect()


async def test_watchdog_off(tmp_path: Path) -> None:
    h = await paired(tmp_path, watchdogSeconds=0)
    assert h.channel._watchdog is not None and h.channel._watchdog.task is None
    await h.channel.disconnect()


async def test_an_error_answer_is_an_answer() -> None:
    class Client:
        is_connected = True

        async def get_blocklist(self) -> None:
            raise RuntimeError("info query returned status 500: internal-server-error")

    await wa_session.probe(Client(), 1)  # WhatsApp answered: alive

    class Dead(Client):
        async def get_blocklist(self) -> None:
            raise RuntimeError("websocket not connected")

    with pytest.raises(RuntimeError, match="websocket"):
        await wa_session.probe(Dead(), 1)


# -- neonize's client ids, the factory seam ---------------------------------------------------------------------------


async def test_client_ids_never_collide_with_a_client_still_stopping(tmp_path: Path) -> None:
    instance = "00000000-0000-0000-0000-00000000c1d5"

    async def attempt() -> Harness:
        h = Harness(tmp_path)
        h.ctx.instance_id = instance
        await connected(h)
        return h

    first = await attempt()
    assert first.client.uuid == instance
    second = await attempt()  # e.g. the runtime's next attempt while the old client is not gone yet
    assert second.client.uuid == f"{instance}#2"
    await first.channel.disconnect()
    await second.channel.disconnect()
    third = await attempt()
    assert third.client.uuid == instance  # both released
    await third.channel.disconnect()


async def test_stopped_client_finalizer_is_disarmed(tmp_path: Path) -> None:
    class Finalizer:
        detached = False

        def detach(self) -> None:
            self.detached = True

    h = await paired(tmp_path)
    h.client._stop_finalizer = Finalizer()  # type: ignore[attr-defined]
    await h.channel.disconnect()
    assert h.client._stop_finalizer.detached  # type: ignore[attr-defined]


OVERRIDE_MADE: list[FakeClient] = []


def override_factory(name: str, uuid: str, **options: Any) -> FakeClient:
    OVERRIDE_MADE.append(FakeClient(name, uuid, **options))
    return OVERRIDE_MADE[-1]


async def test_factory_override_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`OMNI_WHATSAPP_CLIENT_FACTORY=module:callable` (how the conformance suite puts a fake into omni's process)."""
    monkeypatch.setenv(wa_session.FACTORY_ENV, f"{__name__}:override_factory")
    OVERRIDE_MADE.clear()
    h = Harness(tmp_path, fake=False)
    assert h.channel.client_factory is not override_factory
    task = h.start()
    await h.until(lambda: bool(OVERRIDE_MADE) and OVERRIDE_MADE[0].connect_task is not None)
    await OVERRIDE_MADE[0].fire(ConnectedEv(status=True))
    await asyncio.wait_for(task, 2)
    assert OVERRIDE_MADE[0].name == str(tmp_path / SESSION_FILE)
    await h.channel.disconnect()


def test_reason_names() -> None:
    assert wa_session.reason_name(10) == "SERVICE_UNAVAILABLE" and wa_session.reason_name(99) == "99"
