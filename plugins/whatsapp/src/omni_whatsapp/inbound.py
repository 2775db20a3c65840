"""WhatsApp → omni: every message kind whatsmeow hands over (live `MessageEv` or a history sync's `WebMessageInfo`),
receipts, presence and calls, as omni's normalised `Inbound*` events.

Parsing here is pure (no client): media comes back with what the download needs, and the plugin downloads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from omni.channels.types import (
    Chat,
    Contact,
    InboundDelete,
    InboundEdit,
    InboundMessage,
    InboundPresence,
    InboundReaction,
    InboundReceipt,
    InboundSystem,
    Location,
    Media,
    Poll,
    Sender,
)
from omni_whatsapp.jids import GROUP_SERVER, LID_SERVER, USER_SERVER, jid_str, parse_jid, phone_of

WRAPPERS = ("ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2", "viewOnceMessageV2Extension",
            "documentWithCaptionMessage", "editedMessage", "botInvokeMessage")  # fmt: skip
MEDIA = {"imageMessage": "image", "videoMessage": "video", "ptvMessage": "video", "audioMessage": "audio",
         "documentMessage": "document", "stickerMessage": "sticker"}  # fmt: skip
POLLS = ("pollCreationMessage", "pollCreationMessageV2", "pollCreationMessageV3", "pollCreationMessageV5",
         "pollCreationMessageV6")  # fmt: skip
REVOKE, MESSAGE_EDIT = 0, 14
RECEIPTS = {1: "delivered", 4: "read", 6: "played"}  # Receipt.Type: DELIVERED, READ, PLAYED (not *_SELF, retries …)


def timestamp(value: int) -> datetime:
    if value <= 0:
        return datetime.now(UTC)
    return datetime.fromtimestamp(value / 1000 if value > 10**12 else value, UTC)


@dataclass
class People:
    """What the plugin knows of who is who: its own JIDs (a phone JID and a LID) and LID → phone mappings, so one
    person is one sender id whichever address WhatsApp used."""

    own: set[str] = field(default_factory=set)
    lid_phone: dict[str, str] = field(default_factory=dict)  # "123@lid" → "+4915…"

    def sender(self, jid: Any, alt: Any | None, name: str | None) -> Sender:
        key = jid_str(jid)
        phone = phone_of(jid)
        if jid.Server == LID_SERVER:
            if alt is not None and phone_of(alt):
                phone = phone_of(alt)
                self.lid_phone[key] = phone  # type: ignore[assignment]
            phone = phone or self.lid_phone.get(key)
            if phone:
                key = f"{phone[1:]}@{USER_SERVER}"  # the person's phone JID: the same id as their phone-addressed messages
        return Sender(id=key, name=name or None, phone=phone)


@dataclass
class Origin:
    """Where a message comes from, live or from history."""

    id: str
    chat: Any
    sender: Any
    sender_alt: Any | None
    from_me: bool
    at: datetime
    push_name: str | None
    history: bool = False

    @property
    def is_group(self) -> bool:
        return self.chat.Server == GROUP_SERVER


def origin_of_event(ev: Any) -> Origin:
    info = ev.Info
    src = info.MessageSource
    sender = src.Sender if src.Sender.User else src.Chat
    alt = src.SenderAlt if src.HasField("SenderAlt") and src.SenderAlt.User else None
    return Origin(id=info.ID, chat=src.Chat, sender=sender, sender_alt=alt, from_me=src.IsFromMe,
                  at=timestamp(info.Timestamp), push_name=info.Pushname or None)  # fmt: skip


def origin_of_history(wmi: Any, own: Any | None) -> Origin | None:
    """A history sync's `WebMessageInfo` (its key names the chat, the author in a group, and whether it is ours)."""
    key = wmi.key
    if not key.ID or not key.remoteJID:
        return None
    chat = parse_jid(key.remoteJID)
    author = key.participant or wmi.participant
    if key.fromMe and own is not None:
        sender = own
    elif author:
        sender = parse_jid(author)
    else:
        sender = chat
    return Origin(id=key.ID, chat=chat, sender=sender, sender_alt=None, from_me=bool(key.fromMe),
                  at=timestamp(wmi.messageTimestamp), push_name=wmi.pushName or None, history=True)  # fmt: skip


def unwrap(message: Any) -> Any:
    """The message inside ephemeral / view-once / document-with-caption / edited wrappers."""
    for _ in range(4):
        for wrapper in WRAPPERS:
            if message.HasField(wrapper) and message.__getattribute__(wrapper).HasField("message"):
                message = message.__getattribute__(wrapper).message
                break
        else:
            return message
    return message


def text_of(message: Any) -> str | None:
    message = unwrap(message)
    if message.HasField("extendedTextMessage"):
        return message.extendedTextMessage.text
    if message.HasField("conversation"):
        return message.conversation
    for kind in ("imageMessage", "videoMessage", "documentMessage"):
        if message.HasField(kind) and message.__getattribute__(kind).caption:
            return message.__getattribute__(kind).caption
    return None


