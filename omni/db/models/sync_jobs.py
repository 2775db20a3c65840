"""Sync jobs: pulling an instance's profile, history, contacts or groups from its platform (`POST /instances/:id/sync`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from omni.db.models.instances import Instance


class SyncJob(Model):
    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="sync_jobs", on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=64)  # CHANNELS
    sync_type = fields.CharField(max_length=16)  # SYNC_JOB_TYPES (`type` in the API)
    status = fields.CharField(max_length=16, default="pending")  # JOB_STATUSES
    config = fields.JSONField(default=dict)  # {depth (SYNC_DEPTHS), since, until, channelId, downloadMedia}
    progress = fields.JSONField(default=dict)  # {fetched, stored, duplicates, mediaDownloaded, totalEstimated}
    error_message = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    started_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sync_jobs"
        indexes = (
            ("instance_id", "created_at"),  # GET /instances/:id/sync
            ("status", "created_at"),  # the worker's queue of pending jobs
        )
