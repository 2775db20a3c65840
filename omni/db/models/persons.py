"""The identity graph: a person and their platform identities (one per channel, instance and platform user id).

`GET /persons?search` matches display names by substring; the migration adds a trigram index for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.models.common import utcnow

if TYPE_CHECKING:
    from omni.db.models.instances import Instance


class Person(Model):
    id = fields.UUIDField(primary_key=True)
    display_name = fields.CharField(max_length=255, null=True, db_index=True)
    primary_phone = fields.CharField(max_length=50, null=True, unique=True)  # E.164
    primary_email = fields.CharField(max_length=255, null=True, db_index=True)
    avatar_url = fields.TextField(null=True)
    metadata = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    identities: fields.ReverseRelation[PlatformIdentity]

    class Meta:
        table = "persons"


class PlatformIdentity(Model):
    id = fields.UUIDField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="identities", on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=64)  # CHANNELS
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="identities", on_delete=fields.CASCADE
    )
    platform_user_id = fields.CharField(max_length=255)  # JID, Discord user id, Telegram user id …
    platform_username = fields.CharField(max_length=255, null=True)
    profile_pic_url = fields.TextField(null=True)
    profile_data = fields.JSONField(null=True)
    message_count = fields.IntField(default=0)
    first_seen_at = fields.DatetimeField(default=utcnow)
    last_seen_at = fields.DatetimeField(null=True)
    linked_by = fields.CharField(max_length=32, null=True)  # LINKED_BY
    confidence = fields.SmallIntField(default=100)  # 0 to 100
    link_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "platform_identities"
        unique_together = (("channel", "instance_id", "platform_user_id"),)
        # person_id: a person's identities (and the cascade from persons); platform_user_id: a sender looked up
        # across instances (access checks, /events/by-sender)
        indexes = (("person_id",), ("platform_user_id",))
