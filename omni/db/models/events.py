"""The event journal: every event that went through the bus, as a row (`GET /events`, search, analytics, replay).

The row id is the event envelope's id, so persisting an event twice (an at-least-once redelivery) is a no-op.
Links to instances, persons and identities are SET NULL on delete: the journal outlives what it mentions. `chat_id`
is the platform's chat id (a string), as in the envelope. `POST /events/search` matches `text_content` by substring;
the migration adds a trigram index for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.models.common import utcnow

if TYPE_CHECKING:
    from omni.db.models.instances import Instance
    from omni.db.models.persons import Person, PlatformIdentity


class OmniEvent(Model):
    id = fields.UUIDField(primary_key=True)
    event_type = fields.CharField(max_length=128)  # message.received, custom.*, system.* …
    direction = fields.CharField(max_length=16, default="inbound")  # EVENT_DIRECTIONS
    channel = fields.CharField(max_length=64, null=True)  # CHANNELS; null for events of no channel
    instance: fields.ForeignKeyNullableRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    platform_identity: fields.ForeignKeyNullableRelation[PlatformIdentity] = fields.ForeignKeyField(
        "models.PlatformIdentity", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    external_id = fields.CharField(max_length=255, null=True)  # the platform's message id
    correlation_id = fields.CharField(max_length=255, null=True)  # journeys: GET /journeys/:correlationId
    trace_id = fields.CharField(max_length=255, null=True)
    source = fields.CharField(max_length=64, null=True)  # who emitted it: a plugin, the api, an automation …

    # Content
    content_type = fields.CharField(max_length=32, null=True)  # EVENT_CONTENT_TYPES
    text_content = fields.TextField(null=True)
    transcription = fields.TextField(null=True)
    image_description = fields.TextField(null=True)
    video_description = fields.TextField(null=True)
    document_extraction = fields.TextField(null=True)

    # Media
    media_id = fields.UUIDField(null=True)
    media_mime_type = fields.CharField(max_length=255, null=True)
    media_size = fields.BigIntField(null=True)  # bytes
    media_duration = fields.IntField(null=True)  # seconds
    media_url = fields.TextField(null=True)

    # Context
    chat_id = fields.CharField(max_length=255, null=True)  # the platform's chat id
    canonical_chat_id = fields.CharField(max_length=255, null=True)  # @lid resolved to the phone JID
    reply_to_event_id = fields.UUIDField(null=True)
    reply_to_external_id = fields.CharField(max_length=255, null=True)

    # Processing
    status = fields.CharField(max_length=16, default="received")  # EVENT_STATUSES
    error_message = fields.TextField(null=True)
    error_stage = fields.CharField(max_length=64, null=True)

    # Lifecycle and latency
    received_at = fields.DatetimeField(default=utcnow)
    processed_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    read_at = fields.DatetimeField(null=True)
    processing_time_ms = fields.IntField(null=True)
    agent_latency_ms = fields.IntField(null=True)
    total_latency_ms = fields.IntField(null=True)

    # Payloads
    payload = fields.JSONField(null=True)  # the envelope's payload
    raw_payload = fields.JSONField(null=True)  # the platform's own object
    agent_request = fields.JSONField(null=True)
    agent_response = fields.JSONField(null=True)
    metadata = fields.JSONField(null=True)  # the envelope's metadata (timings, stream sequence …)

    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "omni_events"
        indexes = (
            ("created_at", "id"),  # the journal newest first (keyset on time, id); time ranges; replay; retention
            ("instance_id", "created_at"),  # ?instanceId= (and the SET NULL when an instance goes)
            ("event_type", "created_at"),  # ?eventType= ; analytics per type
            ("person_id", "created_at"),  # GET /events/timeline/:personId (and the SET NULL)
            ("platform_identity_id", "created_at"),  # GET /events/by-sender/:id (and the SET NULL)
            ("correlation_id",),  # a journey
            ("external_id",),  # the events of one platform message (receipts update delivered_at / read_at)
        )
