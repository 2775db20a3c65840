"""Trigger logs: one row per agent dispatch (what triggered it, which provider, how long, how many tokens)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.models.common import utcnow

if TYPE_CHECKING:
    from omni.db.models.agent_providers import AgentProvider
    from omni.db.models.instances import Instance


class TriggerLog(Model):
    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="trigger_logs", on_delete=fields.CASCADE
    )
    provider: fields.ForeignKeyNullableRelation[AgentProvider] = fields.ForeignKeyField(
        "models.AgentProvider", related_name="trigger_logs", null=True, on_delete=fields.SET_NULL
    )
    agent_id = fields.CharField(max_length=255, null=True)
    trace_id = fields.CharField(max_length=255, null=True)
    event_type = fields.CharField(max_length=128)
    event_id = fields.UUIDField()
    trigger_type = fields.CharField(max_length=32)  # TRIGGER_TYPES
    channel = fields.CharField(max_length=64, null=True)  # CHANNELS
    chat_id = fields.CharField(max_length=255)  # the platform's chat id
    sender_id = fields.CharField(max_length=255, null=True)  # the platform's user id
    mode = fields.CharField(max_length=32, null=True)  # TRIGGER_MODES
    fired_at = fields.DatetimeField(default=utcnow)
    responded_at = fields.DatetimeField(null=True)
    responded = fields.BooleanField(default=False)
    duration_ms = fields.IntField(null=True)
    input_tokens = fields.IntField(null=True)
    output_tokens = fields.IntField(null=True)
    error = fields.TextField(null=True)
    metadata = fields.JSONField(null=True)
    # what the dispatcher decided: replied | filtered | rate_limited | denied | debounced | paused | failed | reset | stale
    decision = fields.CharField(max_length=16, default="replied")
    reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "trigger_logs"
        indexes = (
            ("instance_id", "fired_at"),  # an instance's dispatches; route metrics
            ("instance_id", "chat_id", "fired_at"),  # one chat's decisions
            ("fired_at",),  # all dispatches in a time range; retention
            ("provider_id",),  # the SET NULL when a provider goes
            ("trace_id",),
            ("event_id",),  # was this inbound event answered (a redelivery after a crash)
        )
