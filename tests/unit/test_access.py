"""The access decision: modes, rule order, phone patterns, expiry, enabled, person and global rules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from omni.access import evaluate, normalize_phone, phone_matches, phone_of

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class R:
    rule_type: str = "deny"
    phone_pattern: str | None = None
    platform_user_id: str | None = None
    person_id: uuid.UUID | None = None
    priority: int = 0
    enabled: bool = True
    expires_at: datetime | None = None
    action: str = "block"
    reason: str | None = None
    created_at: datetime = NOW - timedelta(days=1)
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def decide(mode: str, rules: list[R], user: str = "u1", phone: str | None = None, person: uuid.UUID | None = None):
    return evaluate(mode, rules, platform_user_id=user, phone=phone, person_id=person, now=NOW)


def test_modes_without_rules() -> None:
    assert decide("disabled", [R(platform_user_id="u1")]).allowed
    assert decide("blocklist", []).allowed
    d = decide("allowlist", [])
    assert not d.allowed and d.action == "block" and d.reason == "Not in allowlist" and d.rule is None


def test_deny_and_allow_rules() -> None:
    deny = R(platform_user_id="u1", action="silent_block", reason="spam")
    d = decide("blocklist", [deny])
    assert not d.allowed and d.action == "silent_block" and d.reason == "spam" and d.rule is deny
    assert decide("blocklist", [deny], user="u2").allowed
    allow = R(rule_type="allow", platform_user_id="u1", action="allow")
    d = decide("allowlist", [allow])
    assert d.allowed and d.action == "allow" and d.rule is allow


def test_priority_then_newest_wins() -> None:
    low_allow = R(rule_type="allow", platform_user_id="u1", priority=1)
    high_deny = R(platform_user_id="u1", priority=10)
    assert decide("blocklist", [low_allow, high_deny]).rule is high_deny
    old = R(rule_type="allow", platform_user_id="u1", created_at=NOW - timedelta(days=3))
    new = R(platform_user_id="u1", created_at=NOW - timedelta(days=2))
    assert decide("blocklist", [old, new]).rule is new


def test_disabled_and_expired_rules_do_not_count() -> None:
    assert decide("blocklist", [R(platform_user_id="u1", enabled=False)]).allowed
    assert decide("blocklist", [R(platform_user_id="u1", expires_at=NOW - timedelta(seconds=1))]).allowed
    assert not decide("blocklist", [R(platform_user_id="u1", expires_at=NOW + timedelta(hours=1))]).allowed


@pytest.mark.parametrize(("pattern", "phone", "hit"), [
    ("+5511999990000", "5511999990000", True),
    ("+55 11 99999-0000", "+5511999990000", True),
    ("+5511*", "+5511987654321", True),
    ("+5511*", "+5521987654321", False),
    ("*0000", "5511999990000", True),
    ("+55*99*", "5511999990000", True),
    ("+5511999990000", "5511999990001", False),
    ("+5511*", None, False),
])  # fmt: skip
def test_phone_patterns(pattern: str, phone: str | None, hit: bool) -> None:
    assert phone_matches(pattern, phone) is hit


def test_phone_from_platform_user_id() -> None:
    assert phone_of("5511999990000@s.whatsapp.net") == "5511999990000"
    assert phone_of("5511999990000:12@s.whatsapp.net") == "5511999990000"
    assert phone_of("123456789012345@lid") is None and phone_of("discord-user") is None
    assert normalize_phone("+1 (555) 010-9999") == "15550109999" and normalize_phone("abc") is None
    rule = R(phone_pattern="+5511*")
    assert not decide("blocklist", [rule], user="5511999990000@s.whatsapp.net").allowed
    assert decide("blocklist", [rule], user="lid-user", phone="+5521999990000").allowed


def test_person_rules_match() -> None:
    person = uuid.uuid4()
    rule = R(rule_type="allow", person_id=person)
    assert decide("allowlist", [rule], person=person).allowed
    assert not decide("allowlist", [rule], person=uuid.uuid4()).allowed
