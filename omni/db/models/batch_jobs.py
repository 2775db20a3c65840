"""Batch jobs: re-syncing a chat, reprocessing or re-downloading media over a time window, with progress and cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from omni.db.models.instances import Instance


class BatchJob(Model):
    id = fields.UUIDField(primary_key=True)
    job_type = fields.CharField(max_length=32)  # BATCH_JOB_TYPES
    instance: fields.ForeignKeyNullableRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="batch_jobs", null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharField(max_length=16, default="pending")  # JOB_STATUSES
    request_params = fields.JSONField(null=True)  # {chatId, daysBack, limit, contentTypes, force}
    total_items = fields.IntField(default=0)
    processed_items = fields.IntField(default=0)
    failed_items = fields.IntField(default=0)
    current_item = fields.CharField(max_length=255, null=True)
    progress_percent = fields.SmallIntField(default=0)
    total_cost_usd = fields.DecimalField(max_digits=14, decimal_places=6, default=0)
    total_tokens = fields.BigIntField(default=0)
    error_message = fields.TextField(null=True)
    errors = fields.JSONField(null=True)  # [{itemId, error}]
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    started_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "batch_jobs"
        indexes = (
            ("created_at",),  # GET /batch-jobs, newest first
            ("status", "created_at"),  # ?status= ; the worker's queue
            ("instance_id", "created_at"),  # ?instanceId= (and the SET NULL when an instance goes)
        )
