"""`omni instances …` for the account and its groups on the platform (check, profile, block, privacy, calls, groups)
and sync jobs (`sync` with a progress bar, `syncs`). Registered on the `instances` group by `omni.cli.instances`."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import click

from omni.cli.base import Session, UsageProblem, cols, command

SYNC_COLUMNS = cols("id:short=Job", "type=Type", "status=Status", "progress.stored=Stored",
                    "progress.duplicates=Duplicates", "createdAt=Created", "errorMessage=Error")  # fmt: skip


def _picture(value: str) -> dict[str, str]:
    """A local file (sent as base64) or an http(s) URL the server fetches."""
    if value.startswith(("http://", "https://")):
        return {"url": value}
    path = Path(value).expanduser()
    if not path.is_file():
        raise UsageProblem(f"no such file: {value}", hint="give a JPEG/PNG file or an http(s) URL", field="picture")
    return {"base64": base64.b64encode(path.read_bytes()).decode()}


def register(instances: click.Group) -> None:
    @command(instances, "check")
    @click.argument("instance")
    @click.argument("phones", nargs=-1, required=True)
    def check(s: Session, instance: str, phones: tuple[str, ...]) -> None:
        """Which phone numbers have an account (WhatsApp: are on WhatsApp). Up to 100 at once.

        \b
        omni instances check support +5511999990000 +4915112345678
        """
        found = s.client.instances.check_numbers(s.resolve("instance", instance), list(phones))
        s.out.emit(found, cols("phone=Phone", "exists=On the platform", "id=Account id"))

    @command(instances, "profile")
    @click.argument("instance")
    @click.option("--user", help="Someone else's profile (their id or phone); default: the account's own.")
    def profile(s: Session, instance: str, user: str | None) -> None:
        """A profile, live from the platform: name, status (bio), picture."""
        s.out.emit(s.client.instances.profile(s.resolve("instance", instance), user))

    @command(instances, "update-name")
    @click.argument("instance")
    @click.argument("name")
    def update_name(s: Session, instance: str, name: str) -> None:
        """Change the account's display name."""
        s.out.emit(s.client.instances.set_profile_name(s.resolve("instance", instance), name), message="name changed")

    @command(instances, "update-bio")
    @click.argument("instance")
    @click.argument("status")
    def update_bio(s: Session, instance: str, status: str) -> None:
        """Change the account's status / about / bio text."""
        s.out.emit(s.client.instances.set_profile_status(s.resolve("instance", instance), status),
                   message="status changed")  # fmt: skip

    @command(instances, "update-picture")
    @click.argument("instance")
    @click.argument("picture")
    def update_picture(s: Session, instance: str, picture: str) -> None:
        """Set the account's picture from a JPEG/PNG file or an http(s) URL."""
        s.out.emit(s.client.instances.set_profile_picture(s.resolve("instance", instance), **_picture(picture)),
                   message="picture set")  # fmt: skip

    @command(instances, "remove-picture")
    @click.argument("instance")
    def remove_picture(s: Session, instance: str) -> None:
        """Remove the account's picture."""
        s.out.emit(
            s.client.instances.remove_profile_picture(s.resolve("instance", instance)), message="picture removed"
        )

    @command(instances, "block")
    @click.argument("instance")
    @click.argument("user")
    def block(s: Session, instance: str, user: str) -> None:
        """Block a user (their platform id, or a phone number starting with +)."""
        s.out.emit(s.client.instances.block(s.resolve("instance", instance), user), message=f"blocked {user}")

    @command(instances, "unblock")
    @click.argument("instance")
    @click.argument("user")
    def unblock(s: Session, instance: str, user: str) -> None:
        """Unblock a user."""
        s.out.emit(s.client.instances.block(s.resolve("instance", instance), user, blocked=False),
                   message=f"unblocked {user}")  # fmt: skip

    @command(instances, "blocklist")
    @click.argument("instance")
    def blocklist(s: Session, instance: str) -> None:
        """The users the account has blocked."""
        items = s.client.instances.blocklist(s.resolve("instance", instance))
        s.out.emit(items if s.out.json else [{"id": i} for i in items], cols("id=Blocked"), empty="nobody blocked")

    @command(instances, "privacy")
    @click.argument("instance")
    def privacy(s: Session, instance: str) -> None:
        """The account's privacy settings (last seen, profile picture, read receipts, groups …)."""
        s.out.emit(s.client.instances.privacy(s.resolve("instance", instance)))

    @command(instances, "reject-call")
    @click.argument("instance")
    @click.option("--call-id", required=True, help="From the call event (`omni events list --type message.system`).")
    @click.option("--from", "caller", required=True, help="The caller's id, from the same event.")
    def reject_call(s: Session, instance: str, call_id: str, caller: str) -> None:
        """Reject an incoming call."""
        s.client.instances.reject_call(s.resolve("instance", instance), call_id, caller)
        s.out.emit({"callId": call_id, "rejected": True}, message="call rejected")

    @command(instances, "group-create")
    @click.argument("instance")
    @click.argument("subject")
    @click.option("--participant", "-p", "participants", multiple=True, help="A member (id or +phone); repeat.")
    def group_create(s: Session, instance: str, subject: str, participants: tuple[str, ...]) -> None:
        """Create a group with these members.

        \b
        omni instances group-create support "Launch team" -p +5511999990000 -p +4915112345678
        """
        s.out.emit(s.client.instances.create_group(s.resolve("instance", instance), subject, list(participants)),
                   message="group created")  # fmt: skip

    @command(instances, "group-invite")
    @click.argument("instance")
    @click.argument("group")
    def group_invite(s: Session, instance: str, group: str) -> None:
        """A group's invite link."""
        s.out.emit(s.client.instances.group_invite(s.resolve("instance", instance), group))

    @command(instances, "group-revoke-invite")
    @click.argument("instance")
    @click.argument("group")
    def group_revoke_invite(s: Session, instance: str, group: str) -> None:
        """Revoke a group's invite link: the old one stops working, a new one is made."""
        s.out.emit(s.client.instances.group_invite(s.resolve("instance", instance), group, revoke=True),
                   message="invite revoked; this is the new one")  # fmt: skip

    @command(instances, "group-join")
    @click.argument("instance")
    @click.argument("code")
    def group_join(s: Session, instance: str, code: str) -> None:
        """Join a group by its invite code or link."""
        s.out.emit(s.client.instances.join_group(s.resolve("instance", instance), code), message="joined")

    @command(instances, "group-update-picture")
    @click.argument("instance")
    @click.argument("group")
    @click.argument("picture")
    def group_update_picture(s: Session, instance: str, group: str, picture: str) -> None:
        """Set a group's picture from a JPEG/PNG file or an http(s) URL."""
        s.out.emit(s.client.instances.set_group_picture(s.resolve("instance", instance), group, **_picture(picture)),
                   message="group picture set")  # fmt: skip

    @command(instances, "group-participants")
    @click.argument("instance")
    @click.argument("group")
    @click.argument("action", type=click.Choice(["add", "remove", "promote", "demote"]))
    @click.argument("participants", nargs=-1, required=True)
    def group_participants(s: Session, instance: str, group: str, action: str, participants: tuple[str, ...]) -> None:
        """Add, remove, promote (admin) or demote group members.

        \b
        omni instances group-participants support 1203630@g.us add +5511999990000
        """
        result = s.client.instances.group_participants(s.resolve("instance", instance), group, action,
                                                       list(participants))  # fmt: skip
        s.out.emit(result, cols("id=Member", "status=Result"))

    @command(instances, "sync")
    @click.argument("instance")
    @click.option("--type", "kind", type=click.Choice(["all", "profile", "contacts", "groups", "messages"]),
                  default="all", show_default=True, help="What to fetch from the platform.")  # fmt: skip
    @click.option("--depth", type=click.Choice(["7d", "30d", "90d", "1y", "all"]), default="7d", show_default=True,
                  help="How far back messages go.")  # fmt: skip
    @click.option("--chat", "chat", help="Only this chat (its platform id).")
    @click.option("--download-media", is_flag=True, help="Download the media of synced messages too.")
    @click.option("--no-wait", is_flag=True, help="Start the job and return (follow it with `omni instances syncs`).")
    @click.option("--timeout", type=click.IntRange(1, 86_400), default=3600, show_default=True,
                  help="Seconds to follow the job (it goes on in the server after).")  # fmt: skip
    def sync(s: Session, instance: str, kind: str, depth: str, chat: str | None, download_media: bool,
             no_wait: bool, timeout: int) -> None:  # fmt: skip
        """Store the past from the platform: profile, contacts, groups, messages (WhatsApp history, Discord
        channels …). Stored once however often it runs; never counted unread, never sent to an agent.

        \b
        omni instances sync support --type messages --depth 30d
        """
        instance_id = s.resolve("instance", instance)
        job = s.client.instances.sync(instance_id, type=kind, depth=depth, channel_id=chat,
                                      download_media=download_media or None)  # fmt: skip
        if no_wait:
            s.out.emit(job, message=f"sync job {job.id} started")
            return
        job = _follow(s, instance_id, job, timeout)
        if job.status in ("pending", "running"):
            raise UsageProblem(f"sync job {job.id} is still {job.status} after {timeout} s",
                               hint=f"it goes on in the server: `omni instances syncs {instance}`; "
                               f"`omni instances sync-cancel {instance} {job.id}` stops it")  # fmt: skip
        if job.status == "failed":
            raise UsageProblem(f"the sync failed: {job.error_message}", hint="`omni instances status` says more")
        s.out.emit(job, message=_summary(job.progress or {}))

    @command(instances, "sync-cancel")
    @click.argument("instance")
    @click.argument("job")
    def sync_cancel(s: Session, instance: str, job: str) -> None:
        """Cancel a sync job (what it stored stays)."""
        s.out.emit(s.client.instances.cancel_sync(s.resolve("instance", instance), job), message="sync cancelled")

    @command(instances, "syncs")
    @click.argument("instance")
    @click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
    def syncs(s: Session, instance: str, limit: int) -> None:
        """The instance's sync jobs, newest first."""
        s.out.emit(s.client.instances.syncs(s.resolve("instance", instance), limit=limit), SYNC_COLUMNS,
                   empty="no sync jobs yet")  # fmt: skip


