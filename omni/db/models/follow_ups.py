"""Follow-ups: nudges to a customer who went quiet after an agent reply. A config lives at one scope (an agent
provider, an instance or a chat; the closest wins at runtime) and each chat has at most one armed sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from omni.db.models.instances import Instance


class FollowUpConfig(Model):
    id = fields.UUIDField(primary_key=True)
    scope = fields.CharField(max_length=16)  # FOLLOW_UP_SCOPES: agents | instances | chats
    scope_id = fields.UUIDField()  # the provider, instance or chat
    config = fields.JSONField()  # {enabled, schedule{kind, …}, maxFollowUps, promptTemplate, …}
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "follow_up_configs"
        unique_together = (("scope", "scope_id"),)


class FollowUpSequence(Model):
    """One chat's sequence: armed by an agent reply, fired at `next_at`, disarmed by inbound, pause, archive,
    an agent error, a failed send, a session reset or its last follow-up."""

    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="follow_ups", on_delete=fields.CASCADE
    )
    chat_id = fields.CharField(max_length=255)  # the platform's chat id
    chat_uuid = fields.UUIDField(null=True)
    sender_id = fields.CharField(max_length=255, null=True)  # whom the agent answered (its session)
    session_id = fields.CharField(max_length=512)
    config = fields.JSONField()  # the effective config when armed
    armed = fields.BooleanField(default=True)
    sequence_index = fields.IntField(default=0)  # follow-ups fired so far
    last_activity_at = fields.DatetimeField()  # the agent reply that armed it
    next_at = fields.DatetimeField(null=True)
    disarmed_reason = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "follow_up_sequences"
        unique_together = (("instance_id", "chat_id"),)
        indexes = (("armed", "next_at"),)
