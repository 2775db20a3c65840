"""Access control (reference §7): may this sender reach the agent of this instance?

The instance's `accessMode` decides the default: `disabled` allows everyone, `blocklist` allows unless a deny rule
matches, `allowlist` denies unless an allow rule matches. Rules are global (no instance) or the instance's own; only
enabled, unexpired rules count, highest priority first, then newest; the first that matches wins. A rule matches an
exact platform user id, a phone pattern (`*` matches any digits) or a person. Plain Python: the API's
`POST /access/check` and the dispatcher share it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

ALLOW = "allow"
BLOCK = "block"


class Rule(Protocol):
    id: Any
    rule_type: str
    phone_pattern: str | None
    platform_user_id: str | None
    person_id: Any
    priority: int
    enabled: bool
    expires_at: datetime | None
    action: str
    reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class Decision:
    allowed: bool
    action: str  # allow | block | silent_block
    reason: str
    rule: Any = None  # the rule that decided, if one did


_JID_PHONE = re.compile(r"^\+?(\d{5,20})(:\d+)?(@(s\.whatsapp\.net|c\.us))?$")


def normalize_phone(value: str | None) -> str | None:
    """Digits only (a leading + and separators dropped); None when there are no digits."""
    if not value:
        return None
    digits = re.sub(r"[^\d*]", "", value)
    return digits or None


def phone_of(platform_user_id: str | None) -> str | None:
    """The phone number a platform user id carries (a bare number or a WhatsApp phone JID), if any."""
    if not platform_user_id:
        return None
    match = _JID_PHONE.match(platform_user_id.strip())
    return match.group(1) if match else None


def phone_matches(pattern: str, phone: str | None) -> bool:
    """`+55119*` matches 5511912345678; without `*` the whole number must be equal."""
    wanted = normalize_phone(pattern)
    got = normalize_phone(phone)
    if not wanted or not got or "*" in got:
        return False
    regex = "^" + ".*".join(re.escape(part) for part in wanted.split("*")) + "$"
    return re.match(regex, got) is not None


def matches(rule: Rule, platform_user_id: str | None, phone: str | None, person_id: uuid.UUID | str | None) -> bool:
    if rule.platform_user_id and platform_user_id and rule.platform_user_id == platform_user_id:
        return True
    if rule.phone_pattern and phone_matches(rule.phone_pattern, phone or phone_of(platform_user_id)):
        return True
    return bool(rule.person_id and person_id and str(rule.person_id) == str(person_id))


def active(rule: Rule, now: datetime) -> bool:
    return rule.enabled and (rule.expires_at is None or rule.expires_at > now)


def ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Highest priority first, then newest."""
    return sorted(rules, key=lambda r: (r.priority, r.created_at), reverse=True)


def evaluate(
    mode: str,
    rules: Sequence[Rule],
    *,
    platform_user_id: str | None,
    phone: str | None = None,
    person_id: uuid.UUID | str | None = None,
    now: datetime | None = None,
) -> Decision:
    """The decision for one sender, given the instance's access mode and its (and the global) rules."""
    if mode == "disabled":
        return Decision(True, ALLOW, "access control is disabled for this instance")
    now = now or datetime.now(UTC)
    for rule in ordered(r for r in rules if active(r, now)):
        if matches(rule, platform_user_id, phone, person_id):
            reason = rule.reason or f"matched {rule.rule_type} rule {rule.id}"
            if rule.rule_type == "allow":
                return Decision(True, ALLOW, reason, rule)
            action = rule.action if rule.action in (BLOCK, "silent_block") else BLOCK
            return Decision(False, action, reason, rule)
    if mode == "allowlist":
        return Decision(False, BLOCK, "Not in allowlist")
    return Decision(True, ALLOW, "no rule matched")


async def check(
    instance_id: uuid.UUID,
    *,
    platform_user_id: str | None,
    phone: str | None = None,
    person_id: uuid.UUID | str | None = None,
) -> Decision:
    """`evaluate` with the instance's mode and rules from the database (Tortoise must be initialised)."""
    from omni.db.models import Instance

    mode = await Instance.filter(id=instance_id).values_list("access_mode", flat=True)
    if not mode:
        raise LookupError(f"no instance {instance_id}")
    now = datetime.now(UTC)
    found = await rules(instance_id, now)
    return evaluate(mode[0], found, platform_user_id=platform_user_id, phone=phone, person_id=person_id, now=now)


async def rules(instance_id: uuid.UUID | str, now: datetime | None = None) -> list[Any]:
    """The enabled, unexpired rules of an instance and the global ones (Tortoise must be initialised)."""
    from tortoise.expressions import Q

    from omni.db.models import AccessRule

    now = now or datetime.now(UTC)
    return await AccessRule.filter(Q(instance_id=instance_id) | Q(instance_id__isnull=True), enabled=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
