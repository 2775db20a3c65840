"""The fake Discord, driven by the real discord.py client (a plain discord.Client)."""

from __future__ import annotations

import asyncio
import datetime
import io
import json
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from .fake_discord import (
    FakeDiscord,
    World,
    discord_world_fixture,  # noqa: F401 - the discord_world fixture
    fake_discord_fixture,  # noqa: F401 - the fake_discord fixture
    make_client,
    running,
)


class Recorder:
    """A discord.Client whose events land in queues."""

    def __init__(self, **kwargs: Any) -> None:
        self.client = make_client(**kwargs)
        self.messages: asyncio.Queue[discord.Message] = asyncio.Queue()
        self.resumed = asyncio.Event()
        self.ready_count = 0
        client = self.client

        @client.event
        async def on_message(message: discord.Message) -> None:
            if message.author.id != client.user.id:
                self.messages.put_nowait(message)

        @client.event
        async def on_resumed() -> None:
            self.resumed.set()

        @client.event
        async def on_ready() -> None:
            self.ready_count += 1

    async def next_message(self, timeout: float = 3.0) -> discord.Message:
        return await asyncio.wait_for(self.messages.get(), timeout)


async def test_login_ready_guilds_channels_members(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    rec = Recorder()
    async with running(rec.client, fake.token) as client:
        assert client.user.id == int(fake.bot_user["id"])
        assert client.application_id == int(fake.app_id)
        guild = client.get_guild(int(world.guild["id"]))
        assert guild is not None and guild.name == "Omni Test"
        general = guild.get_channel(int(world.general["id"]))
        assert isinstance(general, discord.TextChannel) and general.topic == "talk"
        assert isinstance(guild.get_channel(int(world.forum["id"])), discord.ForumChannel)
        thread = guild.get_thread(int(world.thread["id"]))
        assert isinstance(thread, discord.Thread) and thread.parent_id == general.id
        post = guild.get_thread(int(world.forum_post["id"]))
        assert post is not None and isinstance(post.parent, discord.ForumChannel)
        alice = guild.get_member(int(world.alice["id"]))
        assert alice is not None and alice.nick == "ali" and [r.name for r in alice.roles] == ["@everyone", "mods"]
        assert guild.me is not None and general.permissions_for(guild.me).send_messages
        # REST lookups the plugin may use
        fetched = [m async for m in guild.fetch_members(limit=None)]
        assert {m.name for m in fetched} == {"omni-bot", "alice", "bob"}
        assert [g.id async for g in client.fetch_guilds()] == [guild.id]
        assert (await client.fetch_channel(general.id)).name == "general"
        assert {c.name for c in await guild.fetch_channels()} == {"general", "help"}
        assert (await client.fetch_user(int(world.bob["id"]))).name == "bob"
        assert fake.connected and len(fake.identifies) == 1
        assert fake.identifies[0]["intents"] == discord.Intents.all().value
        assert fake.heartbeats >= 1  # discord.py beats right after HELLO
    await fake.wait_disconnected()


async def test_bad_token_is_login_failure_and_401(discord_world: World) -> None:
    world = discord_world
    client = make_client()
    with pytest.raises(discord.LoginFailure):
        async with running(client, "not-a-token"):
            pass
    req = world.fake.find_requests("GET", "/users/@me")[-1]
    assert req.status == 401
    async with aiohttp.ClientSession() as s:
        async with s.get(world.fake.api_url + "/users/@me", headers={"Authorization": "Bot nope"}) as r:
            assert r.status == 401 and r.headers["Content-Type"] == "application/json"
            assert await r.json() == {"message": "401: Unauthorized", "code": 0}
        good = {"Authorization": f"Bot {world.fake.token}"}
        async with s.get(world.fake.api_url + "/gateway/bot", headers=good) as r:
            assert r.headers["Content-Type"] == "application/json"  # exactly: no charset
            assert (await r.json())["url"].startswith("ws://127.0.0.1:")


async def test_gateway_identify_with_bad_token_closes_4004(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    client = make_client()
    try:
        await client.login(fake.token)
        fake.tokens.discard(fake.token)  # REST accepted it; the gateway no longer does
        with pytest.raises(discord.ConnectionClosed) as err:
            await asyncio.wait_for(client.connect(), 5)
        assert err.value.code == 4004
    finally:
        await client.close()


async def test_injected_message_reaches_on_message(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    rec = Recorder()
    async with running(rec.client, fake.token) as client:
        earlier = await fake.post_message(world.bob["id"], world.general["id"], "first")
        await rec.next_message()
        att = fake.add_attachment(b"hello bytes", "note.txt", "text/plain", channel_id=world.general["id"])
        await fake.post_message(
            world.alice["id"],
            world.general["id"],
            f"hi <@{fake.bot_user['id']}> and <@&{world.mods['id']}> @everyone",
            attachments=[att],
            mentions=[fake.bot_user["id"]],
            mention_roles=[world.mods["id"]],
            mention_everyone=True,
            reply_to=earlier["id"],
        )
        msg = await rec.next_message()
        assert isinstance(msg.author, discord.Member) and msg.author.display_name == "ali"
        assert msg.channel.id == int(world.general["id"]) and msg.guild.id == int(world.guild["id"])
        assert client.user in msg.mentions and msg.mention_everyone
        assert [r.name for r in msg.role_mentions] == ["mods"]
        assert msg.type is discord.MessageType.reply
        assert msg.reference.message_id == int(earlier["id"])
        assert msg.reference.resolved.content == "first"
        assert msg.attachments[0].filename == "note.txt" and msg.attachments[0].content_type == "text/plain"
        assert await msg.attachments[0].read() == b"hello bytes"

        # a thread, a forum post and a DM
        await fake.post_message(world.bob["id"], world.thread["id"], "in thread")
        msg = await rec.next_message()
        assert isinstance(msg.channel, discord.Thread) and msg.channel.name == "side-chat"
        await fake.post_message(world.bob["id"], world.forum_post["id"], "in forum")
        msg = await rec.next_message()
        assert isinstance(msg.channel, discord.Thread) and isinstance(msg.channel.parent, discord.ForumChannel)
        dm = fake.dm_channel(world.alice["id"])
        await fake.post_message(world.alice["id"], dm["id"], "psst")
        msg = await rec.next_message()
        assert isinstance(msg.channel, discord.DMChannel) and msg.guild is None and msg.author.name == "alice"
        await msg.channel.send("hello in DM")
        assert (await fake.wait_for_message(dm["id"])).content == "hello in DM"
        # a DM opened by the bot
        await (await client.fetch_user(int(world.bob["id"]))).send("hi bob")
        assert fake.find_requests("POST", "/users/@me/channels")[0].json == {"recipient_id": int(world.bob["id"])}
        assert (await fake.wait_for_message(fake.dm_channel(world.bob["id"])["id"])).content == "hi bob"


async def test_send_embed_reply_file_poll_sticker(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    fake.stickers["749054660769218631"] = "Wave"
    rec = Recorder()
    async with running(rec.client, fake.token) as client:
        channel = client.get_channel(int(world.general["id"]))
        user_msg = await fake.post_message(world.alice["id"], world.general["id"], "question?")
        original = await rec.next_message()

        embed = discord.Embed(title="Answer", description="42", colour=0x00FF00)
        sent = await channel.send("see embed", embed=embed, reference=original)
        s = await fake.wait_for_message(channel.id)
        assert s.embeds == [{"title": "Answer", "description": "42", "color": 0x00FF00, "type": "rich", "flags": 0}]
        assert s.reference["message_id"] == int(user_msg["id"])
        assert s.message["type"] == 19 and sent.reference.message_id == int(user_msg["id"])
        assert sent.embeds[0].title == "Answer" and sent.author == client.user

        sent = await channel.send("a file", file=discord.File(io.BytesIO(b"\x89PNG data"), filename="pic.png"))
        s = await fake.wait_for_message(channel.id, count=2)
        assert s.files[0].data == b"\x89PNG data" and s.files[0].filename == "pic.png"
        assert s.payload["attachments"] == [{"id": 0, "filename": "pic.png"}]
        assert sent.attachments[0].filename == "pic.png" and await sent.attachments[0].read() == b"\x89PNG data"

        poll = discord.Poll(question="Lunch?", duration=datetime.timedelta(hours=2))
        poll.add_answer(text="pizza").add_answer(text="sushi", emoji="🍣")
        sent = await channel.send(poll=poll)
        s = await fake.wait_for_message(channel.id, count=3)
        assert s.poll == {
            "allow_multiselect": False,
            "question": {"text": "Lunch?"},
            "duration": 2.0,
            "layout_type": 1,
            "answers": [
                {"poll_media": {"text": "pizza"}},
                {"poll_media": {"text": "sushi", "emoji": {"id": None, "name": "🍣"}}},
            ],
        }
        assert sent.poll is not None and [a.text for a in sent.poll.answers] == ["pizza", "sushi"]

        sent = await channel.send(stickers=[discord.Object(749054660769218631)])
        s = await fake.wait_for_message(channel.id, count=4)
        assert s.payload["sticker_ids"] == [749054660769218631]
        assert sent.stickers[0].name == "Wave"

        # thread and forum-post sends
        await client.get_channel(int(world.thread["id"])).send("into the thread")
        assert (await fake.wait_for_message(world.thread["id"])).content == "into the thread"
        assert len(fake.sent) == 5
        assert [m["id"] for m in fake.history[world.general["id"]]][-4:] == [x.id for x in fake.sent_in(channel.id)]


async def test_reaction_edit_delete_typing(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    rec = Recorder()
    async with running(rec.client, fake.token) as client:
        channel = client.get_channel(int(world.general["id"]))
        await fake.post_message(world.alice["id"], world.general["id"], "react to me")
        incoming = await rec.next_message()
        await incoming.add_reaction("👍")
        await incoming.add_reaction("<:party:123456789012345678>")
        await incoming.remove_reaction("👍", client.user)
        assert fake.reactions == [
            ("add", str(channel.id), str(incoming.id), "👍"),
            ("add", str(channel.id), str(incoming.id), ":party:123456789012345678"),
            ("remove", str(channel.id), str(incoming.id), "👍"),
        ]
        assert fake.messages[str(incoming.id)]["reactions"][0]["emoji"] == {
            "id": "123456789012345678",
            "name": "party",
        }

        mine = await channel.send("draft")
        edited = await mine.edit(content="final")
        assert edited.content == "final" and edited.edited_at is not None
        assert fake.edits[-1][2]["content"] == "final" and fake.messages[str(mine.id)]["content"] == "final"
        with pytest.raises(discord.Forbidden):
            await incoming.edit(content="not mine")

        await mine.delete()
        assert fake.deleted == [(str(channel.id), str(mine.id))] and str(mine.id) not in fake.messages
        with pytest.raises(discord.NotFound):
            await channel.fetch_message(mine.id)

        await channel.typing()
        assert fake.typing == [str(channel.id)]

        # a user's reaction comes in over the gateway
        got: asyncio.Future[tuple[Any, Any]] = asyncio.get_running_loop().create_future()
        client.event(_setter("on_reaction_add", got))
        await fake.react(world.bob["id"], incoming.id, "🎉")
        reaction, user = await asyncio.wait_for(got, 3)
        assert str(reaction.emoji) == "🎉" and user.name == "bob"


def _setter(name: str, fut: asyncio.Future[Any]):
    async def handler(*args: Any) -> None:
        if not fut.done():
            fut.set_result(args)

    handler.__name__ = name
    return handler


async def test_history_after_for_catch_up(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    cid = world.general["id"]
    stored = [await fake.post_message(world.alice["id"], cid, f"offline {i}", dispatch=False) for i in range(7)]
    rec = Recorder()
    async with running(rec.client, fake.token) as client:
        channel = client.get_channel(int(cid))
        after = discord.Object(int(stored[1]["id"]))
        got = [m.content async for m in channel.history(after=after, limit=None, oldest_first=True)]
        assert got == [f"offline {i}" for i in range(2, 7)]
        newest = [m.content async for m in channel.history(limit=3)]
        assert newest == ["offline 6", "offline 5", "offline 4"]
        one = await channel.fetch_message(int(stored[3]["id"]))
        assert one.content == "offline 3" and one.author.name == "alice"
        # the raw API answers newest first, paged by limit
        req = fake.find_requests("GET", "/channels/{id}/messages")[0]
        assert req.query["after"] == stored[1]["id"]
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as s:
        url = f"{fake.api_url}/channels/{cid}/messages?after={stored[0]['id']}&limit=2"
        async with s.get(url) as r:
            assert [m["content"] for m in await r.json()] == ["offline 2", "offline 1"]


async def test_rate_limited_send_is_retried_once_stored(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    rule = fake.rate_limit("POST", "/channels/{id}/messages", times=1, retry_after=0.2)
    rec = Recorder()
    async with running(rec.client, fake.token) as client:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        sent = await client.get_channel(int(world.general["id"])).send("patience")
        assert loop.time() - t0 >= 0.2
        assert rule.attempts == 2 and rule.limited == 1
        assert [r.status for r in fake.find_requests("POST", "/channels/*/messages")] == [429, 200]
        assert len(fake.sent) == 1 and fake.sent[0].id == str(sent.id)
        assert [m["content"] for m in fake.history[world.general["id"]]] == ["patience"]


async def test_rate_limit_429_headers_and_body(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    fake.rate_limit("*", "/users/@me", retry_after=1.5, global_=True)
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as s:
        async with s.get(fake.api_url + "/users/@me") as r:
            assert r.status == 429 and r.headers["Content-Type"] == "application/json"
            assert await r.json() == {
                "message": "You are being rate limited.",
                "retry_after": 1.5,
                "global": True,
                "code": 0,
            }
            assert r.headers["Retry-After"] == "2" and r.headers["X-RateLimit-Remaining"] == "0"
            assert r.headers["X-RateLimit-Reset-After"] == "1.500" and r.headers["X-RateLimit-Scope"] == "global"
            assert r.headers["X-RateLimit-Global"] == "true" and "X-RateLimit-Bucket" in r.headers
        async with s.get(fake.api_url + "/users/@me") as r:
            assert r.status == 200


@pytest.mark.parametrize("abrupt", [False, True], ids=["close-4000", "abrupt"])
async def test_gateway_drop_resumes_and_replays(discord_world: World, abrupt: bool) -> None:
    world = discord_world
    fake = world.fake
    rec = Recorder()
    async with running(rec.client, fake.token):
        session = fake.session_id
        await fake.post_message(world.alice["id"], world.general["id"], "before")
        assert (await rec.next_message()).content == "before"
        await fake.drop_gateway(abrupt=abrupt)
        assert not fake.connected
        await fake.post_message(world.alice["id"], world.general["id"], "while down")
        await fake.wait_resumed()
        assert fake.session_id == session and len(fake.identifies) == 1
        assert (await rec.next_message()).content == "while down"
        await asyncio.wait_for(rec.resumed.wait(), 3)
        await fake.post_message(world.alice["id"], world.general["id"], "after")
        assert (await rec.next_message()).content == "after"
        assert rec.messages.empty() and rec.ready_count == 1


async def test_invalid_session_on_resume_reidentifies(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    rec = Recorder()
    async with running(rec.client, fake.token):
        await fake.invalidate_session(resumable=False)
        await fake.wait_identified(2)
        assert fake.invalid_sessions == 1
        await fake.wait_for(lambda: rec.ready_count == 2)
        # a RESUME with a stale session id gets op 9 d=false, then the client identifies again
        await fake.drop_gateway(4000)
        fake.expire_session()
        await fake.post_message(world.alice["id"], world.general["id"], "sent after the new READY")
        await fake.wait_identified(3)
        assert fake.invalid_sessions == 2 and not fake.resumes
        assert (await rec.next_message()).content == "sent after the new READY"
        await fake.wait_for(lambda: rec.ready_count == 3)


async def test_slash_command_interaction_round_trip(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    rec = Recorder()
    tree = app_commands.CommandTree(rec.client)
    guild_obj = discord.Object(int(world.guild["id"]))

    @tree.command(name="ask", description="Ask the agent")
    @app_commands.describe(prompt="what to ask")
    async def ask(interaction: discord.Interaction, prompt: str, loud: bool = False) -> None:
        await interaction.response.send_message(f"you asked: {prompt}" + ("!" if loud else ""))
        await interaction.followup.send("follow-up", ephemeral=True)

    @tree.command(name="slow", description="Deferred", guild=guild_obj)
    async def slow(interaction: discord.Interaction, who: discord.Member) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content=f"done for {who.display_name}")

    async with running(rec.client, fake.token):
        synced = await tree.sync()
        assert [c.name for c in synced] == ["ask"]
        await tree.sync(guild=guild_obj)
        assert fake.global_commands[0]["options"][0]["name"] == "prompt"
        assert fake.guild_commands[world.guild["id"]][0]["name"] == "slow"
        assert [c.name for c in await tree.fetch_commands()] == ["ask"]

        inter = await fake.interaction(
            "ask", {"prompt": "why?", "loud": True}, user=world.alice["id"], channel=world.general["id"]
        )
        assert inter.payload["data"]["options"] == [
            {"name": "prompt", "type": 3, "value": "why?"},
            {"name": "loud", "type": 5, "value": True},
        ]
        resp = await inter.wait_response()
        assert resp["type"] == 4 and resp["data"]["content"] == "you asked: why?!"
        assert inter.callbacks == [resp] and fake.find_requests("POST", "/interactions/{id}/{token}/callback")
        followup = await inter.wait_followup()
        assert followup["content"] == "follow-up" and followup["flags"] == 64
        assert inter.original is not None and inter.original["content"] == "you asked: why?!"
        assert fake.history[world.general["id"]][-1]["content"] == "you asked: why?!"  # ephemeral one not stored

        inter = await fake.interaction(
            "slow", {"who": world.bob["id"]}, user=world.alice["id"], channel=world.general["id"]
        )
        assert (await inter.wait_response())["type"] == 5
        assert (await inter.wait_edit())["content"] == "done for bob"
        assert inter.original["content"] == "done for bob" and not inter.original["flags"] & 128

        # a DM interaction carries "user" instead of "member"
        dm = fake.dm_channel(world.bob["id"])
        inter = await fake.interaction("ask", {"prompt": "dm"}, user=world.bob["id"], channel=dm["id"])
        assert "user" in inter.payload and "member" not in inter.payload
        assert (await inter.wait_response())["data"]["content"] == "you asked: dm"
        await inter.wait_followup()
        with pytest.raises(LookupError):
            await fake.interaction("nope", user=world.bob["id"], channel=dm["id"])


async def test_requests_log_and_gateway_hooks(discord_world: World) -> None:
    world = discord_world
    fake = world.fake
    rec = Recorder()
    async with running(rec.client, fake.token) as client:
        await fake.request_heartbeat()
        await fake.wait_for(lambda: fake.heartbeats >= 2)
        await client.change_presence(status=discord.Status.idle)
        await fake.wait_for(lambda: bool(fake.presence_updates))
        assert fake.presence_updates[0]["status"] == "idle"
        # events dispatched before any session are delivered after the next READY: checked with a raw event
        got: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        client.event(_setter("on_socket_event_type", got))
        seq = await fake.dispatch(
            "TYPING_START",
            {
                "channel_id": world.general["id"],
                "user_id": world.bob["id"],
                "timestamp": 0,
                "guild_id": world.guild["id"],
            },
        )
        assert seq is not None and await asyncio.wait_for(got, 3) == ("TYPING_START",)
        req = fake.find_requests("GET", "/users/@me")[0]
        assert req.headers["Authorization"] == f"Bot {fake.token}" and req.status == 200
        assert json.loads(json.dumps(fake.guild_create_payload(world.guild["id"])))["id"] == world.guild["id"]


async def test_large_guild_members_come_in_chunks(fake_discord: FakeDiscord) -> None:
    """A large guild's GUILD_CREATE has only the bot: discord.py asks for members (op 8), gets GUILD_MEMBERS_CHUNK."""
    fake = fake_discord
    guild = fake.add_guild("Big", large=True, channels=("lobby",))
    for name in ("carol", "dave"):
        fake.add_member(guild["id"], name)
    intents = discord.Intents.default()
    intents.members = True
    async with running(make_client(intents=intents), fake.token) as client:
        g = client.get_guild(int(guild["id"]))
        assert g.chunked and {m.name for m in g.members} == {"omni-bot", "carol", "dave"}
        assert [f["d"]["guild_id"] for f in fake.gateway_received if f["op"] == 8] == [int(guild["id"])]
