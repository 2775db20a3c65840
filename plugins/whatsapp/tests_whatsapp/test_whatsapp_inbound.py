"""Every inbound kind, from real neonize protobuf events fed through the fake client's handlers: media downloaded into
the media folder, contacts, locations, polls and votes, edits, revokes, quotes and mentions, receipts, presence,
calls (with auto-reject), WhatsApp's history sync (stored, archived, paged by a sync job) and redelivery ids."""

from __future__ import annotations

from pathlib import Path

from neonize.aioze.events import ConnectedEv, DisconnectedEv
from neonize.proto.Neonize_pb2 import (
    JID,
    BasicCallMeta,
    CallOffer,
    ChatPresence,
    HistorySync,
    MessageSource,
    Presence,
    Receipt,
)
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    AudioMessage,
    ContactMessage,
    ContactsArrayMessage,
    ContextInfo,
    DocumentMessage,
    ExtendedTextMessage,
    FutureProofMessage,
    ImageMessage,
    LiveLocationMessage,
    LocationMessage,
    Message,
    PollCreationMessage,
    PollUpdateMessage,
    ProtocolMessage,
    StickerMessage,
    VideoMessage,
)
from neonize.proto.waHistorySync.WAWebProtobufsHistorySync_pb2 import Conversation, HistorySyncMsg
from neonize.proto.waHistorySync.WAWebProtobufsHistorySync_pb2 import HistorySync as HistorySyncData
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import WebMessageInfo

from .fake_neonize import group, message_event, user
from .harness import Harness, paired

ME = "4915100000001"
ALICE = "4915112345678"
BOB = "4915187654321"
GROUP = "120363025246125244"
VCARD = "BEGIN:VCARD\nVERSION:3.0\nFN:Carla Diaz\nORG:Acme;\nTEL;type=CELL;waid=5511999990000:+55 11 99999-0000\nEMAIL:carla@example.com\nEND:VCARD"


async def fire(h: Harness, *events: object) -> list:
    before = len(h.events)
    for event in events:
        await h.client.fire(event)
    return h.events[before:]


