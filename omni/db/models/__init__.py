"""Tortoise models, one module per aggregate. Allowed values of enum-like columns live in `enums`."""

from omni.db.models.access import AccessRequest, AccessRule
from omni.db.models.agent_providers import AgentProvider
from omni.db.models.agent_routes import AgentRoute
from omni.db.models.api_keys import ApiKey, ApiKeyAuditLog
from omni.db.models.automations import Automation, AutomationLog
from omni.db.models.batch_jobs import BatchJob
from omni.db.models.chat_id_mappings import ChatIdMapping
from omni.db.models.chats import Chat, ChatParticipant
from omni.db.models.dead_letters import DeadLetterEvent
from omni.db.models.events import OmniEvent
from omni.db.models.follow_ups import FollowUpConfig, FollowUpSequence
from omni.db.models.groups import OmniGroup
from omni.db.models.instances import Instance
from omni.db.models.media import MediaContent
from omni.db.models.messages import Message
from omni.db.models.payloads import EventPayload, PayloadStorageConfig
from omni.db.models.persons import Person, PlatformIdentity
from omni.db.models.plugin_storage import PluginStorage
from omni.db.models.settings import GlobalSetting, SettingChange
from omni.db.models.sync_jobs import SyncJob
from omni.db.models.trigger_logs import TriggerLog
from omni.db.models.webhooks import WebhookSource

__all__ = [
    "AccessRequest",
    "AccessRule",
    "AgentProvider",
    "AgentRoute",
    "ApiKey",
    "ApiKeyAuditLog",
    "Automation",
    "AutomationLog",
    "BatchJob",
    "Chat",
    "ChatIdMapping",
    "ChatParticipant",
    "DeadLetterEvent",
    "EventPayload",
    "FollowUpConfig",
    "FollowUpSequence",
    "GlobalSetting",
    "Instance",
    "MediaContent",
    "Message",
    "OmniEvent",
    "OmniGroup",
    "PayloadStorageConfig",
    "Person",
    "PlatformIdentity",
    "PluginStorage",
    "SettingChange",
    "SyncJob",
    "TriggerLog",
    "WebhookSource",
]
