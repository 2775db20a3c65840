"""Key-value storage for plugins (`ctx.storage`), with optional expiry.

Values are JSON text (`json.dumps`), as in the reference: any JSON value, a bare string included, round-trips (a
Tortoise JSONField would read a Python `str` as JSON text). Plugins keep credentials here (e.g. the WhatsApp auth
state), so a value can be stored encrypted instead: then `encrypted_value` holds the JSON text, encrypted, and `value`
is null.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from omni.db.crypto import EncryptedTextField


class PluginStorage(Model):
    id = fields.UUIDField(primary_key=True)
    plugin_id = fields.CharField(max_length=100)
    key = fields.CharField(max_length=500)
    value = fields.TextField(null=True)  # JSON text
    encrypted_value = EncryptedTextField(null=True)
    expires_at = fields.DatetimeField(null=True, db_index=True)  # the purge of expired keys
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "plugin_storage"
        unique_together = (("plugin_id", "key"),)  # also serves `keys(prefix)` per plugin
