"""`omni messages`: the stored messages of every chat — list, search, show — and what can be done to one: mark read,
delete, star, edit, react (on the platform and in the record)."""

from __future__ import annotations

from typing import Any

import click

from omni.cli.base import (
    Session,
    UsageProblem,
    command,
    confirm,
    model_body,
    model_options,
    pop_model_values,
    split_csv,
)
from omni.cli.chats import filter_values, instance_ids, message_columns, message_filters, resolve_chat
from omni.client import models as m

MAX_READ = 100  # messages one platform read receipt may name


def resolve_message(s: Session, value: str, instance: str | None = None) -> str:
    """A message by UUID, unique prefix or platform id (within `--instance` when given)."""
    return s.resolve("message", value, instance_id=s.resolve("instance", instance) if instance else None)


def _platform_chat(s: Session, chat_id: Any) -> str:
    return s.client.chats.get(chat_id).external_id


def _state(result: Any) -> str:
    status = (result or {}).get("status") if isinstance(result, dict) else getattr(result, "status", None)
    return str(getattr(status, "value", status) or "sent")


@click.group(name="messages")
def messages() -> None:
    """Stored messages: list, search, show; mark read, delete, star, edit, react.

    \b
    Examples:
      omni messages search "meeting tomorrow" --instance support --limit 10
      omni messages list --chat 3f2a9c1b --since 2h --type audio
      omni messages read --chat 3f2a9c1b             # everything unread in the chat, on the platform too
      omni messages read --batch --ids 5d1e,8a3f,c0b2
      omni messages edit 5d1e20aa --text "fixed typo"
      omni messages delete 5d1e20aa --on-channel     # for everyone on the platform, and in the record
      omni messages react 5d1e20aa 👍 --on-channel
    """


@command(messages, "list")
@click.option("--instance", "-i", multiple=True, help="Only this instance (UUID, prefix or name; repeat).")
@click.option("--chat", "-c", help="Only this chat (UUID, prefix, name or platform id).")
@message_filters
def list_messages(s: Session, instance: tuple[str, ...], chat: str | None, truncate: int, **values: Any) -> None:
    """List messages, newest first."""
    ids = instance_ids(s, instance)
    chat_id = s.resolve("chat", chat, instance_id=ids[0] if ids and len(ids) == 1 else None) if chat else None
    page = s.client.messages.list(instance_id=ids, chat_id=chat_id, **filter_values(s, values))
    s.out.emit(page, message_columns(truncate, chat=chat_id is None), empty="no messages")


@command(messages, "search")
@click.argument("text")
@click.option("--instance", "-i", multiple=True, help="Only this instance (UUID, prefix or name; repeat).")
@click.option("--chat", "-c", help="Only this chat (UUID, prefix, name or platform id).")
@message_filters
def search_messages(s: Session, text: str, instance: tuple[str, ...], chat: str | None, truncate: int,
                    **values: Any) -> None:  # fmt: skip
    """Messages whose text contains TEXT (any case), newest first."""
    if values.get("search"):
        raise UsageProblem("give the text once: as the argument", field="--search")
    values["search"] = text
    ids = instance_ids(s, instance)
    chat_id = s.resolve("chat", chat, instance_id=ids[0] if ids and len(ids) == 1 else None) if chat else None
    page = s.client.messages.list(instance_id=ids, chat_id=chat_id, **filter_values(s, values))
    s.out.emit(page, message_columns(truncate, chat=chat_id is None), empty=f"no message contains {text!r}")


@command(messages, "get")
@click.argument("message")
@click.option("--instance", "-i", help="Look for the message in this instance only.")
def get_message(s: Session, message: str, instance: str | None) -> None:
    """Show a message (UUID, prefix or platform id): every stored field."""
    s.out.emit(s.client.messages.get(resolve_message(s, message, instance)))


@command(messages, "update")
@click.argument("message")
@model_options(m.MessageUpdate)
def update_message(s: Session, message: str, **values: Any) -> None:
    """Change a message's stored fields (a new --text-content is kept as an edit); the platform is not told."""
    body = model_body(s, m.MessageUpdate, pop_model_values(m.MessageUpdate, values))
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    updated = s.client.messages.update(resolve_message(s, message), **body)
    s.out.emit(updated, message=f"message {updated.id} updated")


