"""Follow-ups (seed 001 `omni follow-up`): when a customer goes quiet after an agent reply, the agent is asked for a
nudge on a schedule, until the customer answers or the sequence is disarmed.

A config lives at one scope — an agent provider (`agents`), an instance or a chat — and the closest scope wins
(chat → instance → agent); `enabled: false` at a scope stops there (broader scopes do not leak through). A chat has at
most one sequence (`follow_up_sequences`), armed by each agent reply and disarmed by an inbound message, a pause, an
archive or mute, an agent error, a failed send, a session reset, the messaging window or its last follow-up. The
sequences live in PostgreSQL, so they survive restarts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel
from tortoise import Tortoise

WINDOW_CHANNELS = ("whatsapp-cloud", "whatsapp-baileys")  # where the 24 h messaging window applies
WINDOW = timedelta(hours=24)


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Schedule(_Camel):
    kind: Literal["fixed", "exponential"]
    # minutes (fractions allowed, from 0.05 = 3 s: handy to try a sequence out)
    intervals_minutes: list[float] | None = Field(None, min_length=1, max_length=50)
    initial_minutes: float | None = Field(None, ge=0.05, le=60 * 24 * 30)
    factor: float | None = Field(None, ge=1, le=10)
    max_minutes: float | None = Field(None, ge=0.05, le=60 * 24 * 30)

    @model_validator(mode="after")
    def _complete(self) -> Schedule:
        if self.kind == "fixed":
            if not self.intervals_minutes:
                raise ValueError("a fixed schedule needs intervalsMinutes")
            if any(m < 0.05 or m > 60 * 24 * 30 for m in self.intervals_minutes):
                raise ValueError("each interval is 0.05 to 43200 minutes")
        elif self.initial_minutes is None:
            raise ValueError("an exponential schedule needs initialMinutes")
        return self


class FollowUpSettings(_Camel):
    enabled: bool
    schedule: Schedule
    max_follow_ups: int = Field(ge=1, le=50)
    prompt_template: str = Field(min_length=1, max_length=4000)
    stop_outside_messaging_window: bool = True
    show_typing_indicator: bool = True


def delay(config: dict[str, Any], index: int) -> timedelta:
    """The wait before follow-up number `index` (0-based): fixed cycles through its intervals; exponential grows
    by `factor` from `initialMinutes`, capped at `maxMinutes`."""
    schedule = config["schedule"]
    if schedule["kind"] == "fixed":
        intervals = schedule["intervalsMinutes"]
        return timedelta(minutes=intervals[index % len(intervals)])
    minutes = schedule["initialMinutes"] * (schedule.get("factor") or 2) ** index
    if schedule.get("maxMinutes"):
        minutes = min(minutes, schedule["maxMinutes"])
    return timedelta(minutes=minutes)


def render_prompt(template: str, *, minutes: int, index: int, chat_name: str | None, synthetic: str = "") -> str:
    return (template.replace("{{minutes}}", str(minutes)).replace("{{sequenceIndex}}", str(index))
            .replace("{{chatName}}", chat_name or "").replace("{{syntheticPrompt}}", synthetic))  # fmt: skip


def resolve(configs: Mapping[tuple[str, str], Any], instance_id: Any, chat_uuid: Any,
            provider_id: Any) -> dict[str, Any] | None:  # fmt: skip
    """The config that applies, given the stored configs by (scope, id): the closest scope wins; `enabled: false`
    there means none."""
    for scope, target in (("chats", chat_uuid), ("instances", instance_id), ("agents", provider_id)):
        config = configs.get((scope, str(target))) if target is not None else None
        if config is not None:
            config = orjson.loads(config) if isinstance(config, str) else config
            return config if config.get("enabled") else None
    return None


async def effective(instance_id: Any, chat_uuid: Any, provider_id: Any) -> dict[str, Any] | None:
    """The config that applies (None: no follow-ups)."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "select scope, scope_id, config from follow_up_configs where (scope = 'chats' and scope_id = $1) or "
        "(scope = 'instances' and scope_id = $2) or (scope = 'agents' and scope_id = $3)",
        [chat_uuid, instance_id, provider_id],
    )  # fmt: skip
    return resolve({(r["scope"], str(r["scope_id"])): r["config"] for r in rows}, instance_id, chat_uuid, provider_id)


