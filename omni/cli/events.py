"""`omni events`: the event journal — list, get, search, analytics, a person's timeline, by sender, and custom
events (`trigger`); `omni dead-letters`: the events a consumer gave up on — list, get, stats, retry, resolve, abandon.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from omni.cli.base import Session, UsageProblem, cols, command, confirm, moment, read_json, show_command, split_csv

COLUMNS = cols("id:short=ID", "createdAt=When", "eventType=Type", "direction=Dir", "channel=Channel",
               "instanceId:short=Instance", "personId:short=Person", "textContent=Text")  # fmt: skip
SEARCH_COLUMNS = cols("id:short=ID", "createdAt=When", "eventType=Type", "direction=Dir", "chatId=Chat",
                      "preview=Text")  # fmt: skip
DEAD_COLUMNS = cols("id:short=ID", "createdAt=When", "eventType=Type", "consumer=Consumer", "status=Status",
                    "autoRetryCount=Auto", "manualRetryCount=Manual", "error=Error")  # fmt: skip
PAGE = 100  # the API's largest page


# ---- helpers shared by the groups of this module (and persons / automations) -------------------------------------


def collect(s: Session, fetch: Callable[..., Any], limit: int, what: str, cursor: str | None = None) -> Any:
    """Up to `limit` items: one page (with its cursor) when it fits the API's page size, else page after page with
    progress on stderr (a terminal only)."""
    if limit <= PAGE:
        return fetch(limit=limit, cursor=cursor)
    from omni.client import Page

    items: list[Any] = []
    status = s.out.err.status(f"reading {what}…") if s.out.err.is_terminal else None
    try:
        if status is not None:
            status.start()
        while True:
            page = fetch(limit=min(PAGE, limit - len(items)), cursor=cursor)
            items.extend(page.items)
            cursor = page.cursor if page.has_more else None
            if status is not None:
                status.update(f"reading {what}… {len(items)}")
            if cursor is None or len(items) >= limit:
                break
    finally:
        if status is not None:
            status.stop()
    return Page(items=items, has_more=cursor is not None, cursor=cursor)


def limit_option(default: int = 50) -> Callable[[Any], Any]:
    return click.option("--limit", "-n", type=click.IntRange(1, 100_000), default=default, show_default=True,
                        help=f"How many (past {PAGE}, pages are read one after another).")  # fmt: skip


cursor_option = click.option("--cursor", help="The cursor a previous page printed (`more: --cursor …`).")


# ---- events --------------------------------------------------------------------------------------------------------


@click.group(name="events")
def events() -> None:
    """The event journal: list, search, analytics, timelines, and custom events.

    \b
    Examples:
      omni events list --instance support --type 'message.*' --since 2h --limit 50
      omni events search "refund" --since 7d --format summary
      omni events timeline "Ana"                 # a person's events (name, prefix or UUID)
      omni events analytics --granularity daily --since 14d
      omni events trigger --type custom.order.paid --payload '{"orderId": 42}'
    """


def event_filters(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The filters of `GET /events` (and of search)."""
    for option in reversed([
        click.option("--type", "-t", "event_type", help="An event type, or a prefix wildcard: 'message.*'."),
        click.option("--instance", "-i", "instances", multiple=True,
                     help="Only these instances (repeat, or comma-separated; UUID, prefix or name)."),
        click.option("--channel", help="Only this channel (whatsapp, discord, loopback, …)."),
        click.option("--direction", type=click.Choice(["inbound", "outbound", "internal"])),
        click.option("--person", "-p", help="Only events about this person (UUID, prefix or name)."),
        click.option("--since", help="From this time: 30m, 2h, 7d, 1w or an ISO date/time."),
        click.option("--until", help="Before this time (same forms as --since)."),
        click.option("--correlation-id", help="Only events with this correlation id."),
    ]):  # fmt: skip
        fn = option(fn)
    return fn


def filters_of(s: Session, event_type: str | None, instances: tuple[str, ...], channel: str | None,
               direction: str | None, person: str | None, since: str | None, until: str | None,
               correlation_id: str | None) -> dict[str, Any]:  # fmt: skip
    ids = [s.resolve("instance", i) for i in split_csv(instances) or []]
    return {"event_type": event_type, "instance_id": ids or None, "channel": channel, "direction": direction,
            "person_id": s.resolve("person", person) if person else None, "since": moment(since, "--since"),
            "until": moment(until, "--until"), "correlation_id": correlation_id}  # fmt: skip


@command(events, "list")
@event_filters
@limit_option()
@cursor_option
def list_events(s: Session, limit: int, cursor: str | None, **filters: Any) -> None:
    """List events, newest first."""
    params = filters_of(s, **filters)
    page = collect(s, lambda **kw: s.client.events.list(**params, **kw), limit, "events", cursor)
    s.out.emit(page, COLUMNS, empty="no events match")


