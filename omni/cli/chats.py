"""`omni chats`: the conversations of every instance — list, show, state (archive, pin, mute, read, agent pause),
their messages and participants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import click

from omni.cli.base import (
    Column,
    Session,
    UsageProblem,
    cols,
    command,
    confirm,
    model_body,
    model_options,
    moment,
    pop_model_values,
    short,
)
from omni.client import models as m

COLUMNS = cols("id:short=ID", "name=Chat", "externalId=Platform id", "channel=Channel", "chatType=Type",
               "unreadCount=Unread", "messageCount=Msgs", "lastMessageAt=Last message",
               Column("lastMessagePreview", "Preview", lambda v: clip(v, 40)))  # fmt: skip
PARTICIPANT_COLUMNS = cols("id:short=ID", "platformUserId=Platform id", "displayName=Name", "role=Role",
                           "isActive=Active", "messageCount=Msgs", "lastSeenAt=Last seen")  # fmt: skip
ALIASES = {"instance_id": ["--instance", "-i"], "chat_type": ["--type"], "parent_chat_id": ["--parent"]}
CHAT_TYPES = [t.value for t in m.ChatType]
MESSAGE_TYPES = [t.value for t in m.MessageType]
MESSAGE_STATUSES = ["active", "edited", "deleted", "expired"]
DELIVERY_STATUSES = [t.value for t in m.DeliveryStatus]


def clip(value: Any, width: int) -> str:
    """Text on one line, cut to `width` characters."""
    if not value:
        return "-"
    line = " ".join(str(value).split())
    return line if len(line) <= width else line[: max(width - 1, 1)] + "…"


def resolve_chat(s: Session, chat: str, instance: str | None = None) -> str:
    """A chat by UUID, prefix, name or platform id (within `--instance` when given)."""
    return s.resolve("chat", chat, instance_id=s.resolve("instance", instance) if instance else None)


def instance_ids(s: Session, values: tuple[str, ...]) -> list[str] | None:
    return [s.resolve("instance", v) for v in values] or None


def message_filters(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The filters every message list takes (`omni chats messages`, `omni messages list`)."""
    options = [
        click.option("--type", "message_type", multiple=True, type=click.Choice(MESSAGE_TYPES),
                     help="Only these kinds (repeat)."),
        click.option("--media-only", is_flag=True, help="Only messages with media."),
        click.option("--audio-only", is_flag=True, help="Only audio (voice notes)."),
        click.option("--images-only", is_flag=True, help="Only images."),
        click.option("--search", help="Part of the text."),
        click.option("--since", "--after", "since", help="From this time on: ISO 8601, or an age (30m, 2h, 7d)."),
        click.option("--until", "--before", "until", help="Before this time: ISO 8601, or an age (2h = 2 hours ago)."),
        click.option("--from-me/--not-from-me", "is_from_me", default=None, help="Only sent (or only received) ones."),
        click.option("--sender", help="Only from this platform user id."),
        click.option("--person", help="Only from this person (UUID, prefix or name)."),
        click.option("--status", type=click.Choice(MESSAGE_STATUSES), help="Only this state (deleted shows those)."),
        click.option("--delivery", "delivery_status", type=click.Choice(DELIVERY_STATUSES),
                     help="Only this delivery state."),
        click.option("--include-deleted", is_flag=True, help="Show deleted messages too."),
        click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True),
        click.option("--cursor", help="The cursor a previous page printed."),
        click.option("--truncate", type=click.IntRange(10, 100_000), default=60, show_default=True,
                     help="Table: cut the text to this many characters."),
    ]  # fmt: skip
    for option in reversed(options):
        fn = option(fn)
    return fn


def filter_values(s: Session, v: dict[str, Any]) -> dict[str, Any]:
    """The API query from `message_filters` flags."""
    types = list(v.pop("message_type") or ())
    if v.pop("audio_only"):
        types.append("audio")
    if v.pop("images_only"):
        types.append("image")
    person = v.pop("person")
    return {
        "message_type": sorted(set(types)) or None, "has_media": True if v.pop("media_only") else None,
        "search": v.pop("search"), "since": moment(v.pop("since"), "--since"), "until": moment(v.pop("until"), "--until"),
        "is_from_me": v.pop("is_from_me"), "sender_platform_user_id": v.pop("sender"),
        "sender_person_id": s.resolve("person", person) if person else None, "status": v.pop("status"),
        "delivery_status": v.pop("delivery_status"), "include_deleted": v.pop("include_deleted") or None,
        "limit": v.pop("limit"), "cursor": v.pop("cursor"),
    }  # fmt: skip


