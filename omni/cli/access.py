"""`omni access`: who may talk to the agent — allow/deny rules, an instance's access mode, the check the dispatcher
runs, and the pairing requests of unknown senders."""

from __future__ import annotations

from typing import Any

import click

from omni.cli.base import (
    Column,
    Session,
    UsageProblem,
    cols,
    command,
    delete_command,
    model_body,
    model_options,
    moment,
    pop_model_values,
    show_command,
)
from omni.client import models as m

COLUMNS = cols("id:short=ID", Column("instanceId", "Instance", lambda v: str(v)[:8] if v else "global"),
               "ruleType=Type", "phonePattern=Phone", "platformUserId=User", "personId:short=Person",
               "priority=Priority", "action=Action", "enabled=Enabled", "expiresAt=Expires",
               "reason=Reason")  # fmt: skip
REQUEST_COLUMNS = cols("id:short=ID", "code=Code", "platformUserId=Sender", "displayName=Name", "chatId=Chat",
                       "status=Status", "createdAt=Asked", "expiresAt=Expires")  # fmt: skip
ALIASES = {"rule_type": ["--type"], "phone_pattern": ["--phone"], "platform_user_id": ["--user"],
           "person_id": ["--person"], "block_message": ["--message"], "expires_at": ["--expires"],
           "instance_id": ["--instance"]}  # fmt: skip
MODES = ("disabled", "blocklist", "allowlist")


@click.group(name="access")
def access() -> None:
    """Access control: allow and deny rules, an instance's access mode, and pairing of unknown senders.

    \b
    Examples:
      omni access mode support allowlist        # only allowed senders get the agent
      omni access create --type allow --instance support --phone "+5511*"
      omni access create --type deny --phone +15551234567 --action block --message "Not here"   # every instance
      omni access check --instance support --phone +15551234567
      omni access pending support               # with `omni instances update support --access-pairing`
      omni access approve support K7Q2XM        # the code the sender got, or the request's id
    Rules apply by priority (highest first); a rule without --instance is global.
    """


def _body(s: Session, model: type[Any], values: dict[str, Any]) -> dict[str, Any]:
    body = model_body(s, model, pop_model_values(model, values))
    if "expires_at" in body:
        body["expires_at"] = moment(body["expires_at"], "--expires", future=True)
    return body


@command(access, "list")
@click.option("--instance", "instances", multiple=True, help="Only this instance's rules (repeatable).")
@click.option("--type", "rule_type", type=click.Choice(["allow", "deny"]), help="Only allow (or deny) rules.")
@click.option("--enabled/--disabled", "enabled", default=None, help="Only enabled (or disabled) rules.")
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def list_rules(s: Session, instances: tuple[str, ...], rule_type: str | None, enabled: bool | None, limit: int,
               cursor: str | None) -> None:  # fmt: skip
    """List access rules (without --instance: every instance's and the global ones)."""
    ids = [s.resolve("instance", i) for i in instances] or None
    page = s.client.access.list(instance_id=ids, rule_type=rule_type, enabled=enabled, limit=limit, cursor=cursor)
    s.out.emit(page, COLUMNS, empty="no access rules")


show_command(access, "rule", "access", "Show a rule (RULE: UUID or a unique id prefix).")


@command(access, "create")
@model_options(m.RuleCreate, aliases=ALIASES, required=("rule_type",))
def create_rule(s: Session, **values: Any) -> None:
    """Create a rule matching a phone pattern (`*` wildcards), a platform user id or a person.

    --action: block (send --message), silent_block, or allow; --expires: a date, a time or 7d."""
    body = _body(s, m.RuleCreate, values)
    if not ({"phone_pattern", "platform_user_id", "person_id"} & body.keys()):
        raise UsageProblem("a rule needs --phone, --user or --person", field="phone",
                           hint='e.g. --phone "+5511*" or --user 123456789')  # fmt: skip
    created = s.client.access.create(**body)
    where = f"instance {str(created.instance_id)[:8]}" if created.instance_id else "every instance"
    s.out.emit(created, message=f"{created.rule_type} rule {str(created.id)[:8]} created for {where}")


@command(access, "update")
@click.argument("rule")
@model_options(m.RuleUpdate, aliases=ALIASES)
def update_rule(s: Session, rule: str, **values: Any) -> None:
    """Change a rule (only the flags given change)."""
    rule_id = s.resolve("rule", rule)
    body = _body(s, m.RuleUpdate, values)
    if not body:
        raise UsageProblem("nothing to change", hint="give at least one flag; `--help` lists them")
    s.out.emit(s.client.access.update(rule_id, **body), message=f"rule {rule_id[:8]} updated")


