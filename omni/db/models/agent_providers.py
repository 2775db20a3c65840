"""Agent providers: a reusable connection to an agent backend (its schema, URL, encrypted API key and defaults)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.crypto import EncryptedTextField

if TYPE_CHECKING:
    from omni.db.models.instances import Instance


class AgentProvider(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=255, unique=True)
    schema = fields.CharField(max_length=32, db_index=True)  # PROVIDER_SCHEMAS (or a plugin's key)
    base_url = fields.TextField(null=True)
    api_key = EncryptedTextField(null=True)
    schema_config = fields.JSONField(null=True)  # schema-specific settings (model, projectPath, …)
    default_stream = fields.BooleanField(default=True)
    default_timeout = fields.IntField(default=60)  # seconds
    supports_streaming = fields.BooleanField(default=True)
    supports_images = fields.BooleanField(default=False)
    supports_audio = fields.BooleanField(default=False)
    supports_documents = fields.BooleanField(default=False)
    description = fields.TextField(null=True)
    tags = fields.JSONField(null=True)  # list of strings
    is_active = fields.BooleanField(default=True, db_index=True)  # GET /providers?active
    last_health_check = fields.DatetimeField(null=True)
    last_health_status = fields.CharField(max_length=16, null=True)  # HEALTH_STATUSES
    last_health_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    instances: fields.ReverseRelation[Instance]

    class Meta:
        table = "agent_providers"
