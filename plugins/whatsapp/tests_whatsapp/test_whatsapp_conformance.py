"""The channel conformance suite (omni.testing) for the WhatsApp plugin: a real omni (subprocess) with the plugin
loaded, whose neonize clients are the fake (`remote_fake.RemoteClient`, put there through the plugin's
`OMNI_WHATSAPP_CLIENT_FACTORY` seam). Each fake client connects to this driver over TCP — standing for whatsmeow's
websocket — reports the neonize calls the plugin makes and receives the neonize events the driver sends.

Also here, because they need omni's PostgreSQL: the session store in postgres, with the real neonize client (in this
process) and with the plugin running inside omni (the database found from inside the API process)."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from neonize.aioze.events import ConnectedEv, TemporaryBanEv
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message, ReactionMessage
from omni_whatsapp import session as wa_session
from omni_whatsapp.plugin import KEY, SESSION_FILE, jid_str, parse_jid

from omni.channels.base import ChannelNotReady
from omni.testing import ChannelConformance, ConformanceDriver, OmniServer, helpers, omni_server  # noqa: F401
from omni.testing.conformance import Harness as SuiteHarness
from omni.testing.server import free_port

from .fake_neonize import message_event
from .harness import Harness
from .remote_fake import ADDRESS_ENV, decode, line

PORT = free_port()
CHAT = "4915112345678@s.whatsapp.net"
PLUGIN_ROOT = Path(__file__).resolve().parents[1]  # plugins/whatsapp: `tests_whatsapp` importable in omni

# neonize calls that put something on WhatsApp, as omni outbound kinds (send_message: by what the message holds)
CALL_KINDS = {"send_chat_presence": "presence", "mark_read": "read", "edit_message": "edit",
              "revoke_message": "delete", "send_image": "media", "send_video": "media", "send_audio": "media",
              "send_document": "media", "send_sticker": "sticker", "send_contact": "contact"}  # fmt: skip
MESSAGE_KINDS = (("reactionMessage", "reaction"), ("imageMessage", "media"), ("videoMessage", "media"),
                 ("audioMessage", "media"), ("documentMessage", "media"), ("documentWithCaptionMessage", "media"),
                 ("stickerMessage", "sticker"), ("contactMessage", "contact"), ("contactsArrayMessage", "contact"),
                 ("locationMessage", "location"), ("pollCreationMessage", "poll"), ("pollCreationMessageV3", "poll"),
                 ("extendedTextMessage", "text"), ("conversation", "text"))  # fmt: skip


@pytest.fixture(scope="module")
def omni_load_plugins() -> str:
    return "whatsapp"


@pytest.fixture(scope="module")
def omni_server_env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(PLUGIN_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {wa_session.FACTORY_ENV: "tests_whatsapp.remote_fake:factory", ADDRESS_ENV: f"127.0.0.1:{PORT}",
            "PYTHONPATH": path}  # fmt: skip


def message_kind(message: Any) -> str:
    if isinstance(message, str):
        return "text"
    if message.HasField("protocolMessage"):
        return {0: "delete", 14: "edit"}.get(message.protocolMessage.type, "protocol")
    if message.HasField("extendedTextMessage") and message.extendedTextMessage.contextInfo.isForwarded:
        return "forward"
    return next((kind for name, kind in MESSAGE_KINDS if message.HasField(name)), "unknown")


@dataclass
class Link:
    """One fake client's connection: who it is, what it did."""

    writer: asyncio.StreamWriter
    uuid: str = ""
    name: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    calls: list[tuple[str, list[Any]]] = field(default_factory=list)
    closed: bool = False

    @property
    def instance(self) -> str:
        return self.uuid.split("#", 1)[0]

    def send(self, event: Any) -> None:
        import base64

        payload = {
            "event": event.DESCRIPTOR.full_name,
            "b64": base64.b64encode(event.SerializePartialToString()).decode(),
        }
        self.writer.write(line(payload))