def _context(message: Any) -> Any | None:
    for kind, _ in message.ListFields():
        inner = message.__getattribute__(kind.name)
        if hasattr(inner, "HasField") and "contextInfo" in type(inner).DESCRIPTOR.fields_by_name:
            return inner.contextInfo if inner.HasField("contextInfo") else None
    return None


def parse_vcard(vcard: str, fallback: str | None) -> Contact | None:
    """The first name, phone, e-mail and organisation of a vCard."""
    fields: dict[str, str] = {}
    for line in vcard.replace("\r\n ", "").splitlines():
        name, _, value = line.partition(":")
        key = name.split(";", 1)[0].upper()
        if value and key in ("FN", "TEL", "EMAIL", "ORG") and key not in fields:
            fields[key] = value.strip()
        if key == "TEL" and "waid=" in name.lower() and "TEL" not in fields:
            fields["TEL"] = "+" + name.lower().split("waid=", 1)[1].split(";")[0]
    name = (fields.get("FN") or fallback or "").strip()
    if not name:
        return None
    phone = fields.get("TEL")
    if phone:
        digits = re.sub(r"[^\d+]", "", phone)
        phone = digits if digits.startswith("+") else f"+{digits}" if digits else None
    return Contact(name=name[:255], phone=phone and phone[:64], email=fields.get("EMAIL", "")[:255] or None,
                   organization=fields.get("ORG", "").replace(";", " ").strip()[:255] or None)  # fmt: skip


@dataclass
class Parsed:
    """An omni event, and (for media) the message neonize downloads it from."""

    event: Any
    download: Any | None = None
    poll_vote: Any | None = None  # a PollUpdate's whole neonize event: its vote is decrypted with the client


def parse(origin: Origin, message: Any, people: People, raw_event: Any = None) -> list[Parsed]:
    """One WhatsApp message as omni events (usually one; a contacts card with several contacts gives one each)."""
    message = unwrap(message)
    chat = Chat(id=jid_str(origin.chat), type="group" if origin.is_group else "dm")
    if origin.chat.Server == "broadcast":
        chat = Chat(id=jid_str(origin.chat), type="broadcast")
    sender = people.sender(origin.sender, origin.sender_alt, origin.push_name)
    base: dict[str, Any] = {"external_id": origin.id, "chat": chat, "sender": sender, "timestamp": origin.at,
                            "history": origin.history or None}  # fmt: skip

    if message.HasField("reactionMessage"):
        reaction = message.reactionMessage
        if not reaction.key.ID:
            return []
        return [Parsed(InboundReaction(target=reaction.key.ID, emoji=reaction.text, removed=not reaction.text, **base))]
    if message.HasField("protocolMessage"):
        proto = message.protocolMessage
        if proto.type == REVOKE and proto.key.ID:
            return [Parsed(InboundDelete(target=proto.key.ID, **base))]
        if proto.type == MESSAGE_EDIT and proto.key.ID and proto.HasField("editedMessage"):
            text = text_of(proto.editedMessage)
            if text is not None:
                return [Parsed(InboundEdit(target=proto.key.ID, text=text, **base))]
        return []  # key shares, history notifications … are whatsmeow's business
    if message.HasField("pollUpdateMessage"):
        target = message.pollUpdateMessage.pollCreationMessageKey.ID
        return [Parsed(InboundSystem(text="voted in a poll", action="poll_vote", target=target or None, **base),
                       poll_vote=raw_event)]  # fmt: skip

    context = _context(message)
    extra: dict[str, Any] = {"is_from_me": origin.from_me}
    if context is not None:
        if context.stanzaID:
            extra["reply_to"] = context.stanzaID
            if context.HasField("quotedMessage"):
                extra["quoted_text"] = text_of(context.quotedMessage)
        mentions = [str(j) for j in context.mentionedJID]
        extra["mentions"] = mentions
        extra["is_mention"] = any(m.split(":")[0].split("@")[0] in people.own for m in mentions)
        extra["forwarded"] = bool(context.isForwarded)

    for kind, media_type in MEDIA.items():
        if message.HasField(kind):
            body = message.__getattribute__(kind)
            fields = type(body).DESCRIPTOR.fields_by_name
            media = Media(
                mime_type=body.mimetype or None,
                size=body.fileLength or None,
                caption=(body.caption or None) if "caption" in fields else None,
                filename=(body.fileName or None) if "fileName" in fields else None,
                duration=(body.seconds or None) if "seconds" in fields else None,
                voice_note=bool(getattr(body, "PTT", False)),
            )
            return [Parsed(InboundMessage(type=media_type, media=media, text=media.caption, **base, **extra),
                           download=message)]  # fmt: skip
    if message.HasField("contactMessage"):
        card = message.contactMessage
        contact = parse_vcard(card.vcard, card.displayName)
        return [Parsed(InboundMessage(type="contact", contact=contact, **base, **extra))] if contact else []
    if message.HasField("contactsArrayMessage"):
        out = []
        for i, card in enumerate(message.contactsArrayMessage.contacts):
            contact = parse_vcard(card.vcard, card.displayName)
            if contact:  # one message per contact: the card's id, then id:1, id:2 …
                one = {**base, "external_id": origin.id if i == 0 else f"{origin.id}:{i}"}
                out.append(Parsed(InboundMessage(type="contact", contact=contact, **one, **extra)))
        return out
    if message.HasField("locationMessage") or message.HasField("liveLocationMessage"):
        live = message.HasField("liveLocationMessage")
        place = message.liveLocationMessage if live else message.locationMessage
        location = Location(lat=place.degreesLatitude, lng=place.degreesLongitude,
                            name=(place.caption if live else place.name) or None,
                            address=None if live else place.address or None, live=live or None)  # fmt: skip
        return [Parsed(InboundMessage(type="location", location=location, **base, **extra))]
    for kind in POLLS:
        if message.HasField(kind):
            body = message.__getattribute__(kind)
            answers = [o.optionName[:100] for o in body.options if o.optionName][:10]
            if len(answers) >= 2:
                poll = Poll(question=(body.name or "poll")[:300], answers=answers,
                            multi_select=body.selectableOptionsCount != 1)  # fmt: skip
                return [Parsed(InboundMessage(type="poll", poll=poll, **base, **extra))]
            return [Parsed(InboundMessage(type="text", text=body.name or "poll", **base, **extra))]
    text = text_of(message)
    if text:
        raw = None
        if message.HasField("extendedTextMessage") and message.extendedTextMessage.matchedText:
            preview = message.extendedTextMessage
            raw = {"linkPreview": {"url": preview.matchedText, "title": preview.title or None,
                                   "description": preview.description or None}}  # fmt: skip
        return [Parsed(InboundMessage(type="text", text=text, raw=raw, **base, **extra))]
    return []


