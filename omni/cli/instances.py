"""`omni instances`: the channel connections — create, configure, connect, pair (QR or phone code), status."""

from __future__ import annotations

import time
from typing import Any

import click

from omni.cli.base import (
    Session,
    UsageProblem,
    cols,
    command,
    delete_command,
    model_body,
    model_options,
    pop_model_values,
    show_command,
)
from omni.client import models as m

COLUMNS = cols("id:short=ID", "name=Name", "channel=Channel", "isActive=Active", "agentProviderId:short=Agent",
               "ownerIdentifier=Account", "lastMessageAt=Last message")  # fmt: skip
STATUS_COLUMNS = cols("instanceId:short=ID", "channel=Channel", "state=State", "since=Since", "message=Message")
ALIASES = {"agent_provider_id": ["--agent-provider", "--provider"], "agent_id": ["--agent"]}
WAITING_STATES = ("connecting", "needs_auth", "reconnecting", "disconnected")


@click.group(name="instances")
def instances() -> None:
    """Channel connections: create, configure, connect, pair, status.

    \b
    Examples:
      omni instances create --name support --channel whatsapp --agent-provider my-openai
      omni instances qr support --watch          # draw the QR until the phone has scanned it
      omni instances pair support --phone +15551234567
      omni instances sync support --type messages --depth 30d
      omni instances update support --access-mode allowlist --message-debounce-mode fixed
    """


@command(instances, "list")
@click.option("--channel", help="Only this channel (whatsapp, discord, telegram, slack, …).")
@click.option("--active/--inactive", "is_active", default=None, help="Only connected (or only not connected) ones.")
@click.option("--search", help="Part of the name.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def list_instances(s: Session, channel: str | None, is_active: bool | None, search: str | None, limit: int,
                   cursor: str | None) -> None:  # fmt: skip
    """List instances."""
    page = s.client.instances.list(channel=channel, is_active=is_active, search=search, limit=limit, cursor=cursor)
    s.out.emit(page, COLUMNS, empty="no instances yet: `omni instances create --name NAME --channel CHANNEL`")


show_command(instances, "instance", "instances", "Show an instance (every field; secrets masked).")


@command(instances, "create")
@model_options(m.InstanceCreate, aliases=ALIASES, required=("name", "channel"))
@click.option("--connect/--no-connect", "connect_now", default=True, show_default=True,
              help="Connect right after creating it.")  # fmt: skip
def create_instance(s: Session, connect_now: bool, **values: Any) -> None:
    """Create an instance of a channel (every setting has its flag; see `omni instances channels`)."""
    body = model_body(s, m.InstanceCreate, pop_model_values(m.InstanceCreate, values))
    created = s.client.instances.create(**body)
    message = f"instance {created.name} created"
    if connect_now:
        try:
            s.client.instances.connect(created.id)
            message += " and connecting (`omni instances status` / `qr --watch`)"
        except Exception as exc:  # the instance exists; say why it did not connect
            from omni.client import OmniError

            if not isinstance(exc, OmniError):
                raise
            s.out.note(f"[yellow]not connected:[/yellow] {exc.message}")
    s.out.emit(_summary(s, created), message=message)


@command(instances, "update")
@click.argument("instance")
@model_options(m.InstanceUpdate, aliases=ALIASES)
def update_instance(s: Session, instance: str, **values: Any) -> None:
    """Change an instance's settings (only the flags given change; `null` clears one, e.g. `--agent-provider null`)."""
    body = model_body(s, m.InstanceUpdate, pop_model_values(m.InstanceUpdate, values))
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    updated = s.client.instances.update(s.resolve("instance", instance), **body)
    s.out.emit(_summary(s, updated, body), message=f"instance {updated.name} updated")


delete_command(
    instances,
    "instance",
    "instance",
    "instances",
    "Delete an instance (disconnects it; its chats and messages stay until purged).",
)