def _summary(progress: dict[str, Any]) -> str:
    parts = [f"{progress.get(k, 0)} {label}" for k, label in (("stored", "messages stored"),
             ("duplicates", "already there"), ("contacts", "contacts"), ("groups", "groups")) if progress.get(k)]  # fmt: skip
    return "synced: " + (", ".join(parts) or "nothing new")


def _follow(s: Session, instance_id: str, job: Any, timeout: float) -> Any:
    """Poll the job until it ends (or `timeout`): a progress bar on a terminal (stderr), JSON lines of progress
    otherwise. A job waiting for its instance to connect says so once."""
    import json
    import sys

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = None if s.out.json or not sys.stderr.isatty() else Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} chats"),
        TextColumn("{task.fields[stored]} stored"), TimeElapsedColumn(), console=s.out.err, transient=True)  # fmt: skip
    task = bar.add_task("syncing", total=None, stored=0) if bar else None
    last: Any = None
    try:
        if bar:
            bar.start()
        deadline, told = time.monotonic() + timeout, False
        while job.status in ("pending", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            if job.status == "pending" and not told and time.monotonic() > deadline - timeout + 3:
                told = True
                state = s.client.instances.status(instance_id).state
                if state != "connected":
                    s.out.note(f"the instance is {state}: the job starts when it connects (`omni instances "
                               f"connect`)")  # fmt: skip
            job = s.client.instances.sync_job(instance_id, job.id)
            progress = job.progress or {}
            if bar is not None and task is not None:
                bar.update(task, description=f"syncing {progress.get('phase') or job.status}",
                           total=progress.get("chats") or None, completed=progress.get("chatsDone", 0),
                           stored=progress.get("stored", 0))  # fmt: skip
            elif progress != last:
                click.echo(json.dumps({"event": "progress", "status": job.status, "progress": progress}), err=True)
            last = progress
    finally:
        if bar:
            bar.stop()
    return job