@command(messages, "read")
@click.argument("message", required=False)
@click.option("--chat", "-c", help="Mark this chat's unread messages read (or those of --ids).")
@click.option("--ids", multiple=True, help="The messages (UUIDs, prefixes or platform ids; commas or repeat).")
@click.option("--batch", is_flag=True, help="Mark several messages (--ids) read at once (the default with --ids).")
@click.option("--instance", "-i", help="Look for the chat and messages in this instance only.")
def read(s: Session, message: str | None, chat: str | None, ids: tuple[str, ...], batch: bool,
         instance: str | None) -> None:  # fmt: skip
    """Mark messages read on the platform (blue ticks): one MESSAGE, a --chat, or --ids."""
    wanted = split_csv(ids) or []
    if message and (chat or wanted):
        raise UsageProblem("give one message, or --chat / --ids, not both", field="--chat")
    if batch and not wanted:
        raise UsageProblem("--batch needs --ids", field="--ids")
    if not message and not chat and not wanted:
        raise UsageProblem("what to mark read? give a message, --chat or --ids",
                           hint="e.g. `omni messages read --chat 3f2a9c1b`", field="--chat")  # fmt: skip
    if message:
        message_id = resolve_message(s, message, instance)
        result = s.client.messages.mark_read(message_id)
        s.out.emit(result, message=f"message {message_id} marked read ({_state(result)})")
        return
    if chat:
        chat_id = resolve_chat(s, chat, instance)
        row = s.client.chats.get(chat_id)
        targets = wanted or _unread(s, chat_id, row.unread_count)
        outcome: dict[str, Any] = {"chatId": chat_id, "messages": len(targets)}
        if targets:
            result = s.client.messages.mark_chat_read(instance_id=str(row.instance_id), chat_id=row.external_id,
                                                      message_ids=targets[:MAX_READ])  # fmt: skip
            outcome.update(result if isinstance(result, dict) else {})
        if not wanted:
            s.client.chats.read(chat_id)  # the stored unread count too
        s.out.emit(outcome, message=f"chat {chat_id}: {len(targets)} message(s) marked read")
        return
    groups: dict[tuple[str, str], list[str]] = {}
    for value in wanted:
        found = s.client.messages.get(resolve_message(s, value, instance))
        groups.setdefault((str(found.instance_id), str(found.chat_id)), []).append(str(found.id))
    results = []
    for (instance_id, chat_id), message_ids in groups.items():
        for start in range(0, len(message_ids), MAX_READ):
            result = s.client.messages.mark_chat_read(instance_id=instance_id, chat_id=_platform_chat(s, chat_id),
                                                      message_ids=message_ids[start : start + MAX_READ])  # fmt: skip
            results.append({"chatId": chat_id, "messages": len(message_ids[start : start + MAX_READ]),
                            **(result if isinstance(result, dict) else {})})  # fmt: skip
    s.out.emit(results, message=f"{len(wanted)} message(s) in {len(groups)} chat(s) marked read")


def _unread(s: Session, chat_id: str, unread: int) -> list[str]:
    """The ids of a chat's newest received messages: as many as it has unread (at least the newest one)."""
    page = s.client.chats.messages(chat_id, is_from_me=False, limit=min(max(unread, 1), MAX_READ))
    return [str(row.id) for row in page.items][::-1]


