"""The WhatsApp connection's plumbing: where whatsmeow keeps the session, the names of the ways a session ends, the
liveness watchdog, the ids neonize's Go side knows clients by, and the test seam that swaps neonize's client.

**Session store** (`sessionStore`):

- `sqlite` (default): `<instance data dir>/whatsapp-session.db`, one file per instance (whatsmeow takes the first,
  only, device in it). The data dir survives restarts, so a paired instance reconnects without a QR.
- `postgres`: omni's own database, schema `omni_whatsapp` (made when missing), one set of `whatsmeow_*` tables for
  every instance. A separate database per instance is not possible with omni's embedded PostgreSQL (its role may not
  `CREATE DATABASE`), and a schema per instance breaks whatsmeow: its migrations ask `information_schema` whether a
  table exists without naming the schema, so a second schema finds the first one's tables and never makes its own.
  In one shared store whatsmeow's "first device" would be any instance's, so each instance keeps the JID of its
  device (`ctx.store`, key `device`) once paired and hands it to neonize; a new pairing asks for a new device. The
  JID is only handed over when the device row still exists: neonize's Go side dereferences a missing device and
  crashes the whole process.

The database comes from `ctx.extra["databaseUrl"]` when omni passes it, else from the connection omni's ORM uses in
this process. `sslmode=disable` is added for a server on the loopback (omni's embedded PostgreSQL has no TLS; lib/pq
would insist on it), `sslmode=require` otherwise, unless the URL names one.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from omni.channels.base import ChannelAuthFailed, ChannelContext, ChannelError, ChannelNotReady

PG_SCHEMA = "omni_whatsapp"
DEVICE_KEY = "device"  # ctx.store: the JID of this instance's device in the shared postgres store
FACTORY_ENV = "OMNI_WHATSAPP_CLIENT_FACTORY"  # "module:callable": a stand-in for neonize's client (tests only)
PROBE_TIMEOUT = 20.0  # seconds the watchdog's liveness probe may take (less for short watchdogs)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# -- where the session lives ----------------------------------------------------------------------------------------


@dataclass
class Session:
    """What neonize's client is made with: `name` (a sqlite path or a postgres DSN) and, for postgres, which
    device (`jid`) or a new one (`new_device`)."""

    store: str
    name: str
    jid: Any = None
    new_device: bool = False

    @property
    def options(self) -> dict[str, Any]:
        if self.store != "postgres":
            return {}
        return {"jid": self.jid} if self.jid is not None else {"new_device": True}


async def open_session(ctx: ChannelContext, store: str, sqlite_file: str) -> Session:
    if store != "postgres":
        return Session("sqlite", str(ctx.data_dir / sqlite_file))
    url = database_url(ctx)
    if url is None:
        raise ChannelError(
            "sessionStore is postgres, but omni did not tell the plugin where its database is (ctx.extra"
            "['databaseUrl']); use sessionStore sqlite", code="SESSION_STORE_UNAVAILABLE",
        )  # fmt: skip
    name = neonize_dsn(url)  # a malformed URL is a configuration error, not a passing one
    saved = await ctx.store.get(DEVICE_KEY)
    try:
        exists = await _prepare_postgres(url, jid_string(saved) if saved else None)
    except Exception as exc:  # asyncpg's errors, OSError, a timeout: the database is not there right now
        raise ChannelNotReady(f"the WhatsApp session store in postgres: {type(exc).__name__}: {exc}") from exc
    jid = None
    if saved and exists:
        jid = jid_from(saved)
    elif saved:
        ctx.log.warning("WhatsApp device %s is no longer in the session store: pair again", jid_string(saved))
        await ctx.store.delete(DEVICE_KEY)
    return Session("postgres", name, jid=jid, new_device=jid is None)


async def remember_device(ctx: ChannelContext, session: Session | None, jid: Any) -> None:
    """After pairing: the device this instance owns in the shared postgres store."""
    if session is not None and session.store == "postgres" and jid.User:
        await ctx.store.set(DEVICE_KEY, {"User": jid.User, "Server": jid.Server, "Device": jid.Device,
                                         "RawAgent": jid.RawAgent, "Integrator": jid.Integrator})  # fmt: skip


async def forget_device(ctx: ChannelContext, session: Session | None) -> None:
    """Logged out: whatsmeow deleted the device; the next connect pairs a new one."""
    if session is not None and session.store == "postgres":
        await ctx.store.delete(DEVICE_KEY)


def database_url(ctx: ChannelContext) -> str | None:
    for key in ("databaseUrl", "database_url"):
        if ctx.extra.get(key):
            return str(ctx.extra[key])
    try:  # the connection omni's ORM uses in this process (the API worker the runtime runs in)
        from tortoise import Tortoise

        conn: Any = Tortoise.get_connection("default")
        user, password, host, port, database = conn.user, conn.password, conn.host, conn.port, conn.database
    except Exception:
        return None
    return f"postgres://{quote(str(user), safe='')}:{quote(str(password or ''), safe='')}@{host}:{port}/{database}"


def neonize_dsn(url: str) -> str:
    """The DSN for whatsmeow (lib/pq): the `omni_whatsapp` schema first on the search path, and an sslmode."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
        raise ChannelError("the database URL must look like postgres://user:password@host:port/database",
                           code="SESSION_STORE_UNAVAILABLE")  # fmt: skip
    query = dict(parse_qsl(parts.query))
    query["search_path"] = PG_SCHEMA
    query.setdefault("sslmode", "disable" if parts.hostname in LOOPBACK else "require")
    return urlunsplit(parts._replace(scheme="postgres", query=urlencode(query)))


