"""API keys (stored as a SHA-256 hash and an 8-character prefix, never in plain text) and their audit log."""

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
    status = fields.CharField(max_length=16, default="active", db_index=True)  # API_KEY_STATUSES
    rate_limit = fields.IntField(null=True)
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    last_used_ip = fields.CharField(max_length=64, null=True)
    usage_count = fields.BigIntField(default=0)
    revoked_at = fields.DatetimeField(null=True)
    revoked_by = fields.CharField(max_length=255, null=True)
    revoke_reason = fields.TextField(null=True)
    created_by = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    audit_logs: fields.ReverseRelation[ApiKeyAuditLog]

    class Meta:
        table = "api_keys"


class ApiKeyAuditLog(Model):
    # One row per authenticated request, written in batches by `omni.api.audit` (raw SQL: keep its columns in step).
    id = fields.UUIDField(primary_key=True)
    api_key: fields.ForeignKeyRelation[ApiKey] = fields.ForeignKeyField(
        "models.ApiKey", related_name="audit_logs", on_delete=fields.CASCADE
    )
    method = fields.CharField(max_length=10)
    path = fields.CharField(max_length=500)
    status = fields.SmallIntField()  # the HTTP status code
    ip = fields.CharField(max_length=64, null=True)
    duration_ms = fields.FloatField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "api_key_audit_logs"
        # GET /keys/:id/audit: one key's rows, newest first (cursor on created_at, id)
        indexes = (("api_key_id", "created_at"),)
