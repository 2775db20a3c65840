"""Inbound webhook sources: `POST /webhooks/:source` publishes `custom.webhook.<source>`."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from omni.db.crypto import EncryptedTextField


class WebhookSource(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)  # github, stripe …
    description = fields.TextField(null=True)
    expected_headers = fields.JSONField(null=True)  # {"X-GitHub-Event": true}: headers a request must carry
    secret = EncryptedTextField(null=True)  # HMAC signing secret; null = unsigned
    enabled = fields.BooleanField(default=True)
    last_received_at = fields.DatetimeField(null=True)
    total_received = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "webhook_sources"