async def _prepare_postgres(url: str, device: str | None) -> bool:
    """Make the schema; whether `device` (whatsmeow's JID string) is still in the store."""
    import asyncpg

    parts = urlsplit(url)
    plain = urlunsplit(parts._replace(query=""))  # whatsmeow's options are not asyncpg's
    conn = await asyncpg.connect(plain, timeout=10)
    try:
        await conn.execute(f"create schema if not exists {PG_SCHEMA}")
        if device is None:
            return False
        table = await conn.fetchval("select to_regclass($1)", f"{PG_SCHEMA}.whatsmeow_device")
        if table is None:
            return False
        found = await conn.fetchval(
            "select exists(select 1 from omni_whatsapp.whatsmeow_device where jid = $1)", device
        )
        return bool(found)
    finally:
        await conn.close()


def jid_from(saved: dict[str, Any]) -> Any:
    from neonize.proto.Neonize_pb2 import JID

    return JID(User=saved["User"], Server=saved["Server"], Device=int(saved.get("Device") or 0),
               RawAgent=int(saved.get("RawAgent") or 0), Integrator=int(saved.get("Integrator") or 0),
               IsEmpty=False)  # fmt: skip


def jid_string(saved: dict[str, Any]) -> str:
    """whatsmeow's `JID.String()` (the key of `whatsmeow_device`): `user[.agent][:device]@server`."""
    user, server = saved["User"], saved["Server"]
    agent, device = int(saved.get("RawAgent") or 0), int(saved.get("Device") or 0)
    if agent:
        return f"{user}.{agent}:{device}@{server}"
    if device:
        return f"{user}:{device}@{server}"
    return f"{user}@{server}"


# -- the ids neonize's Go side knows clients by -------------------------------------------------------------------

_busy: set[str] = set()


def claim_client_id(instance_id: str) -> str:
    """The instance id, or `<id>#2`, `#3` … while an earlier client of the same instance is not gone yet in this
    process. neonize's Go side keeps one client per id: a late `Stop` of the old one (a blackholed dial makes it
    return a minute later), or its garbage-collection finalizer, would stop the new one."""
    client_id, n = instance_id, 1
    while client_id in _busy:
        n += 1
        client_id = f"{instance_id}#{n}"
    _busy.add(client_id)
    return client_id


def release_client_id(client_id: str, *pending: asyncio.Future[Any] | None) -> None:
    """Free the id once everything of its client (`stop()`, the connection task) has ended."""
    waiting = [f for f in pending if f is not None and not f.done()]
    if not waiting:
        _busy.discard(client_id)
        return
    waiting[0].add_done_callback(lambda _f: release_client_id(client_id, *waiting[1:]))


def disarm_finalizer(client: Any) -> None:
    """neonize stops a client's Go side (by id) when the Python object is collected. Once stopped, that would hit
    whichever client has the id by then."""
    finalizer = getattr(client, "_stop_finalizer", None)
    if finalizer is not None:
        with contextlib.suppress(Exception):
            finalizer.detach()


# -- every event counts as traffic ------------------------------------------------------------------------------------