class WhatsAppDriver(ConformanceDriver):
    channel = KEY
    inbound_kinds = ("text", "reaction")
    chat_id = CHAT
    # media the plugin fetches: uploaded with the request (no URL on the internet to fetch from here)
    send_overrides = {"media": {"url": None, "base64": "iVBORw0KGgpjb25mb3JtYW5jZQ=="},
                      "sticker": {"url": None, "base64": "UklGRgAAAABXRUJQY29uZm9ybWFuY2U="}}  # fmt: skip

    def __init__(self) -> None:
        self.links: list[Link] = []
        self.server: asyncio.Server | None = None
        self.count = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", PORT)

    async def stop(self) -> None:
        for link in self.links:
            link.writer.close()
        if self.server is not None:
            self.server.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = Link(writer)
        self.links.append(link)
        try:
            while data := await reader.readline():
                payload = json.loads(data)
                if "hello" in payload:
                    link.uuid, link.name, link.options = payload["hello"], payload["name"], decode(payload["options"])
                    link.send(ConnectedEv(status=True))  # a stored session: whatsmeow connects without a QR
                elif "call" in payload:
                    link.calls.append((payload["call"], decode(payload["args"])))
        finally:
            link.closed = True

    def of(self, instance_id: str | None) -> list[Link]:
        return [link for link in self.links if link.instance == instance_id]

    async def current(self, instance_id: str | None = None) -> Link:
        async def up() -> Link | None:
            links = [link for link in self.of(instance_id or self.instance_id) if not link.closed and link.uuid]
            return links[-1] if links else None

        return await helpers.wait_until(up, 20, what="the plugin's fake client connected")

    async def sent(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for link in self.of(self.instance_id):
            for name, args in list(link.calls):
                if name == "send_message":
                    found.append({"kind": message_kind(args[1]), "to": jid_str(args[0])})
                elif name == "mark_read":
                    found.append({"kind": "read", "to": jid_str(args[1])})
                elif name in CALL_KINDS:
                    found.append({"kind": CALL_KINDS[name], "to": jid_str(args[0])})
        return found

    async def inbound(self, kind: str, **kw: Any) -> str:
        chat = parse_jid(kw.get("chat_id") or self.chat_id)
        self.count += 1
        external = kw.get("external_id") or f"3A{uuid.uuid4().hex[:16].upper()}"
        if kind == "text":
            message = Message(conversation=kw.get("text") or "hello")
        elif kind == "reaction":
            key = MessageKey(remoteJID=jid_str(chat), fromMe=False, ID=kw["target"])
            message = Message(reactionMessage=ReactionMessage(key=key, text=kw.get("emoji") or "👍",
                                                              senderTimestampMS=1_700_000_000_000 + self.count))  # fmt: skip
        else:
            raise NotImplementedError(kind)
        sender = chat  # a DM: the other person wrote it
        event = message_event(external, chat, sender, message, pushname=kw.get("sender_name") or "")
        (await self.current()).send(event)
        return external

    async def drop_connection(self) -> None:
        """WhatsApp's websocket closes under the plugin: neonize's connection task ends."""
        (await self.current()).writer.close()


class TestWhatsAppConformance(ChannelConformance):
    @pytest.fixture(scope="class")
    @classmethod
    def driver(cls, omni_server: OmniServer) -> WhatsAppDriver:  # noqa: F811
        return WhatsAppDriver()

    def test_postgres_session_store_inside_omni(self, conformance: SuiteHarness) -> None:
        conformance.run(self.check_postgres_store(conformance))

    async def check_postgres_store(self, h: SuiteHarness) -> None:
        """`sessionStore: postgres` in a real omni: the plugin finds omni's database from inside the API process,
        makes the `omni_whatsapp` schema, and asks neonize for a new device there (nothing paired yet)."""
        instance = await helpers.create_instance(h.api, KEY, config={"sessionStore": "postgres"})
        try:
            await helpers.connect_and_wait(h.api, instance, 30)
            link = await h.driver.current(instance)
            assert link.name.startswith("postgres://") and "search_path=omni_whatsapp" in link.name, link.name
            assert "sslmode=disable" in link.name  # the embedded PostgreSQL has no TLS
            assert link.options == {"new_device": True}
            state = await helpers.status(h.api, instance)
            assert state["details"]["sessionStore"] == "postgres", state
            conn = await asyncpg.connect(omni_dsn(h.server))
            try:
                assert await conn.fetchval("select exists(select 1 from pg_namespace where nspname = 'omni_whatsapp')")
            finally:
                await conn.close()
        finally:
            await h.api.post(f"{helpers.API}/instances/{instance}/disconnect")

    def test_ban_is_reported_by_omni(self, conformance: SuiteHarness) -> None:
        conformance.run(self.check_ban_reported(conformance))

    async def check_ban_reported(self, h: SuiteHarness) -> None:
        """A temporary ban, end to end: the instance lands in needs_auth (no retry loop) with the reason and the ban's
        end in its status, and `instance.disconnected` names it."""
        instance = await helpers.create_instance(h.api, KEY)
        try:
            await helpers.connect_and_wait(h.api, instance, 30)
            (await h.driver.current(instance)).send(TemporaryBanEv(Code=TemporaryBanEv.BLOCKED_BY_USERS, Expire=7200))

            async def needs_auth() -> dict[str, Any] | None:
                state = await helpers.status(h.api, instance)
                return state if state["state"] == "needs_auth" else None

            state = await helpers.wait_until(needs_auth, 20, what="needs_auth after the ban")
            assert state["message"].startswith("BANNED:") and "too many people blocked you" in state["message"], state
            assert state["details"]["disconnectReason"] == "BANNED" and state["details"]["banExpiresAt"], state

            async def journaled() -> list[dict[str, Any]]:
                r = await h.api.get(f"{helpers.API}/events",
                                    params={"instanceId": instance, "eventType": "instance.disconnected"})  # fmt: skip
                return r.json()["items"] if r.status_code == 200 else []

            (event,) = await helpers.wait_until(journaled, 20, what="instance.disconnected in the journal")
            assert "BANNED:" in json.dumps(event), event
        finally:
            await h.api.post(f"{helpers.API}/instances/{instance}/disconnect")


def omni_dsn(server: OmniServer) -> str:
    from omni.host import postgres

    secrets = json.loads((server.home.root / "data" / "secrets.json").read_text())
    return postgres.app_dsn(secrets, server.home.pg_port)


@pytest.mark.timeout(120)
async def test_real_neonize_postgres_session_store(omni_server: OmniServer, tmp_path: Path) -> None:  # noqa: F811
    """neonize's real client on omni's PostgreSQL: whatsmeow makes its tables in the `omni_whatsapp` schema (lib/pq
    with search_path and sslmode=disable), nothing lands in the data dir, and the unreachable WhatsApp is reported."""
    dsn = omni_dsn(omni_server)
    h = Harness(tmp_path, fake=False, sessionStore="postgres", dialTimeout=10)
    h.ctx.extra["databaseUrl"] = dsn
    with pytest.raises(ChannelNotReady) as failed:
        await h.channel.connect(h.ctx)
    assert failed.value.code in ("UNREACHABLE", "NO_ANSWER"), failed.value
    assert not (tmp_path / SESSION_FILE).exists()
    conn = await asyncpg.connect(dsn)
    try:
        tables = {r["table_name"] for r in await conn.fetch(
            "select table_name from information_schema.tables where table_schema = 'omni_whatsapp'")}  # fmt: skip
        assert {"whatsmeow_device", "whatsmeow_version", "whatsmeow_sessions"} <= tables, tables
        assert not {r["table_name"] for r in await conn.fetch(
            "select table_name from information_schema.tables where table_schema = 'public' "
            "and table_name like 'whatsmeow%'")}  # fmt: skip
    finally:
        await conn.close()
    assert await wa_session._prepare_postgres(dsn, "4915100000001:3@s.whatsapp.net") is False  # no such device
    await h.channel.disconnect()
