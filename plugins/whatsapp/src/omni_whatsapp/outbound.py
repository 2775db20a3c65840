"""omni → WhatsApp: every outbound kind besides text and reactions (media of every type, voice notes, stickers,
contacts, locations, polls, forwards, edits, deletes), and text chunked at the limit. Mixed into the `WhatsApp`
channel; whatsmeow uploads (encrypts) media while the message is built."""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path
from typing import Any

import httpx

from omni.channels.base import SendFailed
from omni.channels.types import Contact, Media, Outbound, SendResult

MAX_MEDIA = 100 * 1024 * 1024  # WhatsApp's own limit for documents (images and videos are smaller)
TEXT_LIMIT = 65_536
FETCH_TIMEOUT = 60.0


def media_kind(media: Media) -> str:
    """image, video, audio or document, from the mime type (or the file name)."""
    mime = (media.mime_type or mimetypes.guess_type(media.filename or media.path or media.url or "")[0] or "").lower()
    if media.voice_note or mime.startswith("audio/"):
        return "audio"
    if mime in ("image/jpeg", "image/png", "image/webp", "image/gif") or (
        mime.startswith("image/") and "svg" not in mime
    ):
        return "image"
    if mime.startswith("video/"):
        return "video"
    return "document"


async def media_bytes(media: Media) -> bytes:
    """The file to send: a local path (an upload omni stored) or a URL, at most MAX_MEDIA bytes."""
    if media.path:
        path = Path(media.path)
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
        except OSError:
            raise SendFailed(f"the media file is gone: {media.path}", code="VALIDATION_ERROR") from None
        if size > MAX_MEDIA:
            raise SendFailed(f"the file is over WhatsApp's {MAX_MEDIA} bytes", code="PAYLOAD_TOO_LARGE")
        return await asyncio.to_thread(path.read_bytes)
    if not media.url:
        raise SendFailed("media needs a url or an uploaded file", code="VALIDATION_ERROR")
    try:
        async with (
            httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", media.url) as response,
        ):
            if response.status_code >= 400:
                raise SendFailed(f"the media URL answered {response.status_code}",
                                 retryable=response.status_code >= 500, code="MEDIA_UNAVAILABLE")  # fmt: skip
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_MEDIA:
                    raise SendFailed(f"the file is over WhatsApp's {MAX_MEDIA} bytes", code="PAYLOAD_TOO_LARGE")
                chunks.append(chunk)
            return b"".join(chunks)
    except SendFailed:
        raise
    except httpx.HTTPError as exc:
        raise SendFailed(f"could not fetch the media: {exc}", retryable=True, code="MEDIA_UNAVAILABLE") from None


def vcard(contact: Contact) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{contact.name}"]
    if contact.organization:
        lines.append(f"ORG:{contact.organization}")
    if contact.phone:
        digits = "".join(c for c in contact.phone if c.isdigit())
        lines.append(f"TEL;type=CELL;type=VOICE;waid={digits}:{contact.phone}")
    if contact.email:
        lines.append(f"EMAIL:{contact.email}")
    return "\n".join([*lines, "END:VCARD"])


