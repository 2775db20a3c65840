"""`omni persons`: the people behind the channels' users — search, profile with identities, presence, timeline,
and fixing the identity graph (link, unlink, merge)."""

from __future__ import annotations

from typing import Any

import click

from omni.cli.base import (
    UUID_RE,
    Session,
    UsageProblem,
    cols,
    command,
    confirm,
    model_body,
    model_options,
    pop_model_values,
)
from omni.cli.events import collect, cursor_option, limit_option
from omni.client import models as m

COLUMNS = cols("id:short=ID", "displayName=Name", "primaryPhone=Phone", "primaryEmail=Email", "updatedAt=Updated")
IDENTITY_COLUMNS = cols("id:short=Identity", "channel=Channel", "instanceId:short=Instance",
                        "platformUserId=Platform user", "platformUsername=Username", "messageCount=Messages",
                        "lastSeenAt=Last seen", "linkedBy=Linked by")  # fmt: skip
TIMELINE_COLUMNS = cols("timestamp=When", "kind=Kind", "type=Type", "direction=Dir", "channel=Channel",
                        "chatId=Chat", "textContent=Text")  # fmt: skip


@click.group(name="persons")
def persons() -> None:
    """People: search, profile and identities, presence, timeline; link, unlink and merge identities.

    A person is one human across channels; each of their platform accounts is an identity.

    \b
    Examples:
      omni persons search ana
      omni persons get "Ana Lima"               # name, id prefix or UUID; lists the identities
      omni persons timeline ana --limit 20       # messages and events, newest first
      omni persons link IDENTITY_A IDENTITY_B    # B joins A's person
      omni persons merge "Ana (discord)" "Ana Lima" --reason "same person"
    """


def _show_detail(s: Session, person: Any, message: str | None = None) -> None:
    """A person with their identities: one document as JSON, the fields then an identities table for people."""
    if s.out.json:
        s.out.emit(person, message=message)
        return
    data = person.model_dump(mode="json", by_alias=True)
    identities = data.pop("identities", [])
    s.out.emit(data)
    s.out.emit(identities, IDENTITY_COLUMNS, title="Identities", empty="no identities", message=message)


def _identity(value: str, flag: str) -> str:
    value = value.strip()
    if not UUID_RE.match(value):
        raise UsageProblem(f"{flag}: an identity is given by its UUID, not {value!r}",
                           hint="`omni persons get PERSON --json` lists a person's identities with their ids",
                           field=flag)  # fmt: skip
    return value.lower()


@command(persons, "list")
@click.option("--search", "-s", help="Part of the name, phone or email.")
@limit_option()
@cursor_option
def list_persons(s: Session, search: str | None, limit: int, cursor: str | None) -> None:
    """List persons, newest first."""
    page = collect(s, lambda **kw: s.client.persons.list(search=search, **kw), limit, "persons", cursor)
    s.out.emit(page, COLUMNS, empty="no persons match" if search else "no persons yet: they come with messages")


@command(persons, "search")
@click.argument("query")
@limit_option(20)
def search_persons(s: Session, query: str, limit: int) -> None:
    """Find persons by part of their name, phone or email."""
    page = collect(s, lambda **kw: s.client.persons.list(search=query, **kw), limit, "persons")
    s.out.emit(page, COLUMNS, empty=f"no person matches {query!r}")


@command(persons, "get")
@click.argument("person")
def get_person(s: Session, person: str) -> None:
    """Show a person with their identities on every channel."""
    _show_detail(s, s.client.persons.get(s.resolve("person", person)))


@command(persons, "update")
@click.argument("person")
@model_options(m.PersonUpdate, aliases={"display_name": ["--name"], "primary_phone": ["--phone"],
                                        "primary_email": ["--email"], "avatar_url": ["--avatar"]})  # fmt: skip
def update_person(s: Session, person: str, **values: Any) -> None:
    """Change a person's name, phone, email, avatar or metadata (only the flags given change)."""
    body = model_body(s, m.PersonUpdate, pop_model_values(m.PersonUpdate, values))
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    updated = s.client.persons.update(s.resolve("person", person), **body)
    _show_detail(s, updated, message=f"person {updated.display_name or updated.id} updated")


@command(persons, "presence")
@click.argument("person")
def presence(s: Session, person: str) -> None:
    """When and where a person was last seen (per identity)."""
    result = s.client.persons.presence(s.resolve("person", person))
    if s.out.json:
        s.out.emit(result)
        return
    data = result.model_dump(mode="json", by_alias=True)
    identities = data.pop("identities", [])
    s.out.emit(data)
    s.out.emit(identities, cols("identityId:short=Identity", "channel=Channel", "instanceId:short=Instance",
                                "platformUserId=Platform user", "lastSeenAt=Last seen"), empty="no identities")  # fmt: skip


@command(persons, "timeline")
@click.argument("person")
@limit_option()
@cursor_option
def timeline(s: Session, person: str, limit: int, cursor: str | None) -> None:
    """A person's messages and events, merged newest first."""
    person_id = s.resolve("person", person)
    page = collect(s, lambda **kw: s.client.persons.timeline(person_id, **kw), limit, "timeline", cursor)
    s.out.emit(page, TIMELINE_COLUMNS, empty="nothing yet")


@command(persons, "link")
@click.argument("identity_a")
@click.argument("identity_b")
@click.option("--reason", help="Why (kept on the identity).")
def link(s: Session, identity_a: str, identity_b: str, reason: str | None) -> None:
    """Link identity B to identity A's person (B's person, left empty, is merged into A's)."""
    result = s.client.persons.link(identity_a=_identity(identity_a, "identity_a"),
                                   identity_b=_identity(identity_b, "identity_b"), reason=reason)  # fmt: skip
    _show_detail(s, result, message=f"linked: {len(result.identities)} identities on {result.display_name or 'one'}")


@command(persons, "unlink")
@click.argument("identity")
@click.option("--reason", help="Why (kept on the identity).")
def unlink(s: Session, identity: str, reason: str | None) -> None:
    """Move an identity (with its messages and events) to a new person of its own."""
    result = s.client.persons.unlink(identity_id=_identity(identity, "identity"), reason=reason)
    _show_detail(s, result, message=f"unlinked into the new person {str(result.id)[:8]}")


@command(persons, "merge")
@click.argument("source")
@click.argument("target")
@click.option("--reason", help="Why (kept on the moved identities).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
def merge(s: Session, source: str, target: str, reason: str | None, yes: bool) -> None:
    """Merge SOURCE into TARGET: identities, messages and events move; the source is deleted."""
    source_id, target_id = s.resolve("person", source), s.resolve("person", target)
    if source_id == target_id:
        raise UsageProblem("a person cannot be merged into itself", field="target")
    confirm(s, yes, f"merge person {source_id} into {target_id} (the source is deleted)?")
    result = s.client.persons.merge(source_person_id=source_id, target_person_id=target_id, reason=reason)
    _show_detail(s, result, message=f"merged into {result.display_name or result.id}")


def register(cli: click.Group) -> None:
    cli.add_command(persons)
