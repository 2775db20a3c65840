"""Messages: the source of truth for every message of every chat, live or synced, with its current state.

Edits, reactions and receipts update the row (`edit_history`, `reactions`, `reaction_counts`, `delivery_status`);
`DELETE /messages/:id` is a soft delete (`status = deleted`, `deleted_at`). Deleting the chat (or its instance)
deletes its messages for real. `GET /messages?search` matches `text_content` by substring; the migration adds a
trigram index for it.

`instance` repeats the chat's instance so that instance-wide queries (per-instance key restrictions, batch jobs,
resync windows) need no join.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.models.common import utcnow

if TYPE_CHECKING:
    from omni.db.models.chats import Chat
    from omni.db.models.instances import Instance
    from omni.db.models.persons import Person, PlatformIdentity


class Message(Model):
    id = fields.UUIDField(primary_key=True)
    chat: fields.ForeignKeyRelation[Chat] = fields.ForeignKeyField(
        "models.Chat", related_name="messages", on_delete=fields.CASCADE
    )
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="messages", on_delete=fields.CASCADE
    )
    external_id = fields.CharField(max_length=255)  # the platform's message id
    source = fields.CharField(max_length=16)  # MESSAGE_SOURCES

    # Sender
    sender_person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="sent_messages", null=True, on_delete=fields.SET_NULL
    )
    sender_platform_identity: fields.ForeignKeyNullableRelation[PlatformIdentity] = fields.ForeignKeyField(
        "models.PlatformIdentity", related_name="sent_messages", null=True, on_delete=fields.SET_NULL
    )
    sender_platform_user_id = fields.CharField(max_length=255, null=True)
    sender_display_name = fields.CharField(max_length=255, null=True)
    is_from_me = fields.BooleanField(default=False)

    # Content, and what media processing made of it
    message_type = fields.CharField(max_length=32)  # MESSAGE_TYPES
    text_content = fields.TextField(null=True)
    transcription = fields.TextField(null=True)
    image_description = fields.TextField(null=True)
    video_description = fields.TextField(null=True)
    document_extraction = fields.TextField(null=True)

    # Media
    has_media = fields.BooleanField(default=False)
    media_mime_type = fields.CharField(max_length=255, null=True)
    media_url = fields.TextField(null=True)
    media_local_path = fields.TextField(null=True)
    # {width, height, durationSeconds, fileName, fileSize, isVoiceNote, waveform, isGif, processingCostUsd,
    #  processingModel}
    media_metadata = fields.JSONField(null=True)

    # Relations. A forward may come from any chat or instance, so forwarded_from_message_id is informational and
    # not a foreign key.
    reply_to_message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "models.Message", related_name="replies", null=True, on_delete=fields.SET_NULL
    )
    reply_to_external_id = fields.CharField(max_length=255, null=True)
    quoted_text = fields.TextField(null=True)
    quoted_sender_name = fields.CharField(max_length=255, null=True)
    forwarded_from_message_id = fields.UUIDField(null=True)
    forwarded_from_external_id = fields.CharField(max_length=255, null=True)
    forward_count = fields.IntField(default=0)
    is_forwarded = fields.BooleanField(default=False)
    mentions = fields.JSONField(null=True)  # [{platformUserId, personId, displayName, startIndex, length, type}]

    # State
    status = fields.CharField(max_length=16, default="active")  # MESSAGE_STATUSES
    delivery_status = fields.CharField(max_length=16, null=True, default="sent")  # DELIVERY_STATUSES
    edit_count = fields.IntField(default=0)
    original_text = fields.TextField(null=True)
    edit_history = fields.JSONField(default=list)  # [{text, at, by}]
    edited_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    reactions = fields.JSONField(default=list)  # [{emoji, platformUserId, personId, displayName, at, isCustomEmoji}]
    reaction_counts = fields.JSONField(default=dict)  # {"👍": 2}
    raw_payload = fields.JSONField(null=True)  # the platform's message object

    # Journal links (null for synced messages, which have no events)
    original_event_id = fields.UUIDField(null=True)
    latest_event_id = fields.UUIDField(null=True)

    platform_timestamp = fields.DatetimeField()  # when the platform says it was sent
    received_at = fields.DatetimeField(default=utcnow)  # when we got it
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    replies: fields.ReverseRelation[Message]

    class Meta:
        table = "messages"
        unique_together = (("chat_id", "external_id"),)
        indexes = (
            ("chat_id", "platform_timestamp"),  # a chat's messages in time order (GET /chats/:id/messages)
            ("instance_id", "platform_timestamp"),  # an instance's messages in a time range
            ("platform_timestamp", "id"),  # all messages newest first (keyset on time, id); a time range
            ("sender_person_id", "platform_timestamp"),  # ?sender= and a person's timeline; the SET NULL on delete
            ("sender_platform_identity_id",),  # the SET NULL when an identity is deleted
            ("reply_to_message_id",),  # replies to a message; the SET NULL when it is deleted
        )
