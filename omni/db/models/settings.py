"""Global settings (typed key/value pairs) and the history of their changes.

Values are stored as JSON text (`json.dumps` of the typed value; `value_type` says which type it must be), not as a
JSONB column: Tortoise's JSONField reads a Python `str` as JSON text, so a plain string setting would not round-trip.
A secret setting (`is_secret`) keeps its value only in `encrypted_value` (the same JSON text, encrypted) and `value`
stays null; its history rows hold masked values only (`omni.db.crypto.mask`), never the secret.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from omni.db.crypto import EncryptedTextField


class GlobalSetting(Model):
    id = fields.UUIDField(primary_key=True)
    key = fields.CharField(max_length=255, unique=True)  # e.g. elevenlabs.api_key, prompt.response_gate
    value = fields.TextField(null=True)  # JSON text
    encrypted_value = EncryptedTextField(null=True)
    value_type = fields.CharField(max_length=16, default="string")  # SETTING_VALUE_TYPES
    category = fields.CharField(max_length=64, null=True, db_index=True)  # GET /settings?category
    description = fields.TextField(null=True)
    is_secret = fields.BooleanField(default=False)
    is_required = fields.BooleanField(default=False)
    default_value = fields.TextField(null=True)  # JSON text
    validation_rules = fields.JSONField(null=True)
    created_by = fields.CharField(max_length=255, null=True)
    updated_by = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    history: fields.ReverseRelation[SettingChange]

    class Meta:
        table = "global_settings"


class SettingChange(Model):
    id = fields.UUIDField(primary_key=True)
    setting: fields.ForeignKeyRelation[GlobalSetting] = fields.ForeignKeyField(
        "models.GlobalSetting", related_name="history", on_delete=fields.CASCADE
    )
    old_value = fields.TextField(null=True)  # JSON text, masked for secrets
    new_value = fields.TextField(null=True)
    changed_by = fields.CharField(max_length=255, null=True)
    change_reason = fields.TextField(null=True)
    changed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "setting_change_history"
        indexes = (("setting_id", "changed_at"),)  # GET /settings/:key/history