async def effective_for_chat(chat_uuid: uuid.UUID) -> dict[str, Any] | None:
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict("select c.instance_id, i.agent_provider_id from chats c join instances i on "
                                         "i.id = c.instance_id where c.id = $1", [chat_uuid])  # fmt: skip
    if not rows:
        return None
    return await effective(rows[0]["instance_id"], chat_uuid, rows[0]["agent_provider_id"])


async def arm(instance_id: Any, chat_id: str, chat_uuid: Any, sender_id: str | None, session_id: str,
              config: dict[str, Any]) -> None:  # fmt: skip
    """(Re)start the chat's sequence after an agent reply."""
    now = datetime.now(UTC)
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        "insert into follow_up_sequences (id, instance_id, chat_id, chat_uuid, sender_id, session_id, config, armed, "
        "sequence_index, last_activity_at, next_at, disarmed_reason, created_at, updated_at) values ($1, $2, $3, $4, "
        "$5, $6, $7::jsonb, true, 0, $8, $9, null, $8, $8) on conflict (instance_id, chat_id) do update set "
        "chat_uuid = excluded.chat_uuid, sender_id = excluded.sender_id, session_id = excluded.session_id, "
        "config = excluded.config, armed = true, sequence_index = 0, last_activity_at = excluded.last_activity_at, "
        "next_at = excluded.next_at, disarmed_reason = null, updated_at = excluded.updated_at",
        [uuid.uuid4(), instance_id, chat_id, chat_uuid, sender_id, session_id, _json(config), now, now + delay(config, 0)],
    )  # fmt: skip


async def disarm(instance_id: Any, chat_id: str, reason: str) -> None:
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        "update follow_up_sequences set armed = false, next_at = null, disarmed_reason = $3, updated_at = now() "
        "where instance_id = $1 and chat_id = $2 and armed", [instance_id, chat_id, reason],
    )  # fmt: skip


async def disarm_chat(chat_uuid: Any, reason: str) -> None:
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        "update follow_up_sequences s set armed = false, next_at = null, disarmed_reason = $2, updated_at = now() "
        "from chats c where c.id = $1 and s.instance_id = c.instance_id and s.chat_id = c.external_id and s.armed",
        [chat_uuid, reason],
    )  # fmt: skip


async def armed_chats() -> set[tuple[str, str]]:
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict("select instance_id, chat_id from follow_up_sequences where armed")
    return {(str(r["instance_id"]), r["chat_id"]) for r in rows}


async def due(limit: int = 50) -> list[dict[str, Any]]:
    """Sequences whose next follow-up is due, with what the dispatcher needs to fire them (moved out of the way
    for a minute, so a slow agent is not fired twice; the fire sets the real next time)."""
    conn = Tortoise.get_connection("default")
    return await conn.execute_query_dict(
        "update follow_up_sequences s set next_at = now() + interval '1 minute', updated_at = now() from "
        "(select id from follow_up_sequences where armed and next_at <= now() order by next_at limit $1 "
        "for update skip locked) d where s.id = d.id returning s.*", [limit],
    )  # fmt: skip


async def fired(sequence_id: Any, config: dict[str, Any], index: int) -> bool:
    """Follow-up `index` (0-based) went out: the next one, or the end of the sequence (returns True then). Nothing
    moves if the sequence was disarmed or re-armed meanwhile."""
    conn = Tortoise.get_connection("default")
    done = index + 1
    if done >= int(config.get("maxFollowUps") or 1):
        await conn.execute_query(
            "update follow_up_sequences set sequence_index = $2, armed = false, next_at = null, "
            "disarmed_reason = 'max_reached', updated_at = now() where id = $1 and armed and sequence_index = $3",
            [sequence_id, done, index],
        )  # fmt: skip
        return True
    await conn.execute_query(
        "update follow_up_sequences set sequence_index = $2, next_at = now() + $3::interval, updated_at = now() "
        "where id = $1 and armed and sequence_index = $4", [sequence_id, done, delay(config, done), index],
    )  # fmt: skip
    return False


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()