@command(instances, "channels")
def channels(s: Session) -> None:
    """The channels this server can connect, and what each can do."""
    found = s.client.instances.supported_channels()
    rows = [{"key": c.key, "name": c.name, "plugin": c.plugin,
             "can": [k.removeprefix("canSend").removeprefix("can") for k, v in
                     (c.capabilities if isinstance(c.capabilities, dict) else {}).items() if v is True][:12]}
            for c in found.items]  # fmt: skip
    s.out.emit(found.items if s.out.json else rows, cols("key=Channel", "name=Name", "plugin=Plugin", "can=Can"))


@command(instances, "status")
@click.argument("instance", required=False)
def status(s: Session, instance: str | None) -> None:
    """Connection state of an instance (all instances when none is given)."""
    if instance:
        s.out.emit(s.client.instances.status(s.resolve("instance", instance)))
        return
    rows = [s.client.instances.status(i.id) for i in s.client.instances.iterate(limit=100)]
    s.out.emit(rows, STATUS_COLUMNS, empty="no instances yet")


@command(instances, "whoami")
@click.argument("instance", required=False)
def whoami(s: Session, instance: str | None) -> None:
    """The account an instance is connected as (number, bot or user name, profile)."""
    instance_id = s.instance(instance)
    row = s.client.instances.get(instance_id)
    state = s.client.instances.status(instance_id)
    details = state.details or {}
    s.out.emit({"instanceId": instance_id, "name": row.name, "channel": row.channel, "state": state.state,
                "account": row.owner_identifier or details.get("ownerIdentifier"),
                "profileName": row.profile_name or details.get("profileName"), "profileBio": row.profile_bio,
                "profilePicUrl": row.profile_pic_url})  # fmt: skip


@command(instances, "connect")
@click.argument("instance")
@click.option("--token", help="Bot token (Discord, Telegram, Slack …); stored encrypted.")
@click.option("--force-new-qr", is_flag=True, help="Forget the pairing and start over with a new QR code.")
def connect(s: Session, instance: str, token: str | None, force_new_qr: bool) -> None:
    """Connect an instance (and keep it connected)."""
    instance_id = s.resolve("instance", instance)
    result = s.client.instances.connect(instance_id, token=token, force_new_qr=force_new_qr or None)
    s.out.emit(result, message="connecting: `omni instances status` follows it")


SUMMARY = ("id", "name", "channel", "isActive", "agentProviderId", "agentId", "agentReplyFilter", "accessMode")


def _summary(s: Session, row: Any, changed: dict[str, Any] | None = None) -> Any:
    """On a terminal, a created or updated instance is shown by its main fields and what changed (`omni instances
    get` shows all); JSON keeps every field."""
    if s.out.json:
        return row
    from omni.cli.base import plain
    from omni.client.http import camel

    data = plain(row)
    keep = [*SUMMARY, *camel(changed or {})]
    return {k: data.get(k) for k in dict.fromkeys(keep) if k in data}


def _runtime_action(name: str, doc: str, verb: str) -> None:
    @command(instances, name)
    @click.argument("instance")
    def action(s: Session, instance: str) -> None:
        instance_id = s.resolve("instance", instance)
        s.out.emit(getattr(s.client.instances, name)(instance_id), message=f"{verb} {instance_id}")

    action.help = doc


_runtime_action("disconnect", "Disconnect (stays disconnected until `connect`).", "disconnected")
_runtime_action("restart", "Reconnect.", "reconnecting")
_runtime_action("logout", "Log out on the platform (a new pairing is needed) and disconnect.", "logged out")


@command(instances, "pair")
@click.argument("instance")
@click.option("--phone", required=True, help="The phone number to pair, with country code (+15551234567).")
def pair(s: Session, instance: str, phone: str) -> None:
    """Pair by phone number: prints a code to type on the phone (WhatsApp: Linked devices → Link with number)."""
    result = s.client.instances.pair(s.resolve("instance", instance), phone)
    code = (result.result or {}).get("code") if isinstance(result.result, dict) else None
    s.out.emit(result, message=f"type this code on the phone: {code}" if code else "pairing started")


