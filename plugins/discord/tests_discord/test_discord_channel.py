"""The Discord channel driven directly (a hand-made ChannelContext) against the fake Discord, with the real discord.py.

The fake is started with patch=False: discord.py's globals keep pointing at discord.com, so everything here proves the
plugin reaches the fake through its own per-instance `apiBaseUrl` / `gatewayUrl`."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import discord.http
import pytest
from omni_discord.plugin import Discord, DiscordConfig

from omni.channels.base import ChannelAuthFailed, ChannelNotReady
from omni.channels.types import Embed, Media, Outbound, Poll

from .fake_discord import FakeDiscord, World, seed_world
from .harness import Harness, connected


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(patch=False) as f:
        yield f


@pytest.fixture
def world(fake: FakeDiscord) -> World:
    return seed_world(fake)


def out(kind: str, to: str, **kw: object) -> Outbound:
    import uuid

    return Outbound(id=str(uuid.uuid4()), kind=kind, to=to, **kw)  # type: ignore[arg-type]


async def test_urls_are_per_client_not_global(world: World, tmp_path: Path) -> None:
    assert discord.http.Route.BASE == "https://discord.com/api/v10"
    async with connected(world.fake, tmp_path) as h:
        assert h.channel.status()["ownerIdentifier"] == world.fake.bot_user["id"]
        assert world.fake.connected
    assert discord.http.Route.BASE == "https://discord.com/api/v10"


async def test_bad_token_is_auth_failed(world: World, tmp_path: Path) -> None:
    h = Harness(world.fake, tmp_path, token="wrong-token")  # noqa: S106
    with pytest.raises(ChannelAuthFailed, match="refused"):
        await h.connect()
    with pytest.raises(ChannelAuthFailed, match="401"):
        await Discord.check_credentials({"token": "wrong-token"}, h.config)
    me = await Discord.check_credentials({"token": world.fake.token}, h.config)
    assert me == {"id": world.fake.bot_user["id"], "name": "omni-bot"}


async def test_unreachable_is_not_ready(tmp_path: Path) -> None:
    config = DiscordConfig.model_validate({"apiBaseUrl": "http://127.0.0.1:9/api/v10"})
    with pytest.raises(ChannelNotReady):
        await Discord.check_credentials({"token": "t"}, config)


async def test_token_revoked_at_the_gateway_is_auth_failed(world: World, tmp_path: Path) -> None:
    world.fake.tokens.add("rest-only")  # REST accepts it, the gateway (IDENTIFY) then refuses it
    h = Harness(world.fake, tmp_path, token="rest-only")  # noqa: S106
    orig = world.fake._gateway_frame

    async def refuse(ws, request, frame):  # type: ignore[no-untyped-def]
        if frame.get("op") == 2:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        await orig(ws, request, frame)

    world.fake._gateway_frame = refuse  # type: ignore[method-assign]
    with pytest.raises(ChannelAuthFailed):
        await h.connect()


async def test_inbound_guild_text_mentions_and_names(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        bot = fake.bot_user["id"]
        msg = await fake.post_message(world.alice, world.general, f"<@{bot}> hi <@{world.bob['id']}> @everyone",
                                      mentions=[bot, world.bob["id"]], mention_roles=[world.mods["id"]],
                                      mention_everyone=True)  # fmt: skip
        event = await h.wait_event("message", lambda e: e.external_id == msg["id"])
        assert event.type == "text" and event.text.startswith(f"<@{bot}> hi")
        assert event.chat.id == world.general["id"] and event.chat.type == "channel"
        assert event.chat.name == "Omni Test #general"
        assert event.sender.id == world.alice["id"] and event.sender.name == "ali"
        assert bot in event.mentions and world.bob["id"] in event.mentions
        assert f"role:{world.mods['id']}" in event.mentions and "@everyone" in event.mentions
        assert event.is_mention is True
        plain = await fake.post_message(world.bob, world.general, "no mention here")
        event = await h.wait_event("message", lambda e: e.external_id == plain["id"])
        assert event.is_mention is False and event.mentions == []


async def test_inbound_dm_thread_forum_reply(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        dm = fake.dm_channel(world.alice["id"])
        m1 = await fake.post_message(world.alice, dm["id"], "private hello")
        e1 = await h.wait_event("message", lambda e: e.external_id == m1["id"])
        assert e1.chat.type == "dm" and e1.chat.id == dm["id"]
        m2 = await fake.post_message(world.bob, world.thread, "in a thread")
        e2 = await h.wait_event("message", lambda e: e.external_id == m2["id"])
        assert e2.chat.type == "thread" and e2.chat.name == "Omni Test #general / side-chat"
        m3 = await fake.post_message(world.bob, world.forum_post, "forum post reply")
        e3 = await h.wait_event("message", lambda e: e.external_id == m3["id"])
        assert e3.chat.type == "thread" and e3.chat.id == world.forum_post["id"]
        m4 = await fake.post_message(world.alice, world.general, "answering", reply_to=m2["id"])
        e4 = await h.wait_event("message", lambda e: e.external_id == m4["id"])
        assert e4.reply_to == m2["id"] and e4.quoted_text == "in a thread"


async def test_inbound_attachments_are_downloaded(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        png = fake.add_attachment(b"\x89PNG fake", "cat.png", "image/png", channel_id=world.general["id"])
        pdf = fake.add_attachment(b"%PDF fake", "doc.pdf", "application/pdf", channel_id=world.general["id"])
        msg = await fake.post_message(world.alice, world.general, "look", attachments=[png, pdf])
        first = await h.wait_event("message", lambda e: e.external_id == msg["id"])
        second = await h.wait_event("message", lambda e: e.external_id == f"{msg['id']}:1")
        assert first.type == "image" and first.media.caption == "look" and first.text == "look"
        assert Path(first.media.path).read_bytes() == b"\x89PNG fake"  # noqa: ASYNC240
        assert first.media.mime_type == "image/png" and first.media.filename == "cat.png"
        assert second.type == "document" and Path(second.media.path).read_bytes() == b"%PDF fake"  # noqa: ASYNC240


async def test_inbound_reactions_edits_deletes_typing(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        msg = await fake.post_message(world.alice, world.general, "react to me")
        await h.wait_event("message", lambda e: e.external_id == msg["id"])
        await fake.react(world.bob, msg["id"], "🎉")
        r = await h.wait_event("reaction")
        assert r.target == msg["id"] and r.emoji == "🎉" and not r.removed and r.sender.id == world.bob["id"]
        data = fake._reaction_event(fake.messages[msg["id"]], fake._emoji_obj("🎉"), add=False)
        data["user_id"] = world.bob["id"]
        await fake.dispatch("MESSAGE_REACTION_REMOVE", data)
        removed = await h.wait_event("reaction", lambda e: e.removed)
        assert removed.target == msg["id"]
        edited = {**fake.messages[msg["id"]], "content": "edited!", "edited_timestamp": "2030-01-01T00:00:00+00:00"}
        await fake.dispatch("MESSAGE_UPDATE", edited)
        e = await h.wait_event("edit")
        assert e.target == msg["id"] and e.text == "edited!"
        await fake.dispatch("MESSAGE_DELETE", {"id": msg["id"], "channel_id": world.general["id"],
                                               "guild_id": world.guild["id"]})  # fmt: skip
        d = await h.wait_event("delete")
        assert d.target == msg["id"] and d.chat.id == world.general["id"]
        await fake.dispatch("TYPING_START", {"channel_id": world.general["id"], "guild_id": world.guild["id"],
                                             "user_id": world.alice["id"], "timestamp": 1700000000,
                                             "member": fake.member(world.guild["id"], world.alice["id"])})  # fmt: skip
        t = await h.wait_event("presence")
        assert t.state == "typing" and t.sender.id == world.alice["id"] and t.chat.id == world.general["id"]


async def test_own_messages_are_not_emitted(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        result = await h.channel.send(out("text", world.general["id"], text="from the bot"))
        marker = await fake.post_message(world.alice, world.general, "after")
        await h.wait_event("message", lambda e: e.external_id == marker["id"])
        assert result.external_id not in {e.external_id for e in h.events}


async def test_send_text_reply_mentions_and_chunking(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        src = await fake.post_message(world.alice, world.general, "question")
        r = await h.channel.send(out("text", world.general["id"], text="answer", reply_to=src["id"],
                                     mentions=[{"id": world.alice["id"], "type": "user"}]))  # fmt: skip
        sent = fake.sent_in(world.general["id"])[-1]
        assert r.external_id == sent.id
        assert sent.content == f"<@{world.alice['id']}> answer"
        assert str(sent.reference["message_id"]) == src["id"]
        assert [str(u) for u in sent.payload["allowed_mentions"]["users"]] == [world.alice["id"]]
        assert sent.message["mentions"][0]["id"] == world.alice["id"]
        long = ("word " * 1000).strip()  # 4,999 characters
        r = await h.channel.send(out("text", world.general["id"], text=long))
        parts = fake.sent_in(world.general["id"])[-3:]
        assert [len(p.content) <= 2000 for p in parts] == [True, True, True]
        assert " ".join(p.content for p in parts) == long
        assert r.external_id == parts[0].id and r.extra["messageIds"] == [p.id for p in parts]


async def test_send_to_a_user_id_opens_a_dm(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        await h.channel.send(out("text", world.bob["id"], text="psst"))
        dm = fake.dm_channels[world.bob["id"]]
        assert fake.sent_in(dm)[-1].content == "psst"


async def test_send_embed_poll_payloads(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        embed = Embed(title="T", description="D", color=0x00FF00, url="https://example.com/x",
                      fields=[{"name": "a", "value": "1", "inline": True}, {"name": "b", "value": "2"}], footer="f")  # fmt: skip
        await h.channel.send(out("embed", world.general["id"], embed=embed))
        [e] = fake.sent_in(world.general["id"])[-1].embeds
        assert e["title"] == "T" and e["description"] == "D" and e["color"] == 0x00FF00
        assert e["url"] == "https://example.com/x" and e["footer"] == {"text": "f"}
        assert e["fields"] == [
            {"name": "a", "value": "1", "inline": True},
            {"name": "b", "value": "2", "inline": False},
        ]
        poll = Poll(question="Lunch?", answers=["pizza", "sushi"], multi_select=True, duration_hours=3)
        r = await h.channel.send(out("poll", world.general["id"], poll=poll))
        sent = fake.sent_in(world.general["id"])[-1]
        assert sent.id == r.external_id
        p = sent.poll
        assert p["question"] == {"text": "Lunch?"}
        assert [a["poll_media"]["text"] for a in p["answers"]] == ["pizza", "sushi"]
        assert p["duration"] == 3 and p["allow_multiselect"] is True


async def test_send_media_url_base64_path_and_sticker(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        att = fake.add_attachment(b"IMG", "remote.png", "image/png")
        await h.channel.send(out("media", world.general["id"], text="cap",
                                 media=Media(url=att["url"], mime_type="image/png", caption="cap")))  # fmt: skip
        sent = fake.sent_in(world.general["id"])[-1]
        assert sent.files[0].data == b"IMG" and sent.files[0].filename == "remote.png" and sent.content == "cap"
        b64 = base64.b64encode(b"B64DATA").decode()
        await h.channel.send(out("media", world.general["id"], media=Media(base64=b64, filename="x.txt")))
        assert fake.sent_in(world.general["id"])[-1].files[0].data == b"B64DATA"
        local = tmp_path / "upload.bin"
        local.write_bytes(b"LOCAL")
        await h.channel.send(out("media", world.general["id"], media=Media(path=str(local))))
        sent = fake.sent_in(world.general["id"])[-1]
        assert sent.files[0].data == b"LOCAL" and sent.files[0].filename == "upload.bin"
        fake.stickers["123456"] = "wave"
        await h.channel.send(out("sticker", world.general["id"],
                                 media=Media(url="https://media.discordapp.net/stickers/123456.png")))  # fmt: skip
        assert [str(s) for s in fake.sent_in(world.general["id"])[-1].payload["sticker_ids"]] == ["123456"]


async def test_send_reaction_edit_delete_typing(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        r = await h.channel.send(out("text", world.general["id"], text="v1"))
        mid = r.external_id
        await h.channel.send(out("reaction", world.general["id"], target=mid, emoji="👍"))
        assert fake.reactions[-1] == ("add", world.general["id"], mid, "👍")
        await h.channel.send(out("reaction", world.general["id"], target=mid, emoji=""))
        assert fake.reactions[-1][0] == "remove"
        await h.channel.send(out("edit", world.general["id"], target=mid, text="v2"))
        assert fake.edits[-1][:2] == (world.general["id"], mid) and fake.edits[-1][2]["content"] == "v2"
        await h.channel.send(out("delete", world.general["id"], target=mid))
        assert fake.deleted[-1] == (world.general["id"], mid)
        await h.channel.send_typing(world.general["id"])
        assert fake.typing[-1] == world.general["id"]


async def test_rate_limit_429_is_waited_out_and_sent_once(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        rule = fake.rate_limit("POST", "/channels/{id}/messages", times=2, retry_after=0.3)
        r = await h.channel.send(out("text", world.general["id"], text="patience"))
        assert rule.limited == 2 and rule.attempts == 3
        sent = [s for s in fake.sent_in(world.general["id"]) if s.content == "patience"]
        assert [s.id for s in sent] == [r.external_id]


async def test_streaming_edits_in_place(world: World, tmp_path: Path) -> None:
    """What the dispatcher's Streamer does: one text, then edits of that message with the growing answer."""
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        first = await h.channel.send(out("text", world.general["id"], text="Hel"))
        for text in ("Hello wo", "Hello world, streamed"):
            await h.channel.send(out("edit", world.general["id"], target=first.external_id, text=text))
        assert len(fake.sent_in(world.general["id"])) == 1
        assert [e[2]["content"] for e in fake.edits] == ["Hello wo", "Hello world, streamed"]
        assert fake.messages[first.external_id]["content"] == "Hello world, streamed"


