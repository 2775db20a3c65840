"""Access rules: allow or deny senders, globally (no instance) or per instance, by phone pattern, platform user id
or person. The first enabled, unexpired rule by priority (highest first), then newest, wins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from omni.db.models.instances import Instance
    from omni.db.models.persons import Person


class AccessRule(Model):
    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyNullableRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="access_rules", null=True, on_delete=fields.CASCADE
    )
    rule_type = fields.CharField(max_length=8)  # RULE_TYPES
    phone_pattern = fields.CharField(max_length=64, null=True)  # E.164, `*` wildcard
    platform_user_id = fields.CharField(max_length=255, null=True)
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="access_rules", null=True, on_delete=fields.CASCADE
    )
    priority = fields.IntField(default=0)
    enabled = fields.BooleanField(default=True)
    reason = fields.TextField(null=True)
    expires_at = fields.DatetimeField(null=True)
    action = fields.CharField(max_length=16, default="block")  # ACCESS_ACTIONS
    block_message = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "access_rules"
        # an instance's rules in evaluation order (global rules: instance_id IS NULL uses the same index)
        indexes = (("instance_id", "priority"), ("person_id",))


class AccessRequest(Model):
    """Pairing: an unknown sender of an instance with `accessPairing` on asked for access (it got `code`); an
    operator approves (an allow rule is created) or denies it."""

    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="access_requests", on_delete=fields.CASCADE
    )
    platform_user_id = fields.CharField(max_length=255)
    chat_id = fields.CharField(max_length=255)  # where the code was sent (and the approval is announced)
    display_name = fields.CharField(max_length=255, null=True)
    code = fields.CharField(max_length=16)
    status = fields.CharField(max_length=16, default="pending")  # ACCESS_REQUEST_STATUSES
    rule: fields.ForeignKeyNullableRelation[AccessRule] = fields.ForeignKeyField(
        "models.AccessRule", related_name="requests", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "access_requests"
        unique_together = (("instance_id", "platform_user_id"),)  # one open request per sender (re-opened in place)
        indexes = (("instance_id", "status", "created_at"), ("rule_id",))