class _TouchingEvent:
    """`client.event` whose registrations wrap every handler: `touch()` first, then the handler."""

    def __init__(self, event: Any, touch: Callable[[], None]) -> None:
        self._event, self._touch = event, touch

    def _wrap(self, handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        touch = self._touch

        async def touched(*args: Any) -> Any:
            touch()
            return await handler(*args)

        touched.__name__ = getattr(handler, "__name__", "handler")
        touched.__wrapped__ = handler  # type: ignore[attr-defined]
        return touched

    def __call__(self, event_type: Any) -> Callable[[Callable[..., Awaitable[Any]]], Any]:
        register = self._event(event_type)
        return lambda handler: register(self._wrap(handler))

    def qr(self, handler: Callable[..., Awaitable[Any]]) -> Any:
        return self._event.qr(self._wrap(handler))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._event, name)


class _Touching:
    def __init__(self, client: Any, touch: Callable[[], None]) -> None:
        self._client = client
        self.event = _TouchingEvent(client.event, touch)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def touching(client: Any, touch: Callable[[], None]) -> Any:
    """The client as `_register` sees it: every handler registered through it marks traffic (the watchdog's clock,
    `lastEventAt`) before it runs — message, receipt, presence … handlers included."""
    return _Touching(client, touch)


# -- how a session ends -------------------------------------------------------------------------------------------------

# neonize's ConnectFailureReason (its own numbering; whatsmeow's code in brackets)
GENERIC, LOGGED_OUT, TEMP_BANNED, MAIN_DEVICE_GONE, UNKNOWN_LOGOUT = 1, 2, 3, 4, 5  # 400 401 402 403 406
CLIENT_OUTDATED, BAD_USER_AGENT, INTERNAL_SERVER_ERROR = 6, 7, 8  # 405 409 500
EXPERIMENTAL, SERVICE_UNAVAILABLE = 9, 10  # 501 503
REASON_NAMES = {1: "GENERIC", 2: "LOGGED_OUT", 3: "TEMP_BANNED", 4: "MAIN_DEVICE_GONE", 5: "UNKNOWN_LOGOUT",
                6: "CLIENT_OUTDATED", 7: "BAD_USER_AGENT", 8: "INTERNAL_SERVER_ERROR", 9: "EXPERIMENTAL",
                10: "SERVICE_UNAVAILABLE"}  # fmt: skip
WHATSMEOW_CODES = {1: 400, 2: 401, 3: 402, 4: 403, 5: 406, 6: 405, 7: 409, 8: 500, 9: 501, 10: 503}
# neonize's TemporaryBan.TempBanReason (whatsmeow 101 … 106)
TEMP_BAN_REASONS = {
    1: "you sent too many messages to people who don't have you in their address books",
    2: "too many people blocked you",
    3: "you created too many groups with people who don't have you in their address books",
    4: "you sent the same message to too many people",
    5: "you sent too many messages to a broadcast list",
}
RETRIED_BY_WHATSMEOW = {INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE}  # whatsmeow reconnects by itself after these


def reason_name(value: int) -> str:
    return REASON_NAMES.get(value, str(value))


def logged_out(reason: int | None) -> ChannelAuthFailed:
    """whatsmeow's LoggedOut (it deleted the session): a ban (406, called BANNED by WhatsApp Web) or a logout."""
    if reason == UNKNOWN_LOGOUT:
        return ChannelAuthFailed(
            "BANNED: WhatsApp ended this session (406, 'banned' in WhatsApp Web's terms): check the account on the "
            "phone, then pair again", code="BANNED",
        )  # fmt: skip
    if reason == MAIN_DEVICE_GONE:
        return ChannelAuthFailed(
            "LOGGED_OUT: the phone's WhatsApp is gone (403: logged out, reinstalled, moved to another phone, or the "
            "account locked): pair again", code="LOGGED_OUT",
        )  # fmt: skip
    if reason == TEMP_BANNED:
        return banned(None, None)
    return ChannelAuthFailed("LOGGED_OUT: the phone logged this device out (Linked devices → Log out): pair again",
                             code="LOGGED_OUT")  # fmt: skip


def banned(code: int | None, expire_seconds: int | None) -> ChannelAuthFailed:
    """whatsmeow's TemporaryBan (402): the session stays; it works again once the ban ends."""
    why = TEMP_BAN_REASONS.get(code or 0, "")
    until = None
    if expire_seconds and expire_seconds > 0:
        until = datetime.now(UTC) + timedelta(seconds=expire_seconds)
    text = "BANNED: WhatsApp banned this account temporarily"
    text += f" ({why})" if why else ""
    text += f" until {until:%Y-%m-%d %H:%M} UTC" if until else ""
    text += "; connect again after that (no new pairing needed)"
    exc = ChannelAuthFailed(text, code="BANNED")
    exc.expires_at = until  # type: ignore[attr-defined]
    return exc