@command(instances, "simulate")
@click.argument("instance")
@click.option("--from", "sender", required=True, help="The sender's platform id (any text on loopback).")
@click.option("--text", required=True, help="What they write.")
@click.option("--chat", help="The chat id (default: a DM with the sender).")
@click.option("--name", help="The sender's display name.")
@click.option("--group", is_flag=True, help="The chat is a group.")
@click.option("--outbox", "wait", type=click.IntRange(0, 120), default=0,
              help="Then wait up to this many seconds for a reply and print it (an agent's answer).")  # fmt: skip
def simulate(s: Session, instance: str, sender: str, text: str, chat: str | None, name: str | None, group: bool,
             wait: int) -> None:  # fmt: skip
    """Loopback instances: deliver a message as if someone wrote it (try agents and automations without a phone)."""
    instance_id = s.resolve("instance", instance)
    chat = chat or sender
    message = {"chatId": chat, "from": sender, "text": text, "fromName": name, "isGroup": group or None}
    result = s.client.instances.loopback_inbound(instance_id, [{k: v for k, v in message.items() if v is not None}])
    if not wait:
        s.out.emit(result, message="delivered")
        return
    deadline = time.monotonic() + wait
    with s.out.err.status("waiting for a reply…"):
        while time.monotonic() < deadline:
            replies = _replies(s, instance_id, chat)
            if replies:
                s.out.emit(replies, cols("textContent=Reply"), message="replied")
                return
            time.sleep(0.3)
    raise UsageProblem(f"no reply within {wait} s",
                       hint="is an agent bound (`omni instances get`)? `omni trigger-logs --instance` says why not")  # fmt: skip


def _replies(s: Session, instance_id: str, chat: str) -> list[Any]:
    """Messages sent in `chat` after the newest message received there."""
    from omni.client import NotFound

    try:
        chat_id = s.client.chats.by_external(instance_id, chat).id
    except NotFound:
        return []
    newest = s.client.chats.messages(chat_id, limit=20).items
    out = []
    for item in newest:  # newest first: our replies, until the message we delivered
        if not item.is_from_me:
            break
        out.append(item)
    return list(reversed(out))


def _directory(name: str, doc: str, columns: list[Any], empty: str) -> None:
    @command(instances, name)
    @click.argument("instance", required=False)
    @click.option("--guild", "--parent", "parent", help="Only this guild / workspace / community (its id).")
    @click.option("--search", help="Part of the name or id.")
    @click.option("--limit", type=click.IntRange(1, 5000), default=1000, show_default=True)
    def listing(s: Session, instance: str | None, parent: str | None, search: str | None, limit: int) -> None:
        instance_id = s.instance(instance)
        page = getattr(s.client.instances, name)(instance_id, parent=parent, search=search, limit=limit)
        s.out.emit(page, columns, empty=empty)

    listing.help = doc


_directory("contacts", "The people the account can reach, asked of the platform now (Discord: guild members).",
           cols("id=ID", "name=Name", "phone=Phone", "parentId=Guild", "isBot=Bot"), "no contacts")  # fmt: skip
_directory("groups", "The groups the account is in, asked of the platform now (Discord: guilds and channels).",
           cols("id=ID", "name=Name", "type=Type", "parentId=Parent", "memberCount=Members"), "no groups")  # fmt: skip


# ---- QR ------------------------------------------------------------------------------------------------------------