async def test_gateway_drop_resumes_and_reports_states(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        await fake.drop_gateway(4000)
        msg = await fake.post_message(world.alice, world.general, "while dropped")  # replayed on RESUME
        await fake.wait_resumed()
        await h.wait_state("connected")
        assert ("reconnecting" in [s for s, _ in h.states]) and h.states[-1][0] == "connected"
        await h.wait_event("message", lambda e: e.external_id == msg["id"])
        await fake.drop_gateway(abrupt=True)
        await fake.wait_resumed(2, timeout=15)
        await h.wait_state("connected", 2)
        r = await h.channel.send(out("text", world.general["id"], text="still here"))
        assert fake.messages[r.external_id]["content"] == "still here"


async def test_catch_up_after_downtime(world: World, tmp_path: Path) -> None:
    fake = world.fake
    h = Harness(fake, tmp_path)
    await h.connect()
    seen = await fake.post_message(world.alice, world.general, "before")
    await h.wait_event("message", lambda e: e.external_id == seen["id"])
    await h.channel.disconnect()
    missed = [await fake.post_message(world.bob, world.general, f"missed {i}", dispatch=False) for i in range(3)]
    fake.expire_session()
    again = Harness(fake, tmp_path)
    again.store = h.store
    again.ctx.store = h.store  # type: ignore[assignment]
    await again.connect()
    try:
        for m in missed:
            await again.wait_event("message", lambda e, m=m: e.external_id == m["id"])
        ids = [e.external_id for e in again.events if e.kind == "message"]
        assert seen["id"] not in ids
        assert ids == [m["id"] for m in missed]
        assert again.store.data[f"last:{world.general['id']}"] == missed[-1]["id"]
    finally:
        await again.channel.disconnect()


async def test_slash_commands_ask_and_reset(world: World, tmp_path: Path) -> None:
    fake = world.fake
    async with connected(fake, tmp_path) as h:
        await fake.wait_for(lambda: {c["name"] for c in fake.global_commands} == {"ask", "reset"})
        rec = await fake.interaction("ask", {"prompt": "what is omni?"}, user=world.alice, channel=world.general)
        assert (await rec.wait_response())["type"] == 5
        event = await h.wait_event("message", lambda e: e.external_id == f"interaction:{rec.id}")
        assert event.text == "what is omni?" and event.is_mention and event.chat.id == world.general["id"]
        assert event.sender.id == world.alice["id"]
        # the agent's answer edits the deferred response, then streams into it
        r = await h.channel.send(out("text", world.general["id"], text="Omni is"))
        assert (await rec.wait_edit())["content"] == "Omni is"
        assert r.external_id == rec.original["id"]
        await h.channel.send(out("edit", world.general["id"], target=r.external_id, text="Omni is a gateway"))
        assert (await rec.wait_edit(2))["content"] == "Omni is a gateway"
        # the next answer is a plain message again
        await h.channel.send(out("text", world.general["id"], text="plain"))
        assert fake.sent_in(world.general["id"])[-1].content == "plain"
        reset = await fake.interaction("reset", user=world.bob, channel=world.general)
        await reset.wait_response()
        e = await h.wait_event("message", lambda e: e.external_id == f"interaction:{reset.id}")
        assert e.text == "🗑️"


async def test_contacts_and_groups(world: World, tmp_path: Path) -> None:
    fake = world.fake
    other = fake.add_guild("Other")
    fake.add_channel(other["id"], "random")
    async with connected(fake, tmp_path) as h:
        groups = await h.channel.fetch_groups()
        by_id = {g["id"]: g for g in groups}
        assert by_id[world.guild["id"]]["type"] == "guild" and by_id[other["id"]]["name"] == "Other"
        assert by_id[world.general["id"]] | {} == by_id[world.general["id"]]
        assert by_id[world.general["id"]]["parentId"] == world.guild["id"]
        assert by_id[world.forum["id"]]["type"] == "forum"
        assert by_id[world.thread["id"]]["type"] == "thread"
        only = await h.channel.fetch_groups(parent=other["id"])
        assert {g["name"] for g in only} == {"Other", "random"}
        contacts = await h.channel.fetch_contacts(parent=world.guild["id"])
        names = {c["name"] for c in contacts}
        assert {"ali", "bob"} <= names
        history = await h.channel.fetch_history(world.general["id"])
        assert isinstance(history, list)


async def test_guild_filter(world: World, tmp_path: Path) -> None:
    fake = world.fake
    other = fake.add_guild("Other")
    chan = fake.add_channel(other["id"], "random")
    fake.add_member(other["id"], world.alice["id"])
    async with connected(fake, tmp_path, guildIds=[world.guild["id"]]) as h:
        ignored = await fake.post_message(world.alice, chan, "elsewhere")
        kept = await fake.post_message(world.alice, world.general, "here")
        await h.wait_event("message", lambda e: e.external_id == kept["id"])
        await asyncio.sleep(0.2)
        assert ignored["id"] not in {e.external_id for e in h.events}
        assert {g["id"] for g in await h.channel.fetch_groups() if g["type"] == "guild"} == {world.guild["id"]}
