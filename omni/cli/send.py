"""`omni send`: one message of any kind (text, media, reaction, sticker, contact, location, poll, embed, presence,
forward) through an instance."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any

import click

from omni.cli.base import HEX_PREFIX_RE, UUID_RE, Session, UsageProblem, command, split_csv

# Each kind of message: the flag that picks it, and the other flags that belong to it.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "text": ("--text", ("reply_to", "mention")),
    "media": ("--media", ("caption", "voice", "media_type", "filename", "reply_to")),
    "reaction": ("--reaction", ("message",)),
    "sticker": ("--sticker", ()),
    "contact": ("--contact", ("name", "phone", "email", "organization")),
    "location": ("--location", ("lat", "lng", "address", "name")),
    "poll": ("--poll", ("options", "multi_select", "duration")),
    "embed": ("--embed", ("title", "description", "color", "url", "footer", "image_url")),
    "presence": ("--presence", ()),
    "forward": ("--forward", ("from_chat",)),
}
EXTRAS = {name for _, extras in KINDS.values() for name in extras}


# `command` needs a group to declare a command in; "cli" marks a top-level command (no group in the hints).
_top = click.Group(name="cli")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _kind(values: dict[str, Any]) -> str:
    """The one kind of message the flags ask for."""
    given = [kind for kind in KINDS if values.get(kind) not in (None, False)]
    if not given:
        raise UsageProblem("what to send? give one of " + ", ".join(flag for flag, _ in KINDS.values()),
                           hint='e.g. `omni send --to +15551234567 --text "hello"`')  # fmt: skip
    if len(given) > 1:
        raise UsageProblem(f"give one kind of message, not {' and '.join(KINDS[k][0] for k in given)}",
                           hint="send them one after the other")  # fmt: skip
    kind = given[0]
    allowed = set(KINDS[kind][1])
    stray = [name for name in sorted(EXTRAS - allowed) if values.get(name) not in (None, False, ())]
    if stray:
        owners = {name: [KINDS[k][0] for k in KINDS if name in KINDS[k][1]] for name in stray}
        problem = "; ".join(f"{_flag(n)} goes with {' or '.join(owners[n])}" for n in stray)
        raise UsageProblem(f"{problem}, not with {KINDS[kind][0]}", field=_flag(stray[0]))
    return kind


def _need(values: dict[str, Any], kind: str, *names: str) -> None:
    missing = [_flag(n) for n in names if values.get(n) in (None, ())]
    if missing:
        raise UsageProblem(f"{KINDS[kind][0]} needs {' and '.join(missing)}", field=missing[0])


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _local(value: str, flag: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_file():
        raise UsageProblem(f"{flag}: no such file: {value}", hint="give a local file or an http(s) URL", field=flag)
    return path


def _color(value: str | None) -> int | None:
    """`#ff0000`, `ff0000`, `0xff0000` or a decimal number."""
    if value is None:
        return None
    text = value.strip().lower()
    try:
        if text.startswith("#"):
            return int(text[1:], 16)
        if text.startswith("0x"):
            return int(text[2:], 16)
        if text.isdigit():
            return int(text)
        return int(text, 16)
    except ValueError:
        raise UsageProblem(f"--color: not a colour: {value}", hint="e.g. #ff0000", field="--color") from None


def _recipient(s: Session, instance_id: str, to: str) -> str:
    """A chat's UUID (from `omni chats list`) becomes that chat's platform id; anything else goes as it is (a phone
    number, a platform user or chat id, or a person's UUID, which the API maps to their id on the channel)."""
    if UUID_RE.match(to):
        from omni.client import NotFound

        try:
            chat = s.client.chats.get(to)
        except NotFound:
            return to
        if str(chat.instance_id) == instance_id:
            return chat.external_id
    return to


def _message_ref(s: Session, instance_id: str, value: str) -> str:
    """A message given as an omni UUID (or a unique prefix of one) or as the platform's id: what the API takes."""
    from omni.client import Ambiguous, NotFound

    if UUID_RE.match(value) or not HEX_PREFIX_RE.match(value):
        return value
    try:
        found = s.resolve("message", value, instance_id=instance_id)
    except (NotFound, Ambiguous):
        return value
    return found if found.startswith(value.lower()) else value  # else a platform id (the API looks those up)


def send_one(s: Session, kind: str, instance_id: str, to: str, v: dict[str, Any], wait: bool,
             idempotency_key: str | None) -> Any:  # fmt: skip
    """The API call for one kind of message."""
    msgs = s.client.messages
    common: dict[str, Any] = {"instance_id": instance_id, "to": to, "wait": wait, "idempotency_key": idempotency_key}
    if kind == "text":
        mentions = [{"id": m, "type": "user"} for m in split_csv(v.get("mention")) or []]
        return msgs.send(**common, text=v["text"], reply_to=v.get("reply_to"), mentions=mentions or None)
    if kind == "media":
        source = v["media"]
        extra = {"caption": v.get("caption"), "reply_to": v.get("reply_to"), "type": v.get("media_type")}
        if v.get("voice"):
            extra["voice_note"] = True
            extra["type"] = extra["type"] or "audio"
        extra = {k: val for k, val in extra.items() if val is not None}
        if _is_url(source):
            from omni.client.resources import media_type

            mime = mimetypes.guess_type(source.split("?", 1)[0])[0]
            extra.setdefault("type", media_type(mime) if mime else "document")
            filename = v.get("filename") or Path(source.split("?", 1)[0]).name or None
            return msgs.send_media(**common, url=source, mime_type=mime, filename=filename, **extra)
        if v.get("filename"):
            raise UsageProblem("--filename is for a URL; a local file is sent under its own name", field="--filename")
        return msgs.send_media(**common, file=str(_local(source, "--media")), **extra)
    if kind == "reaction":
        _need(v, kind, "message")
        return msgs.send_reaction(**common, message_id=_message_ref(s, instance_id, v["message"]),
                                  emoji=v["reaction"])  # fmt: skip
    if kind == "sticker":
        source = v["sticker"]
        if _is_url(source):
            return msgs.send_sticker(**common, url=source)
        data = _local(source, "--sticker").read_bytes()
        return msgs.send_sticker(**common, base64=base64.b64encode(data).decode())
    if kind == "contact":
        _need(v, kind, "name")
        return msgs.send_contact(**common, name=v["name"], phone=v.get("phone"), email=v.get("email"),
                                 organization=v.get("organization"))  # fmt: skip
    if kind == "location":
        _need(v, kind, "lat", "lng")
        return msgs.send_location(**common, latitude=v["lat"], longitude=v["lng"], address=v.get("address"),
                                  name=v.get("name"))  # fmt: skip
    if kind == "poll":
        _need(v, kind, "options")
        return msgs.send_poll(**common, question=v["poll"], options=split_csv(v["options"]) or [],
                              multi_select=v.get("multi_select") or None, duration_hours=v.get("duration"))  # fmt: skip
    if kind == "embed":
        if not v.get("title") and not v.get("description"):
            raise UsageProblem("--embed needs --title or --description", field="--title")
        return msgs.send_embed(**common, title=v.get("title"), description=v.get("description"),
                               color=_color(v.get("color")), url=v.get("url"), footer=v.get("footer"),
                               image_url=v.get("image_url"))  # fmt: skip
    if kind == "presence":
        return msgs.send_presence(**common, type=v["presence"])
    if kind == "forward":
        message_id = _message_ref(s, instance_id, v["forward"])
        from_chat = v.get("from_chat")
        if not from_chat:
            if not UUID_RE.match(message_id):
                raise UsageProblem("--forward of a platform message id needs --from-chat (the chat it is in)",
                                   hint="or give the message's omni id (`omni messages list`)",
                                   field="--from-chat")  # fmt: skip
            stored = msgs.get(message_id)
            from_chat = s.client.chats.get(stored.chat_id).external_id
        return msgs.forward(**common, message_id=message_id, from_chat_id=from_chat)
    raise AssertionError(kind)  # pragma: no cover


@command(_top, "send")
@click.option("--instance", "-i", help="The instance to send through (UUID, prefix or name; default: defaultInstance).")
@click.option(
    "--to",
    "-t",
    required=True,
    help="Recipient: a phone number, a platform user or chat id, a chat's UUID, or a person's UUID.",
)
@click.option("--text", help="A text message.")
@click.option("--reply-to", help="With --text/--media: the platform id of the message to quote.")
@click.option("--mention", multiple=True, help="With --text: a platform user id to mention (repeat, or commas).")
@click.option("--media", help="A file (uploaded) or an http(s) URL: image, audio, video or document.")
@click.option("--caption", help="With --media: the caption.")
@click.option("--voice", is_flag=True, default=None, help="With --media: send audio as a voice note.")
@click.option(
    "--media-type",
    type=click.Choice(["image", "audio", "video", "document"]),
    help="With --media: the kind of file (guessed from its name when left out).",
)
@click.option("--filename", help="With --media URL: the file name to show.")
@click.option("--reaction", help="An emoji to react with (with --message; empty removes our reaction).")
@click.option("--message", help="With --reaction: the message (omni UUID, prefix, or the platform's id).")
@click.option("--sticker", help="A sticker: a local .webp file or an http(s) URL.")
@click.option("--contact", is_flag=True, default=None, help="A contact card (with --name, --phone, --email).")
@click.option("--name", help="With --contact: the contact's name; with --location: the place's name.")
@click.option("--phone", help="With --contact: the phone number.")
@click.option("--email", help="With --contact: the e-mail address.")
@click.option("--organization", help="With --contact: the organization.")
@click.option("--location", is_flag=True, default=None, help="A location (with --lat, --lng, --address).")
@click.option("--lat", type=click.FloatRange(-90, 90), help="With --location: latitude.")
@click.option("--lng", type=click.FloatRange(-180, 180), help="With --location: longitude.")
@click.option("--address", help="With --location: the address.")
@click.option("--poll", help="A poll: its question (with --options).")
@click.option("--options", multiple=True, help="With --poll: the answers, comma-separated (2 to 10).")
@click.option("--multi-select", is_flag=True, default=None, help="With --poll: allow several answers.")
@click.option("--duration", type=click.IntRange(1, 168), help="With --poll: hours it stays open.")
@click.option("--embed", is_flag=True, default=None, help="A rich card (with --title, --description …).")
@click.option("--title", help="With --embed: the title.")
@click.option("--description", help="With --embed: the text.")
@click.option("--color", help="With --embed: the colour (#ff0000).")
@click.option("--url", help="With --embed: the link of the title.")
@click.option("--footer", help="With --embed: the footer.")
@click.option("--image-url", help="With --embed: an image.")
@click.option("--presence", type=click.Choice(["typing", "recording", "paused"]),
              help="Show typing / recording (or stop: paused).")  # fmt: skip
@click.option("--forward", help="Forward a message (omni UUID or prefix; a platform id needs --from-chat).")
@click.option("--from-chat", help="With --forward: the platform id of the chat the message is in.")
@click.option("--async", "no_wait", is_flag=True, help="Do not wait for the platform: answer at once (queued).")
@click.option("--idempotency-key", help="Send once only, however often this is retried with the same key.")
def send(s: Session, instance: str | None, to: str, no_wait: bool, idempotency_key: str | None,
         **values: Any) -> None:  # fmt: skip
    """Send a message: text, media, a reaction, sticker, contact, location, poll, embed, presence or a forward.

    \b
    Examples:
      omni send --instance support --to +15551234567 --text "hello"
      omni send --to +15551234567 --media ./photo.jpg --caption "look"
      omni send --to +15551234567 --media https://example.com/a.pdf
      omni send --to +15551234567 --media ./note.ogg --voice
      omni send --to +15551234567 --reaction 👍 --message 3f2a9c1b
      omni send --to +15551234567 --contact --name John --phone +15557654321
      omni send --to +15551234567 --location --lat -23.55 --lng -46.63 --address "São Paulo"
      omni send --to 1234567890 --poll "Lunch?" --options "Pizza,Sushi" --multi-select
      omni send --to 1234567890 --embed --title Alert --description "Rebooting" --color "#ff0000"
      omni send --to +15551234567 --presence typing
      omni send --to +15557654321 --forward 3f2a9c1b
    """
    kind = _kind(values)
    instance_id = s.instance(instance)
    recipient = _recipient(s, instance_id, to)
    result = send_one(s, kind, instance_id, recipient, values, not no_wait, idempotency_key)
    status = getattr(result, "status", None)
    state = str(getattr(status, "value", status) or "sent")
    label = "queued" if state == "queued" else "sent"
    what = "message" if kind in ("text", "forward") else kind
    s.out.emit(result, message=f"{what} {label}" + (f" to {result.to}" if getattr(result, "to", None) else ""))


def register(cli: click.Group) -> None:
    cli.add_command(send)
