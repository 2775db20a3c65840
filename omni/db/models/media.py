"""Media processing results (transcriptions, descriptions, extractions) with the model used and what it cost.

The latest result is also copied onto the message (`transcription`, `image_description` …); these rows keep every
run, which batch jobs and cost reports read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from omni.db.models.batch_jobs import BatchJob
    from omni.db.models.messages import Message


class MediaContent(Model):
    id = fields.UUIDField(primary_key=True)
    message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "models.Message", related_name="media_contents", null=True, on_delete=fields.CASCADE
    )
    event_id = fields.UUIDField(null=True)
    processing_type = fields.CharField(max_length=16)  # MEDIA_PROCESSING_TYPES
    content = fields.TextField()
    model = fields.CharField(max_length=128, null=True)
    provider = fields.CharField(max_length=64, null=True)  # groq, openai, gemini …
    language = fields.CharField(max_length=16, null=True)
    duration = fields.IntField(null=True)  # seconds of audio or video
    tokens_used = fields.IntField(null=True)
    cost_usd = fields.DecimalField(max_digits=12, decimal_places=6, null=True)
    batch_job: fields.ForeignKeyNullableRelation[BatchJob] = fields.ForeignKeyField(
        "models.BatchJob", related_name="media_contents", null=True, on_delete=fields.SET_NULL
    )
    processing_time_ms = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media_content"
        indexes = (("message_id",), ("batch_job_id",))
