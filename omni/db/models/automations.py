"""Automations ("when event X matches conditions Y, run actions Z") and the log of their runs."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Automation(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=255)
    description = fields.TextField(null=True)
    trigger_event_type = fields.CharField(max_length=255)  # an event type, `custom.*` …
    trigger_conditions = fields.JSONField(null=True)  # [{field, operator (AUTOMATION_OPERATORS), value}]
    condition_logic = fields.CharField(max_length=8, default="and")  # AUTOMATION_CONDITION_LOGIC
    actions = fields.JSONField(default=list)  # [{type (AUTOMATION_ACTION_TYPES), config}]
    debounce = fields.JSONField(null=True)  # {mode (AUTOMATION_DEBOUNCE_MODES), delayMs | minMs, maxMs | …}
    enabled = fields.BooleanField(default=True)
    priority = fields.IntField(default=0)  # higher runs first
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    logs: fields.ReverseRelation[AutomationLog]

    class Meta:
        table = "automations"
        indexes = (("trigger_event_type", "enabled"),)  # the engine's lookup for an event; ?enabled=


class AutomationLog(Model):
    id = fields.UUIDField(primary_key=True)
    automation: fields.ForeignKeyRelation[Automation] = fields.ForeignKeyField(
        "models.Automation", related_name="logs", on_delete=fields.CASCADE
    )
    event_id = fields.UUIDField()
    status = fields.CharField(max_length=16)  # AUTOMATION_LOG_STATUSES
    conditions_matched = fields.BooleanField()
    dry_run = fields.BooleanField(default=False)  # POST /automations/:id/test
    actions_executed = fields.JSONField(null=True)  # [{action, status, result, error, durationMs}]
    error = fields.TextField(null=True)
    execution_time_ms = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "automation_logs"
        indexes = (
            ("automation_id", "created_at"),  # GET /automations/:id/logs
            ("created_at",),  # GET /automation-logs
            ("status", "created_at"),  # GET /automation-logs?status= ; metrics
            ("event_id",),  # the runs caused by one event
        )
