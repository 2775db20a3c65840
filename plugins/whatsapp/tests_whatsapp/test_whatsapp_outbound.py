"""Every outbound kind through neonize's builders (the fake records what would be uploaded and sent): media of each
type from a file or a URL, voice notes, stickers, contacts, locations, polls, forwards, edits, deletes, mentions and
text split at WhatsApp's limit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message
from omni_whatsapp.outbound import chunks, media_kind

from omni.channels.base import SendFailed
from omni.channels.types import Contact, Location, Media, Outbound, Poll

from .fake_neonize import message_event, user
from .harness import Harness, paired

ALICE = "4915112345678"
TO = f"{ALICE}@s.whatsapp.net"


@pytest.fixture
def files() -> Iterator[str]:
    """A web server on 127.0.0.1 with one file (`/clip.mp4`) and a missing one."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/clip.mp4":
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.end_headers()
                self.wfile.write(b"\x00\x00\x00\x18ftypmp42 video")
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def sent(h: Harness) -> list:
    return [message for _, message in h.client.called("send_message")]


async def test_media_of_every_type(tmp_path: Path, files: str) -> None:
    h = await paired(tmp_path)
    photo, voice, report = tmp_path / "photo.png", tmp_path / "note.ogg", tmp_path / "report.pdf"
    photo.write_bytes(b"\x89PNG photo")
    voice.write_bytes(b"OggS voice")
    report.write_bytes(b"%PDF report")
    outs = [
        Outbound(id="1", kind="media", to=TO, media=Media(path=str(photo), mime_type="image/png", caption="hi")),
        Outbound(id="2", kind="media", to=TO, media=Media(path=str(voice), mime_type="audio/ogg", voice_note=True)),
        Outbound(id="3", kind="media", to=TO, media=Media(path=str(report), filename="Q3.pdf")),
        Outbound(id="4", kind="media", to=TO, media=Media(url=f"{files}/clip.mp4", mime_type="video/mp4")),
        Outbound(id="5", kind="sticker", to=TO, media=Media(path=str(photo))),
    ]
    results = [await h.channel.send(o) for o in outs]
    assert all(r.external_id for r in results)
    kinds = [next(f.name for f, _ in m.ListFields()) for m in sent(h)]
    assert kinds == ["imageMessage", "audioMessage", "documentMessage", "videoMessage", "stickerMessage"]
    assert h.client.called("build_image_message") == [(b"\x89PNG photo", "hi")]
    assert h.client.called("build_audio_message") == [(b"OggS voice", True)]  # a voice note: PTT
    assert h.client.called("build_document_message")[0][2:] == ("Q3.pdf", "application/pdf")
    assert h.client.called("build_video_message")[0][0] == b"\x00\x00\x00\x18ftypmp42 video"


async def test_video_without_ffmpeg_goes_as_a_file_and_bad_media_fails_clearly(tmp_path: Path, files: str) -> None:
    h = await paired(tmp_path)
    h.client.video_error = RuntimeError("ffmpeg not found")
    await h.channel.send(Outbound(id="1", kind="media", to=TO, media=Media(url=f"{files}/clip.mp4")))
    assert next(f.name for f, _ in sent(h)[-1].ListFields()) == "documentMessage"
    with pytest.raises(SendFailed) as missing:
        await h.channel.send(Outbound(id="2", kind="media", to=TO, media=Media(url=f"{files}/gone.png")))
    assert missing.value.code == "MEDIA_UNAVAILABLE" and not missing.value.retryable
    with pytest.raises(SendFailed) as gone:
        await h.channel.send(Outbound(id="3", kind="media", to=TO, media=Media(path=str(tmp_path / "nope.png"))))
    assert gone.value.code == "VALIDATION_ERROR"