def replaced() -> ChannelAuthFailed:
    return ChannelAuthFailed(
        "REPLACED: another client connected with this session's keys (the same session running elsewhere, e.g. a "
        "copied session store or a second omni); connect again once only one runs", code="REPLACED",
    )  # fmt: skip


def connect_failure(reason: int, message: str) -> ChannelError:
    """A ConnectFailure whatsmeow did not turn into LoggedOut / TemporaryBan / ClientOutdated."""
    if reason in (LOGGED_OUT, MAIN_DEVICE_GONE, UNKNOWN_LOGOUT, TEMP_BANNED):
        return logged_out(reason)
    detail = f"{message or 'connect failure'} ({reason_name(reason)}, {WHATSMEOW_CODES.get(reason, '?')})"
    if reason == CLIENT_OUTDATED:
        return outdated()
    return ChannelNotReady(f"WhatsApp refused the connection: {detail}", code=reason_name(reason))


def outdated() -> ChannelNotReady:
    return ChannelNotReady("CLIENT_OUTDATED: WhatsApp says this client version is too old: upgrade neonize",
                           code="CLIENT_OUTDATED")  # fmt: skip


def describe(exc: ChannelError) -> dict[str, Any]:
    """`status()`'s facts about the way the last connection ended."""
    out: dict[str, Any] = {"disconnectReason": exc.code, "disconnectDetail": str(exc)}
    expires = getattr(exc, "expires_at", None)
    if expires is not None:
        out["banExpiresAt"] = expires.isoformat()
    return out


# -- the watchdog -----------------------------------------------------------------------------------------------------

ANSWERED = ("info query returned status", "server returned error")  # an error *from* WhatsApp: the socket works


async def probe(client: Any, timeout: float) -> None:
    """A cheap round trip to WhatsApp (the block list: one IQ, no side effects, nothing anyone sees). Raises when
    whatsmeow says it is not connected or nothing comes back within `timeout`."""
    connected = getattr(client, "is_connected", None)  # aioze: a property whose value is a coroutine
    if callable(connected):
        connected = connected()
    if inspect.isawaitable(connected):
        connected = await asyncio.wait_for(connected, timeout)
    if connected is False:
        raise ConnectionError("whatsmeow is not connected")
    try:
        await asyncio.wait_for(client.get_blocklist(), timeout)
    except TimeoutError:
        raise TimeoutError(f"no answer within {timeout:g}s") from None
    except Exception as exc:
        if not any(text in str(exc) for text in ANSWERED):
            raise


@dataclass
class Watchdog:
    """While connected: once nothing came from WhatsApp for `limit` seconds, probe; a failed or hanging probe calls
    `dead(message)` (the channel fails the connection: the runtime reconnects). A probe that answers counts as
    traffic."""

    limit: float
    last_event: Callable[[], float]  # loop time of the last event
    check: Callable[[float], Awaitable[None]]  # the probe, given its timeout
    touch: Callable[[], None]
    dead: Callable[[str], None]
    log: logging.Logger
    task: asyncio.Task[None] | None = field(default=None, init=False)

    @property
    def probe_timeout(self) -> float:
        return min(PROBE_TIMEOUT, max(self.limit / 2, 0.05))

    def start(self) -> None:
        if self.limit > 0 and self.task is None:
            self.task = asyncio.ensure_future(self._run())
            self.task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def stop(self) -> None:
        task, self.task = self.task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            idle = loop.time() - self.last_event()
            if idle < self.limit:
                await asyncio.sleep(self.limit - idle)
                continue
            try:
                await self.check(self.probe_timeout)
            except Exception as exc:
                self.log.warning("WhatsApp silent for %.0fs and the probe failed: %s", idle, exc)
                self.dead(f"SILENT: WhatsApp was silent for {idle:.0f}s and did not answer a probe ({exc}); "
                          "reconnecting")  # fmt: skip
                return
            self.touch()


# -- the test seam --------------------------------------------------------------------------------------------------


def factory_override() -> Callable[..., Any] | None:
    """`OMNI_WHATSAPP_CLIENT_FACTORY=module:callable` in omni's environment: every neonize client of this process is
    made by that callable instead (a fake WhatsApp for the conformance suite, which runs omni as a subprocess)."""
    spec = os.environ.get(FACTORY_ENV)
    if not spec:
        return None
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr or "factory")
