"""WhatsApp LID ↔ phone JID mappings, learnt per instance, so one person's chat is one chat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.models.common import utcnow

if TYPE_CHECKING:
    from omni.db.models.instances import Instance


class ChatIdMapping(Model):
    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="chat_id_mappings", on_delete=fields.CASCADE
    )
    lid_id = fields.CharField(max_length=255)  # …@lid
    phone_id = fields.CharField(max_length=255)  # …@s.whatsapp.net
    discovered_at = fields.DatetimeField(default=utcnow)
    discovered_from = fields.CharField(max_length=32, null=True)  # LID_MAPPING_SOURCES

    class Meta:
        table = "chat_id_mappings"
        unique_together = (("instance_id", "lid_id"),)
        indexes = (("instance_id", "phone_id"),)  # the reverse lookup
