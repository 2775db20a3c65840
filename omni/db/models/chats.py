"""Chats (DMs, groups, channels, threads …) of an instance, and who takes part in them.

A chat is soft-deleted (`deleted_at`) and archived (`archived_at`, mirrored in `settings.archived`); deleting its
instance deletes it for real, with its participants and messages. `GET /chats?search` matches names by substring;
the migration adds a trigram index for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.models.common import utcnow

if TYPE_CHECKING:
    from omni.db.models.instances import Instance
    from omni.db.models.messages import Message
    from omni.db.models.persons import Person, PlatformIdentity


class Chat(Model):
    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="chats", on_delete=fields.CASCADE
    )
    external_id = fields.CharField(max_length=255)  # the platform's chat id
    canonical_id = fields.CharField(max_length=255, null=True, db_index=True)  # e.g. phone JID for a WhatsApp @lid
    chat_type = fields.CharField(max_length=32)  # CHAT_TYPES
    channel = fields.CharField(max_length=64)  # CHANNELS
    name = fields.CharField(max_length=255, null=True)
    description = fields.TextField(null=True)
    avatar_url = fields.TextField(null=True)
    parent_chat: fields.ForeignKeyNullableRelation[Chat] = fields.ForeignKeyField(
        "models.Chat", related_name="child_chats", null=True, on_delete=fields.SET_NULL
    )
    participant_count = fields.IntField(default=0)
    message_count = fields.IntField(default=0)
    unread_count = fields.IntField(default=0)
    last_message_at = fields.DatetimeField(null=True)
    last_message_preview = fields.TextField(null=True)
    # {muted, muteUntil, pinned, archived, readOnly, slowMode, agentPaused, disappearing …}
    settings = fields.JSONField(default=dict)
    platform_metadata = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    archived_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)

    child_chats: fields.ReverseRelation[Chat]
    participants: fields.ReverseRelation[ChatParticipant]
    messages: fields.ReverseRelation[Message]

    class Meta:
        table = "chats"
        unique_together = (("instance_id", "external_id"),)
        indexes = (
            ("instance_id", "last_message_at"),  # an instance's chats by activity (the default sort)
            ("last_message_at",),  # all chats by activity (keys not restricted to one instance)
            ("chat_type",),  # ?type=
            ("channel",),  # ?channel=
            ("parent_chat_id",),  # threads of a chat, and the SET NULL when a parent goes
        )


class ChatParticipant(Model):
    id = fields.UUIDField(primary_key=True)
    chat: fields.ForeignKeyRelation[Chat] = fields.ForeignKeyField(
        "models.Chat", related_name="participants", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="chat_participations", null=True, on_delete=fields.SET_NULL
    )
    platform_identity: fields.ForeignKeyNullableRelation[PlatformIdentity] = fields.ForeignKeyField(
        "models.PlatformIdentity", related_name="chat_participations", null=True, on_delete=fields.SET_NULL
    )
    platform_user_id = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=255, null=True)
    avatar_url = fields.TextField(null=True)
    role = fields.CharField(max_length=32, null=True)  # PARTICIPANT_ROLES
    is_active = fields.BooleanField(default=True)
    joined_at = fields.DatetimeField(default=utcnow)
    left_at = fields.DatetimeField(null=True)
    last_seen_at = fields.DatetimeField(null=True)
    message_count = fields.IntField(default=0)
    platform_metadata = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "chat_participants"
        unique_together = (("chat_id", "platform_user_id"),)
        # the chats of a person; both also serve the SET NULL when a person or identity is deleted
        indexes = (("person_id",), ("platform_identity_id",))