show_command(events, "event", "events", "Show an event (every field; UUID or a unique prefix of a recent one).")


@command(events, "search")
@click.argument("query")
@event_filters
@click.option("--format", "fmt", type=click.Choice(["full", "summary", "agent"]), default="summary",
              show_default=True, help="full: every field; summary: main fields and a preview; agent: one line each.")  # fmt: skip
@limit_option()
@cursor_option
def search_events(s: Session, query: str, fmt: str, limit: int, cursor: str | None, **filters: Any) -> None:
    """Search the events' text (any case), newest first, with the filters of `list`."""
    from omni.client.http import camel

    body = {k: v for k, v in camel(filters_of(s, **filters)).items() if v is not None}
    page = collect(s, lambda **kw: s.client.events.search(query=query, filters=body, format=fmt, **kw), limit,
                   "events", cursor)  # fmt: skip
    if s.out.json or fmt == "full":
        s.out.emit(page, SEARCH_COLUMNS if fmt != "full" else COLUMNS, empty=f"nothing matches {query!r}")
    elif fmt == "agent":
        for item in page.items:
            s.out.console.print(getattr(item, "text", None) or (item.model_extra or {}).get("text", ""), markup=False)
        if not page.items:
            s.out.console.print(f"[dim]nothing matches {query!r}[/dim]")
    else:
        s.out.emit(page, SEARCH_COLUMNS, empty=f"nothing matches {query!r}")


@command(events, "analytics")
@click.option("--granularity", "-g", type=click.Choice(["hourly", "daily"]), default="hourly", show_default=True)
@click.option("--since", help="From (default: 24 h ago hourly, 30 days daily): 2h, 7d or an ISO date/time.")
@click.option("--until", help="Until (default: now).")
@click.option("--instance", "-i", "instances", multiple=True, help="Only these instances (repeat or commas).")
def analytics(s: Session, granularity: str, since: str | None, until: str | None, instances: tuple[str, ...]) -> None:
    """Event counts per hour or day and per type."""
    ids = [s.resolve("instance", i) for i in split_csv(instances) or []] or None
    result = s.client.events.analytics(granularity=granularity, since=moment(since, "--since"),
                                       until=moment(until, "--until"), instance_id=ids)  # fmt: skip
    if s.out.json:
        s.out.emit(result)
        return
    by_type = [{"eventType": k, "count": v} for k, v in sorted(result.by_event_type.items(), key=lambda kv: -kv[1])]
    s.out.emit(by_type, cols("eventType=Type", "count=Count"),
               title=f"{result.total} events, {result.since:%Y-%m-%d %H:%M} → {result.until:%Y-%m-%d %H:%M} UTC",
               empty="no events in that time")  # fmt: skip
    buckets = [{"bucket": b.bucket.strftime("%Y-%m-%d %H:00" if granularity == "hourly" else "%Y-%m-%d"),
                "count": b.count, "types": ", ".join(f"{k} {v}" for k, v in b.by_event_type.items())}
               for b in result.buckets]  # fmt: skip
    if buckets:
        s.out.emit(buckets, cols("bucket=When (UTC)", "count=Count", "types=By type"))


@command(events, "timeline")
@click.argument("person")
@limit_option()
@cursor_option
def timeline(s: Session, person: str, limit: int, cursor: str | None) -> None:
    """A person's events, newest first (`omni persons timeline` adds their messages)."""
    person_id = s.resolve("person", person)
    page = collect(s, lambda **kw: s.client.events.timeline(person_id, **kw), limit, "events", cursor)
    s.out.emit(page, COLUMNS, empty="no events about this person")


@command(events, "by-sender")
@click.argument("sender")
@limit_option()
@cursor_option
def by_sender(s: Session, sender: str, limit: int, cursor: str | None) -> None:
    """Events of a sender, by their platform user id (a phone JID, a Discord user id …), newest first."""
    page = collect(s, lambda **kw: s.client.events.by_sender(sender, **kw), limit, "events", cursor)
    s.out.emit(page, COLUMNS, empty=f"no events from {sender}")


def trigger_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.option("--type", "-t", "event_type", required=True,
                     help="custom.<name>[.<name>…], e.g. custom.order.paid."),
        click.option("--payload", "-d", help="The event's payload: a JSON object, @file or -."),
        click.option("--instance", "-i", help="The instance it is about (UUID, prefix or name); none: global."),
        click.option("--correlation-id", help="To find related events again (`events list --correlation-id`)."),
    ]):  # fmt: skip
        fn = option(fn)
    return fn


