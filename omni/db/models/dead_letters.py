"""Dead letters: events whose handling failed after all retries; retried automatically after 1 h, 6 h and 24 h."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class DeadLetterEvent(Model):
    id = fields.UUIDField(primary_key=True)
    event_id = fields.CharField(max_length=64)  # kept as text: a dead message may not carry a valid id
    event_type = fields.CharField(max_length=128)
    subject = fields.CharField(max_length=255)
    consumer = fields.CharField(max_length=128, null=True)  # the durable consumer that gave up
    payload = fields.JSONField()
    error = fields.TextField()
    stack = fields.TextField(null=True)
    auto_retry_count = fields.IntField(default=0)
    manual_retry_count = fields.IntField(default=0)
    next_auto_retry_at = fields.DatetimeField(null=True)  # null = no more automatic retries
    status = fields.CharField(max_length=16, default="pending")  # DEAD_LETTER_STATUSES
    last_retry_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.CharField(max_length=255, null=True)
    resolution_note = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "dead_letter_events"
        indexes = (
            ("created_at",),  # GET /dead-letters, newest first; the 30-day purge
            ("status", "created_at"),  # ?status= ; stats
            ("event_type", "created_at"),  # ?eventType=
            ("status", "next_auto_retry_at"),  # the retry sweep: pending rows whose time has come
            ("event_id",),
        )