@command(messages, "delete")
@click.argument("message")
@click.option("--on-channel", is_flag=True, help="Delete it on the platform too (for everyone, when it is ours).")
@click.option("--instance", "-i", help="Look for the message in this instance only.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
def delete_message(s: Session, message: str, on_channel: bool, instance: str | None, yes: bool) -> None:
    """Delete a message: in the record (soft: its content stays), and with --on-channel on the platform."""
    message_id = resolve_message(s, message, instance)
    confirm(s, yes, f"delete message {message_id}{' on the platform' if on_channel else ''}?")
    outcome: dict[str, Any] = {"id": message_id, "deleted": True}
    if on_channel:
        found = s.client.messages.get(message_id)
        result = s.client.messages.delete_on_channel(instance_id=str(found.instance_id),
                                                     chat_id=_platform_chat(s, found.chat_id), message_id=message_id,
                                                     from_me=found.is_from_me)  # fmt: skip
        outcome["channel"] = result
    s.client.messages.delete(message_id)
    where = f" and on the platform ({_state(outcome['channel'])})" if on_channel else ""
    s.out.emit(outcome, message=f"message {message_id} deleted{where}")


def _star_action(name: str, doc: str) -> None:
    @command(messages, name)
    @click.argument("message")
    @click.option("--instance", "-i", help="Look for the message in this instance only.")
    def action(s: Session, message: str, instance: str | None) -> None:
        message_id = resolve_message(s, message, instance)
        result = getattr(s.client.messages, name)(message_id)
        s.out.emit(result, message=f"message {message_id} {name}red ({_state(result)})")

    action.help = doc


_star_action("star", "Star a message on the platform.")
_star_action("unstar", "Unstar a message on the platform.")


@command(messages, "edit")
@click.argument("message")
@click.option("--text", required=True, help="The new text.")
@click.option("--stored-only", is_flag=True, help="Only change the record; the platform is not told.")
@click.option("--instance", "-i", help="Look for the message in this instance only.")
def edit_message(s: Session, message: str, text: str, stored_only: bool, instance: str | None) -> None:
    """Edit a sent message on the platform, and its record (the old text is kept in its edit history)."""
    message_id = resolve_message(s, message, instance)
    found = s.client.messages.get(message_id)
    result = None
    if not stored_only:
        if not found.is_from_me:
            raise UsageProblem("only our own messages can be edited on the platform",
                               hint="--stored-only changes the record alone")  # fmt: skip
        result = s.client.messages.edit(instance_id=str(found.instance_id), chat_id=_platform_chat(s, found.chat_id),
                                        message_id=message_id, text=text)  # fmt: skip
    updated = s.client.messages.update(message_id, text_content=text)
    body = {**updated.model_dump(mode="json", by_alias=True), **({"channel": result} if result is not None else {})}
    s.out.emit(body, message=f"message {message_id} edited" + ("" if stored_only else f" ({_state(result)})"))


@command(messages, "react")
@click.argument("message")
@click.argument("emoji")
@click.option("--remove", is_flag=True, help="Take the reaction away.")
@click.option("--on-channel", is_flag=True, help="React on the platform too (not only in the record).")
@click.option("--user", "platform_user_id", help="Whose reaction (a platform user id; default: ours).")
@click.option("--instance", "-i", help="Look for the message in this instance only.")
def react(s: Session, message: str, emoji: str, remove: bool, on_channel: bool, platform_user_id: str | None,
          instance: str | None) -> None:  # fmt: skip
    """Add (or --remove) a reaction to a message: in the record, and with --on-channel on the platform."""
    if on_channel and platform_user_id:
        raise UsageProblem("--on-channel reacts as us; leave out --user", field="--user")
    message_id = resolve_message(s, message, instance)
    channel = None
    if on_channel:
        found = s.client.messages.get(message_id)
        channel = s.client.messages.send_reaction(instance_id=str(found.instance_id),
                                                  to=_platform_chat(s, found.chat_id), message_id=message_id,
                                                  emoji="" if remove else emoji)  # fmt: skip
    if remove:
        updated = s.client.messages.remove_reaction(message_id, emoji=emoji, platform_user_id=platform_user_id)
    else:
        updated = s.client.messages.add_reaction(message_id, emoji=emoji, platform_user_id=platform_user_id)
    body = {**(updated if isinstance(updated, dict) else {}), **({"channel": channel} if channel is not None else {})}
    verb = "removed from" if remove else "added to"
    s.out.emit(body, message=f"{emoji} {verb} message {message_id}" + (f" ({_state(channel)})" if channel else ""))


def register(cli: click.Group) -> None:
    cli.add_command(messages)