async def test_contact_location_poll(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    ada = Contact(name="Ada Lovelace", phone="+44 20 7946 0000", email="ada@example.com", organization="Engines")
    await h.channel.send(Outbound(id="1", kind="contact", to=TO, contact=ada))
    await h.channel.send(
        Outbound(id="2", kind="location", to=TO, location=Location(lat=51.5, lng=-0.12, name="Office"))
    )
    await h.channel.send(Outbound(id="3", kind="poll", to=TO, poll=Poll(question="Lunch?", answers=["Pizza", "Sushi"],
                                                                           multi_select=True)))  # fmt: skip
    card, place, poll = sent(h)
    assert card.contactMessage.displayName == "Ada Lovelace"
    assert "waid=442079460000" in card.contactMessage.vcard and "EMAIL:ada@example.com" in card.contactMessage.vcard
    assert (place.locationMessage.degreesLatitude, place.locationMessage.name) == (51.5, "Office")
    assert [o.optionName for o in poll.pollCreationMessage.options] == ["Pizza", "Sushi"]
    assert h.client.called("build_poll_vote_creation")[0][2] == 0  # VoteType.MULTIPLE


async def test_forward_edit_delete(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    await h.client.fire(message_event("3A01", user(ALICE), user(ALICE), Message(conversation="pass it on")))
    await h.channel.send(Outbound(id="1", kind="forward", to="4915187654321@s.whatsapp.net", target="3A01"))
    forwarded = sent(h)[-1]
    assert forwarded.extendedTextMessage.text == "pass it on" and forwarded.extendedTextMessage.contextInfo.isForwarded
    mine = await h.channel.send(Outbound(id="2", kind="text", to=TO, text="tpyo"))
    edited = await h.channel.send(Outbound(id="3", kind="edit", to=TO, target=mine.external_id, text="typo"))
    assert edited.external_id == mine.external_id
    chat, message_id, new = h.client.called("edit_message")[0]
    assert (chat.User, message_id, new.conversation) == (ALICE, mine.external_id, "typo")
    await h.channel.send(Outbound(id="4", kind="delete", to=TO, target=mine.external_id))
    chat, author, message_id = h.client.called("revoke_message")[0]
    assert (author.User, message_id) == (h.client.me.User, mine.external_id)  # our own message
    with pytest.raises(SendFailed) as unknown:
        await h.channel.send(Outbound(id="5", kind="forward", to=TO, target="NOPE"))
    assert unknown.value.code == "NOT_FOUND"


async def test_mentions_and_long_text(tmp_path: Path) -> None:
    h = await paired(tmp_path)
    await h.channel.send(Outbound(id="1", kind="text", to="120363025246125244@g.us", text="@4915112345678 look",
                                  mentions=[{"id": "+4915112345678"}]))  # fmt: skip
    mention = sent(h)[-1]
    assert list(mention.extendedTextMessage.contextInfo.mentionedJID) == [TO]
    long = ("A paragraph of words. " * 200 + "\n\n") * 20
    result = await h.channel.send(Outbound(id="2", kind="text", to=TO, text=long))
    parts = sent(h)[1:]
    assert len(parts) == len(result.extra["externalIds"]) > 1 and result.external_id == result.extra["externalIds"][0]
    assert all(len(p) <= 65_536 for p in parts)
    assert " ".join(parts).split() == long.split()  # nothing lost between the parts


def test_chunks_and_media_kinds() -> None:
    text = "First paragraph.\n\nSecond one is longer and longer.\nA line. Another sentence here"
    parts = chunks(text, 40)
    assert all(len(p) <= 40 for p in parts) and len(parts) > 1 and parts[0].startswith("First paragraph.")
    assert " ".join(parts).split() == text.split()
    assert chunks("x" * 100, 30) == ["x" * 30, "x" * 30, "x" * 30, "x" * 10]  # no boundary: cut at the limit
    assert media_kind(Media(mime_type="image/jpeg")) == "image"
    assert media_kind(Media(url="https://x/y.mp4")) == "video"
    assert media_kind(Media(mime_type="audio/mpeg")) == "audio"
    assert media_kind(Media(mime_type="image/svg+xml")) == "document"
    assert media_kind(Media(filename="a.zip")) == "document"
