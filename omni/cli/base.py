"""What every client command shares: the API client, output (rich tables on a terminal, JSON when piped or asked),
errors that say what to do next, and IDs given as a UUID, a unique UUID prefix or a name.

A client command is declared with `@command(group, "name")`: it gets `--json` and `--no-color`, an `Out` to print
with, and its errors are turned into a message (or the JSON error envelope) and exit status 1.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from omni.client import config as cli_config

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
HEX_PREFIX_RE = re.compile(r"^[0-9a-fA-F-]{2,36}$")
RESOLVE_LIMIT = 2000  # objects read to match a name or prefix; past that, use the full UUID


def config_path() -> Path:
    from omni.paths import resolve

    return resolve().cli_config_file


def stored() -> dict[str, Any]:
    return cli_config.load(config_path())


def json_wanted(flag: bool) -> bool:
    """`--json` > `OMNI_FORMAT` > `config set format` > a terminal gets tables, a pipe JSON."""
    if flag:
        return True
    wanted = os.environ.get("OMNI_FORMAT") or stored().get("format")
    if wanted in ("json", "human"):
        return wanted == "json"
    return not sys.stdout.isatty()


def plain(value: Any) -> Any:
    """Models, pages and lists as plain JSON data (the API's camelCase names)."""
    from omni.client import Page

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Page):
        return [plain(v) for v in value.items]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@dataclass
class Column:
    """A table column: the field (camelCase, dotted for nested), its header, and an optional formatter."""

    field: str
    header: str | None = None
    fmt: Callable[[Any], str] | None = None

    def get(self, row: dict[str, Any]) -> Any:
        value: Any = row
        for part in self.field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def cell(self, row: dict[str, Any]) -> str:
        value = self.get(row)
        if self.fmt is not None:
            return self.fmt(value)
        return text(value)


def text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value) or "-"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        return value[:19].replace("T", " ")  # an ISO time: to the second
    return str(value)


def short(value: Any) -> str:
    """A UUID cut to 8 characters (a unique prefix is accepted wherever an id is)."""
    return str(value)[:8] if value else "-"


def cols(*spec: str | Column) -> list[Column]:
    """Columns from names: "name", "id:short" (8-char id), "field=Header"."""
    out = []
    for item in spec:
        if isinstance(item, Column):
            out.append(item)
            continue
        name, _, header = item.partition("=")
        name, _, kind = name.partition(":")
        out.append(Column(name, header or None, short if kind == "short" else None))
    return out


class Out:
    """Prints results as tables, details or JSON, and errors as a message or `{success: false, …}`."""

    def __init__(self, as_json: bool, no_color: bool) -> None:
        self.json = as_json
        no_color = no_color or bool(os.environ.get("NO_COLOR"))
        self.console = Console(highlight=False, soft_wrap=not sys.stdout.isatty(), no_color=no_color)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True, no_color=no_color)

    def emit(self, data: Any, columns: Sequence[Column] | None = None, *, message: str | None = None,
             title: str | None = None, empty: str = "nothing found") -> None:  # fmt: skip
        """One result: a list (table with `columns`), an object (fields), or nothing but a message."""
        from omni.client import Page

        body = plain(data)
        if self.json:
            envelope: dict[str, Any] = {"success": True}
            if message:
                envelope["message"] = message
            envelope["data"] = body
            if isinstance(data, Page):
                envelope["meta"] = {"hasMore": data.has_more, "cursor": data.cursor, "total": data.total}
            click.echo(json.dumps(envelope, indent=2, default=str))
            return
        if isinstance(body, list):
            self.table(body, columns, title=title, empty=empty)
            if isinstance(data, Page) and data.has_more:
                self.console.print(f"[dim]more: --cursor {data.cursor}[/dim]")
        elif isinstance(body, dict) and body:
            self.details(body, title=title)
        elif body is not None and not isinstance(body, dict):
            self.console.print(str(body))
        if message:
            self.console.print(f"[green]✓[/green] {message}")

    def table(self, rows: list[dict[str, Any]], columns: Sequence[Column] | None, *, title: str | None = None,
              empty: str = "nothing found") -> None:  # fmt: skip
        if not rows:
            self.console.print(f"[dim]{empty}[/dim]")
            return
        columns = list(columns or cols(*[k for k in rows[0] if not isinstance(rows[0][k], (dict, list))][:6]))
        table = Table(*[c.header or c.field.split(".")[-1] for c in columns], title=title, title_justify="left")
        for row in rows:
            table.add_row(*[c.cell(row) for c in columns])
        self.console.print(table)

    def details(self, row: dict[str, Any], *, title: str | None = None) -> None:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for key, value in row.items():
            if value in (None, [], {}):
                continue
            table.add_row(key, json.dumps(value, indent=1) if isinstance(value, (dict, list)) else text(value))
        if title:
            self.console.print(f"[bold]{title}[/bold]")
        self.console.print(table)

    def note(self, message: str) -> None:
        """Progress and hints: on stderr, so a pipe gets only the JSON."""
        self.err.print(message)

    def fail(self, message: str, *, code: str = "ERROR", hint: str | None = None,
             details: dict[str, Any] | None = None) -> None:  # fmt: skip
        if self.json:
            body = {"success": False, "error": message, "details": {"code": code, **(details or {})}}
            if hint:
                body["details"]["hint"] = hint
            click.echo(json.dumps(body, indent=2, default=str))
        else:
            self.err.print(f"[red]error:[/red] {message}")
            for field, problems in ((details or {}).get("fields") or {}).items():
                self.err.print(f"  [bold]{field}[/bold]: {'; '.join(map(str, problems))}")
            for candidate in (details or {}).get("candidates") or []:
                self.err.print(f"  {candidate}")
            if hint:
                self.err.print(f"[dim]→ {hint}[/dim]")
        sys.exit(1)


