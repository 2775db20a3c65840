"""Groups and guilds of an instance as last synced from the platform (the daily groups sync, `fetch_groups`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.models.common import utcnow

if TYPE_CHECKING:
    from omni.db.models.instances import Instance


class OmniGroup(Model):
    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="groups", on_delete=fields.CASCADE
    )
    external_id = fields.CharField(max_length=255)  # group JID, guild id …
    channel = fields.CharField(max_length=64)  # CHANNELS
    name = fields.CharField(max_length=255, null=True, db_index=True)
    description = fields.TextField(null=True)
    icon_url = fields.TextField(null=True)
    member_count = fields.IntField(null=True)
    owner_platform_user_id = fields.CharField(max_length=255, null=True)
    created_by_platform_user_id = fields.CharField(max_length=255, null=True)
    is_read_only = fields.BooleanField(default=False)
    is_community = fields.BooleanField(default=False)
    platform_metadata = fields.JSONField(null=True)
    synced_at = fields.DatetimeField(default=utcnow)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "omni_groups"
        unique_together = (("instance_id", "external_id"),)