def trigger_event(s: Session, event_type: str, payload: str | None, instance: str | None,
                  correlation_id: str | None) -> None:  # fmt: skip
    body = read_json(payload, "--payload") if payload is not None else {}
    if not isinstance(body, dict):
        raise UsageProblem("--payload must be a JSON object", hint='e.g. --payload \'{"orderId": 42}\'',
                           field="--payload")  # fmt: skip
    if not event_type.startswith("custom."):
        raise UsageProblem(f"custom events are custom.<name>: not {event_type!r}",
                           hint=f"e.g. --type custom.{event_type.strip('.') or 'my-event'}", field="--type")  # fmt: skip
    created = s.client.events.trigger(event_type=event_type, payload=body, correlation_id=correlation_id,
                                      instance_id=s.resolve("instance", instance) if instance else None)  # fmt: skip
    s.out.emit(created, message=f"event {created.event_type} published ({str(created.id)[:8]})")


@command(events, "trigger")
@trigger_options
def trigger(s: Session, **values: Any) -> None:
    """Publish a custom event (journalled, and on the bus as omni.custom.<type>.<instance|global>)."""
    trigger_event(s, **values)


# ---- dead letters --------------------------------------------------------------------------------------------------


@click.group(name="dead-letters")
def dead_letters() -> None:
    """Events a consumer gave up on: list, inspect, retry, resolve or abandon them.

    Dead letters are retried automatically after 1 h, 6 h and 24 h; `retry` publishes the event again now.

    \b
    Examples:
      omni dead-letters stats
      omni dead-letters list --status pending --since 1d
      omni dead-letters get 3fa2c1          # with the event's payload and the stack
      omni dead-letters retry 3fa2c1
      omni dead-letters resolve 3fa2c1 --note "fixed by hand"
    """


@command(dead_letters, "list")
@click.option("--status", type=click.Choice(["pending", "retrying", "resolved", "abandoned"]))
@click.option("--type", "-t", "event_type", help="An event type, or a prefix wildcard: 'message.*'.")
@click.option("--consumer", help="The consumer that gave up (e.g. persist-message).")
@click.option("--since", help="Created at or after: 30m, 2h, 7d or an ISO date/time.")
@click.option("--until", help="Created before.")
@limit_option()
@cursor_option
def list_dead_letters(s: Session, status: str | None, event_type: str | None, consumer: str | None,
                      since: str | None, until: str | None, limit: int, cursor: str | None) -> None:  # fmt: skip
    """List dead letters, newest first (`get` shows one's payload and stack)."""
    params = {"status": status, "event_type": event_type, "consumer": consumer, "since": moment(since, "--since"),
              "until": moment(until, "--until")}  # fmt: skip
    page = collect(s, lambda **kw: s.client.dead_letters.list(**params, **kw), limit, "dead letters", cursor)
    s.out.emit(page, DEAD_COLUMNS, empty="no dead letters")


show_command(
    dead_letters,
    "dead-letter",
    "dead_letters",
    "Show a dead letter: the event's payload, the error and the stack of the last failure.",
)


@command(dead_letters, "stats")
def stats(s: Session) -> None:
    """Counts by status and by event type, and the oldest pending one."""
    result = s.client.dead_letters.stats()
    if s.out.json:
        s.out.emit(result)
        return
    rows = [{"status": k, "count": v} for k, v in result.by_status.items()]
    s.out.emit(rows, cols("status=Status", "count=Count"), title=f"{result.total} dead letters")
    if result.by_event_type:
        types = [{"eventType": k, "count": v} for k, v in result.by_event_type.items()]
        s.out.emit(types, cols("eventType=Event type", "count=Count"))
    if result.oldest_pending_at:
        s.out.console.print(f"oldest pending: {result.oldest_pending_at:%Y-%m-%d %H:%M:%S} UTC")


@command(dead_letters, "retry")
@click.argument("dead_letter")
def retry(s: Session, dead_letter: str) -> None:
    """Publish the event again now (it becomes `retrying`; failing again, it comes back pending)."""
    row = s.client.dead_letters.retry(s.resolve("dead-letter", dead_letter))
    s.out.emit(row, message=f"dead letter {str(row.id)[:8]} retried (attempt {row.manual_retry_count})")


def _close(name: str, verb: str, doc: str) -> None:
    @command(dead_letters, name)
    @click.argument("dead_letter")
    @click.option("--note", help="Why (kept with it).")
    @click.option("--yes", "-y", is_flag=True, help="Do not ask.")
    def close(s: Session, dead_letter: str, note: str | None, yes: bool) -> None:
        dead_letter_id = s.resolve("dead-letter", dead_letter)
        confirm(s, yes, f"{name} dead letter {dead_letter_id}?")
        row = getattr(s.client.dead_letters, name)(dead_letter_id, note=note)
        s.out.emit(row, message=f"dead letter {str(row.id)[:8]} {verb}")

    close.help = doc


_close("resolve", "resolved", "Mark it handled (no more automatic retries).")
_close("abandon", "abandoned", "Give up on it (no more automatic retries).")


def register(cli: click.Group) -> None:
    cli.add_command(events)
    cli.add_command(dead_letters)