def message_columns(width: int, *, chat: bool = False) -> list[Column]:
    """A compact message table: time, sender, kind, text."""

    def sender(row: Any) -> str:
        return "me" if row.get("isFromMe") else (row.get("senderName") or row.get("senderPlatformUserId") or "-")

    def body(row: Any) -> str:
        text = row.get("textContent") or row.get("transcription") or row.get("imageDescription")
        if row.get("status") == "deleted":
            text = f"(deleted) {text or ''}"
        return clip(text or (f"[{row.get('messageType')}]" if row.get("hasMedia") else None), width)

    columns = [Column("id", "ID", short), Column("platformTimestamp", "Time"), RowColumn("From", sender),
               Column("messageType", "Type"), RowColumn("Text", body)]  # fmt: skip
    if chat:
        columns.insert(1, Column("chatId", "Chat", short))
    return columns


class RowColumn(Column):
    """A column computed from the whole row."""

    def __init__(self, header: str, fn: Callable[[dict[str, Any]], str]) -> None:
        super().__init__("", header)
        self.fn = fn

    def cell(self, row: dict[str, Any]) -> str:
        return self.fn(row)


@click.group(name="chats")
def chats() -> None:
    """Conversations: list, show, archive, pin, mute, mark read, pause the agent, messages, participants.

    \b
    Examples:
      omni chats list --instance support --unread --sort unread
      omni chats messages 3f2a9c1b --limit 20 --media-only
      omni chats messages "Project team" --since 2h --search invoice
      omni chats mute 3f2a9c1b --hours 24
      omni chats pause 3f2a9c1b                 # a human takes over; `resume` gives it back to the agent
      omni chats create --instance support --external-id 15551234567@s.whatsapp.net --type dm --name Ann
    """