class UsageProblem(Exception):
    """A mistake in what the user typed that the API never saw (missing flag, bad file): exit 1 with the fix."""

    def __init__(self, message: str, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint
        self.field = field


def hint_for(exc: Any, group: str | None) -> str | None:
    """What the user should do next about an API error."""
    from omni.client import errors as e

    if isinstance(exc, e.ApiUnavailable):
        return ("is the server running? `omni status` shows it (`omni start` starts it); "
                "another server: `omni auth login --api-url URL --api-key KEY`")  # fmt: skip
    if isinstance(exc, e.AuthError):
        return "not logged in, or the key is revoked: run `omni auth login --api-key KEY`"
    if isinstance(exc, e.Forbidden):
        needed = exc.details.get("requiredScope")
        return (f"this key lacks the scope `{needed}`: use a key that has it (`omni keys create --scopes {needed}`)"
                if needed else "this key may not touch that instance or route")  # fmt: skip
    if isinstance(exc, e.NotFound):
        return f"see what there is with `omni {group} list`" if group else None
    if isinstance(exc, e.RateLimited):
        wait = exc.retry_after
        return f"this key's rate limit: try again in {wait:.0f} s" if wait else "this key's rate limit: slow down"
    if isinstance(exc, e.ValidationFailed):
        return "fix the fields above (`--help` lists every flag)"
    if isinstance(exc, e.NotSupported):
        return "this channel cannot do that; `omni instances channels` lists what each channel supports"
    if isinstance(exc, e.Ambiguous):
        return "give more of the id, or the full UUID"
    if isinstance(exc, e.ServerError):
        return "the server failed; `omni logs -s api` has the details"
    return None


class Session:
    """One command's client and output; the client is made (and the config read) only when first used."""

    def __init__(self, out: Out, group: str | None) -> None:
        self.out = out
        self.group = group
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            from omni.client import Client

            self._client = Client()
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def instance(self, value: str | None) -> str:
        """`--instance` (UUID, prefix or name), or the configured `defaultInstance`."""
        value = value or os.environ.get("OMNI_INSTANCE") or stored().get("defaultInstance")
        if not value:
            raise UsageProblem("which instance? give --instance",
                               hint="or set one for every command: `omni config set defaultInstance NAME`",
                               field="instance")  # fmt: skip
        return self.resolve("instance", value)

    def resolve(self, kind: str, value: str, **scope: Any) -> str:
        return resolve(self.client, kind, value, **scope)


def command(group: click.Group, name: str | None = None, **settings: Any) -> Callable[[Callable[..., Any]], Any]:
    """A client command in `group`: adds `--json`/`--no-color`, passes a `Session` as the first argument, and turns
    API errors into messages with what to do next (or the JSON error envelope), exit status 1."""

    def decorate(fn: Callable[..., Any]) -> click.Command:
        @wraps(fn)
        def run(*args: Any, as_json: bool = False, no_color: bool = False, **kwargs: Any) -> Any:
            out = Out(json_wanted(as_json), no_color)
            session = Session(out, group.name if group.name != "cli" else None)
            try:
                return fn(session, *args, **kwargs)
            except UsageProblem as exc:
                out.fail(str(exc), code="USAGE", hint=exc.hint,
                         details={"fields": {exc.field: [str(exc)]}} if exc.field else None)  # fmt: skip
            except KeyboardInterrupt:
                out.note("[yellow]stopped[/yellow]")
                sys.exit(130)
            except Exception as exc:
                from omni.client import OmniError

                if not isinstance(exc, OmniError):
                    raise
                details = dict(exc.details)
                if exc.status:
                    details.setdefault("status", exc.status)
                out.fail(exc.message, code=exc.code, hint=hint_for(exc, session.group), details=details)
            finally:
                session.close()

        run = click.option("--no-color", is_flag=True, help="No colours (also NO_COLOR=1).")(run)
        run = click.option("--json", "as_json", is_flag=True, help="Print JSON (the default when piped).")(run)
        return group.command(name, **settings)(run)

    return decorate


# ---- IDs: full UUID, unique UUID prefix, or name -------------------------------------------------------------------


@dataclass
class Kind:
    """How to find objects of a kind by prefix or name: the list call and the fields holding names."""

    list: Callable[..., Any]
    names: tuple[str, ...]
    label: str


def kinds(client: Any) -> dict[str, Kind]:
    return {
        "instance": Kind(client.instances.iterate, ("name",), "instance"),
        "provider": Kind(client.providers.iterate, ("name",), "provider"),
        "chat": Kind(client.chats.iterate, ("name", "external_id"), "chat"),
        "person": Kind(client.persons.iterate, ("display_name",), "person"),
        "key": Kind(client.keys.iterate, ("name",), "key"),
        "automation": Kind(client.automations.iterate, ("name",), "automation"),
        "webhook": Kind(client.webhook_sources.iterate, ("name",), "webhook source"),
        "rule": Kind(client.access.iterate, (), "access rule"),
        "message": Kind(client.messages.iterate, ("external_id",), "message"),
        "event": Kind(client.events.iterate, (), "event"),
        "dead-letter": Kind(lambda **kw: client.dead_letters.list(**kw).items, (), "dead letter"),
    }


def resolve(client: Any, kind: str, value: str, **scope: Any) -> str:
    """The id of the one `kind` object `value` names: a full UUID as it is; otherwise a unique id prefix (2+ hex
    characters), an exact name (any case), or a unique part of a name. `scope` narrows the search (e.g. an
    instance). Nothing matching is NOT_FOUND; several is AMBIGUOUS, listing them."""
    from omni.client.errors import Ambiguous, NotFound

    value = value.strip()
    if UUID_RE.match(value):
        return value.lower()
    spec = kinds(client)[kind]
    scope = {k: v for k, v in scope.items() if v is not None}
    candidates = []
    for index, item in enumerate(spec.list(limit=100, **scope)):
        if index >= RESOLVE_LIMIT:
            break
        candidates.append(item)
    wanted = value.lower()

    def names(item: Any) -> list[str]:
        return [str(getattr(item, n, None) or "") for n in spec.names]

    tiers = [
        [c for c in candidates if HEX_PREFIX_RE.match(value) and str(c.id).startswith(wanted)],
        [c for c in candidates if any(n.lower() == wanted for n in names(c) if n)],
        [c for c in candidates if any(wanted in n.lower() for n in names(c) if n)],
    ]
    for matches in tiers:
        if len(matches) == 1:
            return str(matches[0].id)
        if len(matches) > 1:
            listed = [f"{m.id}  {' / '.join(n for n in names(m) if n)}".rstrip() for m in matches[:20]]
            raise Ambiguous(f"{value!r} matches {len(matches)} {spec.label}s", code="AMBIGUOUS",
                            details={"candidates": listed})  # fmt: skip
    raise NotFound(f"no {spec.label} matches {value!r}", code="NOT_FOUND", status=404)


# ---- small helpers for commands ------------------------------------------------------------------------------------


def show_command(group: click.Group, kind: str, resource: str, doc: str) -> None:
    """`<group> get ID`: resolve the `kind` object and show it (`client.<resource>.get`)."""

    @command(group, "get")
    @click.argument(kind.replace("-", "_"), metavar=kind.upper())
    def get(s: Session, **target: str) -> None:
        s.out.emit(getattr(s.client, resource).get(s.resolve(kind, next(iter(target.values())))))

    get.help = doc


def delete_command(group: click.Group, kind: str, label: str, resource: str, doc: str) -> None:
    """`<group> delete ID [--yes]`: resolve the `kind` object, ask on a terminal, delete it through
    `client.<resource>.delete`."""

    @command(group, "delete")
    @click.argument(kind.replace("-", "_"), metavar=kind.upper())
    @click.option("--yes", "-y", is_flag=True, help="Do not ask.")
    def delete(s: Session, yes: bool, **target: str) -> None:
        item_id = s.resolve(kind, next(iter(target.values())))
        confirm(s, yes, f"delete {label} {item_id}?")
        getattr(s.client, resource).delete(item_id)
        s.out.emit({"id": item_id, "deleted": True}, message=f"{label} {item_id} deleted")

    delete.help = doc


def confirm(s: Session, yes: bool, question: str) -> None:
    """Ask on a terminal (unless --yes); scripts and pipes are never asked."""
    if yes or s.out.json or not sys.stdin.isatty():
        return
    if not click.confirm(question, default=False, err=True):
        raise UsageProblem("not confirmed", hint="add --yes to skip the question")


SPAN = re.compile(r"^(\d+)\s*(s|m|min|h|d|w|y)$")
UNITS = {"s": "seconds", "m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def moment(value: str | None, flag: str, *, future: bool = False) -> str | None:
    """A time flag: an ISO date or time (local time when it has no zone), `now`, or a span (30m, 2h, 7d, 1w, 1y)
    ago — or from now with `future` (expiry flags). Returned as ISO 8601 with its zone."""
    if value is None:
        return None
    text = value.strip()
    span = SPAN.match(text.lower())
    if span:
        count, unit = int(span[1]), span[2]
        delta = timedelta(days=365 * count) if unit == "y" else timedelta(**{UNITS[unit]: count})
        return (datetime.now(UTC) + (delta if future else -delta)).isoformat()
    if text.lower() == "now":
        return datetime.now(UTC).isoformat()
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        example = "7d, 1y" if future else "30m, 2h, 7d"
        raise UsageProblem(f"{flag}: not a time: {value!r}", hint=f"an ISO date or time (2026-12-31), or {example}",
                           field=flag) from None  # fmt: skip
    return (at if at.tzinfo else at.astimezone()).isoformat()


def read_json(value: str, what: str = "value") -> Any:
    """A JSON argument given literally, as `@file`, or `-` for stdin."""
    try:
        if value == "-":
            source = sys.stdin.read()
        elif value.startswith("@"):
            source = Path(value[1:]).expanduser().read_text()
        else:
            source = value
    except OSError as exc:
        raise UsageProblem(f"cannot read {value[1:]}: {exc.strerror}", field=what) from exc
    try:
        return json.loads(source)
    except ValueError as exc:
        raise UsageProblem(f"{what} is not valid JSON ({exc})", hint="quote it, or pass @file.json or -",
                           field=what) from exc  # fmt: skip


def fields(**values: Any) -> dict[str, Any]:
    """Only what the user gave (flags left out are None)."""
    return {k: v for k, v in values.items() if v is not None and v != ()}


def split_csv(values: Iterable[str] | str | None) -> list[str] | None:
    """`--x a,b --x c` → [a, b, c]."""
    if values is None:
        return None
    items = [values] if isinstance(values, str) else list(values)
    if not items:
        return None
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


# ---- flags made from the API's input models (so every field of a create/update has its flag) -----------------------

# Fields holding the id of another object: their flag also takes a prefix or a name.
REFERENCES = {"instance_id": "instance", "agent_provider_id": "provider", "provider_id": "provider",
              "person_id": "person", "chat_id": "chat", "key_id": "key"}  # fmt: skip


def _unwrap(annotation: Any) -> Any:
    import types
    import typing

    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return annotation


class OrNull(click.ParamType):
    """A flag's type that also takes `null` (which clears the field on update)."""

    def __init__(self, inner: click.ParamType) -> None:
        self.inner = inner
        self.name = inner.name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "null":
            return value
        return self.inner.convert(value, param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return self.inner.get_metavar(param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        return self.inner.shell_complete(ctx, param, incomplete)


def _flag_kind(annotation: Any) -> tuple[str, Any]:
    """("flag", None) | ("scalar", click type) | ("list", click type) | ("json", None)."""
    import enum
    import typing
    import uuid as uuidlib

    from pydantic import RootModel

    inner = _unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, RootModel):
        return _flag_kind(inner.model_fields["root"].annotation)
    if inner is bool:
        return "flag", None
    if inner is int:
        return "scalar", click.INT
    if inner is float:
        return "scalar", click.FLOAT
    if inner in (str, uuidlib.UUID) or getattr(inner, "__name__", "") in ("AwareDatetime", "datetime"):
        return "scalar", click.STRING
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return "scalar", click.Choice([str(e.value) for e in inner])
    if typing.get_origin(inner) is list:
        (item,) = typing.get_args(inner) or (Any,)
        kind, item_type = _flag_kind(item)
        if kind == "scalar":
            return "list", item_type
    return "json", None


def model_options(model: type[BaseModel], *, skip: Iterable[str] = (), aliases: dict[str, Sequence[str]] | None = None,
                  required: Iterable[str] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:  # fmt: skip
    """One flag per field of an API input model: `--field-name`; booleans `--x/--no-x`; lists repeat or take
    commas; objects take JSON (literal, @file or -); ids of other objects take a prefix or name too."""
    skip, required = set(skip), set(required)
    aliases = aliases or {}

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        for name, info in reversed(list(model.model_fields.items())):
            if name in skip:
                continue
            kind, click_type = _flag_kind(info.annotation)
            flag = "--" + name.replace("_", "-")
            names = [flag, *aliases.get(name, ())]
            help_text = (info.description or "").strip()
            if name in REFERENCES:
                help_text = (help_text + f" ({REFERENCES[name]}: UUID, prefix or name)").strip()
            if kind == "json":
                help_text = (help_text + " (JSON, @file or -)").strip()
            if kind == "list":
                help_text = (help_text + " (repeat, or comma-separated)").strip()
            if kind == "flag":
                opt = click.option(f"{flag}/--no-{flag[2:]}", name, default=None, help=help_text or None)
            else:
                if click_type is not None and click_type is not click.STRING and not info.is_required():
                    click_type = OrNull(click_type)
                opt = click.option(*names, name, type=click_type, multiple=kind == "list", help=help_text or None,
                                   required=name in required, metavar="JSON" if kind == "json" else None)  # fmt: skip
            fn = opt(fn)
        fn.__dict__.setdefault("_model_fields", {})[model.__name__] = model
        return fn

    return decorate


def model_body(session: Session, model: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """The request body from `model_options` flags: only what was given, JSON parsed, lists split, references
    resolved to ids; snake_case (the client makes it camelCase)."""
    body: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        value = values.get(name)
        if value is None or value == ():
            continue
        kind, _ = _flag_kind(info.annotation)
        if kind != "json" and value in ("null", ("null",)):
            body[name] = None  # `--agent-provider-id null`: clear it
            continue
        if kind == "json":
            value = read_json(value, "--" + name.replace("_", "-"))
        elif kind == "list":
            value = split_csv(value)
            if name.endswith("_ids") and name[:-1] in REFERENCES:
                value = [session.resolve(REFERENCES[name[:-1]], v) for v in value]
        elif name in REFERENCES and isinstance(value, str) and value not in ("", "null"):
            value = session.resolve(REFERENCES[name], value)
        body[name] = value
    return body


def pop_model_values(model: type[BaseModel], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Take the model's flags out of a command's keyword arguments."""
    return {name: kwargs.pop(name) for name in list(model.model_fields) if name in kwargs}
