"""`omni send` against a running server: every kind of message through a loopback instance, read back from its
outbox; `--async`, idempotency keys, and the mistakes a user makes (no kind, two kinds, a stray flag, no file)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.cli.conftest import Cli, unique

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")  # a PNG's first bytes


def loopback(cli_run: Cli, prefix: str = "send") -> dict[str, Any]:
    """A connected loopback instance of this test's own."""
    created = cli_run.ok("instances", "create", "--name", unique(prefix), "--channel", "loopback")
    wait_until(lambda: cli_run.ok("instances", "status", created["id"])["state"] == "connected")
    return created


def wait_until(check: Any, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def outbox(cli_run: Cli, instance_id: str, to: str | None = None) -> list[dict[str, Any]]:
    answer = cli_run.server.get(f"/api/v2/instances/{instance_id}/loopback/outbox", params={"to": to} if to else {})
    answer.raise_for_status()
    return answer.json()["items"]


def test_text_is_sent_and_shows_in_chats(cli_run: Cli) -> None:
    inst = loopback(cli_run)
    to = f"+1555{time.time_ns() % 10_000_000:07d}"
    sent = cli_run("send", "--instance", inst["name"], "--to", to, "--text", "hello there", ok=True).json
    assert sent["message"].startswith("message sent")
    assert sent["data"]["status"] == "sent" and sent["data"]["externalMessageId"] == f"lb-{sent['data']['messageId']}"
    (item,) = outbox(cli_run, inst["id"], to)
    assert item["kind"] == "text" and item["content"]["text"] == "hello there"
    # the chat and its message are listed (by instance name prefix, chat by its platform id)
    chats = cli_run.ok("chats", "list", "--instance", inst["id"][:8])
    assert [c["externalId"] for c in chats] == [to]
    messages = cli_run.ok("chats", "messages", to, "--instance", inst["name"])
    assert [(m["textContent"], m["isFromMe"]) for m in messages] == [("hello there", True)]
    table = cli_run("chats", "messages", to, "--instance", inst["name"], human=True, ok=True).out
    assert "hello there" in table and "me" in table
    listed = cli_run("chats", "list", "--instance", inst["name"], human=True, ok=True).out
    assert to in listed and "hello there" in listed
    human = cli_run("send", "--instance", inst["name"], "--to", to, "--text", "again", human=True, ok=True)
    assert "✓ message sent" in human.out and "externalMessageId" in human.out


def test_media_file_and_url(cli_run: Cli, tmp_path: Path) -> None:
    inst = loopback(cli_run)
    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    sent = cli_run.ok("send", "-i", inst["name"], "--to", "ann", "--media", str(photo), "--caption", "look")
    assert sent["status"] == "sent"
    (item,) = outbox(cli_run, inst["id"], "ann")
    media = item["content"]["media"]
    assert item["kind"] == "media" and media["filename"] == "photo.png" and media["caption"] == "look"
    assert media["mimeType"] == "image/png" and media["size"] == len(PNG)
    assert Path(media["path"]).read_bytes() == PNG  # the upload, stored on the server
    stored = cli_run.ok("messages", "get", sent["messageId"])
    assert stored["messageType"] == "image" and stored["hasMedia"] is True
    # a voice note, and a URL
    voice = tmp_path / "note.ogg"
    voice.write_bytes(b"OggS" + b"\0" * 20)
    cli_run.ok("send", "-i", inst["name"], "--to", "bob", "--media", str(voice), "--voice")
    cli_run.ok("send", "-i", inst["name"], "--to", "bob", "--media", "https://example.com/files/report.pdf")
    voice_item, url_item = outbox(cli_run, inst["id"], "bob")
    assert voice_item["content"]["media"]["voiceNote"] is True
    assert url_item["content"]["media"]["url"] == "https://example.com/files/report.pdf"
    assert url_item["content"]["media"]["filename"] == "report.pdf"
    kinds = [m["messageType"] for m in cli_run.ok("chats", "messages", "bob", "-i", inst["name"])]
    assert kinds == ["document", "audio"]


def test_every_other_kind(cli_run: Cli, tmp_path: Path) -> None:
    inst = loopback(cli_run)
    name, to = inst["name"], "carol"
    first = cli_run.ok("send", "-i", name, "--to", to, "--text", "first")
    cli_run.ok("send", "-i", name, "--to", to, "--reaction", "👍", "--message", first["messageId"][:8])
    sticker = tmp_path / "s.webp"
    sticker.write_bytes(b"RIFF0000WEBP")
    cli_run.ok("send", "-i", name, "--to", to, "--sticker", str(sticker))
    cli_run.ok("send", "-i", name, "--to", to, "--contact", "--name", "John", "--phone", "+15557654321",
               "--email", "j@example.com")  # fmt: skip
    cli_run.ok("send", "-i", name, "--to", to, "--location", "--lat", "-23.55", "--lng", "-46.63",
               "--address", "São Paulo", "--name", "Centro")  # fmt: skip
    cli_run.ok("send", "-i", name, "--to", to, "--poll", "Lunch?", "--options", "Pizza,Sushi", "--options", "Tacos",
               "--multi-select", "--duration", "24")  # fmt: skip
    cli_run.ok("send", "-i", name, "--to", to, "--embed", "--title", "Alert", "--description", "Rebooting",
               "--color", "#ff0000", "--url", "https://example.com")  # fmt: skip
    typing = cli_run("send", "-i", name, "--to", to, "--presence", "recording", ok=True).json
    assert typing["message"].startswith("presence sent") and typing["data"]["messageId"] is None  # not recorded
    cli_run.ok("send", "-i", name, "--to", "dave", "--forward", first["messageId"][:10])
    by_kind = {item["kind"]: item["content"] for item in outbox(cli_run, inst["id"])}
    assert by_kind["reaction"]["emoji"] == "👍" and by_kind["reaction"]["target"] == first["externalMessageId"]
    assert by_kind["sticker"]["media"]["mimeType"] == "image/webp"
    assert by_kind["contact"]["contact"] == {"name": "John", "phone": "+15557654321", "email": "j@example.com"}
    assert by_kind["location"]["location"] == {"lat": -23.55, "lng": -46.63, "name": "Centro", "address": "São Paulo"}
    poll = by_kind["poll"]["poll"]
    assert (
        poll["answers"] == ["Pizza", "Sushi", "Tacos"] and poll["multiSelect"] is True and poll["durationHours"] == 24
    )
    assert by_kind["embed"]["embed"]["color"] == 0xFF0000 and by_kind["embed"]["embed"]["title"] == "Alert"
    assert "presence" not in by_kind  # loopback shows typing nowhere
    assert by_kind["forward"]["target"] == first["externalMessageId"] and by_kind["forward"]["fromChat"] == to


def test_async_idempotency_and_a_chat_uuid_as_recipient(cli_run: Cli) -> None:
    inst = loopback(cli_run)
    queued = cli_run("send", "-i", inst["name"], "--to", "erin", "--text", "later", "--async", ok=True).json
    assert queued["data"]["status"] == "queued" and queued["message"].startswith("message queued")
    key = unique("key")
    once = cli_run.ok("send", "-i", inst["name"], "--to", "erin", "--text", "once", "--idempotency-key", key)
    again = cli_run.ok("send", "-i", inst["name"], "--to", "erin", "--text", "once", "--idempotency-key", key)
    assert once["messageId"] == again["messageId"]
    wait_until(lambda: len(outbox(cli_run, inst["id"], "erin")) == 2)
    chat = cli_run.ok("chats", "get", "erin", "--instance", inst["name"])
    cli_run.ok("send", "-i", inst["name"], "--to", chat["id"], "--text", "by chat id")
    assert [i["content"]["text"] for i in outbox(cli_run, inst["id"], "erin")][-1] == "by chat id"
    # the configured default instance
    env = {"OMNI_INSTANCE": inst["name"]}
    assert cli_run("send", "--to", "erin", "--text", "default", env=env, ok=True).data["status"] == "sent"


def test_mistakes_say_what_to_do(cli_run: Cli, tmp_path: Path) -> None:
    inst = loopback(cli_run)
    name = inst["name"]
    nothing = cli_run("send", "-i", name, "--to", "x", ok=False).json
    assert nothing["details"]["code"] == "USAGE" and "--text" in nothing["error"]
    two = cli_run("send", "-i", name, "--to", "x", "--text", "a", "--presence", "typing", human=True, ok=False)
    assert "not --text and --presence" in two.err
    stray = cli_run("send", "-i", name, "--to", "x", "--text", "a", "--caption", "c", ok=False).json
    assert stray["error"] == "--caption goes with --media, not with --text"
    assert "--caption" in stray["details"]["fields"]
    reaction = cli_run("send", "-i", name, "--to", "x", "--reaction", "👍", ok=False).json
    assert reaction["error"] == "--reaction needs --message"
    missing = cli_run("send", "-i", name, "--to", "x", "--media", str(tmp_path / "nope.png"), ok=False).json
    assert "no such file" in missing["error"]
    poll = cli_run("send", "-i", name, "--to", "x", "--poll", "Q?", "--options", "only-one", ok=False).json
    assert poll["details"]["code"] == "VALIDATION_ERROR" and "answers" in poll["details"]["fields"]
    color = cli_run("send", "-i", name, "--to", "x", "--embed", "--title", "t", "--color", "red", ok=False).json
    assert "not a colour" in color["error"]
    no_instance = cli_run("send", "--to", "x", "--text", "a", ok=False).json
    assert no_instance["details"]["code"] == "USAGE" and "defaultInstance" in no_instance["details"]["hint"]
    unknown = cli_run("send", "-i", unique("no-such"), "--to", "x", "--text", "a", human=True, ok=False)
    assert "no instance matches" in unknown.err
    assert outbox(cli_run, inst["id"]) == []