async def test_media_is_downloaded_into_the_media_folder(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    image = Message(imageMessage=ImageMessage(mimetype="image/jpeg", caption="look", fileLength=19))
    voice = Message(audioMessage=AudioMessage(mimetype="audio/ogg; codecs=opus", PTT=True, seconds=4, fileLength=19))
    doc = Message(documentMessage=DocumentMessage(mimetype="application/pdf", fileName="q3 report.pdf", fileLength=19))
    video = Message(videoMessage=VideoMessage(mimetype="video/mp4", seconds=9, caption="clip"))
    sticker = Message(stickerMessage=StickerMessage(mimetype="image/webp"))
    got = await fire(h, *(message_event(f"3A1{i}", user(ALICE), user(ALICE), m)
                          for i, m in enumerate((image, voice, doc, video, sticker))))  # fmt: skip
    assert [e.type for e in got] == ["image", "audio", "document", "video", "sticker"]
    assert got[0].text == "look" and got[0].media.caption == "look"
    assert got[1].media.voice_note and got[1].media.duration == 4 and got[1].media.path.endswith("3A11.ogg")
    assert got[2].media.filename == "q3 report.pdf" and got[2].media.path.endswith(".pdf")
    for event in got:
        _check_file(Path(event.media.path), h, tmp_path)
        path = Path(event.media.path)
        assert event.media.url == f"/api/v2/media/{h.ctx.instance_id}/{path.parent.name}/{path.name}"
    assert len(h.client.called("download_any")) == 5


def _check_file(path: Path, h: Harness, tmp_path: Path) -> None:
    assert path.read_bytes() == h.client.media and path.is_relative_to(tmp_path / "media")
    assert oct(path.stat().st_mode & 0o777) == "0o600"


async def test_a_failed_or_oversized_download_still_delivers_the_message(tmp_path: Path) -> None:
    h = await paired(tmp_path, maxDownloadBytes=10)
    big = Message(imageMessage=ImageMessage(mimetype="image/jpeg", fileLength=50))
    (event,) = await fire(h, message_event("3A20", user(ALICE), user(ALICE), big))
    assert event.type == "image" and event.media.path is None and not h.client.called("download_any")
    h.client.download_error = RuntimeError("media expired")
    small = Message(imageMessage=ImageMessage(mimetype="image/jpeg", fileLength=5))
    (event,) = await fire(h, message_event("3A21", user(ALICE), user(ALICE), small))
    assert event.media.path is None and event.media.mime_type == "image/jpeg"
    off = await paired(tmp_path / "off", downloadMedia=False)
    (event,) = await fire(off, message_event("3A22", user(ALICE), user(ALICE), small))
    assert event.media.path is None and not off.client.called("download_any")


async def test_contacts_locations_and_link_previews(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    card = Message(contactMessage=ContactMessage(displayName="Carla", vcard=VCARD))
    many = Message(contactsArrayMessage=ContactsArrayMessage(contacts=[ContactMessage(displayName="A", vcard=VCARD),
                   ContactMessage(displayName="Bob B", vcard="BEGIN:VCARD\nFN:Bob B\nTEL:+49 151 8765\nEND:VCARD")]))  # fmt: skip
    place = Message(locationMessage=LocationMessage(degreesLatitude=-23.55, degreesLongitude=-46.63, name="Office",
                                                    address="Av. Paulista 1000"))  # fmt: skip
    live = Message(liveLocationMessage=LiveLocationMessage(degreesLatitude=52.52, degreesLongitude=13.40,
                                                           caption="on my way"))  # fmt: skip
    link = Message(extendedTextMessage=ExtendedTextMessage(text="see https://omni.dev", matchedText="https://omni.dev",
                                                           title="Omni", description="one API"))  # fmt: skip
    got = await fire(h, *(message_event(f"3A3{i}", user(ALICE), user(ALICE), m)
                          for i, m in enumerate((card, many, place, live, link))))  # fmt: skip
    first = got[0].contact
    assert (first.name, first.phone, first.email, first.organization) == ("Carla Diaz", "+5511999990000",
                                                                          "carla@example.com", "Acme")  # fmt: skip
    assert [e.external_id for e in got[1:3]] == ["3A31", "3A31:1"] and got[2].contact.phone == "+491518765"
    assert (got[3].location.lat, got[3].location.name, got[3].location.live) == (-23.55, "Office", None)
    assert got[4].location.live and got[4].location.name == "on my way"
    assert got[5].text == "see https://omni.dev" and got[5].raw == {"linkPreview": {"url": "https://omni.dev",
                                                                                    "title": "Omni",
                                                                                    "description": "one API"}}  # fmt: skip


async def test_polls_votes_edits_revokes_quotes_mentions_forwards(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    poll = Message(pollCreationMessage=PollCreationMessage(name="Lunch?", selectableOptionsCount=1,
                   options=[PollCreationMessage.Option(optionName=n) for n in ("Pizza", "Sushi", "Salad")]))  # fmt: skip
    vote = Message(pollUpdateMessage=PollUpdateMessage(pollCreationMessageKey=MessageKey(ID="3A40", fromMe=True)))
    edit = Message(protocolMessage=ProtocolMessage(type=ProtocolMessage.MESSAGE_EDIT, key=MessageKey(ID="3A10"),
                                                   editedMessage=Message(conversation="fixed text")))  # fmt: skip
    wrapped_edit = Message(editedMessage=FutureProofMessage(message=edit))
    revoke = Message(protocolMessage=ProtocolMessage(type=ProtocolMessage.REVOKE, key=MessageKey(ID="3A11")))
    context = ContextInfo(stanzaID="3A10", quotedMessage=Message(conversation="original"), isForwarded=True,
                          mentionedJID=[f"{ME}@s.whatsapp.net", f"{BOB}@s.whatsapp.net"])  # fmt: skip
    reply = Message(imageMessage=ImageMessage(mimetype="image/jpeg", caption="@me look", contextInfo=context))
    got = await fire(h, *(message_event(f"3A4{i}", group(GROUP), user(ALICE), m, pushname="Alice")
                          for i, m in enumerate((poll, vote, edit, wrapped_edit, revoke, reply))))  # fmt: skip
    assert got[0].type == "poll" and got[0].poll.answers == ["Pizza", "Sushi", "Salad"] and not got[0].poll.multi_select
    assert (got[1].kind, got[1].action, got[1].target) == ("system", "poll_vote", "3A40")
    assert got[1].raw == {"selectedOptionHashes": ["01" * 32]} and h.client.called("decrypt_poll_vote")
    assert (got[2].kind, got[2].target, got[2].text) == ("edit", "3A10", "fixed text")
    assert (got[3].kind, got[3].target) == ("edit", "3A10")
    assert (got[4].kind, got[4].target) == ("delete", "3A11")
    quoted = got[5]
    assert quoted.chat.type == "group" and quoted.sender.name == "Alice" and quoted.sender.phone == f"+{ALICE}"
    assert (quoted.reply_to, quoted.quoted_text, quoted.forwarded) == ("3A10", "original", True)
    assert quoted.is_mention and f"{BOB}@s.whatsapp.net" in quoted.mentions


async def test_receipts_presence_and_calls(tmp_path: Path) -> None:
    h = await paired(tmp_path, rejectCalls=True, rejectCallMessage="No calls, please write.")
    dm = MessageSource(Chat=user(ALICE), Sender=user(ALICE))
    got = await fire(
        h,
        Receipt(MessageSource=dm, MessageIDs=["3EB01", "3EB02"], Timestamp=1_700_000_100, Type=Receipt.READ),
        Receipt(MessageSource=dm, MessageIDs=["3EB03"], Timestamp=1_700_000_100, Type=Receipt.DELIVERED),
        Receipt(MessageSource=MessageSource(Chat=user(ALICE), Sender=user(ME), IsFromMe=True), MessageIDs=["x"],
                Type=Receipt.READ_SELF),  # our own read elsewhere: not news
        ChatPresence(MessageSource=dm, State=ChatPresence.COMPOSING, Media=ChatPresence.TEXT),
        ChatPresence(MessageSource=dm, State=ChatPresence.COMPOSING, Media=ChatPresence.AUDIO),
        ChatPresence(MessageSource=dm, State=ChatPresence.PAUSED),
        Presence(From=user(BOB), Unavailable=False),
        CallOffer(basicCallMeta=BasicCallMeta(**{"from": user(BOB)}, callID="CALL1", timestamp=1_700_000_200)),
    )  # fmt: skip
    receipts = [e for e in got if e.kind == "receipt"]
    assert [(r.status, r.targets) for r in receipts] == [("read", ["3EB01", "3EB02"]), ("delivered", ["3EB03"])]
    assert [e.state for e in got if e.kind == "presence"] == ["typing", "recording", "paused", "online"]
    (call,) = [e for e in got if e.kind == "system"]
    assert (call.action, call.raw["callId"], call.sender.phone) == ("call", "CALL1", f"+{BOB}")
    assert [(j.User, cid) for j, cid in h.client.called("reject_call")] == [(BOB, "CALL1")]
    sent = h.client.called("send_message")
    assert sent and sent[-1][1] == "No calls, please write."


async def test_history_sync_is_stored_archived_and_paged(tmp_path: Path) -> None:
    h = await paired(tmp_path, historyDays=90)
    props = h.client.device_props  # what the linked device asks WhatsApp for when it is paired
    assert props.requireFullSync and props.historySyncConfig.fullSyncDaysLimit == 90 and props.os == "Omni"

    def wmi(
        msg_id: str, chat: str, text: str, at: int, *, from_me: bool = False, participant: str = ""
    ) -> HistorySyncMsg:
        key = MessageKey(remoteJID=chat, fromMe=from_me, ID=msg_id, participant=participant or None)
        return HistorySyncMsg(message=WebMessageInfo(key=key, message=Message(conversation=text), messageTimestamp=at,
                                                     pushName="Alice" if not from_me else None))  # fmt: skip

    dm, grp = f"{ALICE}@s.whatsapp.net", f"{GROUP}@g.us"
    data = HistorySyncData(syncType=HistorySyncData.INITIAL_BOOTSTRAP, progress=100, conversations=[
        Conversation(ID=dm, messages=[wmi(f"H{i}", dm, f"old {i}", 1_690_000_000 + i, from_me=i % 2 == 0)
                                      for i in range(5)]),
        Conversation(ID=grp, messages=[wmi("G1", grp, "group news", 1_690_000_100, participant=f"{BOB}@s.whatsapp.net")]),
    ])  # fmt: skip
    got = await fire(h, HistorySync(Data=data))
    assert len(got) == 6 and all(e.history for e in got)
    assert sum(e.is_from_me for e in got if e.chat.id == dm) == 3
    (news,) = [e for e in got if e.chat.id == grp]
    assert news.chat.type == "group" and news.sender.phone == f"+{BOB}"
    page = await h.channel.fetch_history(dm, limit=3)
    assert [e.external_id for e in page] == ["H4", "H3", "H2"]
    assert [e.external_id for e in await h.channel.fetch_history(dm, before="H2")] == ["H1", "H0"]
    await fire(h, HistorySync(Data=data))  # a second push: emitted again (omni stores it once), archived once
    assert len(await h.channel.fetch_history(dm, limit=100)) == 5


async def test_a_redelivered_message_keeps_its_id(tmp_path: Path) -> None:
    """After a reconnect whatsmeow delivers what arrived offline, maybe again: the same WhatsApp id, the same omni
    event (the pipeline stores it once on instance + id + kind)."""
    h = await paired(tmp_path)
    ev = message_event("3A99", user(ALICE), user(ALICE), Message(conversation="while you were away"))
    (first,) = await fire(h, ev)
    await h.client.fire(DisconnectedEv())
    await h.client.fire(ConnectedEv(status=True))
    (again,) = await fire(h, ev)
    assert first.external_id == again.external_id == "3A99" and first.dump() == again.dump()
    await h.channel.disconnect()
    assert JID  # the protobufs used above are neonize's own
