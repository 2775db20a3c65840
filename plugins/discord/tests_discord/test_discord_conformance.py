"""The channel conformance suite (omni.testing) for the Discord plugin: a real omni (subprocess) with the plugin
loaded, the fake Discord on 127.0.0.1 (started on the suite's own event loop), driven by the real discord.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from omni.testing import ChannelConformance, ConformanceDriver, OmniServer, omni_server  # noqa: F401

from .fake_discord import FakeDiscord, World, seed_world


@pytest.fixture(scope="module")
def omni_load_plugins() -> str:
    return "discord"


def sent_kind(method: str, path: str, body: Any, files: list[Any]) -> str | None:
    """The omni outbound kind of one REST call the plugin made (None: not an outbound action)."""
    parts = path.strip("/").split("/")
    if parts[0] != "channels" or len(parts) < 2:
        return None
    if method == "POST" and parts[2:] == ["messages"]:
        body = body or {}
        if body.get("poll"):
            return "poll"
        if body.get("sticker_ids"):
            return "sticker"
        if body.get("embeds"):
            return "embed"
        return "media" if files else "text"
    if method == "POST" and parts[2:] == ["typing"]:
        return "presence"
    if len(parts) >= 6 and parts[4] == "reactions" and method in ("PUT", "DELETE"):
        return "reaction"
    if len(parts) == 4 and parts[2] == "messages":
        return {"PATCH": "edit", "DELETE": "delete"}.get(method)
    return None


class DiscordDriver(ConformanceDriver):
    channel = "discord"
    inbound_kinds = ("text", "image", "audio", "video", "document", "sticker", "reaction", "edit", "delete")

    def __init__(self) -> None:
        self.fake: FakeDiscord | None = None
        self.world: World | None = None
        self.users: dict[str, dict[str, Any]] = {}
        self.send_overrides: dict[str, dict[str, Any]] = {}

    async def start(self) -> None:
        self.fake = FakeDiscord(patch=False)
        await self.fake.start()
        self.world = seed_world(self.fake)
        self.chat_id = self.world.general["id"]
        image = self.fake.add_attachment(b"\x89PNG conformance", "conformance.png", "image/png")
        self.send_overrides = {
            "media": {"url": image["url"]},
            "sticker": {"url": f"{self.fake.base_url}/stickers/424242.webp"},
        }

    async def stop(self) -> None:
        if self.fake is not None:
            await self.fake.stop()

    def instance_fields(self) -> dict[str, Any]:
        assert self.fake is not None
        return {"token": self.fake.token,
                "config": {"apiBaseUrl": self.fake.api_url, "gatewayUrl": self.fake.gateway_url,
                           "guildReadyTimeout": 0.1}}  # fmt: skip

    def _user(self, sender_id: str, name: str | None) -> dict[str, Any]:
        assert self.fake is not None and self.world is not None
        user = self.users.get(sender_id)
        if user is None:
            user = self.fake.add_user((name or sender_id).replace(" ", "_").lower())
            self.fake.add_member(self.world.guild["id"], user["id"])
            self.users[sender_id] = user
        return user

    async def inbound(self, kind: str, **kw: Any) -> str:
        fake = self.fake
        assert fake is not None
        chat = kw.get("chat_id") or self.chat_id
        user = self._user(kw.get("sender_id") or "user-1", kw.get("sender_name"))
        if kind in ("text", "image", "audio", "video", "document", "sticker"):
            if kw.get("external_id"):  # deliver that message again
                await fake.dispatch("MESSAGE_CREATE", fake.messages[kw["external_id"]])
                return kw["external_id"]
            attachments, extra = [], {}
            if kind == "sticker":
                extra["sticker_items"] = [{"id": "424242", "name": "wave", "format_type": 1}]
            elif kind != "text":
                name, mime = {"image": ("in.png", "image/png"), "video": ("in.mp4", "video/mp4"), "audio": ("in.ogg", "audio/ogg"),
                              "document": ("in.pdf", "application/pdf")}[kind]  # fmt: skip
                attachments = [fake.add_attachment(b"data " + kind.encode(), name, mime, channel_id=chat)]
            msg = await fake.post_message(user, chat, kw.get("text") or "hello", attachments=attachments, **extra)
            return str(msg["id"])
        target = kw["target"]
        if kind == "reaction":
            await fake.react(user, target, kw.get("emoji") or "👍")
            return f"{target}:react"
        if kind == "edit":
            msg = fake.messages[target]
            stamp = dt.datetime.now(dt.UTC).isoformat()
            msg.update(content=kw["text"], edited_timestamp=stamp)
            await fake.dispatch("MESSAGE_UPDATE", dict(msg))
            return f"{target}:edit:{stamp}"
        if kind == "delete":
            msg = fake.messages[target]
            fake._remove_message(msg)
            await fake.dispatch("MESSAGE_DELETE", {"id": target, "channel_id": msg["channel_id"],
                                                   **({"guild_id": msg["guild_id"]} if msg.get("guild_id") else {})})  # fmt: skip
            return f"{target}:delete"
        raise NotImplementedError(kind)

    async def sent(self) -> list[dict[str, Any]]:
        assert self.fake is not None
        found = []
        for r in self.fake.requests:
            if r.status is None or not 200 <= r.status < 300:
                continue
            kind = sent_kind(r.method, r.path, r.json, r.files)
            if kind is not None:
                found.append({"kind": kind, "to": r.path.split("/")[2]})
        return found

    async def drop_connection(self) -> None:
        assert self.fake is not None
        await self.fake.drop_gateway(4000)


class TestDiscordConformance(ChannelConformance):
    @pytest.fixture(scope="class")
    @classmethod
    def driver(cls, omni_server: OmniServer) -> DiscordDriver:  # noqa: F811
        return DiscordDriver()