def chunks(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Text split at paragraph, line, sentence or word boundaries (never below half the limit) to fit the limit:
    omni's own splitter, the one agent replies use."""
    from omni.agents.replies import chunk

    return chunk(text, limit) or [text]


class Sending:
    """Outbound kinds for the `WhatsApp` channel (uses its `_client`, `_quoted`, `_author`, `_deliver`, `_call`)."""

    async def send_other(self, message: Outbound) -> SendResult:
        from omni_whatsapp.jids import parse_jid

        client = self._client()  # type: ignore[attr-defined]
        to = parse_jid(message.to)
        quoted = self._quoted(message.reply_to, to) if message.reply_to else None  # type: ignore[attr-defined]
        if message.kind in ("media", "sticker"):
            if message.media is None:
                raise SendFailed(f"a {message.kind} needs media", code="VALIDATION_ERROR")
            payload = await self._build_media(client, message, quoted)
        elif message.kind == "contact":
            payload = self._contact(message)
        elif message.kind == "location":
            payload = self._location(message)
        elif message.kind == "poll":
            payload = await self._poll(client, message, quoted)
        elif message.kind == "forward":
            payload = self._forward(message)
        elif message.kind == "edit":
            return await self._edit(client, to, message)
        elif message.kind == "delete":
            return await self._delete(client, to, message)
        else:
            raise SendFailed(f"WhatsApp cannot send {message.kind}", code="CAPABILITY_NOT_SUPPORTED")
        return await self._deliver(client, to, payload)  # type: ignore[attr-defined]

    async def _build_media(self, client: Any, message: Outbound, quoted: Any) -> Any:
        media = message.media
        assert media is not None
        data = await media_bytes(media)
        call = self._call  # type: ignore[attr-defined]
        if message.kind == "sticker":
            return await call(client.build_sticker_message(data, quoted=quoted))
        kind = media_kind(media)
        caption = media.caption or message.text
        if kind == "image":
            return await call(client.build_image_message(data, caption=caption, quoted=quoted))
        if kind == "audio":
            return await call(client.build_audio_message(data, ptt=media.voice_note, quoted=quoted))
        if kind == "video":
            try:
                return await client.build_video_message(data, caption=caption, quoted=quoted)
            except Exception as exc:  # no ffmpeg for the thumbnail, an odd container …: still delivered, as a file
                self.ctx.log.warning("sending a video as a document: %s", exc)  # type: ignore[attr-defined]
        name = media.filename or Path(media.path or media.url or "file").name or "file"
        mime = media.mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return await call(client.build_document_message(data, caption=caption, title=name, filename=name,
                                                        mimetype=mime, quoted=quoted))  # fmt: skip

    @staticmethod
    def _contact(message: Outbound) -> Any:
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContactMessage, Message

        if message.contact is None:
            raise SendFailed("a contact needs its contact", code="VALIDATION_ERROR")
        return Message(contactMessage=ContactMessage(displayName=message.contact.name, vcard=vcard(message.contact)))

    @staticmethod
    def _location(message: Outbound) -> Any:
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import LocationMessage, Message

        place = message.location
        if place is None:
            raise SendFailed("a location needs its location", code="VALIDATION_ERROR")
        return Message(locationMessage=LocationMessage(degreesLatitude=place.lat, degreesLongitude=place.lng,
                                                       name=place.name or None, address=place.address or None))  # fmt: skip

    async def _poll(self, client: Any, message: Outbound, quoted: Any) -> Any:
        from neonize.utils.enum import VoteType

        poll = message.poll
        if poll is None:
            raise SendFailed("a poll needs its question and answers", code="VALIDATION_ERROR")
        votes = VoteType.MULTIPLE if poll.multi_select else VoteType.SINGLE
        return await self._call(client.build_poll_vote_creation(poll.question, poll.answers, votes, quoted=quoted))  # type: ignore[attr-defined]

    def _forward(self, message: Outbound) -> Any:
        """The original, sent again marked forwarded (WhatsApp shows "Forwarded")."""
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, ExtendedTextMessage, Message

        received = self._recent.get(message.target or "")  # type: ignore[attr-defined]
        original = received.Message if received is not None else self._outbox.get(message.target or "")  # type: ignore[attr-defined]
        if original is None:
            raise SendFailed(f"message {message.target} is not known here (recent messages received or sent can be "
                             "forwarded)", code="NOT_FOUND")  # fmt: skip
        copy = Message()
        if isinstance(original, str):  # a plain text we sent
            copy.conversation = original
        else:
            copy.CopyFrom(original)
        if copy.HasField("conversation"):
            copy = Message(extendedTextMessage=ExtendedTextMessage(text=copy.conversation))
        for field, value in copy.ListFields():
            if "contextInfo" in type(value).DESCRIPTOR.fields_by_name:
                inner = getattr(copy, field.name)
                inner.contextInfo.CopyFrom(ContextInfo(isForwarded=True, forwardingScore=1))
                return copy
        raise SendFailed("this kind of message cannot be forwarded", code="CAPABILITY_NOT_SUPPORTED")

    async def _edit(self, client: Any, to: Any, message: Outbound) -> SendResult:
        from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message

        if not message.target or not message.text:
            raise SendFailed("an edit needs the message (target) and the new text", code="VALIDATION_ERROR")
        response = await self._call(client.edit_message(to, message.target, Message(conversation=message.text)))  # type: ignore[attr-defined]
        return SendResult(external_id=message.target, extra={"editId": response.ID or None})

    async def _delete(self, client: Any, to: Any, message: Outbound) -> SendResult:
        if not message.target:
            raise SendFailed("a delete needs the message (target)", code="VALIDATION_ERROR")
        author = self._author(message.target, to)  # type: ignore[attr-defined]
        response = await self._call(client.revoke_message(to, author, message.target))  # type: ignore[attr-defined]
        return SendResult(external_id=message.target, extra={"revokeId": response.ID or None})
