"""A fake of neonize's `NewAClient` (the only fake): it records every call and feeds REAL neonize event objects (the
protobuf messages neonize defines) to the handlers the plugin registered, the way neonize's Go callbacks do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from google.protobuf.message import Message as Proto
from neonize.aioze.events import QREv
from neonize.events import EVENT_TO_INT
from neonize.proto.Neonize_pb2 import JID, Blocklist, Device, MessageInfo, MessageSource, SendResponse
from neonize.proto.Neonize_pb2 import Message as MessageEv
from neonize.proto.waCommon.WACommon_pb2 import MessageKey
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, ExtendedTextMessage, Message, ReactionMessage

Handler = Callable[[Any, Any], Awaitable[None]]


class FakeEvent:
    """`client.event`: `client.event(EventType)(handler)` and `client.event.qr(handler)`, as in neonize."""

    def __init__(self) -> None:
        self.handlers: dict[int, Handler] = {}
        self.qr_handler: Handler | None = None

    def __call__(self, event: type[Proto]) -> Callable[[Handler], None]:
        def register(func: Handler) -> None:
            self.handlers[EVENT_TO_INT[event]] = func

        return register

    def qr(self, func: Handler) -> None:
        self.qr_handler = func


class FakeContacts:
    """neonize's `client.contact` store."""

    async def get_contact(self, user: JID) -> Any:
        from neonize.proto.Neonize_pb2 import ContactInfo

        return ContactInfo(Found=user.User == "4915112345678", FullName="Alice Example", PushName="Alice")

    async def get_all_contacts(self) -> list[Any]:
        from neonize.proto.Neonize_pb2 import Contact, ContactInfo

        return [Contact(JID=JID(User="4915112345678", Server="s.whatsapp.net"),
                        Info=ContactInfo(Found=True, FullName="Alice Example"))]  # fmt: skip


