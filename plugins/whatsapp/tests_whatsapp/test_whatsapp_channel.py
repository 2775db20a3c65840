"""The WhatsApp channel driven directly (a hand-made ChannelContext) with the fake neonize client, fed real neonize
protobuf events."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from neonize.aioze.events import ConnectedEv, ConnectFailureEv, DisconnectedEv, LoggedOutEv, PairStatusEv
from neonize.proto.Neonize_pb2 import JID, PairStatus
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, ExtendedTextMessage, Message, ReactionMessage
from neonize.utils.enum import ChatPresence, ChatPresenceMedia
from omni_whatsapp.plugin import KEY, SESSION_FILE, WhatsApp, WhatsAppConfig
from pydantic import ValidationError

from omni.channels.base import ChannelAuthFailed, ChannelNotReady, SendFailed
from omni.channels.types import InboundMessage, InboundReaction, Outbound

from .fake_neonize import group, message_event, user
from .harness import Harness, paired

ME = "4915100000001"
ALICE = "4915112345678"
GROUP = "120363025246125244"


# -- the class ----------------------------------------------------------------------------------------------------------


def test_channel_class_and_config() -> None:
    assert WhatsApp.key == KEY == "whatsapp-baileys"
    assert WhatsApp.name == "WhatsApp"
    caps = WhatsApp.capabilities
    assert caps.can_pair and caps.can_send_text and caps.can_reply_to_message and caps.can_send_typing
    assert caps.can_send_reaction and caps.can_mark_read and caps.can_handle_groups
    assert caps.can_send_media and caps.can_edit_message and caps.can_send_poll and caps.can_fetch_history
    assert not caps.can_send_embed and not caps.can_send_buttons  # WhatsApp has neither: the API refuses them
    config = WhatsAppConfig.model_validate({"proxy": "socks5://127.0.0.1:1080", "dialTimeout": 5, "pairTimeout": 60})
    assert (config.proxy, config.dial_timeout, config.pair_timeout) == ("socks5://127.0.0.1:1080", 5, 60)
    assert WhatsAppConfig.model_validate({}).proxy is None
    with pytest.raises(ValidationError):
        WhatsAppConfig.model_validate({"proxy": "ftp://nope"})


def test_entry_point() -> None:
    from importlib.metadata import entry_points

    (ep,) = [ep for ep in entry_points(group="omni") if ep.name == "whatsapp"]
    assert ep.value == "omni_whatsapp.plugin"
    registered: list[type] = []
    ep.load().register_channels(register=registered.append)
    assert registered == [WhatsApp]


# -- connecting ---------------------------------------------------------------------------------------------------------


async def test_qr_rotation_then_paired(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    assert h.client.name == str(tmp_path / SESSION_FILE) and h.client.uuid == h.ctx.instance_id
    assert h.client.called("connect") == [(None,)]  # no proxy configured
    await h.client.qr("2@first,code")
    await h.client.qr("2@second,code")
    await h.client.qr("2@third,code")
    assert h.qrs == [("2@first,code", 60.0), ("2@second,code", 20.0), ("2@third,code", 20.0)]
    assert not task.done()  # waiting for the scan
    jid = JID(User=ME, Server="s.whatsapp.net", Device=12, IsEmpty=False)
    await h.client.fire(PairStatusEv(ID=jid, Status=PairStatus.SUCCESS, Platform="android"))
    assert h.qrs[-1] == (None, 60)
    await h.client.fire(ConnectedEv(status=True))
    await asyncio.wait_for(task, 2)
    assert h.qrs.count((None, 60)) == 1  # cleared once
    assert h.channel.status()["ownerIdentifier"] == f"+{ME}"  # the rest: test_whatsapp_session.py
    await h.channel.disconnect()
    assert h.client.called("stop")


async def test_stored_session_connects_without_qr(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    assert h.qrs == []
    await h.channel.disconnect()


async def test_proxy_is_given_to_neonize(tmp_path: Path) -> None:
    h = await paired(tmp_path, proxy="http://proxy.local:3128")
    (proxy,) = h.client.called("connect")[0]
    assert proxy.proxy_address == "http://proxy.local:3128"
    await h.channel.disconnect()


async def test_pairing_code(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    await h.client.qr("2@qr")  # whatsmeow answers with a QR first; the code is asked for on the same connection
    result = await h.channel.pair("+49 151 1234-5678")
    assert result == {"code": "ABCD-EFGH", "phone": "+4915112345678"}
    assert h.client.called("PairPhone") == [("4915112345678", True)]
    await h.client.fire(PairStatusEv(ID=user(ME), Status=PairStatus.SUCCESS))
    await h.client.fire(ConnectedEv(status=True))
    await asyncio.wait_for(task, 2)
    await h.channel.disconnect()


async def test_logged_out_while_connecting_needs_auth(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    await h.client.fire(LoggedOutEv(OnConnect=True, Reason=2))
    with pytest.raises(ChannelAuthFailed, match="LOGGED_OUT"):
        await asyncio.wait_for(task, 2)
    assert h.client.called("stop")


async def test_connect_failure_is_not_ready(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    task = await h.connecting()
    await h.client.fire(ConnectFailureEv(Reason=8, Message="internal server error"))
    with pytest.raises(ChannelNotReady, match="internal server error"):
        await asyncio.wait_for(task, 2)


async def test_dial_error_is_not_ready(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.channel.client_factory = lambda name, uuid: _failing(h, name, uuid)  # type: ignore[method-assign, assignment]
    with pytest.raises(ChannelNotReady, match="no such host"):
        await asyncio.wait_for(h.channel.connect(h.ctx), 2)


def _failing(h: Harness, name: str, uuid: str) -> object:
    client = h._factory(name, uuid)
    client.connect_error = RuntimeError("failed to dial whatsapp web websocket: lookup web.whatsapp.com: no such host")
    return client


async def test_silent_dial_times_out(tmp_path: Path) -> None:
    h = Harness(tmp_path, dialTimeout=0.2)
    with pytest.raises(ChannelNotReady, match=r"did not answer within 0\.2s"):
        await asyncio.wait_for(h.channel.connect(h.ctx), 2)
    assert h.client.called("stop") and h.client.connect_task is not None and h.client.connect_task.done()


async def test_qr_not_scanned_in_time(tmp_path: Path) -> None:
    h = Harness(tmp_path, pairTimeout=0.2)
    task = await h.connecting()
    await h.client.qr("2@qr")
    with pytest.raises(ChannelNotReady, match="not paired within"):
        await asyncio.wait_for(task, 2)


async def test_drop_reconnect_and_logout_after_connect(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    await h.client.fire(DisconnectedEv(status=True))
    assert h.states[-1][0] == "reconnecting"
    await h.client.fire(ConnectedEv(status=True))
    assert h.states[-1][0] == "connected"
    closed = asyncio.create_task(h.channel.wait_closed())
    await asyncio.sleep(0)
    assert not closed.done()
    await h.client.fire(LoggedOutEv(OnConnect=False, Reason=2))
    with pytest.raises(ChannelAuthFailed):
        await asyncio.wait_for(closed, 2)
    await h.channel.disconnect()


async def test_connection_task_ending_closes(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    await h.client.stop()  # the Go side ends the connection
    with pytest.raises(ChannelNotReady):
        await asyncio.wait_for(h.channel.wait_closed(), 2)


# -- inbound ------------------------------------------------------------------------------------------------------------


async def test_inbound_dm_text(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    ev = message_event("3A0001", user(ALICE), user(ALICE), Message(conversation="hello"), pushname="Alice")
    await h.client.fire(ev)
    (msg,) = h.events
    assert isinstance(msg, InboundMessage)
    assert msg.external_id == "3A0001" and msg.text == "hello" and msg.type == "text"
    assert (msg.chat.id, msg.chat.type) == (f"{ALICE}@s.whatsapp.net", "dm")
    assert (msg.sender.id, msg.sender.name, msg.sender.phone) == (f"{ALICE}@s.whatsapp.net", "Alice", f"+{ALICE}")
    assert msg.timestamp.timestamp() == 1_700_000_000
    assert not msg.is_from_me and msg.reply_to is None and msg.mentions == []
    await h.channel.disconnect()


async def test_inbound_group_reply_with_mention(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    sender = JID(User=ALICE, Server="s.whatsapp.net", Device=3, IsEmpty=False)  # a device JID: the id drops the device
    context = ContextInfo(
        stanzaID="3A0000", participant=f"{ME}@s.whatsapp.net", quotedMessage=Message(conversation="earlier"),
        mentionedJID=[f"{ME}@s.whatsapp.net"],
    )  # fmt: skip
    text = Message(extendedTextMessage=ExtendedTextMessage(text=f"@{ME} see above", contextInfo=context))
    await h.client.fire(message_event("3A0002", group(GROUP), sender, text, pushname="Alice"))
    (msg,) = h.events
    assert (msg.chat.id, msg.chat.type) == (f"{GROUP}@g.us", "group")
    assert (msg.sender.id, msg.sender.phone) == (f"{ALICE}@s.whatsapp.net", f"+{ALICE}")
    assert msg.text == f"@{ME} see above"
    assert (msg.reply_to, msg.quoted_text) == ("3A0000", "earlier")
    assert msg.mentions == [f"{ME}@s.whatsapp.net"]
    await h.channel.disconnect()


async def test_inbound_lid_sender_uses_phone_alt_and_from_me(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    ev = message_event("3A0003", group(GROUP), JID(User="123456789012345", Server="lid"), Message(conversation="x"))
    ev.Info.MessageSource.SenderAlt.CopyFrom(user(ALICE))
    mine = message_event("3A0004", user(ALICE), user(ME), Message(conversation="mine"), from_me=True)
    await h.client.fire(ev)
    await h.client.fire(mine)
    lid, own = h.events
    # one person, one sender: the LID-addressed message is Alice's, by her phone JID
    assert (lid.sender.id, lid.sender.phone) == (f"{ALICE}@s.whatsapp.net", f"+{ALICE}")
    assert own.is_from_me and own.chat.id == f"{ALICE}@s.whatsapp.net"
    later = message_event("3A0005", group(GROUP), JID(User="123456789012345", Server="lid"), Message(conversation="y"))
    await h.client.fire(later)  # no SenderAlt this time: the mapping is remembered (and kept in the plugin store)
    await h.until(lambda: len(h.events) == 3)
    assert (h.events[2].sender.id, h.events[2].sender.phone) == (f"{ALICE}@s.whatsapp.net", f"+{ALICE}")
    assert await h.ctx.store.get("lids") == {"123456789012345@lid": f"+{ALICE}"}
    await h.channel.disconnect()


async def test_inbound_reaction_and_ignored_kinds(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    key = MessageKey(remoteJID=f"{ALICE}@s.whatsapp.net", fromMe=True, ID="3EB0AAAA")
    await h.client.fire(
        message_event("3A0005", user(ALICE), user(ALICE), Message(reactionMessage=ReactionMessage(key=key, text="👍")))
    )
    await h.client.fire(
        message_event("3A0006", user(ALICE), user(ALICE), Message(reactionMessage=ReactionMessage(key=key, text="")))
    )
    await h.client.fire(message_event("3A0007", user(ALICE), user(ALICE), Message()))  # nothing this slice reads
    added, removed = h.events
    assert isinstance(added, InboundReaction)
    assert (added.target, added.emoji, added.removed) == ("3EB0AAAA", "👍", False)
    assert isinstance(removed, InboundReaction) and removed.removed
    await h.channel.disconnect()


# -- outbound -----------------------------------------------------------------------------------------------------------


async def test_send_text(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    result = await h.channel.send(Outbound(id="m1", kind="text", to=f"{ALICE}@s.whatsapp.net", text="hi there"))
    ((to, message),) = h.client.called("send_message")
    assert (to.User, to.Server, message) == (ALICE, "s.whatsapp.net", "hi there")
    assert result.external_id == "3EB00000000000000001"
    await h.channel.send(Outbound(id="m2", kind="text", to="+49 151 12345678", text="by number"))
    assert h.client.called("send_message")[1][0].User == ALICE
    await h.channel.send(Outbound(id="m3", kind="text", to=f"{GROUP}@g.us", text="group"))
    assert h.client.called("send_message")[2][0].Server == "g.us"
    await h.channel.disconnect()


async def test_send_reply_quotes_received_message(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    ev = message_event("3A0010", group(GROUP), user(ALICE), Message(conversation="question?"))
    await h.client.fire(ev)
    await h.channel.send(Outbound(id="m1", kind="text", to=f"{GROUP}@g.us", text="answer", reply_to="3A0010"))
    ((text, quoted),) = h.client.called("build_reply_message")
    assert text == "answer" and quoted is h.channel._recent["3A0010"]
    ((_to, message),) = h.client.called("send_message")
    context = message.extendedTextMessage.contextInfo
    assert message.extendedTextMessage.text == "answer"
    assert (context.stanzaID, context.participant, context.quotedMessage.conversation) == (
        "3A0010", f"{ALICE}@s.whatsapp.net", "question?"
    )  # fmt: skip
    # a message this process never saw: quoted by id
    await h.channel.send(Outbound(id="m2", kind="text", to=f"{ALICE}@s.whatsapp.net", text="re", reply_to="OLD1"))
    assert h.client.called("send_message")[1][1].extendedTextMessage.contextInfo.stanzaID == "OLD1"
    await h.channel.disconnect()


async def test_send_refuses_other_kinds_and_reports_failures(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    with pytest.raises(SendFailed) as refused:
        await h.channel.send(Outbound(id="m1", kind="embed", to=f"{ALICE}@s.whatsapp.net"))
    assert refused.value.code == "CAPABILITY_NOT_SUPPORTED"
    with pytest.raises(SendFailed) as empty:
        await h.channel.send(Outbound(id="m1", kind="sticker", to=f"{ALICE}@s.whatsapp.net"))
    assert empty.value.code == "VALIDATION_ERROR"

    async def boom(to: object, message: object) -> None:
        raise RuntimeError("server said no")

    h.client.send_message = boom  # type: ignore[method-assign, assignment]
    with pytest.raises(SendFailed, match="server said no") as failed:
        await h.channel.send(Outbound(id="m2", kind="text", to=f"{ALICE}@s.whatsapp.net", text="x"))
    assert failed.value.retryable
    await h.channel.disconnect()


async def test_typing(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    await h.channel.send_typing(f"{ALICE}@s.whatsapp.net", "typing")
    await h.channel.send_typing(f"{ALICE}@s.whatsapp.net", "recording")
    await h.channel.send_typing(f"{ALICE}@s.whatsapp.net", "paused")
    calls = h.client.called("send_chat_presence")
    assert [(jid.User, state, media) for jid, state, media in calls] == [
        (ALICE, ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT),
        (ALICE, ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_AUDIO),
        (ALICE, ChatPresence.CHAT_PRESENCE_PAUSED, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT),
    ]
    await h.channel.disconnect()


async def test_send_reactions(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    await h.client.fire(message_event("3A0020", group(GROUP), user(ALICE), Message(conversation="nice")))
    result = await h.channel.send(Outbound(id="r1", kind="reaction", to=f"{GROUP}@g.us", emoji="❤️", target="3A0020"))
    ((chat, author, target, emoji),) = h.client.called("build_reaction")
    assert (chat.User, author.User, target, emoji) == (GROUP, ALICE, "3A0020", "❤️")  # the author of the target
    (_to, reaction) = h.client.called("send_message")[0]
    assert reaction.reactionMessage.key.ID == "3A0020" and result.external_id
    # to our own message: whatsmeow needs our JID as the author (fromMe)
    sent = await h.channel.send(Outbound(id="m1", kind="text", to=f"{ALICE}@s.whatsapp.net", text="mine"))
    await h.channel.send(
        Outbound(id="r2", kind="reaction", to=f"{ALICE}@s.whatsapp.net", emoji="", target=sent.external_id)
    )
    (_chat, author, _target, emoji) = h.client.called("build_reaction")[1]
    assert (author.User, emoji) == (ME, "")  # "" removes the reaction
    assert h.client.called("send_message")[2][1].reactionMessage.key.fromMe
    # a DM message never seen here: the other person wrote it; in a group nobody can tell
    await h.channel.send(Outbound(id="r3", kind="reaction", to=f"{ALICE}@s.whatsapp.net", emoji="👍", target="OLD"))
    assert h.client.called("build_reaction")[2][1].User == ALICE
    with pytest.raises(SendFailed) as unknown:
        await h.channel.send(Outbound(id="r4", kind="reaction", to=f"{GROUP}@g.us", emoji="👍", target="OLD"))
    assert unknown.value.code == "NOT_FOUND" and not unknown.value.retryable
    await h.channel.disconnect()


async def test_mark_read(tmp_path: Path) -> None:
    from neonize.utils.enum import ReceiptType

    h = await paired(tmp_path)
    bob = "4915187654321"
    await h.client.fire(message_event("3A0030", group(GROUP), user(ALICE), Message(conversation="a")))
    await h.client.fire(message_event("3A0031", group(GROUP), user(bob), Message(conversation="b")))
    await h.client.fire(message_event("3A0032", group(GROUP), user(ALICE), Message(conversation="c")))
    await h.channel.mark_read(f"{GROUP}@g.us", ["3A0030", "3A0031", "3A0032"])
    calls = h.client.called("mark_read")
    assert [(ids, chat.User, sender.User, receipt) for ids, chat, sender, receipt in calls] == [
        (("3A0030", "3A0032"), GROUP, ALICE, ReceiptType.READ),  # one receipt per author, as WhatsApp wants
        (("3A0031",), GROUP, bob, ReceiptType.READ),
    ]
    await h.channel.disconnect()