delete_command(access, "rule", "access rule", "access", "Delete a rule.")


@command(access, "mode")
@click.argument("instance")
@click.argument("mode", required=False, type=click.Choice(MODES))
@click.option("--pairing/--no-pairing", default=None,
              help="Unknown senders get a code to be approved (`access pending`); allowlist only.")  # fmt: skip
def mode(s: Session, instance: str, mode: str | None, pairing: bool | None) -> None:
    """Show or set an instance's access mode: disabled (everyone), blocklist (all but denied), allowlist (only
    allowed)."""
    instance_id = s.resolve("instance", instance)
    changes = {k: v for k, v in {"access_mode": mode, "access_pairing": pairing}.items() if v is not None}
    row = s.client.instances.update(instance_id, **changes) if changes else s.client.instances.get(instance_id)
    data = {"instanceId": str(row.id), "name": row.name, "accessMode": row.access_mode,
            "accessPairing": row.access_pairing}  # fmt: skip
    if changes:
        s.out.emit(data, message=f"{row.name}: access mode {row.access_mode}"
                   f"{', pairing on' if row.access_pairing else ''}")  # fmt: skip
    else:
        s.out.emit(data)


@command(access, "check")
@click.option("--instance", help="The instance (UUID, prefix or name; default: the configured one).")
@click.option("--user", help="The sender's platform user id (a phone number works for WhatsApp).")
@click.option("--phone", help="The sender's phone number.")
@click.option("--person", help="The sender's person (UUID, prefix or name).")
@click.option("--channel", help="The channel, when rules depend on it.")
def check(s: Session, instance: str | None, user: str | None, phone: str | None, person: str | None,
          channel: str | None) -> None:  # fmt: skip
    """Would this sender get through to the agent? Which rule decides, and why."""
    if not (user or phone):
        raise UsageProblem("who? give --user or --phone", field="user")
    result = s.client.access.check(instance_id=s.instance(instance), platform_user_id=user or phone, phone=phone,
                                   person_id=s.resolve("person", person) if person else None,
                                   channel=channel)  # fmt: skip
    rule = f" (rule {str(result.rule.id)[:8]})" if result.rule else ""
    verdict = "allowed" if result.allowed else f"not allowed: {result.action}"
    if s.out.json:
        s.out.emit(result, message=f"{verdict}{rule}")
        return
    colour = "green" if result.allowed else "red"
    s.out.console.print(f"[{colour} bold]{verdict}[/{colour} bold]{rule} — {result.reason}")


@command(access, "pending")
@click.argument("instance")
@click.option("--status", type=click.Choice(["pending", "approved", "denied", "expired"]), default="pending",
              show_default=True)  # fmt: skip
@click.option("--limit", type=click.IntRange(1, 100), default=50, show_default=True)
@click.option("--cursor", help="The cursor a previous page printed.")
def pending(s: Session, instance: str, status: str, limit: int, cursor: str | None) -> None:
    """Pairing requests of unknown senders (instances with access pairing on an allowlist)."""
    page = s.client.instances.access_requests(s.resolve("instance", instance), status=status, limit=limit,
                                              cursor=cursor)  # fmt: skip
    s.out.emit(page, REQUEST_COLUMNS, empty=f"no {status} pairing requests")


def _decision(name: str, doc: str, verb: str) -> None:
    @command(access, name)
    @click.argument("instance")
    @click.argument("request")
    @click.option("--reason", help="Kept with the decision (and the allow rule).")
    def decide(s: Session, instance: str, request: str, reason: str | None) -> None:
        instance_id = s.resolve("instance", instance)
        call = s.client.instances.approve_request if name == "approve" else s.client.instances.deny_request
        done = call(instance_id, request.strip(), **({"reason": reason} if reason else {}))
        extra = f"; allow rule {str(done.rule_id)[:8]}" if done.rule_id else ""
        s.out.emit(done, message=f"{verb} {done.display_name or done.platform_user_id}{extra}")

    decide.help = doc


_decision("approve", "Approve a pairing request (REQUEST: its id or the code the sender got): creates an allow rule "
          "and tells the sender.", "approved")  # fmt: skip
_decision("deny", "Deny a pairing request (REQUEST: its id or the code the sender got).", "denied")


def register(cli: click.Group) -> None:
    cli.add_command(access)