class FakeClient:
    def __init__(self, name: str, uuid: str, **options: Any) -> None:
        self.name, self.uuid = name, uuid
        self.options = options  # jid= / new_device= (the postgres session store)
        self.answering = True  # False: round trips to WhatsApp hang (a silent, half-open socket)
        self.socket_up = True  # what `is_connected` says
        self.push_name = "Omni Test"
        self.event = FakeEvent()
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.connect_task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self.connect_error: Exception | None = None  # the dial fails at once
        self.pair_code = "ABCD-EFGH"
        self.registered = {"4915112345678", "4915187654321"}  # numbers that are on WhatsApp
        self.statuses: dict[str, str] = {"4915112345678": "Hey there!"}
        self.blocked: set[str] = set()
        self.groups: dict[str, Any] = {}
        self.invites: dict[str, str] = {}
        self.contact = FakeContacts()
        self.device_props: Any = None  # set by the plugin before connecting (neonize sends it when pairing)
        self.media = b"\x89PNG fixture bytes"  # what download_any returns (decrypted media)
        self.download_error: Exception | None = None
        self.video_error: Exception | None = None  # e.g. no ffmpeg for the thumbnail
        self.sent = 0
        self.me = JID(User="4915100000001", Server="s.whatsapp.net", IsEmpty=False)  # the paired account

    # -- what the plugin calls --------------------------------------------------------------------------------------

    async def connect(self, proxy_settings: Any = None) -> asyncio.Task[None]:
        self.calls.append(("connect", (proxy_settings,)))

        async def run() -> None:  # neonize's task lives as long as the connection
            if self.connect_error is not None:
                raise self.connect_error
            await self._stop.wait()

        self.connect_task = asyncio.get_running_loop().create_task(run())
        return self.connect_task

    async def stop(self) -> None:
        self.calls.append(("stop", ()))
        self._stop.set()

    async def logout(self) -> None:
        self.calls.append(("logout", ()))

    async def PairPhone(self, phone: str, show_push_notification: bool, *rest: Any) -> str:
        self.calls.append(("PairPhone", (phone, show_push_notification)))
        return self.pair_code

    async def build_reply_message(self, message: str, quoted: MessageEv) -> Message:
        """What neonize builds: an extended text whose contextInfo quotes `quoted`."""
        self.calls.append(("build_reply_message", (message, quoted)))
        sender = quoted.Info.MessageSource.Sender
        context = ContextInfo(
            stanzaID=quoted.Info.ID, participant=f"{sender.User}@{sender.Server}", quotedMessage=quoted.Message
        )
        return Message(extendedTextMessage=ExtendedTextMessage(text=message, contextInfo=context))

    async def send_message(self, to: JID, message: Message | str) -> SendResponse:
        self.calls.append(("send_message", (to, message)))
        self.sent += 1
        msg = Message(conversation=message) if isinstance(message, str) else message
        return SendResponse(
            ID=f"3EB0{self.sent:016X}", Timestamp=1_700_000_000 + self.sent, Message=msg, Chat=to, Sender=self.me
        )

    async def build_reaction(self, chat: JID, sender: JID, message_id: str, reaction: str) -> Message:
        """What whatsmeow's BuildReaction makes: a reactionMessage keyed to the target."""
        self.calls.append(("build_reaction", (chat, sender, message_id, reaction)))
        key = MessageKey(
            remoteJID=f"{chat.User}@{chat.Server}",
            fromMe=sender.User == self.me.User,
            ID=message_id,
            participant=f"{sender.User}@{sender.Server}" if chat.Server == "g.us" else None,
        )
        return Message(reactionMessage=ReactionMessage(key=key, text=reaction, senderTimestampMS=1_700_000_000_000))

    async def mark_read(self, *message_ids: str, chat: JID, sender: JID, receipt: Any, timestamp: int | None = None):
        self.calls.append(("mark_read", (message_ids, chat, sender, receipt)))

    async def send_chat_presence(self, jid: JID, state: Any, media: Any) -> None:
        self.calls.append(("send_chat_presence", (jid, state, media)))

    # -- liveness and the account (the session plumbing) -------------------------------------------------------------

    @property
    def is_connected(self) -> Any:
        """As in neonize's aioze client: a property whose value is a coroutine."""

        async def check() -> bool:
            return self.socket_up

        return check()

    async def get_blocklist(self) -> Blocklist:
        self.calls.append(("get_blocklist", ()))
        if not self.answering:
            await asyncio.Event().wait()  # the IQ never comes back
        return Blocklist(DHash="", JIDs=[JID(User=u, Server="s.whatsapp.net") for u in sorted(self.blocked)])

    async def get_me(self) -> Device:
        self.calls.append(("get_me", ()))
        return Device(JID=self.me, PushName=self.push_name, Platform="android", BussinessName="", Initialized=True)

    # -- building what is sent (neonize uploads media while building) -------------------------------------------

    async def build_image_message(
        self, file: bytes, caption: str | None = None, quoted: Any = None, **_: Any
    ) -> Message:
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ImageMessage

        self.calls.append(("build_image_message", (file, caption)))
        return Message(imageMessage=ImageMessage(caption=caption, mimetype="image/png", fileLength=len(file)))

    async def build_video_message(
        self, file: bytes, caption: str | None = None, quoted: Any = None, **_: Any
    ) -> Message:
        self.calls.append(("build_video_message", (file, caption)))
        if self.video_error is not None:
            raise self.video_error
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import VideoMessage

        return Message(videoMessage=VideoMessage(caption=caption, mimetype="video/mp4", fileLength=len(file)))

    async def build_audio_message(self, file: bytes, ptt: bool = False, quoted: Any = None) -> Message:
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import AudioMessage

        self.calls.append(("build_audio_message", (file, ptt)))
        mime = "audio/ogg; codecs=opus" if ptt else "audio/mpeg"
        return Message(audioMessage=AudioMessage(PTT=ptt, mimetype=mime, fileLength=len(file)))

    async def build_document_message(self, file: bytes, caption: str | None = None, title: str | None = None,
                                     filename: str | None = None, mimetype: str | None = None, quoted: Any = None,
                                     **_: Any) -> Message:  # fmt: skip
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import DocumentMessage

        self.calls.append(("build_document_message", (file, caption, filename, mimetype)))
        return Message(documentMessage=DocumentMessage(caption=caption, fileName=filename, mimetype=mimetype,
                                                       fileLength=len(file)))  # fmt: skip

    async def build_sticker_message(self, file: bytes, quoted: Any = None, **_: Any) -> Message:
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import StickerMessage

        self.calls.append(("build_sticker_message", (file,)))
        return Message(stickerMessage=StickerMessage(mimetype="image/webp", fileLength=len(file)))

    async def build_poll_vote_creation(
        self, name: str, options: list[str], selectable: Any, quoted: Any = None
    ) -> Message:
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import PollCreationMessage

        self.calls.append(("build_poll_vote_creation", (name, options, selectable.value)))
        return Message(pollCreationMessage=PollCreationMessage(
            name=name, selectableOptionsCount=selectable.value,
            options=[PollCreationMessage.Option(optionName=o) for o in options]))  # fmt: skip

    async def edit_message(self, chat: JID, message_id: str, new_message: Message) -> SendResponse:
        self.calls.append(("edit_message", (chat, message_id, new_message)))
        return SendResponse(ID=f"EDIT{message_id}", Timestamp=1_700_000_500)

    async def revoke_message(self, chat: JID, sender: JID, message_id: str) -> SendResponse:
        self.calls.append(("revoke_message", (chat, sender, message_id)))
        return SendResponse(ID=f"REVOKE{message_id}", Timestamp=1_700_000_600)

    # -- media, polls, calls (inbound) -----------------------------------------------------------------------------

    async def download_any(self, message: Message, path: str | None = None) -> bytes:
        """whatsmeow downloads and decrypts: here the bytes the test put in `media`, or the error it set."""
        self.calls.append(("download_any", (message,)))
        if self.download_error is not None:
            raise self.download_error
        return self.media

    async def decrypt_poll_vote(self, message: MessageEv) -> Any:
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import PollVoteMessage

        self.calls.append(("decrypt_poll_vote", (message,)))
        return PollVoteMessage(selectedOptions=[b"\x01" * 32])

    async def reject_call(self, call_from: JID, call_id: str) -> None:
        self.calls.append(("reject_call", (call_from, call_id)))

    # -- the account and groups (a tiny WhatsApp: these numbers exist, these groups are joined) ----------------------

    async def is_on_whatsapp(self, *numbers: str) -> list[Any]:
        from neonize.proto.Neonize_pb2 import IsOnWhatsAppResponse

        self.calls.append(("is_on_whatsapp", numbers))
        out = []
        for number in numbers:
            digits = number.lstrip("+")
            out.append(IsOnWhatsAppResponse(Query=number, JID=JID(User=digits, Server="s.whatsapp.net"),
                                            IsIn=digits in self.registered))  # fmt: skip
        return out

    async def get_user_info(self, *jids: JID) -> list[Any]:
        from neonize.proto.Neonize_pb2 import GetUserInfoSingleReturnFunction, UserInfo

        self.calls.append(("get_user_info", jids))
        if any(j.User not in self.registered and j.User != self.me.User for j in jids):
            raise RuntimeError("item-not-found")
        return [GetUserInfoSingleReturnFunction(JID=j, UserInfo=UserInfo(Status=self.statuses.get(j.User, "")))
                for j in jids]  # fmt: skip

    async def get_profile_picture(self, jid: JID, extra: Any = None) -> Any:
        from neonize.proto.Neonize_pb2 import ProfilePictureInfo

        return ProfilePictureInfo(URL=f"https://pps.whatsapp.net/{jid.User}.jpg", ID="1")

    async def set_status_message(self, message: str) -> None:
        self.calls.append(("set_status_message", (message,)))
        self.statuses[self.me.User] = message

    async def set_profile_photo(self, data: bytes) -> str:
        self.calls.append(("set_profile_photo", (data,)))
        return "PIC1"

    async def update_blocklist(self, jid: JID, action: Any) -> Blocklist:
        self.calls.append(("update_blocklist", (jid, action.value)))
        (self.blocked.add if action.value == "block" else self.blocked.discard)(jid.User)
        return Blocklist(JIDs=[JID(User=u, Server="s.whatsapp.net") for u in sorted(self.blocked)])

    async def get_privacy_settings(self) -> Any:
        from neonize.proto.Neonize_pb2 import PrivacySettings

        return PrivacySettings(GroupAdd=3, LastSeen=3, Status=2, Profile=2, ReadReceipts=2, CallAdd=2, Online=2)

    def _group(self, jid: JID) -> Any:
        if jid.User not in self.groups:
            raise RuntimeError("item-not-found")
        return self.groups[jid.User]

    async def get_joined_groups(self) -> list[Any]:
        return list(self.groups.values())

    async def get_group_info(self, jid: JID) -> Any:
        return self._group(jid)

    async def create_group(self, name: str, participants: list[JID] = [], *rest: Any) -> Any:  # noqa: B006 (neonize's)
        from neonize.proto.Neonize_pb2 import GroupInfo, GroupName, GroupParticipant

        gid = f"1203630{len(self.groups) + 1:011d}"
        members = [GroupParticipant(JID=self.me, IsAdmin=True, IsSuperAdmin=True)]
        members += [GroupParticipant(JID=p) for p in participants]
        self.groups[gid] = GroupInfo(JID=group(gid), OwnerJID=self.me, GroupName=GroupName(Name=name),
                                     Participants=members)  # fmt: skip
        return self.groups[gid]

    async def get_group_invite_link(self, jid: JID, revoke: bool = False) -> str:
        self._group(jid)
        if revoke or jid.User not in self.invites:
            self.invites[jid.User] = f"Inv{len(self.invites)}{jid.User[-4:]}"
        return f"https://chat.whatsapp.com/{self.invites[jid.User]}"

    async def join_group_with_link(self, code: str) -> JID:
        self.calls.append(("join_group_with_link", (code,)))
        for gid, invite in self.invites.items():
            if invite == code:
                return group(gid)
        raise RuntimeError("item-not-found: invite revoked")

    async def set_group_photo(self, jid: JID, data: bytes) -> str:
        self._group(jid)
        return "GPIC1"

    async def update_group_participants(self, jid: JID, changes: list[JID], action: Any) -> list[Any]:
        from neonize.proto.Neonize_pb2 import GroupParticipant

        info = self._group(jid)
        self.calls.append(("update_group_participants", (jid, changes, action.value)))
        members = {p.JID.User for p in info.Participants}
        return [GroupParticipant(JID=c, Error=0 if (c.User in members) != (action.value == "add") else 404)
                for c in changes]  # fmt: skip

    # -- what the test does (the Go side, in neonize) ---------------------------------------------------------------

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [args for call, args in self.calls if call == name]

    async def qr(self, code: str) -> None:
        assert self.event.qr_handler is not None, "no QR handler registered"
        await self.event.qr_handler(self, code.encode())

    async def fire(self, event: Proto) -> None:
        """Deliver a neonize event to the handler registered for its type."""
        handler = self.event.handlers.get(EVENT_TO_INT[type(event)])
        assert handler is not None, f"no handler for {type(event).__name__}"
        await handler(self, event)


assert QREv  # the QR event type exists (neonize hands the codes to `event.qr` one by one)


def user(number: str) -> JID:
    return JID(User=number, Server="s.whatsapp.net", IsEmpty=False)


def group(gid: str) -> JID:
    return JID(User=gid, Server="g.us", IsEmpty=False)


def message_event(
    msg_id: str,
    chat: JID,
    sender: JID,
    message: Message,
    *,
    pushname: str = "",
    from_me: bool = False,
    timestamp: int = 1_700_000_000,
) -> MessageEv:
    source = MessageSource(Chat=chat, Sender=sender, IsFromMe=from_me, IsGroup=chat.Server == "g.us")
    info = MessageInfo(MessageSource=source, ID=msg_id, Pushname=pushname, Timestamp=timestamp, Type="text")
    return MessageEv(Info=info, Message=message)
