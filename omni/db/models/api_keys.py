"""API keys: stored as a SHA-256 hash and an 8-character prefix, never in plain text."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

PRIMARY_KEY_NAME = "__primary__"


class ApiKey(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=255)
    description = fields.TextField(null=True)
    key_prefix = fields.CharField(max_length=8, source_field="key_prefix")
    key_hash = fields.CharField(max_length=64, unique=True)
    scopes = fields.JSONField(default=list)
    instance_ids = fields.JSONField(null=True)
    status = fields.CharField(max_length=16, default="active", db_index=True)
    rate_limit = fields.IntField(null=True)
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    last_used_ip = fields.CharField(max_length=64, null=True)
    usage_count = fields.BigIntField(default=0)
    revoked_at = fields.DatetimeField(null=True)
    revoked_by = fields.CharField(max_length=255, null=True)
    revoke_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "api_keys"
