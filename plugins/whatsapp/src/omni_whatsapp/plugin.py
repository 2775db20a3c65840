"""The WhatsApp channel (`whatsapp-baileys`, the v2 key): whatsmeow running in-process through neonize 0.5.2.

Connect (QR pairing with rotation, pairing by phone code, a stored session resumed), connection states and the
reasons a session ends; every inbound kind (inbound.py, media.py), the history WhatsApp pushes (history.py), every
outbound kind (outbound.py), the account and its groups (account.py). The session lives in `<data dir>/whatsapp-session.db` (neonize's sqlite store) or in omni's postgres
(session.py: the store, the reasons a session ends, the watchdog).

Config (`instances.config`, camelCase): `proxy` (an `http://`, `https://` or `socks5://` URL for whatsmeow),
`dialTimeout` (seconds WhatsApp has to answer the first dial), `pairTimeout` (seconds to scan a QR / type a code),
`sessionStore` (`sqlite` | `postgres`), `watchdogSeconds` (silence before a liveness probe; 0: off).

Every neonize client is made by `client_factory` (one seam): tests put a fake client there (and omni's environment
can, `OMNI_WHATSAPP_CLIENT_FACTORY`, for the conformance suite).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from omni.channels.base import (
    Capabilities,
    Channel,
    ChannelContext,
    ChannelError,
    ChannelNotReady,
    MediaType,
    SendFailed,
)
from omni.channels.types import Outbound, SendResult
from omni.plugins.hookspecs import hookimpl
from omni_whatsapp import inbound, media, outbound
from omni_whatsapp import session as wa_session
from omni_whatsapp.account import Account
from omni_whatsapp.history import HistoryArchive
from omni_whatsapp.inbound import People
from omni_whatsapp.jids import GROUP_SERVER, jid_str, parse_jid, phone_of
from omni_whatsapp.outbound import Sending

OMNI_PLUGIN_API = 1
KEY = "whatsapp-baileys"
SESSION_FILE = "whatsapp-session.db"
FIRST_QR_TTL = 60.0  # whatsmeow: the first code lives 60 s, the following ones 20 s
NEXT_QR_TTL = 20.0
STOP_WAIT = 3.0  # seconds disconnect waits for neonize's stop and its connection task
RECENT = 500  # inbound messages kept to quote in replies
PROFILE_WAIT = 5.0  # seconds connect waits for the account's own JID and push name (a local store read)
# neonize's ConnectFailureReason values that mean the session is gone (pair again), not a passing failure (neonize
# numbers them 1…10; whatsmeow's codes 401, 402, 403, 406). See session.py for what each is reported as.
LOGGED_OUT_REASONS = {2: "LOGGED_OUT", 3: "TEMP_BANNED", 4: "MAIN_DEVICE_GONE", 5: "UNKNOWN_LOGOUT"}
PROXY_SCHEMES = ("http", "https", "socks5")  # what whatsmeow's SetProxyAddress takes (no socks5h)


class WhatsAppConfig(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    proxy: str | None = Field(None, max_length=2000, description="http://, https:// or socks5:// proxy URL")
    dial_timeout: float = Field(20.0, gt=0, le=300, description="seconds WhatsApp has to answer the first dial")
    pair_timeout: float = Field(180.0, gt=0, le=3600, description="seconds to scan the QR code or type the code")
    session_store: Literal["sqlite", "postgres"] = Field(
        "sqlite", description="where whatsmeow keeps the session: a file in the data dir, or omni's postgres"
    )
    watchdog_seconds: float = Field(
        300.0, ge=0, le=86400, description="silence after which WhatsApp is probed (reconnect if it fails); 0: off"
    )
    download_media: bool = Field(True, description="download and decrypt received media into the media folder")
    max_download_bytes: int = Field(100 * 1024 * 1024, ge=0, le=2 * 1024**3, description="bigger media is not fetched")
    reject_calls: bool = Field(False, description="reject incoming calls (the call event is stored either way)")
    reject_call_message: str | None = Field(None, max_length=4096, description="sent to a caller after rejecting")
    history_days: int = Field(30, ge=0, le=3650, description="days of history WhatsApp is asked for when pairing")

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in PROXY_SCHEMES:
            raise ValueError(f"the proxy must be an http://, https:// or socks5:// URL, not {parts.scheme or value!r}")
        try:
            parts.port  # noqa: B018 (raises on a bad port)
        except ValueError as exc:
            raise ValueError(f"bad proxy port: {exc}") from None
        if not parts.hostname:
            raise ValueError("the proxy URL names no host")
        return value


def new_neonize_client(name: str, uuid: str, *, jid: Any = None, new_device: bool = False) -> Any:
    """Production: neonize's async client, its session in `name` (a sqlite file or a postgres DSN), known to neonize's
    Go side by `uuid`. `jid` picks the device in a shared postgres store; `new_device` pairs a new one there."""
    from neonize.aioze.client import ChatSettingsStore, ContactStore, NewAClient

    client = NewAClient(name, jid=jid, uuid=uuid, new_device=new_device)
    if jid is not None and client.uuid != uuid.encode():  # neonize keys a client by its phone number when given a
        from omni_whatsapp.session import disarm_finalizer  # JID: two instances of one number would collide

        disarm_finalizer(client)
        client.uuid = uuid.encode()
        client.contact, client.chat_settings = ContactStore(client.uuid), ChatSettingsStore(client.uuid)
    return client


def device_props(history_days: int) -> Any:
    """Omni as a desktop linked device; WhatsApp pushes `history_days` of past messages when it is paired (0: only
    the recent ones WhatsApp always sends)."""
    from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps

    history = DeviceProps.HistorySyncConfig(fullSyncDaysLimit=history_days, recentSyncDaysLimit=min(history_days, 7),
                                            supportCagReactionsAndPolls=True)  # fmt: skip
    return DeviceProps(os="Omni", platformType=DeviceProps.DESKTOP, requireFullSync=history_days > 0,
                       historySyncConfig=history)  # fmt: skip


# -- JIDs ---------------------------------------------------------------------------------------------------------------


def _timestamp(value: int) -> datetime:
    if value <= 0:
        return datetime.now(UTC)
    return datetime.fromtimestamp(value / 1000 if value > 10**12 else value, UTC)


def parse_message_event(ev: Any, people: People | None = None) -> Any:
    """A neonize `MessageEv` as its first omni event (None when it carries none) — see `inbound.parse`."""
    parsed = inbound.parse(inbound.origin_of_event(ev), ev.Message, people or People(), ev)
    return parsed[0].event if parsed else None


class WhatsApp(Account, Sending, Channel):
    """One WhatsApp account (a linked device), through neonize's async client."""

    key = KEY
    name = "WhatsApp"
    capabilities = Capabilities(
        can_send_text=True,
        can_send_media=True,
        can_send_typing=True,
        can_send_reaction=True,
        can_send_contact=True,
        can_send_location=True,
        can_send_sticker=True,
        can_send_poll=True,
        can_receive_read_receipts=True,
        can_receive_delivery_receipts=True,
        can_edit_message=True,
        can_delete_message=True,
        can_reply_to_message=True,
        can_forward_message=True,
        can_mark_read=True,
        can_handle_dms=True,
        can_handle_groups=True,
        can_handle_voice=True,
        can_pair=True,
        can_fetch_history=True,
        max_message_length=65536,
        max_file_size=outbound.MAX_MEDIA,
        supported_media_types=[
            MediaType(mime_type="image/*", max_size=16 * 1024 * 1024),
            MediaType(mime_type="video/*", max_size=16 * 1024 * 1024),
            MediaType(mime_type="audio/*", max_size=16 * 1024 * 1024),
            MediaType(mime_type="*/*", max_size=outbound.MAX_MEDIA),
        ],
    )
    config_model = WhatsAppConfig

    client_factory: ClassVar[Callable[[str, str], Any]] = staticmethod(new_neonize_client)

    def __init__(self) -> None:
        self.client: Any = None
        self._task: asyncio.Task[Any] | None = None
        self._ready: asyncio.Future[None] | None = None
        self._closed: asyncio.Future[None] | None = None
        self._alive = asyncio.Event()
        self._qr_count = 0
        self._qr_shown = False
        self._lost = False
        self._stopping: asyncio.Future[Any] | None = None
        # session plumbing (session.py): the store, neonize's id of the client, traffic clock, watchdog, last failure
        self._session: wa_session.Session | None = None
        self._client_id: str | None = None
        self._last_event = 0.0  # loop time of the last event from whatsmeow (or answered probe)
        self._last_event_at: datetime | None = None
        self._watchdog: wa_session.Watchdog | None = None
        self._ended: ChannelError | None = None  # how the last connection ended (status: disconnectReason)
        self.profile_name: str | None = None
        self.people = People()  # own JIDs and LID → phone, so one person is one sender
        self.history: HistoryArchive | None = None
        self._lids_loaded = False
        self._lids_saved: dict[str, str] = {}
        self._recent: OrderedDict[str, Any] = OrderedDict()  # inbound MessageEv by id: quoted by replies
        self._sent: OrderedDict[str, Any] = OrderedDict()  # our sent message ids → our JID (reactions to them)
        self._outbox: OrderedDict[str, Any] = OrderedDict()  # our sent message ids → the message (to forward it)
        self.phone: str | None = None

    # -- connection -------------------------------------------------------------------------------------------------

    async def connect(self, ctx: ChannelContext) -> None:
        self.ctx = ctx
        config: WhatsAppConfig = ctx.config  # type: ignore[assignment]
        loop = asyncio.get_running_loop()
        self._ready, self._closed = loop.create_future(), loop.create_future()
        for fut in (self._ready, self._closed):
            fut.add_done_callback(lambda f: f.cancelled() or f.exception())  # never "exception never retrieved"
        self._touch()
        try:
            await self._dial(ctx, config)
        except ChannelError as exc:
            self._ended = exc
            raise
        self._ended = None
        await self._load_profile()
        self._watchdog = wa_session.Watchdog(
            limit=config.watchdog_seconds, last_event=lambda: self._last_event, check=self._probe, touch=self._touch,
            dead=lambda message: self._fail(ChannelNotReady(message, code="SILENT")), log=ctx.log,
        )  # fmt: skip
        self._watchdog.start()

    async def _dial(self, ctx: ChannelContext, config: WhatsAppConfig) -> None:
        """The session store, neonize's client, the first dial (dialTimeout), the pairing (pairTimeout)."""
        self._session = session = await wa_session.open_session(ctx, config.session_store, SESSION_FILE)
        factory = wa_session.factory_override() or self.client_factory
        self._client_id = wa_session.claim_client_id(ctx.instance_id)
        try:
            client = self.client = factory(session.name, self._client_id, **session.options)
        except BaseException:
            wa_session.release_client_id(self._client_id)
            self._client_id = None
            raise
        if hasattr(client, "device_props"):  # how this linked device presents itself, and the history it asks for
            client.device_props = device_props(config.history_days)
        view = wa_session.touching(client, self._touch)  # every event handler marks traffic first
        self._register(view)
        self._register_session(view)
        proxy = None
        if config.proxy:
            from neonize._binder import ProxySettings

            proxy = ProxySettings(proxy_address=config.proxy)
        try:
            self._task = await asyncio.wait_for(client.connect(proxy), config.dial_timeout)
        except TimeoutError:
            await self._abort()
            raise ChannelNotReady(f"neonize did not start within {config.dial_timeout:g}s", code="NO_ANSWER") from None
        except Exception as exc:
            await self._abort()
            raise ChannelNotReady(f"could not start WhatsApp: {exc}", code="UNREACHABLE") from exc
        self._task.add_done_callback(self._task_done)
        # 1. whatsmeow answers (a QR code, or the stored session connects) within dialTimeout
        alive = asyncio.ensure_future(self._alive.wait())
        try:
            await asyncio.wait({alive, self._ready}, timeout=config.dial_timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            alive.cancel()
        if not self._ready.done() and not self._alive.is_set():  # type: ignore[union-attr]
            await self._abort()
            raise ChannelNotReady(
                f"WhatsApp did not answer within {config.dial_timeout:g}s (no network, blocked, or a bad proxy)",
                code="NO_ANSWER",
            )
        # 2. someone scans the QR code / types the pairing code within pairTimeout
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), config.pair_timeout)  # type: ignore[arg-type]
        except TimeoutError:
            await self._abort()
            raise ChannelNotReady(
                f"not paired within {config.pair_timeout:g}s: connect again for a new QR code", code="NOT_PAIRED"
            ) from None
        except ChannelError:
            await self._abort()
            raise

    def _register_session(self, client: Any) -> None:
        """The events that end or trouble a session (the connection events of `_register` aside)."""
        from neonize.aioze.events import (
            ClientOutdatedEv,
            KeepAliveRestoredEv,
            KeepAliveTimeoutEv,
            StreamErrorEv,
            StreamReplacedEv,
            TemporaryBanEv,
        )

        client.event(StreamReplacedEv)(self._on_stream_replaced)
        client.event(TemporaryBanEv)(self._on_temporary_ban)
        client.event(ClientOutdatedEv)(self._on_client_outdated)
        client.event(StreamErrorEv)(self._on_stream_error)
        client.event(KeepAliveTimeoutEv)(self._on_keepalive_timeout)
        client.event(KeepAliveRestoredEv)(self._on_keepalive_restored)

    def _touch(self) -> None:
        """Traffic from WhatsApp: the watchdog's clock and `lastEventAt`. Every handler registered in `_register` calls
        it (through `session.touching`); call it yourself for other proof of life (e.g. an answered request)."""
        with contextlib.suppress(RuntimeError):  # no running loop (a test calling a handler synchronously)
            self._last_event = asyncio.get_running_loop().time()
        self._last_event_at = datetime.now(UTC)

    async def _probe(self, timeout: float) -> None:
        client = self.client
        if client is None:
            raise ConnectionError("the client is gone")
        await wa_session.probe(client, timeout)

    async def _load_profile(self) -> None:
        """The account's own JID and push name, from whatsmeow's store (no network): `status()` and `whoami`."""
        get_me = getattr(self.client, "get_me", None)
        if get_me is None:
            return
        try:
            me = await asyncio.wait_for(get_me(), PROFILE_WAIT)
        except Exception as exc:
            self.ctx.log.debug("no own profile from neonize: %s", exc)
            return
        if me.HasField("JID") and me.JID.User:
            self.phone = phone_of(me.JID) or jid_str(me.JID)
        self.profile_name = me.PushName or self.profile_name

    def _register(self, client: Any) -> None:
        from neonize.aioze.events import (
            CallOfferEv,
            ChatPresenceEv,
            ConnectedEv,
            ConnectFailureEv,
            DisconnectedEv,
            HistorySyncEv,
            LoggedOutEv,
            MessageEv,
            PairStatusEv,
            PresenceEv,
            ReceiptEv,
        )

        client.event.qr(self._on_qr)
        client.event(ConnectedEv)(self._on_connected)
        client.event(PairStatusEv)(self._on_pair_status)
        client.event(LoggedOutEv)(self._on_logged_out)
        client.event(ConnectFailureEv)(self._on_connect_failure)
        client.event(DisconnectedEv)(self._on_disconnected)
        client.event(MessageEv)(self._on_message)
        client.event(ReceiptEv)(self._on_receipt)
        client.event(ChatPresenceEv)(self._on_chat_presence)
        client.event(PresenceEv)(self._on_presence)
        client.event(CallOfferEv)(self._on_call)
        client.event(HistorySyncEv)(self._on_history)

    def _fail(self, exc: ChannelError) -> None:
        """The connection ended: `connect` raises it if it still waits, else `wait_closed` does."""
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(exc)
            self._ended = exc
        elif self._closed is not None and not self._closed.done():
            self._closed.set_exception(exc)
            self._ended = exc

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            self._fail(ChannelNotReady("the WhatsApp connection was stopped", code="STOPPED"))
        elif (exc := task.exception()) is not None:
            self._fail(ChannelNotReady(f"could not reach WhatsApp: {exc}", code="UNREACHABLE"))
        else:
            self._fail(ChannelNotReady("the WhatsApp connection closed", code="CONNECTION_CLOSED"))

    async def _abort(self) -> None:
        """Stop neonize's connection (the Go side keeps dialling otherwise), waiting a little for it to end; then the
        channel has no client (a neonize call on a stopped client can crash the process: its Go side dereferences
        the client it no longer has).

        Never cancel neonize's connect task: its CancelledError handler calls the Go `Stop` synchronously, which blocks
        the event loop until a pending dial gives up (~60 s on a blackholed network). `stop()` itself does not abort
        such a dial either (it returns when the dial does); then the task ends on its own later."""
        if self._watchdog is not None:
            await self._watchdog.stop()
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)  # a deliberate stop: late events change nothing
        client, task = self.client, self._task
        if client is not None and self._stopping is None:
            self._stopping = stopping = asyncio.ensure_future(client.stop())
            stopping.add_done_callback(lambda f: f.cancelled() or f.exception())
            stopping.add_done_callback(lambda _f: wa_session.disarm_finalizer(client))
            await asyncio.wait({stopping}, timeout=STOP_WAIT)
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=STOP_WAIT)
            if not task.done():
                self.ctx.log.warning("neonize's connection did not stop within %gs; it ends on its own", STOP_WAIT)
        if self._client_id is not None:
            wa_session.release_client_id(self._client_id, self._stopping, task)
            self._client_id = None
        self.client = None

    async def disconnect(self) -> None:
        await self._abort()

    async def logout(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.logout()
            with contextlib.suppress(Exception):
                await wa_session.forget_device(self.ctx, self._session)
        await self.disconnect()

    async def wait_closed(self) -> None:
        assert self._closed is not None, "connect first"
        await asyncio.shield(self._closed)

    def status(self) -> dict[str, Any]:
        """`{ownerIdentifier, profileName, lastEventAt, sessionStore}` and, once a connection ended,
        `{disconnectReason (LOGGED_OUT, BANNED, REPLACED, SILENT, UNREACHABLE …), disconnectDetail, banExpiresAt?}`."""
        out: dict[str, Any] = {}
        if self.phone:
            out["ownerIdentifier"] = self.phone
        if self.profile_name:
            out["profileName"] = self.profile_name
        if self._last_event_at is not None:
            out["lastEventAt"] = self._last_event_at.isoformat()
        if self._session is not None:
            out["sessionStore"] = self._session.store
        if self._ended is not None:
            out.update(wa_session.describe(self._ended))
        return out

    async def pair(self, phone: str | None = None) -> dict[str, Any]:
        """A pairing code to type on the phone (WhatsApp → Linked devices → Link with phone number)."""
        digits = re.sub(r"\D", "", phone or "")
        if not digits:
            raise ChannelError("a phone number is needed to pair with a code", code="VALIDATION_ERROR")
        if self.client is None:
            raise ChannelNotReady("the channel is not started")
        try:
            code = await self.client.PairPhone(digits, True)
        except Exception as exc:
            raise ChannelError(f"WhatsApp refused pairing {digits}: {exc}", code="PAIRING_FAILED") from exc
        return {"code": code, "phone": f"+{digits}"}

    # -- neonize events ---------------------------------------------------------------------------------------------

    async def _on_qr(self, _client: Any, data: bytes) -> None:
        code = data.decode() if isinstance(data, bytes) else str(data)
        self._qr_count += 1
        self._qr_shown = True
        self._alive.set()
        await self.ctx.set_qr(code, expires_in=FIRST_QR_TTL if self._qr_count == 1 else NEXT_QR_TTL)

    async def _clear_qr(self) -> None:
        if self._qr_shown:
            self._qr_shown = False
            await self.ctx.set_qr(None)

    async def _on_pair_status(self, _client: Any, ev: Any) -> None:
        self._alive.set()
        if ev.Status == 2:  # SUCCESS
            if ev.ID.User:
                self.phone = phone_of(ev.ID) or jid_str(ev.ID)
                try:
                    await wa_session.remember_device(self.ctx, self._session, ev.ID)
                except Exception:
                    self.ctx.log.exception("could not remember WhatsApp device %s", jid_str(ev.ID))
            await self._clear_qr()
        else:
            self._fail(ChannelNotReady(f"pairing failed: {ev.Error or 'unknown error'}", code="PAIRING_FAILED"))

    async def _on_connected(self, _client: Any, _ev: Any) -> None:
        self._alive.set()
        await self._clear_qr()
        if self._ready is not None and not self._ready.done():
            self._ready.set_result(None)
        elif self._lost:
            self._lost = False
            await self.ctx.set_state("connected", "reconnected")

    async def _on_disconnected(self, _client: Any, _ev: Any) -> None:
        if self._ready is not None and self._ready.done() and not self._closed.done():  # type: ignore[union-attr]
            self._lost = True
            await self.ctx.set_state("reconnecting", "the WhatsApp connection dropped; whatsmeow reconnects")

    async def _on_logged_out(self, _client: Any, ev: Any) -> None:
        """whatsmeow deleted the session (logged out on the phone, 403, or a 406 ban)."""
        with contextlib.suppress(Exception):
            await wa_session.forget_device(self.ctx, self._session)
        self._fail(wa_session.logged_out(ev.Reason if ev.HasField("Reason") else None))

    async def _on_connect_failure(self, _client: Any, ev: Any) -> None:
        connected = self._ready is not None and self._ready.done()
        if connected and ev.Reason in wa_session.RETRIED_BY_WHATSMEOW:  # 500 / 503: whatsmeow reconnects itself
            self._lost = True
            await self.ctx.set_state("reconnecting", f"WhatsApp: {ev.Message or 'server error'}; whatsmeow retries")
            return
        self._fail(wa_session.connect_failure(ev.Reason, ev.Message))

    async def _on_stream_replaced(self, _client: Any, _ev: Any) -> None:
        self._fail(wa_session.replaced())

    async def _on_temporary_ban(self, _client: Any, ev: Any) -> None:
        self._fail(wa_session.banned(ev.Code, ev.Expire))

    async def _on_client_outdated(self, _client: Any, _ev: Any) -> None:
        self._fail(wa_session.outdated())

    async def _on_stream_error(self, _client: Any, ev: Any) -> None:
        self.ctx.log.warning("WhatsApp stream error %s; whatsmeow reconnects", ev.Code or "?")

    async def _on_keepalive_timeout(self, _client: Any, ev: Any) -> None:
        level = logging.WARNING if ev.ErrorCount <= 1 else logging.DEBUG  # one every ~25 s while it lasts
        self.ctx.log.log(
            level, "WhatsApp keepalive failing (%d errors); whatsmeow reconnects after 3 min", ev.ErrorCount
        )

    async def _on_keepalive_restored(self, _client: Any, _ev: Any) -> None:
        self.ctx.log.info("WhatsApp keepalive answered again")

    def _config(self) -> WhatsAppConfig:
        return self.ctx.config  # type: ignore[return-value]

    def _own(self) -> None:
        """The account's own ids (phone and LID), for mentions of it."""
        if self.phone:
            self.people.own.add(self.phone.lstrip("+").split("@")[0])

    async def _emit_parsed(self, parsed: list[inbound.Parsed]) -> None:
        for item in parsed:
            if item.download is not None and self._config().download_media:
                await media.fetch(self, item)
            if item.poll_vote is not None:
                await self._poll_vote(item)
            await self.ctx.emit(item.event)

    async def _poll_vote(self, item: inbound.Parsed) -> None:
        """Which options were picked: the vote is encrypted for the poll's author; whatsmeow decrypts it."""
        try:
            vote = await self.client.decrypt_poll_vote(item.poll_vote)
            picked = [o.hex() if isinstance(o, bytes) else str(o) for o in vote.selectedOptions]
            item.event.raw = {"selectedOptionHashes": picked}
            item.event.text = f"voted ({len(picked)} option{'s' if len(picked) != 1 else ''})"
        except Exception as exc:  # not our poll, or keys missing: the vote is still recorded
            self.ctx.log.debug("could not decrypt a poll vote: %s", exc)

    async def _on_message(self, _client: Any, ev: Any) -> None:
        self._own()
        if not self._lids_loaded:
            self._lids_loaded = True
            with contextlib.suppress(Exception):
                self._lids_saved = dict(await self.ctx.store.get("lids", {}))
                self.people.lid_phone.update({**self._lids_saved, **self.people.lid_phone})
        try:
            parsed = inbound.parse(inbound.origin_of_event(ev), ev.Message, self.people, ev)
        except Exception:
            self.ctx.log.exception("could not read WhatsApp message %s", ev.Info.ID)
            return
        if not parsed:
            return
        self._recent[ev.Info.ID] = ev
        while len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        await self._remember_lids()
        await self._emit_parsed(parsed)

    async def _remember_lids(self) -> None:
        """LID → phone mappings learnt from messages, kept in the plugin store (they outlive a restart)."""
        if self.people.lid_phone != self._lids_saved:  # the store is written only when a mapping is new
            await self.ctx.store.set("lids", self.people.lid_phone)
            self._lids_saved = dict(self.people.lid_phone)

    async def _emit_one(self, parse: Callable[[Any, People], Any], ev: Any) -> None:
        with contextlib.suppress(ValueError):  # a malformed event from whatsmeow is skipped, never fatal
            event = parse(ev, self.people)
            if event is not None:
                await self.ctx.emit(event)

    async def _on_receipt(self, _client: Any, ev: Any) -> None:
        await self._emit_one(inbound.parse_receipt, ev)

    async def _on_chat_presence(self, _client: Any, ev: Any) -> None:
        await self._emit_one(inbound.parse_chat_presence, ev)

    async def _on_presence(self, _client: Any, ev: Any) -> None:
        await self._emit_one(inbound.parse_presence, ev)

    async def _on_call(self, _client: Any, ev: Any) -> None:
        event = inbound.parse_call(ev, self.people)
        if event is None:
            return
        await self.ctx.emit(event)
        config = self._config()
        if config.reject_calls:
            caller = ev.basicCallMeta.__getattribute__("from")
            try:
                await self.client.reject_call(caller, ev.basicCallMeta.callID)
                if config.reject_call_message:
                    await self.client.send_message(caller, config.reject_call_message)
            except Exception as exc:
                self.ctx.log.warning("could not reject call %s: %s", ev.basicCallMeta.callID, exc)

    async def _on_history(self, _client: Any, ev: Any) -> None:
        """WhatsApp's history for a newly linked device (and later pushes): stored in omni at once (marked
        history: never unread, never to an agent) and archived for sync jobs."""
        data = ev.Data
        for mapping in getattr(data, "phoneNumberToLidMappings", []):
            if mapping.lidJID and mapping.pnJID:
                self.people.lid_phone[mapping.lidJID.split(":")[0]] = "+" + mapping.pnJID.split("@")[0].split(":")[0]
        own = parse_jid(self.phone) if self.phone else None
        events: list[inbound.Parsed] = []
        for conversation in data.conversations:
            for item in conversation.messages:
                wmi = item.message
                origin = inbound.origin_of_history(wmi, own)
                if origin is None or not wmi.HasField("message"):
                    continue
                try:
                    events += inbound.parse(origin, wmi.message, self.people)
                except Exception as exc:
                    self.ctx.log.debug("history message %s not read: %s", origin.id, exc)
        await self._remember_lids()
        archive = self._archive()
        added = await archive.add([p.event for p in events])
        for item in events:
            item.download = None  # history media is fetched on demand, not in bulk
            await self.ctx.emit(item.event)
        self.ctx.log.info("history sync (type %s, %s%%): %d messages, %d new", data.syncType, data.progress,
                          len(events), added)  # fmt: skip

    def _archive(self) -> HistoryArchive:
        if self.history is None:
            self.history = HistoryArchive(self.ctx.data_dir)
        return self.history

    async def fetch_history(self, chat_id: str, *, before: str | None = None, limit: int = 100) -> list[Any]:
        """What WhatsApp's history sync gave for this chat (see history.py: WhatsApp offers no older pages on
        request through neonize), newest first."""
        return await self._archive().page(chat_id, before, limit)

    # -- sending ----------------------------------------------------------------------------------------------------

    def _client(self) -> Any:
        if self.client is None:
            raise ChannelNotReady("the channel is not connected")
        return self.client

    def _quoted(self, external_id: str, chat: Any) -> Any:
        """The message a reply quotes: the one received, or a stub with its id (enough for WhatsApp to link it)."""
        if external_id in self._recent:
            return self._recent[external_id]
        from neonize.proto.Neonize_pb2 import Message as MessageEv
        from neonize.proto.Neonize_pb2 import MessageInfo, MessageSource
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

        source = MessageSource(Chat=chat, Sender=chat, IsGroup=chat.Server == GROUP_SERVER)
        return MessageEv(Info=MessageInfo(ID=external_id, MessageSource=source), Message=Message(conversation=""))

    def _author(self, external_id: str, chat: Any) -> Any:
        """Who wrote a message (a reaction or a read receipt names it): known when it passed through here; else, in
        a DM, the other person."""
        if external_id in self._recent:
            source = self._recent[external_id].Info.MessageSource
            return source.Sender if source.Sender.User else source.Chat
        if external_id in self._sent:
            return self._sent[external_id]
        if chat.Server == GROUP_SERVER:
            raise SendFailed(
                f"message {external_id} is unknown here: its author in the group cannot be named", code="NOT_FOUND"
            )
        return chat

    async def send(self, message: Outbound) -> SendResult:
        if message.kind == "reaction":
            return await self._send_reaction(message)
        if message.kind != "text":
            return await self.send_other(message)
        if not message.text:
            raise SendFailed("a text message needs text", code="VALIDATION_ERROR")
        client = self._client()
        to = parse_jid(message.to)
        parts = outbound.chunks(message.text, self.capabilities.max_message_length)
        results = []
        for i, part in enumerate(parts):  # the reply and the mentions go with the first part
            results.append(
                await self._deliver(client, to, await self._text(client, to, part, message if i == 0 else None))
            )
        first = results[0]
        if len(results) > 1:
            first.extra["externalIds"] = [r.external_id for r in results]
        return first

    async def _text(self, client: Any, to: Any, text: str, message: Outbound | None) -> Any:
        """A text payload: plain, a reply quoting a message, and/or with mentions (contextInfo.mentionedJID)."""
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, ExtendedTextMessage, Message

        if message is None or (not message.reply_to and not message.mentions):
            return text
        payload = Message(extendedTextMessage=ExtendedTextMessage(text=text))
        if message.reply_to:
            payload = await self._call(client.build_reply_message(text, self._quoted(message.reply_to, to)))
            if isinstance(payload, str):
                payload = Message(extendedTextMessage=ExtendedTextMessage(text=payload))
        if message.mentions:
            mentioned = []
            for mention in message.mentions:
                ref = str(mention.get("id") or mention.get("phone") or "")
                if ref:
                    mentioned.append(jid_str(parse_jid(ref)))
            if payload.HasField("extendedTextMessage"):
                context = payload.extendedTextMessage.contextInfo if payload.extendedTextMessage.HasField(
                    "contextInfo") else ContextInfo()  # fmt: skip
                context.mentionedJID.extend(mentioned)
                payload.extendedTextMessage.contextInfo.CopyFrom(context)
        return payload

    async def _send_reaction(self, message: Outbound) -> SendResult:
        if not message.target:
            raise SendFailed("a reaction needs the message it reacts to (target)", code="VALIDATION_ERROR")
        client = self._client()
        chat = parse_jid(message.to)
        author = self._author(message.target, chat)
        payload = await self._call(client.build_reaction(chat, author, message.target, message.emoji or ""))
        return await self._deliver(client, chat, payload)

    async def _deliver(self, client: Any, to: Any, payload: Any) -> SendResult:
        response = await self._call(client.send_message(to, payload))
        if response.ID:  # what we sent, to forward it later
            self._outbox[response.ID] = payload
            while len(self._outbox) > RECENT:
                self._outbox.popitem(last=False)
        if response.ID and response.Sender.User:
            self._sent[response.ID] = response.Sender
            while len(self._sent) > RECENT:
                self._sent.popitem(last=False)
        return SendResult(external_id=response.ID or None, timestamp=_timestamp(response.Timestamp))

    @staticmethod
    async def _call(call: Any) -> Any:
        """A neonize call; its errors (SendMessageError …) as a retryable `SendFailed`."""
        try:
            return await call
        except ChannelError:
            raise
        except Exception as exc:
            raise SendFailed(f"WhatsApp did not take it: {exc}", retryable=True) from exc

    async def mark_read(self, chat_id: str, external_ids: list[str]) -> None:
        from neonize.utils.enum import ReceiptType

        client = self._client()
        chat = parse_jid(chat_id)
        by_author: dict[str, tuple[Any, list[str]]] = {}
        for external_id in external_ids:
            author = self._author(external_id, chat)
            by_author.setdefault(jid_str(author), (author, []))[1].append(external_id)
        for author, ids in by_author.values():
            await self._call(client.mark_read(*ids, chat=chat, sender=author, receipt=ReceiptType.READ))

    async def send_typing(self, chat_id: str, state: str = "typing") -> None:
        from neonize.utils.enum import ChatPresence, ChatPresenceMedia

        presence = ChatPresence.CHAT_PRESENCE_PAUSED if state == "paused" else ChatPresence.CHAT_PRESENCE_COMPOSING
        media = (
            ChatPresenceMedia.CHAT_PRESENCE_MEDIA_AUDIO
            if state == "recording"
            else ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT
        )
        await self._call(self._client().send_chat_presence(parse_jid(chat_id), presence, media))


@hookimpl
def register_channels(register: Any) -> None:
    register(WhatsApp)