def render_qr(payload: str, *, border: int = 2) -> str:
    """The QR code of `payload` as text: two modules per character (upper and lower half blocks), dark on light,
    with a quiet zone of `border` modules — scannable from a terminal."""
    import segno

    matrix = [list(row) for row in segno.make(payload, error="l", boost_error=False).matrix]
    size = len(matrix)
    light = [[True] * (size + 2 * border) for _ in range(border)]
    rows = light + [[True] * border + [not bool(v) for v in row] + [True] * border for row in matrix] + light
    if len(rows) % 2:
        rows.append([True] * (size + 2 * border))
    chars = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    return "\n".join("".join(chars[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
                     for i in range(0, len(rows), 2))  # fmt: skip


def decode_rendered(text: str) -> list[list[bool]]:
    """The module matrix back from `render_qr` (True = dark), without the quiet zone: for tests and checks."""
    upper = {"█": (False, False), "▀": (False, True), "▄": (True, False), " ": (True, True)}
    grid: list[list[bool]] = []
    for line in text.splitlines():
        pairs = [upper[ch] for ch in line]
        grid.append([p[0] for p in pairs])
        grid.append([p[1] for p in pairs])
    while grid and not any(grid[-1]):
        grid.pop()
    while grid and not any(grid[0]):
        grid.pop(0)
    left = min(next(i for i, v in enumerate(row) if v) for row in grid if any(row))
    right = max(len(row) - next(i for i, v in enumerate(reversed(row)) if v) for row in grid if any(row))
    return [row[left:right] for row in grid]


@command(instances, "qr")
@click.argument("instance")
@click.option("--watch", "-w", is_flag=True, help="Keep drawing the current QR until the instance is paired.")
@click.option("--timeout", type=click.IntRange(5, 3600), default=300, show_default=True,
              help="With --watch: give up after this many seconds.")  # fmt: skip
def qr(s: Session, instance: str, watch: bool, timeout: int) -> None:
    """The QR code to scan with the phone (WhatsApp: Settings → Linked devices → Link a device)."""
    from omni.client import NotFound

    instance_id = s.resolve("instance", instance)
    if not watch:
        code = s.client.instances.qr(instance_id)
        if s.out.json:
            s.out.emit(code)
        else:
            s.out.console.print(render_qr(code.qr_code))
            s.out.console.print("[dim]scan it with the phone; `--watch` redraws it until paired[/dim]")
        return
    deadline = time.monotonic() + timeout
    shown: str | None = None
    state = s.client.instances.status(instance_id)
    if state.state in ("disconnected", "error"):
        state = s.client.instances.connect(instance_id)
    from rich.live import Live
    from rich.text import Text

    live = None if s.out.json else Live(Text("waiting for a QR code…"), console=s.out.console, auto_refresh=False)
    try:
        if live is not None:
            live.start()
        while time.monotonic() < deadline:
            state = s.client.instances.status(instance_id)
            if state.state == "connected":
                break
            if state.state == "error":
                raise UsageProblem(f"the instance failed: {state.error or state.message}",
                                   hint="`omni instances status` and `omni logs -s api` say more")  # fmt: skip
            try:
                code = s.client.instances.qr(instance_id).qr_code
            except NotFound:
                code = None
            if not code and not shown and live is not None and state.state != "connecting" and state.message:
                # no code yet and the connection is in trouble (WhatsApp unreachable, a bad proxy …): say why
                live.update(Text(f"waiting for a QR code… the instance is {state.state}: {state.message}"),
                            refresh=True)  # fmt: skip
            if code and code != shown:
                shown = code
                if live is not None:
                    live.update(Text(render_qr(code) + "\nscan it with the phone… (Ctrl-C stops)"), refresh=True)
                else:
                    click.echo(f'{{"event": "qr", "qrCode": "{code}"}}')
            time.sleep(1)
    finally:
        if live is not None:
            live.stop()
    if state.state != "connected":
        raise UsageProblem(f"not paired within {timeout} s (state: {state.state})",
                           hint="run it again for a new QR code, or pair by number: `omni instances pair --phone`")  # fmt: skip
    row = s.client.instances.get(instance_id)
    account = row.owner_identifier or (state.details or {}).get("ownerIdentifier")
    s.out.emit(state, message=f"paired{f' as {account}' if account else ''}")


def register(cli: click.Group) -> None:
    from omni.cli import instance_account

    instance_account.register(instances)
    cli.add_command(instances)
