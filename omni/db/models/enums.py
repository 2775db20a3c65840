"""The allowed values of every enum-like column, in one place for the models and the API's validation.

Columns store these as plain VARCHARs, never as database enum types: adding a value is a code change, not a
migration. Channel keys and agent-provider schemas are open sets (plugins register more); the tuples below list the
built-in ones, and the API validates those columns against the plugin registry instead.
"""

from __future__ import annotations

# Channels (`instances.channel`, `chats.channel`, `platform_identities.channel` …). Plugins add their own keys.
CHANNELS = ("whatsapp-baileys", "whatsapp-cloud", "discord", "slack", "telegram", "loopback")

# Chats
CHAT_TYPES = (
    "dm",  # one-to-one
    "group",  # multi-party chat (WhatsApp group, Discord group DM)
    "channel",  # channel in a server (Discord, Slack) or a Telegram broadcast channel
    "thread",  # thread within a channel or a Telegram topic
    "forum",  # forum channel, one thread per post
    "voice",  # voice channel (may carry text)
    "broadcast",  # WhatsApp broadcast list
    "community",  # WhatsApp community
    "announcement",  # Discord announcement channel
    "stage",  # Discord stage channel
)
PARTICIPANT_ROLES = ("owner", "admin", "member", "guest")

# Messages
MESSAGE_SOURCES = (
    "realtime",  # received live from the platform (has an event)
    "sync",  # fetched by a history sync (no event)
    "api",  # sent through our API
    "import",  # bulk imported
)
MESSAGE_TYPES = ("text", "audio", "image", "video", "document", "sticker", "contact", "location", "poll", "system")
MESSAGE_STATUSES = ("active", "edited", "deleted", "expired")
DELIVERY_STATUSES = ("pending", "sent", "delivered", "read", "failed")
MENTION_TYPES = ("user", "role", "channel", "everyone", "here")

# Identity graph
LINKED_BY = ("auto", "manual", "phone_match", "initial")
LID_MAPPING_SOURCES = ("message_key", "sender_match", "contacts", "manual")

# Agents (instances and agent routes)
AGENT_TYPES = ("agent", "team", "workflow")
AGENT_SESSION_STRATEGIES = ("per_user", "per_chat", "per_user_per_chat")
REPLY_FILTER_MODES = ("all", "filtered")
TRIGGER_MODES = ("round-trip", "fire-and-forget")
TRIGGER_TYPES = ("dm", "mention", "reply", "name_match", "reaction", "command")
DEBOUNCE_MODES = ("disabled", "fixed", "randomized")
SPLIT_DELAY_MODES = ("disabled", "fixed", "randomized")
ROUTE_SCOPES = ("chat", "user")

# Agent providers. Providers are plugins too; these are the schemas the reference and omni ship.
PROVIDER_SCHEMAS = (
    "agno",
    "webhook",
    "openclaw",
    "ag-ui",
    "claude-code",
    "openai",
    "anthropic",
    "a2a",
    "echo",
)
HEALTH_STATUSES = ("healthy", "unhealthy", "error")

# Access control
ACCESS_MODES = ("disabled", "blocklist", "allowlist")
RULE_TYPES = ("allow", "deny")
ACCESS_REQUEST_STATUSES = ("pending", "approved", "denied", "expired")
FOLLOW_UP_SCOPES = ("agents", "instances", "chats")
TRIGGER_DECISIONS = (
    "replied",
    "filtered",
    "rate_limited",
    "denied",
    "debounced",
    "paused",
    "failed",
    "reset",
    "stale",
    "pairing",
    "follow_up",
)
ACCESS_ACTIONS = ("block", "allow", "silent_block")

# Settings
SETTING_VALUE_TYPES = ("string", "integer", "boolean", "json", "secret")

# API keys
API_KEY_STATUSES = ("active", "revoked", "expired")

# Event journal
EVENT_DIRECTIONS = ("inbound", "outbound", "internal")
EVENT_STATUSES = ("received", "processing", "completed", "failed")
EVENT_CONTENT_TYPES = ("text", "audio", "image", "video", "document", "sticker", "contact", "location", "reaction")
PAYLOAD_STAGES = ("webhook_raw", "agent_request", "agent_response", "channel_send", "error")
DEAD_LETTER_STATUSES = ("pending", "retrying", "resolved", "abandoned")

# Jobs
JOB_STATUSES = ("pending", "running", "completed", "failed", "cancelled")
SYNC_JOB_TYPES = ("profile", "messages", "contacts", "groups", "all")
SYNC_DEPTHS = ("7d", "30d", "90d", "1y", "all")
BATCH_JOB_TYPES = ("targeted_chat_sync", "time_based_batch", "media_redownload")
MEDIA_PROCESSING_TYPES = ("transcription", "description", "extraction")

# Automations
AUTOMATION_CONDITION_LOGIC = ("and", "or")
AUTOMATION_OPERATORS = ("eq", "neq", "gt", "lt", "gte", "lte", "contains", "not_contains", "exists", "not_exists",
                        "regex")  # fmt: skip
AUTOMATION_ACTION_TYPES = ("webhook", "send_message", "emit_event", "log", "call_agent")
AUTOMATION_DEBOUNCE_MODES = ("none", "fixed", "range", "presence")
AUTOMATION_LOG_STATUSES = ("success", "failed", "skipped")
