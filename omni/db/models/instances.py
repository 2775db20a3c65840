"""Instances: one connection to one messaging platform account, with its agent, trigger, timing and media settings.

Channel credentials are encrypted at rest (`EncryptedTextField`). First-party channels keep their reference column
names (`discord_bot_token`, `slack_*`, `telegram_bot_token`); any channel, first- or third-party, may keep its
settings in `config` (JSON, validated by the plugin's `config_model`) and its secrets in `secrets` (a JSON object,
serialised then encrypted as a whole). Instances are deleted for real; `is_active` says whether it should be connected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from omni.db.crypto import EncryptedTextField

if TYPE_CHECKING:
    from omni.db.models.agent_providers import AgentProvider


def default_trigger_events() -> list[str]:
    return ["message.received"]


class Instance(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=255, unique=True)
    channel = fields.CharField(max_length=64, db_index=True)  # CHANNELS (or a plugin's key)
    is_active = fields.BooleanField(default=False, db_index=True)
    is_default = fields.BooleanField(default=False)
    owner_identifier = fields.CharField(max_length=255, null=True)  # our own JID / bot user id on the platform
    session_path = fields.TextField(null=True)
    last_message_at = fields.DatetimeField(null=True)  # for reconnect gap detection

    # Plugin channels: settings and secrets of any channel
    config = fields.JSONField(default=dict)
    secrets = EncryptedTextField(null=True)  # JSON object, encrypted as a whole

    # Discord
    discord_bot_token = EncryptedTextField(null=True)
    discord_client_id = fields.CharField(max_length=64, null=True)
    discord_guild_ids = fields.JSONField(null=True)  # list of guild ids
    discord_default_channel_id = fields.CharField(max_length=64, null=True)
    discord_voice_enabled = fields.BooleanField(default=False)
    discord_slash_commands_enabled = fields.BooleanField(default=True)
    discord_webhook_url = EncryptedTextField(null=True)  # the URL embeds the webhook's token
    discord_permissions = fields.BigIntField(null=True)  # permission bit field (exceeds 32 bits)

    # Slack
    slack_bot_token = EncryptedTextField(null=True)
    slack_app_token = EncryptedTextField(null=True)
    slack_signing_secret = EncryptedTextField(null=True)
    slack_team_id = fields.CharField(max_length=64, null=True)

    # Telegram
    telegram_bot_token = EncryptedTextField(null=True)

    # Agent
    agent_provider: fields.ForeignKeyNullableRelation[AgentProvider] = fields.ForeignKeyField(
        "models.AgentProvider", related_name="instances", null=True, on_delete=fields.SET_NULL
    )
    agent_id = fields.CharField(max_length=255, null=True, default="default")
    agent_type = fields.CharField(max_length=16, default="agent")  # AGENT_TYPES
    agent_timeout = fields.IntField(default=60)  # seconds
    agent_stream_mode = fields.BooleanField(default=False)
    # {mode: all|filtered, conditions: {onDm, onMention, onReply, onNameMatch, namePatterns}}; null = never reply
    agent_reply_filter = fields.JSONField(null=True)
    agent_session_strategy = fields.CharField(max_length=32, default="per_user_per_chat")  # AGENT_SESSION_STRATEGIES
    agent_prefix_sender_name = fields.BooleanField(default=True)
    agent_wait_for_media = fields.BooleanField(default=True)
    agent_send_media_path = fields.BooleanField(default=True)
    agent_gate_enabled = fields.BooleanField(default=False)
    agent_gate_model = fields.CharField(max_length=128, null=True)
    agent_gate_prompt = fields.TextField(null=True)
    # while the agent works and when it fails (the dispatcher): an ack reaction (e.g. 👀) and/or a short text; the
    # error reply (null: the default text, "": none); the text or reaction that resets the session (null: 🗑️)
    agent_ack_reaction = fields.CharField(max_length=64, null=True)
    agent_ack_text = fields.TextField(null=True)
    agent_error_message = fields.TextField(null=True)
    agent_reset_trigger = fields.CharField(max_length=64, null=True)

    # Triggers
    trigger_events = fields.JSONField(default=default_trigger_events)
    trigger_reactions = fields.JSONField(null=True)  # emoji allow-list; null = any, [] = none
    trigger_mention_patterns = fields.JSONField(null=True)
    trigger_mode = fields.CharField(max_length=32, default="round-trip")  # TRIGGER_MODES
    trigger_rate_limit = fields.IntField(default=5)  # per user, channel and instance, per minute

    # Profile (synced from the platform)
    profile_name = fields.CharField(max_length=255, null=True)
    profile_pic_url = fields.TextField(null=True)
    profile_bio = fields.TextField(null=True)
    profile_metadata = fields.JSONField(null=True)
    profile_synced_at = fields.DatetimeField(null=True)

    # Media
    download_media_on_sync = fields.BooleanField(default=False)
    process_audio = fields.BooleanField(default=True)
    process_images = fields.BooleanField(default=True)
    process_video = fields.BooleanField(default=True)
    process_documents = fields.BooleanField(default=True)
    process_media_on_blocked = fields.BooleanField(default=True)

    # Behaviour
    enable_auto_split = fields.BooleanField(default=True)
    disable_username_prefix = fields.BooleanField(default=False)
    access_mode = fields.CharField(max_length=16, default="blocklist")  # ACCESS_MODES
    access_pairing = fields.BooleanField(default=False)  # unknown senders (allowlist) get a code an operator approves
    tts_voice_id = fields.CharField(max_length=128, null=True)
    tts_model_id = fields.CharField(max_length=128, null=True)

    # Timing: debounce of inbound messages before the agent sees them
    message_debounce_mode = fields.CharField(max_length=16, default="disabled")  # DEBOUNCE_MODES
    message_debounce_min_ms = fields.IntField(default=0)
    message_debounce_max_ms = fields.IntField(default=0)
    message_debounce_group_ms = fields.IntField(null=True)  # overrides min_ms in groups
    message_debounce_restart_on_typing = fields.BooleanField(default=False)

    # Timing: delay between the parts of a split reply
    message_split_delay_mode = fields.CharField(max_length=16, default="randomized")  # SPLIT_DELAY_MODES
    message_split_delay_fixed_ms = fields.IntField(default=0)
    message_split_delay_min_ms = fields.IntField(default=300)
    message_split_delay_max_ms = fields.IntField(default=1000)

    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "instances"
