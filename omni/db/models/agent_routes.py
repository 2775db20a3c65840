"""Agent routes: a chat or a person of an instance handled by another agent, or with other settings.

Resolution order is chat route > user route > the instance itself. Every override column is nullable: null means
"inherit from the instance". The migration adds a CHECK that a chat route names a chat only and a user route a
person only (aerich cannot express CHECK constraints).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from omni.db.models.agent_providers import AgentProvider
    from omni.db.models.chats import Chat
    from omni.db.models.instances import Instance
    from omni.db.models.persons import Person


class AgentRoute(Model):
    id = fields.UUIDField(primary_key=True)
    instance: fields.ForeignKeyRelation[Instance] = fields.ForeignKeyField(
        "models.Instance", related_name="agent_routes", on_delete=fields.CASCADE
    )
    scope = fields.CharField(max_length=8)  # ROUTE_SCOPES: chat | user
    chat: fields.ForeignKeyNullableRelation[Chat] = fields.ForeignKeyField(
        "models.Chat", related_name="agent_routes", null=True, on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="agent_routes", null=True, on_delete=fields.CASCADE
    )

    # Target
    agent_provider: fields.ForeignKeyNullableRelation[AgentProvider] = fields.ForeignKeyField(
        "models.AgentProvider", related_name="agent_routes", null=True, on_delete=fields.SET_NULL
    )
    agent_id = fields.CharField(max_length=255, null=True)
    agent_type = fields.CharField(max_length=16, null=True)  # AGENT_TYPES

    # Agent overrides
    agent_timeout = fields.IntField(null=True)
    agent_stream_mode = fields.BooleanField(null=True)
    agent_reply_filter = fields.JSONField(null=True)
    agent_session_strategy = fields.CharField(max_length=32, null=True)  # AGENT_SESSION_STRATEGIES
    agent_prefix_sender_name = fields.BooleanField(null=True)
    agent_wait_for_media = fields.BooleanField(null=True)
    agent_send_media_path = fields.BooleanField(null=True)
    agent_gate_enabled = fields.BooleanField(null=True)
    agent_gate_model = fields.CharField(max_length=128, null=True)
    agent_gate_prompt = fields.TextField(null=True)

    # Timing overrides
    message_debounce_mode = fields.CharField(max_length=16, null=True)  # DEBOUNCE_MODES
    message_debounce_min_ms = fields.IntField(null=True)
    message_debounce_max_ms = fields.IntField(null=True)
    message_debounce_group_ms = fields.IntField(null=True)
    message_debounce_restart_on_typing = fields.BooleanField(null=True)
    message_split_delay_mode = fields.CharField(max_length=16, null=True)  # SPLIT_DELAY_MODES
    message_split_delay_fixed_ms = fields.IntField(null=True)
    message_split_delay_min_ms = fields.IntField(null=True)
    message_split_delay_max_ms = fields.IntField(null=True)
    enable_auto_split = fields.BooleanField(null=True)

    label = fields.CharField(max_length=255, null=True)
    priority = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "agent_routes"
        # One route per chat and one per person on an instance (NULLs do not collide, so a user route and a chat
        # route coexist). These also serve the resolver's lookups; chat_id and person_id get their own indexes so
        # that deleting a chat or a person finds its routes without a scan.
        unique_together = (("instance_id", "chat_id"), ("instance_id", "person_id"))
        indexes = (("chat_id",), ("person_id",))