@command(chats, "list")
@click.option("--instance", "-i", multiple=True, help="Only this instance (UUID, prefix or name; repeat).")
@click.option("--channel", help="Only this channel (whatsapp, discord, telegram, …).")
@click.option("--type", "chat_type", type=click.Choice(CHAT_TYPES), help="Only this kind of chat.")
@click.option("--search", help="Part of the chat's name.")
@click.option("--archived/--no-archived", default=None, help="Only archived (or only not archived) chats.")
@click.option("--unread/--no-unread", default=None, help="Only chats with (or without) unread messages.")
@click.option("--pinned/--no-pinned", default=None, help="Only pinned (or only not pinned) chats.")
@click.option("--muted/--no-muted", default=None, help="Only muted (or only not muted) chats.")
@click.option("--include-deleted", is_flag=True, help="Show deleted chats too.")
@click.option("--sort", type=click.Choice(["activity", "unread", "name"]), default="activity", show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def list_chats(s: Session, instance: tuple[str, ...], channel: str | None, chat_type: str | None, search: str | None,
               archived: bool | None, unread: bool | None, pinned: bool | None, muted: bool | None,
               include_deleted: bool, sort: str, limit: int, cursor: str | None) -> None:  # fmt: skip
    """List chats, latest activity first."""
    page = s.client.chats.list(instance_id=instance_ids(s, instance), channel=channel, chat_type=chat_type,
                               search=search, archived=archived, unread=unread, pinned=pinned, muted=muted,
                               include_deleted=include_deleted or None, sort=sort, limit=limit,
                               cursor=cursor)  # fmt: skip
    s.out.emit(page, COLUMNS, empty="no chats yet: they appear with the first message sent or received")


@command(chats, "get")
@click.argument("chat")
@click.option("--instance", "-i", help="Look for the chat in this instance only.")
def get_chat(s: Session, chat: str, instance: str | None) -> None:
    """Show a chat (UUID, prefix, name or platform id)."""
    s.out.emit(s.client.chats.get(resolve_chat(s, chat, instance)))


def _parent(s: Session, body: dict[str, Any]) -> dict[str, Any]:
    if body.get("parent_chat_id"):
        body["parent_chat_id"] = resolve_chat(s, body["parent_chat_id"])
    return body


@command(chats, "create")
@model_options(m.ChatCreate, aliases=ALIASES, required=("external_id", "chat_type"))
def create_chat(s: Session, **values: Any) -> None:
    """Record a chat (chats are made by themselves when messages come and go; this is for imports)."""
    fields = pop_model_values(m.ChatCreate, values)
    fields["instance_id"] = s.instance(fields.get("instance_id"))
    body = _parent(s, model_body(s, m.ChatCreate, fields))
    created = s.client.chats.create(**body)
    s.out.emit(created, message=f"chat {created.name or created.external_id} created")


@command(chats, "update")
@click.argument("chat")
@click.option("--instance", "-i", help="Look for the chat in this instance only.")
@model_options(m.ChatUpdate, aliases={k: v for k, v in ALIASES.items() if k != "instance_id"})
def update_chat(s: Session, chat: str, instance: str | None, **values: Any) -> None:
    """Change a chat's stored fields (only the flags given change)."""
    body = _parent(s, model_body(s, m.ChatUpdate, pop_model_values(m.ChatUpdate, values)))
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    updated = s.client.chats.update(resolve_chat(s, chat, instance), **body)
    s.out.emit(updated, message=f"chat {updated.name or updated.external_id} updated")


@command(chats, "delete")
@click.argument("chat")
@click.option("--instance", "-i", help="Look for the chat in this instance only.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
def delete_chat(s: Session, chat: str, instance: str | None, yes: bool) -> None:
    """Delete a chat (soft: lists hide it, its messages stay)."""
    chat_id = resolve_chat(s, chat, instance)
    confirm(s, yes, f"delete chat {chat_id}?")
    s.client.chats.delete(chat_id)
    s.out.emit({"id": chat_id, "deleted": True}, message=f"chat {chat_id} deleted")


def _state_action(name: str, method: str, doc: str, verb: str) -> None:
    @command(chats, name)
    @click.argument("chat")
    @click.option("--instance", "-i", help="Look for the chat in this instance only.")
    def action(s: Session, chat: str, instance: str | None) -> None:
        chat_id = resolve_chat(s, chat, instance)
        s.out.emit(getattr(s.client.chats, method)(chat_id), message=f"chat {chat_id} {verb}")

    action.help = doc


_state_action("archive", "archive", "Archive a chat (and stop its follow-ups).", "archived")
_state_action("unarchive", "unarchive", "Unarchive a chat.", "unarchived")
_state_action("pin", "pin", "Pin a chat.", "pinned")
_state_action("unpin", "unpin", "Unpin a chat.", "unpinned")
_state_action("unmute", "unmute", "Unmute a chat.", "unmuted")
_state_action("read", "read", "Mark a chat read (stored: unread count 0; `omni messages read --chat` also tells the "
              "platform).", "marked read")  # fmt: skip
_state_action("pause", "pause_agent", "Pause the agent in a chat: a human takes over (follow-ups stop too).",
              "paused: the agent stays quiet here until `omni chats resume`")  # fmt: skip
_state_action("resume", "resume_agent", "Resume the agent in a chat.", "resumed: the agent answers again")


@command(chats, "mute")
@click.argument("chat")
@click.option("--instance", "-i", help="Look for the chat in this instance only.")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True), help="For how long (default 8 hours).")
@click.option("--days", type=click.FloatRange(min=0, min_open=True), help="For how long, in days.")
def mute_chat(s: Session, chat: str, instance: str | None, hours: float | None, days: float | None) -> None:
    """Mute a chat (8 hours unless --hours/--days)."""
    if hours is not None and days is not None:
        raise UsageProblem("give --hours or --days, not both", field="--hours")
    span = timedelta(hours=hours) if hours is not None else timedelta(days=days) if days is not None else None
    duration = int(span.total_seconds() * 1000) if span is not None else None
    chat_id = resolve_chat(s, chat, instance)
    muted = s.client.chats.mute(chat_id, duration_ms=duration)
    until = (muted.settings or {}).get("muteUntil")
    s.out.emit(
        muted, message=f"chat {chat_id} muted" + (f" until {str(until)[:19].replace('T', ' ')}" if until else "")
    )


@command(chats, "participants")
@click.argument("chat")
@click.option("--instance", "-i", help="Look for the chat in this instance only.")
@click.option("--active/--inactive", default=None, help="Only current (or only former) participants.")
@click.option("--role", type=click.Choice(["owner", "admin", "member", "guest"]), help="Only this role.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def participants(s: Session, chat: str, instance: str | None, active: bool | None, role: str | None, limit: int,
                 cursor: str | None) -> None:  # fmt: skip
    """The participants of a chat."""
    page = s.client.chats.participants(
        resolve_chat(s, chat, instance), active=active, role=role, limit=limit, cursor=cursor
    )
    s.out.emit(page, PARTICIPANT_COLUMNS, empty="no participants recorded")


@command(chats, "messages")
@click.argument("chat")
@click.option("--instance", "-i", help="Look for the chat in this instance only.")
@message_filters
def chat_messages(s: Session, chat: str, instance: str | None, truncate: int, **values: Any) -> None:
    """A chat's messages, newest first."""
    chat_id = resolve_chat(s, chat, instance)
    page = s.client.chats.messages(chat_id, **filter_values(s, values))
    s.out.emit(page, message_columns(truncate), empty="no messages")


def register(cli: click.Group) -> None:
    cli.add_command(chats)