def parse_receipt(ev: Any, people: People) -> InboundReceipt | None:
    status = RECEIPTS.get(ev.Type)
    src = ev.MessageSource
    ids = [i for i in ev.MessageIDs if i]
    if status is None or not ids or src.IsFromMe:
        return None
    who = src.Sender if src.Sender.User else src.Chat
    chat = Chat(id=jid_str(src.Chat), type="group" if src.Chat.Server == GROUP_SERVER else "dm")
    sender = people.sender(who, src.SenderAlt if src.HasField("SenderAlt") and src.SenderAlt.User else None, None)
    return InboundReceipt(external_id=f"receipt:{status}:{sender.id}:{ids[0]}", chat=chat, sender=sender,
                          targets=ids[:1000], status=status, timestamp=timestamp(ev.Timestamp))  # type: ignore[arg-type]  # fmt: skip


def parse_chat_presence(ev: Any, people: People) -> InboundPresence | None:
    src = ev.MessageSource
    if src.IsFromMe:
        return None
    state = "paused" if ev.State == 2 else "recording" if ev.Media == 2 else "typing"
    who = src.Sender if src.Sender.User else src.Chat
    chat = Chat(id=jid_str(src.Chat), type="group" if src.Chat.Server == GROUP_SERVER else "dm")
    now = datetime.now(UTC)
    sender = people.sender(who, None, None)
    return InboundPresence(external_id=f"presence:{chat.id}:{sender.id}:{state}:{now.timestamp():.3f}", chat=chat,
                           sender=sender, state=state, timestamp=now)  # type: ignore[arg-type]  # fmt: skip


def parse_presence(ev: Any, people: People) -> InboundPresence | None:
    who = getattr(ev, "From", None)
    if who is None or not who.User or jid_str(who).split("@")[0] in people.own:
        return None
    sender = people.sender(who, None, None)
    state = "offline" if ev.Unavailable else "online"
    now = datetime.now(UTC)
    return InboundPresence(external_id=f"presence:{sender.id}:{state}:{now.timestamp():.3f}",
                           chat=Chat(id=jid_str(who), type="dm"), sender=sender, state=state, timestamp=now)  # type: ignore[arg-type]  # fmt: skip


def parse_call(ev: Any, people: People) -> InboundSystem | None:
    meta = ev.basicCallMeta
    if not meta.callID:
        return None
    caller = meta.__getattribute__("from")
    sender = people.sender(caller, meta.callCreatorAlt if meta.HasField("callCreatorAlt") else None, None)
    return InboundSystem(external_id=f"call:{meta.callID}", chat=Chat(id=jid_str(caller), type="dm"), sender=sender,
                         text="incoming call", action="call", timestamp=timestamp(meta.timestamp),
                         raw={"callId": meta.callID, "from": jid_str(caller)})  # fmt: skip
