"""Stored event payloads per processing stage (gzip-compressed), and which stages to keep per event type."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PayloadStorageConfig(Model):
    id = fields.UUIDField(primary_key=True)
    event_type = fields.CharField(max_length=128, unique=True)  # "*" is the default for every type
    store_webhook_raw = fields.BooleanField(default=True)
    store_agent_request = fields.BooleanField(default=True)
    store_agent_response = fields.BooleanField(default=True)
    store_channel_send = fields.BooleanField(default=True)
    store_error = fields.BooleanField(default=True)
    retention_days = fields.IntField(default=14)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payload_storage_config"


class EventPayload(Model):
    # event_id is not a foreign key to the journal: payloads are kept (and purged) on their own retention.
    id = fields.UUIDField(primary_key=True)
    event_id = fields.UUIDField()
    event_type = fields.CharField(max_length=128)
    stage = fields.CharField(max_length=32)  # PAYLOAD_STAGES
    payload = fields.BinaryField()  # gzip of the JSON text
    size_original = fields.IntField(null=True)  # bytes
    size_compressed = fields.IntField(null=True)
    contains_media = fields.BooleanField(default=False)
    contains_base64 = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    deleted_at = fields.DatetimeField(null=True)
    deleted_by = fields.CharField(max_length=255, null=True)
    delete_reason = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "event_payloads"
        indexes = (
            ("event_id", "stage"),  # GET /events/:eventId/payloads[/:stage]
            ("created_at",),  # the daily retention purge
            ("event_type", "created_at"),  # payload stats per type
        )
