from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "agent_providers" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL UNIQUE,
    "schema" VARCHAR(32) NOT NULL,
    "base_url" TEXT,
    "api_key" TEXT,
    "schema_config" JSONB,
    "default_stream" BOOL NOT NULL,
    "default_timeout" INT NOT NULL,
    "supports_streaming" BOOL NOT NULL,
    "supports_images" BOOL NOT NULL,
    "supports_audio" BOOL NOT NULL,
    "supports_documents" BOOL NOT NULL,
    "description" TEXT,
    "tags" JSONB,
    "is_active" BOOL NOT NULL,
    "last_health_check" TIMESTAMPTZ,
    "last_health_status" VARCHAR(16),
    "last_health_error" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_agent_provi_schema_76e43e" ON "agent_providers" ("schema");
CREATE INDEX IF NOT EXISTS "idx_agent_provi_is_acti_8e46a3" ON "agent_providers" ("is_active");
        CREATE TABLE IF NOT EXISTS "automations" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "trigger_event_type" VARCHAR(255) NOT NULL,
    "trigger_conditions" JSONB,
    "condition_logic" VARCHAR(8) NOT NULL,
    "actions" JSONB NOT NULL,
    "debounce" JSONB,
    "enabled" BOOL NOT NULL,
    "priority" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_automations_trigger_4f9bb9" ON "automations" ("trigger_event_type", "enabled");
        CREATE TABLE IF NOT EXISTS "dead_letter_events" (
    "id" UUID NOT NULL PRIMARY KEY,
    "event_id" VARCHAR(64) NOT NULL,
    "event_type" VARCHAR(128) NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "consumer" VARCHAR(128),
    "payload" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "stack" TEXT,
    "auto_retry_count" INT NOT NULL,
    "manual_retry_count" INT NOT NULL,
    "next_auto_retry_at" TIMESTAMPTZ,
    "status" VARCHAR(16) NOT NULL,
    "last_retry_at" TIMESTAMPTZ,
    "resolved_at" TIMESTAMPTZ,
    "resolved_by" VARCHAR(255),
    "resolution_note" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_dead_letter_created_0ac87d" ON "dead_letter_events" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_dead_letter_status_0601f9" ON "dead_letter_events" ("status", "created_at");
CREATE INDEX IF NOT EXISTS "idx_dead_letter_event_t_362cfb" ON "dead_letter_events" ("event_type", "created_at");
CREATE INDEX IF NOT EXISTS "idx_dead_letter_status_ca6f6e" ON "dead_letter_events" ("status", "next_auto_retry_at");
CREATE INDEX IF NOT EXISTS "idx_dead_letter_event_i_195729" ON "dead_letter_events" ("event_id");
        CREATE TABLE IF NOT EXISTS "event_payloads" (
    "id" UUID NOT NULL PRIMARY KEY,
    "event_id" UUID NOT NULL,
    "event_type" VARCHAR(128) NOT NULL,
    "stage" VARCHAR(32) NOT NULL,
    "payload" BYTEA NOT NULL,
    "size_original" INT,
    "size_compressed" INT,
    "contains_media" BOOL NOT NULL,
    "contains_base64" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "deleted_at" TIMESTAMPTZ,
    "deleted_by" VARCHAR(255),
    "delete_reason" VARCHAR(255)
);
CREATE INDEX IF NOT EXISTS "idx_event_paylo_event_i_3f824d" ON "event_payloads" ("event_id", "stage");
CREATE INDEX IF NOT EXISTS "idx_event_paylo_created_405895" ON "event_payloads" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_event_paylo_event_t_7d8eea" ON "event_payloads" ("event_type", "created_at");
        CREATE TABLE IF NOT EXISTS "global_settings" (
    "id" UUID NOT NULL PRIMARY KEY,
    "key" VARCHAR(255) NOT NULL UNIQUE,
    "value" TEXT,
    "encrypted_value" TEXT,
    "value_type" VARCHAR(16) NOT NULL,
    "category" VARCHAR(64),
    "description" TEXT,
    "is_secret" BOOL NOT NULL,
    "is_required" BOOL NOT NULL,
    "default_value" TEXT,
    "validation_rules" JSONB,
    "created_by" VARCHAR(255),
    "updated_by" VARCHAR(255),
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_global_sett_categor_ea3efa" ON "global_settings" ("category");
        CREATE TABLE IF NOT EXISTS "payload_storage_config" (
    "id" UUID NOT NULL PRIMARY KEY,
    "event_type" VARCHAR(128) NOT NULL UNIQUE,
    "store_webhook_raw" BOOL NOT NULL,
    "store_agent_request" BOOL NOT NULL,
    "store_agent_response" BOOL NOT NULL,
    "store_channel_send" BOOL NOT NULL,
    "store_error" BOOL NOT NULL,
    "retention_days" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
        CREATE TABLE IF NOT EXISTS "persons" (
    "id" UUID NOT NULL PRIMARY KEY,
    "display_name" VARCHAR(255),
    "primary_phone" VARCHAR(50) UNIQUE,
    "primary_email" VARCHAR(255),
    "avatar_url" TEXT,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_persons_display_e63efe" ON "persons" ("display_name");
CREATE INDEX IF NOT EXISTS "idx_persons_primary_96cd8c" ON "persons" ("primary_email");
        CREATE TABLE IF NOT EXISTS "plugin_storage" (
    "id" UUID NOT NULL PRIMARY KEY,
    "plugin_id" VARCHAR(100) NOT NULL,
    "key" VARCHAR(500) NOT NULL,
    "value" TEXT,
    "encrypted_value" TEXT,
    "expires_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_plugin_stor_plugin__930209" UNIQUE ("plugin_id", "key")
);
CREATE INDEX IF NOT EXISTS "idx_plugin_stor_expires_18e1c2" ON "plugin_storage" ("expires_at");
        CREATE TABLE IF NOT EXISTS "webhook_sources" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL UNIQUE,
    "description" TEXT,
    "expected_headers" JSONB,
    "secret" TEXT,
    "enabled" BOOL NOT NULL,
    "last_received_at" TIMESTAMPTZ,
    "total_received" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
        CREATE TABLE IF NOT EXISTS "api_key_audit_logs" (
    "id" UUID NOT NULL PRIMARY KEY,
    "method" VARCHAR(10) NOT NULL,
    "path" VARCHAR(500) NOT NULL,
    "status" SMALLINT NOT NULL,
    "ip" VARCHAR(64),
    "duration_ms" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ NOT NULL,
    "api_key_id" UUID NOT NULL REFERENCES "api_keys" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_api_key_aud_api_key_23499b" ON "api_key_audit_logs" ("api_key_id", "created_at");
        CREATE TABLE IF NOT EXISTS "automation_logs" (
    "id" UUID NOT NULL PRIMARY KEY,
    "event_id" UUID NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "conditions_matched" BOOL NOT NULL,
    "dry_run" BOOL NOT NULL,
    "actions_executed" JSONB,
    "error" TEXT,
    "execution_time_ms" INT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "automation_id" UUID NOT NULL REFERENCES "automations" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_automation__automat_5ad803" ON "automation_logs" ("automation_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_automation__created_6e6072" ON "automation_logs" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_automation__status_61dbb9" ON "automation_logs" ("status", "created_at");
CREATE INDEX IF NOT EXISTS "idx_automation__event_i_a559a0" ON "automation_logs" ("event_id");
        CREATE TABLE IF NOT EXISTS "instances" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL UNIQUE,
    "channel" VARCHAR(64) NOT NULL,
    "is_active" BOOL NOT NULL,
    "is_default" BOOL NOT NULL,
    "owner_identifier" VARCHAR(255),
    "session_path" TEXT,
    "last_message_at" TIMESTAMPTZ,
    "config" JSONB NOT NULL,
    "secrets" TEXT,
    "discord_bot_token" TEXT,
    "discord_client_id" VARCHAR(64),
    "discord_guild_ids" JSONB,
    "discord_default_channel_id" VARCHAR(64),
    "discord_voice_enabled" BOOL NOT NULL,
    "discord_slash_commands_enabled" BOOL NOT NULL,
    "discord_webhook_url" TEXT,
    "discord_permissions" BIGINT,
    "slack_bot_token" TEXT,
    "slack_app_token" TEXT,
    "slack_signing_secret" TEXT,
    "slack_team_id" VARCHAR(64),
    "telegram_bot_token" TEXT,
    "agent_id" VARCHAR(255),
    "agent_type" VARCHAR(16) NOT NULL,
    "agent_timeout" INT NOT NULL,
    "agent_stream_mode" BOOL NOT NULL,
    "agent_reply_filter" JSONB,
    "agent_session_strategy" VARCHAR(32) NOT NULL,
    "agent_prefix_sender_name" BOOL NOT NULL,
    "agent_wait_for_media" BOOL NOT NULL,
    "agent_send_media_path" BOOL NOT NULL,
    "agent_gate_enabled" BOOL NOT NULL,
    "agent_gate_model" VARCHAR(128),
    "agent_gate_prompt" TEXT,
    "trigger_events" JSONB NOT NULL,
    "trigger_reactions" JSONB,
    "trigger_mention_patterns" JSONB,
    "trigger_mode" VARCHAR(32) NOT NULL,
    "trigger_rate_limit" INT NOT NULL,
    "profile_name" VARCHAR(255),
    "profile_pic_url" TEXT,
    "profile_bio" TEXT,
    "profile_metadata" JSONB,
    "profile_synced_at" TIMESTAMPTZ,
    "download_media_on_sync" BOOL NOT NULL,
    "process_audio" BOOL NOT NULL,
    "process_images" BOOL NOT NULL,
    "process_video" BOOL NOT NULL,
    "process_documents" BOOL NOT NULL,
    "process_media_on_blocked" BOOL NOT NULL,
    "enable_auto_split" BOOL NOT NULL,
    "disable_username_prefix" BOOL NOT NULL,
    "access_mode" VARCHAR(16) NOT NULL,
    "tts_voice_id" VARCHAR(128),
    "tts_model_id" VARCHAR(128),
    "message_debounce_mode" VARCHAR(16) NOT NULL,
    "message_debounce_min_ms" INT NOT NULL,
    "message_debounce_max_ms" INT NOT NULL,
    "message_debounce_group_ms" INT,
    "message_debounce_restart_on_typing" BOOL NOT NULL,
    "message_split_delay_mode" VARCHAR(16) NOT NULL,
    "message_split_delay_fixed_ms" INT NOT NULL,
    "message_split_delay_min_ms" INT NOT NULL,
    "message_split_delay_max_ms" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "agent_provider_id" UUID REFERENCES "agent_providers" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_instances_channel_b286aa" ON "instances" ("channel");
CREATE INDEX IF NOT EXISTS "idx_instances_is_acti_63d9c7" ON "instances" ("is_active");
        CREATE TABLE IF NOT EXISTS "access_rules" (
    "id" UUID NOT NULL PRIMARY KEY,
    "rule_type" VARCHAR(8) NOT NULL,
    "phone_pattern" VARCHAR(64),
    "platform_user_id" VARCHAR(255),
    "priority" INT NOT NULL,
    "enabled" BOOL NOT NULL,
    "reason" TEXT,
    "expires_at" TIMESTAMPTZ,
    "action" VARCHAR(16) NOT NULL,
    "block_message" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "instance_id" UUID REFERENCES "instances" ("id") ON DELETE CASCADE,
    "person_id" UUID REFERENCES "persons" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_access_rule_instanc_81f5ef" ON "access_rules" ("instance_id", "priority");
CREATE INDEX IF NOT EXISTS "idx_access_rule_person__51a206" ON "access_rules" ("person_id");
        CREATE TABLE IF NOT EXISTS "batch_jobs" (
    "id" UUID NOT NULL PRIMARY KEY,
    "job_type" VARCHAR(32) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "request_params" JSONB,
    "total_items" INT NOT NULL,
    "processed_items" INT NOT NULL,
    "failed_items" INT NOT NULL,
    "current_item" VARCHAR(255),
    "progress_percent" SMALLINT NOT NULL,
    "total_cost_usd" DECIMAL(14,6) NOT NULL,
    "total_tokens" BIGINT NOT NULL,
    "error_message" TEXT,
    "errors" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "started_at" TIMESTAMPTZ,
    "completed_at" TIMESTAMPTZ,
    "instance_id" UUID REFERENCES "instances" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_batch_jobs_created_5f155f" ON "batch_jobs" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_batch_jobs_status_ac67c7" ON "batch_jobs" ("status", "created_at");
CREATE INDEX IF NOT EXISTS "idx_batch_jobs_instanc_ebff79" ON "batch_jobs" ("instance_id", "created_at");
        CREATE TABLE IF NOT EXISTS "chats" (
    "id" UUID NOT NULL PRIMARY KEY,
    "external_id" VARCHAR(255) NOT NULL,
    "canonical_id" VARCHAR(255),
    "chat_type" VARCHAR(32) NOT NULL,
    "channel" VARCHAR(64) NOT NULL,
    "name" VARCHAR(255),
    "description" TEXT,
    "avatar_url" TEXT,
    "participant_count" INT NOT NULL,
    "message_count" INT NOT NULL,
    "unread_count" INT NOT NULL,
    "last_message_at" TIMESTAMPTZ,
    "last_message_preview" TEXT,
    "settings" JSONB NOT NULL,
    "platform_metadata" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "archived_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    "parent_chat_id" UUID REFERENCES "chats" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_chats_instanc_23879e" UNIQUE ("instance_id", "external_id")
);
CREATE INDEX IF NOT EXISTS "idx_chats_canonic_e78167" ON "chats" ("canonical_id");
CREATE INDEX IF NOT EXISTS "idx_chats_instanc_2dbd9a" ON "chats" ("instance_id", "last_message_at");
CREATE INDEX IF NOT EXISTS "idx_chats_last_me_b04565" ON "chats" ("last_message_at");
CREATE INDEX IF NOT EXISTS "idx_chats_chat_ty_6217c6" ON "chats" ("chat_type");
CREATE INDEX IF NOT EXISTS "idx_chats_channel_a8cd94" ON "chats" ("channel");
CREATE INDEX IF NOT EXISTS "idx_chats_parent__e24944" ON "chats" ("parent_chat_id");
        CREATE TABLE IF NOT EXISTS "agent_routes" (
    "id" UUID NOT NULL PRIMARY KEY,
    "scope" VARCHAR(8) NOT NULL,
    "agent_id" VARCHAR(255),
    "agent_type" VARCHAR(16),
    "agent_timeout" INT,
    "agent_stream_mode" BOOL,
    "agent_reply_filter" JSONB,
    "agent_session_strategy" VARCHAR(32),
    "agent_prefix_sender_name" BOOL,
    "agent_wait_for_media" BOOL,
    "agent_send_media_path" BOOL,
    "agent_gate_enabled" BOOL,
    "agent_gate_model" VARCHAR(128),
    "agent_gate_prompt" TEXT,
    "message_debounce_mode" VARCHAR(16),
    "message_debounce_min_ms" INT,
    "message_debounce_max_ms" INT,
    "message_debounce_group_ms" INT,
    "message_debounce_restart_on_typing" BOOL,
    "message_split_delay_mode" VARCHAR(16),
    "message_split_delay_fixed_ms" INT,
    "message_split_delay_min_ms" INT,
    "message_split_delay_max_ms" INT,
    "enable_auto_split" BOOL,
    "label" VARCHAR(255),
    "priority" INT NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "agent_provider_id" UUID REFERENCES "agent_providers" ("id") ON DELETE SET NULL,
    "chat_id" UUID REFERENCES "chats" ("id") ON DELETE CASCADE,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    "person_id" UUID REFERENCES "persons" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_agent_route_instanc_887732" UNIQUE ("instance_id", "chat_id"),
    CONSTRAINT "uid_agent_route_instanc_6c8fe0" UNIQUE ("instance_id", "person_id")
);
CREATE INDEX IF NOT EXISTS "idx_agent_route_chat_id_c8b3d3" ON "agent_routes" ("chat_id");
CREATE INDEX IF NOT EXISTS "idx_agent_route_person__7e0b68" ON "agent_routes" ("person_id");
        CREATE TABLE IF NOT EXISTS "chat_id_mappings" (
    "id" UUID NOT NULL PRIMARY KEY,
    "lid_id" VARCHAR(255) NOT NULL,
    "phone_id" VARCHAR(255) NOT NULL,
    "discovered_at" TIMESTAMPTZ NOT NULL,
    "discovered_from" VARCHAR(32),
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_chat_id_map_instanc_b48342" UNIQUE ("instance_id", "lid_id")
);
CREATE INDEX IF NOT EXISTS "idx_chat_id_map_instanc_01150a" ON "chat_id_mappings" ("instance_id", "phone_id");
        CREATE TABLE IF NOT EXISTS "omni_groups" (
    "id" UUID NOT NULL PRIMARY KEY,
    "external_id" VARCHAR(255) NOT NULL,
    "channel" VARCHAR(64) NOT NULL,
    "name" VARCHAR(255),
    "description" TEXT,
    "icon_url" TEXT,
    "member_count" INT,
    "owner_platform_user_id" VARCHAR(255),
    "created_by_platform_user_id" VARCHAR(255),
    "is_read_only" BOOL NOT NULL,
    "is_community" BOOL NOT NULL,
    "platform_metadata" JSONB,
    "synced_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_omni_groups_instanc_003d59" UNIQUE ("instance_id", "external_id")
);
CREATE INDEX IF NOT EXISTS "idx_omni_groups_name_9f144b" ON "omni_groups" ("name");
        CREATE TABLE IF NOT EXISTS "platform_identities" (
    "id" UUID NOT NULL PRIMARY KEY,
    "channel" VARCHAR(64) NOT NULL,
    "platform_user_id" VARCHAR(255) NOT NULL,
    "platform_username" VARCHAR(255),
    "profile_pic_url" TEXT,
    "profile_data" JSONB,
    "message_count" INT NOT NULL,
    "first_seen_at" TIMESTAMPTZ NOT NULL,
    "last_seen_at" TIMESTAMPTZ,
    "linked_by" VARCHAR(32),
    "confidence" SMALLINT NOT NULL,
    "link_reason" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    "person_id" UUID NOT NULL REFERENCES "persons" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_platform_id_channel_e76a76" UNIQUE ("channel", "instance_id", "platform_user_id")
);
CREATE INDEX IF NOT EXISTS "idx_platform_id_person__04e05d" ON "platform_identities" ("person_id");
CREATE INDEX IF NOT EXISTS "idx_platform_id_platfor_978c77" ON "platform_identities" ("platform_user_id");
        CREATE TABLE IF NOT EXISTS "chat_participants" (
    "id" UUID NOT NULL PRIMARY KEY,
    "platform_user_id" VARCHAR(255) NOT NULL,
    "display_name" VARCHAR(255),
    "avatar_url" TEXT,
    "role" VARCHAR(32),
    "is_active" BOOL NOT NULL,
    "joined_at" TIMESTAMPTZ NOT NULL,
    "left_at" TIMESTAMPTZ,
    "last_seen_at" TIMESTAMPTZ,
    "message_count" INT NOT NULL,
    "platform_metadata" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "chat_id" UUID NOT NULL REFERENCES "chats" ("id") ON DELETE CASCADE,
    "person_id" UUID REFERENCES "persons" ("id") ON DELETE SET NULL,
    "platform_identity_id" UUID REFERENCES "platform_identities" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_chat_partic_chat_id_ec76a5" UNIQUE ("chat_id", "platform_user_id")
);
CREATE INDEX IF NOT EXISTS "idx_chat_partic_person__3de246" ON "chat_participants" ("person_id");
CREATE INDEX IF NOT EXISTS "idx_chat_partic_platfor_a39002" ON "chat_participants" ("platform_identity_id");
        CREATE TABLE IF NOT EXISTS "messages" (
    "id" UUID NOT NULL PRIMARY KEY,
    "external_id" VARCHAR(255) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "sender_platform_user_id" VARCHAR(255),
    "sender_display_name" VARCHAR(255),
    "is_from_me" BOOL NOT NULL,
    "message_type" VARCHAR(32) NOT NULL,
    "text_content" TEXT,
    "transcription" TEXT,
    "image_description" TEXT,
    "video_description" TEXT,
    "document_extraction" TEXT,
    "has_media" BOOL NOT NULL,
    "media_mime_type" VARCHAR(255),
    "media_url" TEXT,
    "media_local_path" TEXT,
    "media_metadata" JSONB,
    "reply_to_external_id" VARCHAR(255),
    "quoted_text" TEXT,
    "quoted_sender_name" VARCHAR(255),
    "forwarded_from_message_id" UUID,
    "forwarded_from_external_id" VARCHAR(255),
    "forward_count" INT NOT NULL,
    "is_forwarded" BOOL NOT NULL,
    "mentions" JSONB,
    "status" VARCHAR(16) NOT NULL,
    "delivery_status" VARCHAR(16),
    "edit_count" INT NOT NULL,
    "original_text" TEXT,
    "edit_history" JSONB NOT NULL,
    "edited_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "reactions" JSONB NOT NULL,
    "reaction_counts" JSONB NOT NULL,
    "raw_payload" JSONB,
    "original_event_id" UUID,
    "latest_event_id" UUID,
    "platform_timestamp" TIMESTAMPTZ NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "chat_id" UUID NOT NULL REFERENCES "chats" ("id") ON DELETE CASCADE,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    "reply_to_message_id" UUID REFERENCES "messages" ("id") ON DELETE SET NULL,
    "sender_person_id" UUID REFERENCES "persons" ("id") ON DELETE SET NULL,
    "sender_platform_identity_id" UUID REFERENCES "platform_identities" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_messages_chat_id_16ea85" UNIQUE ("chat_id", "external_id")
);
CREATE INDEX IF NOT EXISTS "idx_messages_chat_id_5a6972" ON "messages" ("chat_id", "platform_timestamp");
CREATE INDEX IF NOT EXISTS "idx_messages_instanc_99c0b0" ON "messages" ("instance_id", "platform_timestamp");
CREATE INDEX IF NOT EXISTS "idx_messages_platfor_aa431f" ON "messages" ("platform_timestamp");
CREATE INDEX IF NOT EXISTS "idx_messages_sender__cbec45" ON "messages" ("sender_person_id", "platform_timestamp");
CREATE INDEX IF NOT EXISTS "idx_messages_sender__b8a02d" ON "messages" ("sender_platform_identity_id");
CREATE INDEX IF NOT EXISTS "idx_messages_reply_t_fe86dc" ON "messages" ("reply_to_message_id");
        CREATE TABLE IF NOT EXISTS "media_content" (
    "id" UUID NOT NULL PRIMARY KEY,
    "event_id" UUID,
    "processing_type" VARCHAR(16) NOT NULL,
    "content" TEXT NOT NULL,
    "model" VARCHAR(128),
    "provider" VARCHAR(64),
    "language" VARCHAR(16),
    "duration" INT,
    "tokens_used" INT,
    "cost_usd" DECIMAL(12,6),
    "processing_time_ms" INT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "batch_job_id" UUID REFERENCES "batch_jobs" ("id") ON DELETE SET NULL,
    "message_id" UUID REFERENCES "messages" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_media_conte_message_ab6c69" ON "media_content" ("message_id");
CREATE INDEX IF NOT EXISTS "idx_media_conte_batch_j_e5e9d8" ON "media_content" ("batch_job_id");
        CREATE TABLE IF NOT EXISTS "omni_events" (
    "id" UUID NOT NULL PRIMARY KEY,
    "event_type" VARCHAR(128) NOT NULL,
    "direction" VARCHAR(16) NOT NULL,
    "channel" VARCHAR(64),
    "external_id" VARCHAR(255),
    "correlation_id" VARCHAR(255),
    "trace_id" VARCHAR(255),
    "source" VARCHAR(64),
    "content_type" VARCHAR(32),
    "text_content" TEXT,
    "transcription" TEXT,
    "image_description" TEXT,
    "video_description" TEXT,
    "document_extraction" TEXT,
    "media_id" UUID,
    "media_mime_type" VARCHAR(255),
    "media_size" BIGINT,
    "media_duration" INT,
    "media_url" TEXT,
    "chat_id" VARCHAR(255),
    "canonical_chat_id" VARCHAR(255),
    "reply_to_event_id" UUID,
    "reply_to_external_id" VARCHAR(255),
    "status" VARCHAR(16) NOT NULL,
    "error_message" TEXT,
    "error_stage" VARCHAR(64),
    "received_at" TIMESTAMPTZ NOT NULL,
    "processed_at" TIMESTAMPTZ,
    "delivered_at" TIMESTAMPTZ,
    "read_at" TIMESTAMPTZ,
    "processing_time_ms" INT,
    "agent_latency_ms" INT,
    "total_latency_ms" INT,
    "payload" JSONB,
    "raw_payload" JSONB,
    "agent_request" JSONB,
    "agent_response" JSONB,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "instance_id" UUID REFERENCES "instances" ("id") ON DELETE SET NULL,
    "person_id" UUID REFERENCES "persons" ("id") ON DELETE SET NULL,
    "platform_identity_id" UUID REFERENCES "platform_identities" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_omni_events_created_422037" ON "omni_events" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_omni_events_instanc_2c9b41" ON "omni_events" ("instance_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_omni_events_event_t_3dc7c1" ON "omni_events" ("event_type", "created_at");
CREATE INDEX IF NOT EXISTS "idx_omni_events_person__6d2df9" ON "omni_events" ("person_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_omni_events_platfor_c0a2ca" ON "omni_events" ("platform_identity_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_omni_events_correla_328036" ON "omni_events" ("correlation_id");
CREATE INDEX IF NOT EXISTS "idx_omni_events_externa_b5bc03" ON "omni_events" ("external_id");
        CREATE TABLE IF NOT EXISTS "setting_change_history" (
    "id" UUID NOT NULL PRIMARY KEY,
    "old_value" TEXT,
    "new_value" TEXT,
    "changed_by" VARCHAR(255),
    "change_reason" TEXT,
    "changed_at" TIMESTAMPTZ NOT NULL,
    "setting_id" UUID NOT NULL REFERENCES "global_settings" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_setting_cha_setting_88d7ef" ON "setting_change_history" ("setting_id", "changed_at");
        CREATE TABLE IF NOT EXISTS "sync_jobs" (
    "id" UUID NOT NULL PRIMARY KEY,
    "channel" VARCHAR(64) NOT NULL,
    "sync_type" VARCHAR(16) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "config" JSONB NOT NULL,
    "progress" JSONB NOT NULL,
    "error_message" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "started_at" TIMESTAMPTZ,
    "completed_at" TIMESTAMPTZ,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_sync_jobs_instanc_63d9b5" ON "sync_jobs" ("instance_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_sync_jobs_status_422980" ON "sync_jobs" ("status", "created_at");
        CREATE TABLE IF NOT EXISTS "trigger_logs" (
    "id" UUID NOT NULL PRIMARY KEY,
    "agent_id" VARCHAR(255),
    "trace_id" VARCHAR(255),
    "event_type" VARCHAR(128) NOT NULL,
    "event_id" UUID NOT NULL,
    "trigger_type" VARCHAR(32) NOT NULL,
    "channel" VARCHAR(64),
    "chat_id" VARCHAR(255) NOT NULL,
    "sender_id" VARCHAR(255),
    "mode" VARCHAR(32),
    "fired_at" TIMESTAMPTZ NOT NULL,
    "responded_at" TIMESTAMPTZ,
    "responded" BOOL NOT NULL,
    "duration_ms" INT,
    "input_tokens" INT,
    "output_tokens" INT,
    "error" TEXT,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "instance_id" UUID NOT NULL REFERENCES "instances" ("id") ON DELETE CASCADE,
    "provider_id" UUID REFERENCES "agent_providers" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_trigger_log_instanc_b6afae" ON "trigger_logs" ("instance_id", "fired_at");
CREATE INDEX IF NOT EXISTS "idx_trigger_log_fired_a_ea947e" ON "trigger_logs" ("fired_at");
CREATE INDEX IF NOT EXISTS "idx_trigger_log_provide_0093e2" ON "trigger_logs" ("provider_id");
CREATE INDEX IF NOT EXISTS "idx_trigger_log_trace_i_0bd485" ON "trigger_logs" ("trace_id");
        ALTER TABLE "api_keys" ADD "created_by" VARCHAR(255);
-- Hand-written below (aerich cannot express these); not part of MODELS_STATE.
-- A chat route names a chat only, a user route a person only.
ALTER TABLE "agent_routes" ADD CONSTRAINT "chk_agent_routes_scope" CHECK (
    ("scope" = 'chat' AND "chat_id" IS NOT NULL AND "person_id" IS NULL)
    OR ("scope" = 'user' AND "person_id" IS NOT NULL AND "chat_id" IS NULL));
-- Substring search (ILIKE '%…%') on messages, events, persons and chats uses trigram indexes. pg_trgm is a trusted
-- extension (PostgreSQL 13+), so the database owner may create it without superuser rights. On a server without it
-- the searches still work, only without an index: the migration must not fail there.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm unavailable (%): substring search will run without trigram indexes', SQLERRM;
END $$;
DO $$
DECLARE ops text;
BEGIN
    SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO ops
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF ops IS NOT NULL THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS "idx_messages_text_trgm" ON "messages" USING GIN ("text_content" %s)', ops);
        EXECUTE format('CREATE INDEX IF NOT EXISTS "idx_omni_events_text_trgm" ON "omni_events" USING GIN ("text_content" %s)', ops);
        EXECUTE format('CREATE INDEX IF NOT EXISTS "idx_persons_name_trgm" ON "persons" USING GIN ("display_name" %s)', ops);
        EXECUTE format('CREATE INDEX IF NOT EXISTS "idx_chats_name_trgm" ON "chats" USING GIN ("name" %s)', ops);
    END IF;
END $$;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    # Children before parents (aerich lists them in no particular order). pg_trgm stays: other schemas may use it.
    return """
        DROP TABLE IF EXISTS "trigger_logs";
        DROP TABLE IF EXISTS "sync_jobs";
        DROP TABLE IF EXISTS "setting_change_history";
        DROP TABLE IF EXISTS "omni_events";
        DROP TABLE IF EXISTS "media_content";
        DROP TABLE IF EXISTS "messages";
        DROP TABLE IF EXISTS "chat_participants";
        DROP TABLE IF EXISTS "platform_identities";
        DROP TABLE IF EXISTS "omni_groups";
        DROP TABLE IF EXISTS "chat_id_mappings";
        DROP TABLE IF EXISTS "agent_routes";
        DROP TABLE IF EXISTS "chats";
        DROP TABLE IF EXISTS "batch_jobs";
        DROP TABLE IF EXISTS "access_rules";
        DROP TABLE IF EXISTS "instances";
        DROP TABLE IF EXISTS "automation_logs";
        DROP TABLE IF EXISTS "api_key_audit_logs";
        DROP TABLE IF EXISTS "webhook_sources";
        DROP TABLE IF EXISTS "plugin_storage";
        DROP TABLE IF EXISTS "persons";
        DROP TABLE IF EXISTS "payload_storage_config";
        DROP TABLE IF EXISTS "global_settings";
        DROP TABLE IF EXISTS "event_payloads";
        DROP TABLE IF EXISTS "dead_letter_events";
        DROP TABLE IF EXISTS "automations";
        DROP TABLE IF EXISTS "agent_providers";
        ALTER TABLE "api_keys" DROP COLUMN IF EXISTS "created_by";"""


MODELS_STATE = (
    "eJztXWtv27ia/iuFP80COUGaNElnsVggaTPdzCRtkbR7LsWBIMuMo4ksanRJ6nN2/vuSul"
    "niRRZpSZbY98tMY+mh5eelyJfv9d+zFV4gLzq8cBwURXeJh2b/+erfM99e0X8Irh68mtlB"
    "sLlGP4jteYqb2el9VkhuTC/Y8ygObScm1x5sL0LkowWKnNANYhf75FM/8Tz6IXbIja6/3H"
    "yU+O4fCbJivETxIwrJhW//JB+7/gJ9J4OTP7+RP6LY9h1kuQv6bUHo4tCN1zNy47dZgMII"
    "+/TSPykweLIeXOQtaj8vw6WfW/E6SD/7+vX6/S/pnfTB5paDvWTlb+4O1vEjGbe4PUncxS"
    "HF0GtL5KPQjtGi8oPp78n5KT7Kfhv5IA4TVP6oxeaDBXqwE4/SNvuvh8R3KFuv0m+i/3nz"
    "3/mjVW6zrI+fvlj3V18sa6bAsoN9KiHXjyml//4zG3dDSPrpjH7Bu/+5uPvp5Ow/UgpwFC"
    "/D9GJK1+zPFGjHdgZNxbNhmU6HjC+O7HePdigmuwZiOCePrMN28cGG7s2kLIgsqOqB3NnK"
    "/m55yF/Gj+TPtw1c/+/FXUr325RtTN6g7PX6mF84plco5xuOA8IPsgI7jlHoq/DMAbW4zu"
    "ftOKk+e9OC67M3UrLpJYZtz44fcLiykgiFlmgVaSBcgDWP8+PT0xakk7ukrKfXGNqLBZ6j"
    "+9qPJWxXIAzL5MH7WkWO+uJ4SZ/gL8ev35y/eXty9uYtuSV9yvKT8wbWrz9+YQhFPv2Vgu"
    "l7ibGHbF/MaQXFUDonsL44LbbGYbe9y0+fbujIqyj6w0s/uP7CzNivt5dXdz+9TicyucmN"
    "kZjsENlEIeG5/oK+SybvBmHCAtHA8perv32psVwsAz/dXvwtJXa1zq/cfPr4obi9IoR3N5"
    "8u2cn9PXCJkmLZMc/5e8Ja7K6QZILXkAz3ixx6WPzDLElc317df7m4/VwTx/uLL1f0ynFN"
    "FMWnP50xi3g5yKu/Xn/5n1f0z1f/+PTxitUdy/u+/GNGn8lOYmz5+MWyF1VOio+Lj2pStl"
    "PlWGUD3iCGUytncw87T32p7fWt9/VZi533NSuzzcZLL9XfpPThrRU52tlLgRIvX8A4IKxj"
    "6uuYQ7YBwo3GOlZHdrCOje5IRX7g4pPvrfNZMpGFLZ/QjetaEiw0pV5HgtTHInXBdpY/fc"
    "UgVbdotbZMMYYwfRPVdNbarQapyrmxNAUqcFoDAaN//kmtqA9PQgtfMf94fn/BIXKX/m9o"
    "nbJ8XbmR4TQ3NVfvmCSzm083jxjaL6X1mX1ZCQXkh6Ps1Pju4v7dxfurmWD6dsDt53IgM5"
    "mtvbJiXukkntvO04sdLqzabKZX8DFmPinv5S+tjlfsJ7ZP9NxF/jvoUxf+E8J3/DnEz+4i"
    "dWXwDpbaDQeNPhZ6qxXk9/bvZgHnyV6dJ+n/OZ7lp9vi/m7Otts5nrZFOXIe0cpW4XeD6M"
    "t6sD+KT45bMHxyLCWYXmIsB3aErCT0lIwGFQzYC9TtBXbgWk9I4CS58p1wHRDa5NxXsEC9"
    "OvXZ4kAVlQd3yQvg1/tPH5tWlQqQPba7Tvzq/155btTGZzUdKVBGmqXAEs7soHQAVgr5D7"
    "DIMyB7pejc4sHg42rv4yrYo5YlnAhMV1JHrQA5nL/2bCoO2ygJAhzGUT496VerTW/xADDF"
    "20/xkkF3RY5ikS7/G/SA5JefTJ99O1m4WJf8Egzc63BPHihZIfrdmvzXBgAZKG2wm4fjyJ"
    "fr9QwMdHt13T62l4L5Llfpi/tBk9fX5F2yVDux+yywgDUuNDVcb+sLZ6iZvG7j2VFsPSLb"
    "ix8tciLNIlZUfM/CASCAajweZz7QoCqyKLbjRLDKyc2hYrQJ+0vfQVVV5lAY4lBlPxeCTW"
    "AdgqtGI4qJhtlAcNWPKHVZcBUXtCIPAKh4UFIXe4iTWGjfydG//HaHPFtypKr69e/oQJNd"
    "irmoC2HA2o48mRf1Uz87hu5yiULLw6IzpApRX7KRbvDSIKp6D73J3kBZ3E35fm4LutmsCN"
    "1G3HCZzM6jHaeZyzSRmQ3urOc11xKiazhIgB5LDE/kYLXk5xIAic/MOYpLfM7eTLUU3CrG"
    "hEPTAIFSGWWqSfx1lHlUd28VyBlTdp9zOC3n+djI7th7npGUeb4tussrmpWFeD3z8siYHs"
    "a8nGtRKPDW5Ku8GAlsXnKHihgN7hV990o+n1EUkQel85owtRQEDm5b4EUjmLfYdx8dW4Ty"
    "owf3OyGR/MjQEsd7t1iWxMPA6qS4Or3Ybmw94NBaoYUriAxvIQl+CJCCohToLM7oo6WJHv"
    "X2aX4MkIOiHJaEFUuvSox4AJCAjgRSi5T6vlzHmrcjvz5uY0wgd8kPYMcSg0JKXRDiVSA4"
    "hTXkT4jAJhA/tF82rxlCfsgcJ9T4KT6uyd8A6QAmSKNvKwRPnutbK4HrQmqPaBgBLBP8Ws"
    "/TRQS8I+HlCEB4C8KXIU6CHSmvjgGktyA9RFFsh7GVEaWezdJuQNA5W+ucBaFRQO6h9RPs"
    "tfbOKxoDNt/2m2+VvweX/FC91Uk2DCxQLae/ruojHgRob0m7rgIkHgRol1X/tdKQuZQ1xd"
    "1XiIfNViHbYq5m1SkB5m2jUC98CivGuPOxeF4nn5AF6QnyuT3NQHVIT/gRpS5LTxBFA2SF"
    "/RSrlQrBULWUWU3z8GgFXisQYJNRBvZdq3hsa1M3tEKxYiOLFY90snZfrZiumB1Q+y4fZp"
    "ITdiurlW0F6j8PWf9ZrnB1wC9XxdlMmoW6Zo1u8iSvPn69udlbve3AJVKbiRL+sisHjcl+"
    "WRFUKK1teFrefktr7/sg3b/5FWqV7St6jqxeeT6Ayvyuowyc5R2nnlK+Hu1IEJ3ezHGBMa"
    "5Ef/eNdtNEaKWyexvETplhWhO5sinOE9eLydnpkH7fPvbFfurxbQ6DSkJhcZC0py8D9Rpt"
    "O9Zla/Eq8Orhxt03xRAsyobluStRSITUdVwHQcCJIOAEOvJqKIjjdmPx3su0NmESafkvWS"
    "xIehqSdgOVDYnFmXDE61sTTtLgRgcnvihMz11KtyUGaExQ08/Hxycn58dHJ2dvT9+cn5++"
    "PSq3J/5S0z51ef2BblU1SfB7V4ie8ZPWmlZHwoo25hWtkNVcqQpGHWXeataLdTAjzQqRLX"
    "Ruye2DHNAEwoe2EBbhgWoTvY4ygfcBJjrEcMrZn2Y0H8Rw/ohSl8VwcqFGcp93JfYgWbhx"
    "B/WAM3/2BR2tXU3gsU0GWdBBv0WB66xJ4wSqvG6NF7DqMu01cuBb+aV5weDNTgHFfvcbVb"
    "AiMsNK5Wg3CAN9rq+P2hjnj+TG+SMuq0tYEExOr6T4lwnknh61YZfcJaU3vdbOwXS/sj1P"
    "amaSOpl6tDD17/o4OT4/K81K9I8mQ9L97cXNjSBpTsk2ChbRthbRRRKmypEwTfwXD9uy+K"
    "I6jqH6gQKnR3YDue8/fb28uXr1+e7q3fX9de6RLpXm9CL9aJOGeHd1cQNnWMNPM23OsHUd"
    "s3UqWg0F+T3N2Sg5W4IVTDn6vAxtniav2+POaxNLHN+/p3hz8hat7Px382fJzdWDxnNked"
    "8QB8iiJxF6rvZoKEq1wikSYtNHojlCbLpRnifxutN2novRMOvbzfqCPfLNC7fcaNpG8YrR"
    "EMurH8tbMkmtxq6j5IrlocO9BTPbL55oWikbtqM86ysQyCjo/A0oKreqSKSKgdVHn3u9vg"
    "47N3PQehEmX8kLatF1nEwAJkk51eaaJCGsxjSpdxpW00FATWmEg3gaDfunLJyGZbWNFXSw"
    "UJrNN/LRNLSTNvv3xtfNXsnMEtBye+/201IQClxXMeC2mkDa8T7DmjrPOd5Y1SyyGDmPyg"
    "cz8QADntH2M4c7PKMtwrUVJgKHQCPvFdSAZJefTJbt3LBmkZ/oJLFoum81ytWwYArawRQU"
    "hlhQAU/uCCsB4AJTd4Fls5bqm/SoqdbmRIiFYhNgHzLfUtAqZI09y7WOWmOBcALYErhWi2"
    "raNXatNtg06d0ev8ZOsTGFsF3SI8OveD4TWG/KawdNhps5vcv6Hc+HsNm0N8kwBawhU2o0"
    "NhoyVZTjf6oYA80KJ8ctzAonx1KzAr00RbvNLED+Im/XOkXjTYjIb41iK7BDW6TOy0+yPB"
    "LOsfrn2BjHtme5MVI6UzEo8LXzwQvYQVFasEuRWgES6GXpfbBdT4NbFgbEcjaAJAxTnw6h"
    "SGULZHEmGLkG6beJ6eIcWQEKHSQqVNecQyzCGzOpu0glzjYqB6flEwVnlPfIcQnDTbtcFc"
    "xqGhn6MB9lajw3pcBevbsmjP70+s3BGeOXKKb6Gy4PPuMrxk9IFDDcVHKRRRozhweuuZg6"
    "Gay8sbeyd6IKNGEBH9xLQUlUOstsEHCG2SEpBBwXP6DjAgJbTZO6LLCVsc6FelKvI6Gq8H"
    "iEzL/bDl4F1M2jtaYzWJD0mCW9957I05Ht1Br4jpPZnfr3tmnTWS1suHBt+oUxos/Aka+S"
    "ZXFLx3qXDWUO973mWKQNkQXO+aJRstwxT5sN9+CT51zr5DiOQp96UvL8h5rHnrk57QGSn9"
    "BLX73ww7RXcjp/ij99H3nZH4Gd2mmLdsrg0d9z1kVlBnB0y83tDMxAv34/heVtH/uuo0w3"
    "i+vJOLa/PpT9sF0uQypUV0EGzuvu41WK5V2N5AJiIMXdF04dtLbYyFQ3KC02jtNfLx4L+5"
    "koJqGVhILlQ058HQW8q/NOtPDYddzApqq4uEOd3OcvwhrjMO0skqU4FKnSy+GAWpbaxKf+"
    "BWVmWRgQyxLLnuY5blv0gq3Dwfg9ZuN3TWBBiJ5d9KKyEcvwsCWrb8kRimPyPErhG1XMOE"
    "od0q81ptRh4NnxAw5XZIrHNjWhqchGCIYoG4iygXgLiLL5kaXeJsrGDp1H91lL7AwUFNDx"
    "iJl/uzPPto6Y60iQ8pilvPcYm7Gt3N0UeGNc6QrM8kgIYBphANNIp+1OEUxl0QzJTO6A4S"
    "K+ZpLzdiu5/Lu7Q4SYvaRjhTiJ0a5VeOlId3Qgc6hn3NwuoaaMzNJnyqzpKXMrdUDS581o"
    "Bi2WIifRzrGZZdqcKST1HZd5vbi1gyB7NGGA5uaGg22RmmQZtlbZzUMEbXrk69rEawZkpi"
    "CIsRxGdzx4JY+xzAXGMS2P39kgDAyP6qeQQTHZFViuYoDnlqFSbuTgZxTq2WxY8L6MspVV"
    "Ba9893AxP8yXfgevVtg/TGLHxy/7WGcmZ9ypCPUhxEpFWwRQEzzHfQfcgjkNTD77VtAPdE"
    "w+cotE3+p+9SgpUfiZ0+YWlZ896Xat81dNs0UgQRKhUKz5ByiMshq1WY5VgXAXyI/deA2n"
    "gGGWk6ZTACdGFU1VgAWNtbXGSuhbW6o5FCzOPM2kF7ohon8/4YMh9pSmd3G/CVz3rnBHFm"
    "1f8ywguLHPUA0HrXfbNxr6Hbu+loWhBgTrwvStCx56iHUyETYwCA0atXxpBkGEkK+bblLB"
    "gqTHLGnIh+uv2DvkKUCewiSO+9OMWIc8hR9R6m3yFDRib7sJuh2bjDuKaC7t2AqE1kAQxy"
    "xRDaquABVyJXjgudF5OGwk80gXg61OQ1kMszhGPH3NOyD1cznQJCfq9gDx6nooiQ1vXCK6"
    "4Dgf87oypKFsSxZI5aD8Pl3g74kCdoPiGIVXz0jsAmdvOWhygS9oHRUvvdtCz6gXHzjn5G"
    "7fQDR9pGxKCq5ucD76HlupeheiOFwzePCZ791nXgqC47qhNGkFY6CPvPvigvW3RY3mAmUg"
    "0a+P37ZgmtwlbzpKrzFFXpL578gRqIYNzV03EANZ7qfwK/nGZIVCFZqrGPN84r1M5sBee9"
    "gWLM4NxuYNZPh6RQbZmNO+XTzxW/qrGbOGDB1cQ1RG50mF7hJgwlIyNNsVjVzVWSiCgr+Q"
    "K01q+4ntaVIsBgPJLMmCwyVHcrNjSDwCRDmMxx/EuwE3xoXW+n2JGG5rngXIX+S5zQMon2"
    "dtdE9WahXV84zVPNPIH93XigPDGzXmN4oMhT29UnAMFOQ8CTnPBQ6Ihjj2OswEfXsAC0nK"
    "WkIfjMgjVurULYCaQPrQhxyIEpPP/2nGC0GU2I8odVmUGBccsh/Pb+rM/ZxbXQVu39r1gy"
    "afb+bwyQ24Q/h7q448ckhaFt0kWzt7wXk7UuetnOsG5y1ER4KjdkBHbZwX1FMw4yxNZbj7"
    "jFqp6/DS9e1wreo8nK/z+qUTo7kpmzb3BJbqDWHz8vrjxd3fxaeOS4Hn8PLvX64u2Int/g"
    "tZOHSXhGhBir7U7M/htCz+Izv0dW3zT0ly8CogAoiQYHo301tHAsE8wbSXPRk8stLW9oLl"
    "oykdnwcPmJNffjLZpPySvrkdobM3uuRv0MC+CvtgLzLMctDGXgT9UX4E10chKzXPRx1lgg"
    "1+kFbflDSLrBjCZKJtbFeAQLiU8JHYPj94eG5791mPzJnA+Fm/4aDJ+rlMb7WqDTd7NX+C"
    "7XKvtssnpLQU57d3Y/rZzvD0VoTqEvxse4mSx7kEmLDkDu1nRr4TrgOqJ0h4vypuaAge58"
    "cAUaiLIiVP2X5fRw0YI5izN8hC032IoEPoWOJQaRmvYnqa4Ptby7tPHKw+lsJyzsBgJVFf"
    "SdyIaKJOiARWgW0FSTc4ML8pmN8IcyH6I3FDkVV/G+dVJLCuwHr+2DLVpWmNYYCwymjpK+"
    "4ibT1nhYknalInT/QUYaGo4O5FBdVMhHWUCe/AAOfTItJSjeo6Cqhul6gPTq0f0KkFQdCm"
    "Sb2DIOjN9HgkCoHw4K7SEjc36pP12ofGuG0dJmVdN4GvpFrzTe4mKdqAgYPEcAeJajelnb"
    "oo/XAuEocsWz4ShGc2qPobSF82YpNsl+Nu6cMxPX1TDiGueHJlxitAMJ8pcI5f/LRdIC1M"
    "Sr5KqR6aCAun2lard4SiiBq+Apt8B0d5Q9EoBmcC3UPbLNPiHkXLGM3aIHU4hE6O51DJ2x"
    "LIT3twlyqW6Q1i+AqEFc1/nrgeOaFGh/Rr96H892KmzryLAk9BiyiTChZWPvWVb+FGDg4X"
    "1hzH5Nz8hAQ++RZCEI4C4tAXh+O56jWshWATpNB7SEpO3JKsrgvCm5LPUggGp6X+blAQWn"
    "jjcxuF5ssgHgXeivZvxTN2HWQhn7KgGsYiHQNO5CoBLTmLETloPNJ835XtL6IdRSIfDHpO"
    "q4vmBc0fMX4Sd7BX0KCYcUxYp/alQwUoXLmpbUSwn1+6S2lWvWQAgzLrfz4+Pjk5Pz46OX"
    "t7+ub8/PTtUZliz19qyrW/vP5A34maTAQFDjzbedrxiCEYA14OjZr0KY12EOwsitoYIApd"
    "UUTu0idPJY3Mbi0PfiAQiq5QYmSvFM8bHNAE9vs+YsTIQ8uQULbb3iAexgQBDD397aW62a"
    "mKGYzz8p+DzPxeHH4Zb6qJfXXUgIl96RcPQ3f3eX05a+4K4USpMwyLG65jydlUWpZkHJFv"
    "oHsfje5TNEgI8WAfUjBCZAyGKPDW5Ku8WBSzITdgi9Fgwda3YOczOg/MoE8So6VSXoh8hE"
    "HbvYRWEpH/0H8Uvcn7X/27rxuasRmE6MH9Tkglvzm0xKGoLRYq8TBgM1Vdrl5sN7YecKhV"
    "lFE2BIhBVQx0Hmf8SSLP2uzd/BggCFVBLAktmi4d8QCgQunJIE1QUd+s61gTjA8DFEyvUB"
    "eEeBUIzmZys48QbALxQ1t9yNMsl0SZSYv+KwW/8Mi9hkfile8eLuaHefZZmVd2WESB1J/X"
    "mADK4meRI3RKhJYMa2A4/u0ujRXNgsgi88mhWk8oojFANh3IRminku/xLG7AY3iIE3/xF/"
    "IAwVTP3+UKQ7dqz125KiZYMXg4O+xpX6R3bIYlKtCD6yGJYUM+s1mcCQrUAN6bgrbAdcRB"
    "X3K9VQA1gfShtdaCxrmLddjPYcC8PvMrFNs0119FsRFhQaHRV2gKPqM1OejoVMcRDgDpi2"
    "NOX1zgF5/2NMttrtRDRISnaDSUDwKGQwXDIXl9HBRFlp0sRPtQowg4LFjN1Yl3V/ZSVGWy"
    "FfMbMFCvTv2zu0C6c77EAvHqxJPnSVZiW20r8mt4EIC6AMo9c+5h50nZYdc0DIijvTgyb6"
    "eVKktR4InsSo1yEOJBAErpbymDNEyIfpZHx6iqovJRQBdVcWI72aqiaNtmYAOattNlrzjn"
    "TzGuOI6jPLdZLWaexZlghRogXIDSlvp2Neiu4oDuVnQXJa0WaI4T30HKK4t0gAHXmHxzWU"
    "x1ieE5dH1rJdD8pR60hhGGc6NNJZuBJ4uId0e6yxGA7q10L0OcBDsSXh3DoKz9/kgPURTb"
    "YWxlROX92xQU+HYDgi6voMsXlKbHUvIjPHutvf2KxhgygMX2F3jl/mv6e3CVSHJARQu9hU"
    "o2DGwPrd4CXf1HPMhwpJ8cTZp2XT1IPMhwtL8+mgzv0NlITvU0e9xAZ6MfUeqCKI786fmk"
    "VEw9oaHQoCVvQCME79CPZmQHngYxb+k+888DpneUjHCe7V9wiNyl/xtap5xXWxeJu0Vd0A"
    "E/V8abJMlcs6gDqrG/lD2SxHONsEE4QNnphTzJq49fb25mKf3bOnXl7gZJc1CVdl0X6Uh3"
    "ZCBz2BcVdsBJvDNVdKQ7OtAEd4FWXM3t2Hm0fsfzHZm6pOP8iueGTilax2FHht7lpSBMnE"
    "WUHrLEkYNKQM1WHTB1vbjNxjKVsvyctyNVt9koppIkS61VoejTynevntEULditOErN9h1w"
    "9IGOY+pEynprxe6u79tncsMDDlfX2XhrU/miQe0daAX3ZJh2SsEkWSqSLD2865b3JRvpBh"
    "u139FzTV/9c29pEOg77Mco/T6uh27t+kFTH90snNSp3NpnL91vpYWXHAnJtW8bFTz9hN4O"
    "vXb31ms31TgUzUpVDFiThKHftMR2yglHa2OKNQsdzv06XAha527XykrWNru3AjGC4qFTe5"
    "WLX0HFK7WYSrn9uXH9KDHm0dx9WXnP9pdJbkxoy3EVYx7H3a/NiyQsTwItAwKqEAjL473/"
    "aeeCiGbBCJQ2eX2cOgqIFYRVEM2OECRg9T1y3JXtyXSJDYz1rWe4wxw/PYob+Ht/9e769u"
    "KGbF4HZ0yYYrFSvDkSbGuliuuukFqkkBgMMxkChMwPFWkTIFSzq3Bylx/nWRwc6cVhjmqs"
    "1lHAaWPQzWrj1tsx2qa9g3CcvG6Ns6nPq1qAzbuL+3cX769m4lWhA3LNC3pg2WXXQuUApn"
    "5dANncFlr/y2nfZPjfuOC7tfl/KyIi6NDoO61Ba3uleb/mDajcGOTOxVSdI3NvFWQOgqIg"
    "85bbZJ/nPTcCFEZEfM1jFPcWl3O/6bp0VmQNb8iuW/VigM9ivz6LygTj6JbbbhiYEYbfAU"
    "qYRjgJHSUj2QZhIMfd28jYNShtpqTYVlQ+hHlWyn5mecbgwo0CmoGkWh5ZAgfyW5HvRtZD"
    "iFeWcq+tOhAyhzUyh1W91CzOwCW+h9L2RPewNPzULM6E9WRoXzX5an/zoCrks0BgX539tH"
    "SqVX1YBQkIwSAFdSmkZVR1pSAEgxTUpVDUU7UI1WHWRUlFDhI4SEJdEo92pNVQtIYDdVNJ"
    "3aRBxyvqt1XXODmoCXN+gHNVxpxi35kayASiBw+OTAn0sGN7kma528ivY0EGujLQ6TzDI6"
    "HvjH7fmdJ9ommzl+FNeCcG2AD+SDCN5qFmBJVViIGZQPbQC1BOYW4XVjUni9EmyGGASf+A"
    "Q+prJ/zltmGd8J3GQSCap5FxzbW+eRSY/CqTn9CaiEzN0uBaDgdVJtkjLHU2FVNU0W7AQs"
    "F0oGQ68JW7lVcxoL/r6+9RbMeJgPkGT3iJGLB2MLWGPqPZIMt2D0lSyCNPH64tdbYF0ME2"
    "Shr0MNmWLOSUHytvknUQ7JDsSo1Dd+lSlU31wMkBTdD2hj5yprPzkWxrOFyr7JUsbqf9Um"
    "/93gSlzhPXi10/OqTft4+41F62UUqxVj5WDQjtlsdTqJdPv8ryBHSEXEeClMcs5RBlnnel"
    "00gNBMtrD16GjN9MN9MSTQU6DgHRrzVHQPaLFdhr2kheSTh1GBzk9SVQatg6Bb+EYDCCs+"
    "VkYhTFWvwKoMAuUzmCT+BT1LLEIxhY4sAsdctB7rOWVs1A9yXoyt6OV757uJgf5jm7Dl6t"
    "sH+YxA759fvY6ic3G6CuiVTMBtc1gcZHpkld8LLLWiyoqFHV0gIdJtWPdztX0J+YmgqtSx"
    "QwpRiAVkl8o16UkQQOyr84Q75a0aMtxcJqIMBvYwWCahUUDaolwwDrjTWwnEeRgqNco8mw"
    "tksHTIGmyh6/vfaVW2FrR1qrdxhKLbPXb6e3trR2wPHncqBJLgdbCRZtRZICY21W5y4YV2"
    "/vM3HuJXtTCzGwuloH9BtfrFCi3+7QFrTWvGbnZnL1ljlmyICbtDs3ATNumvbaqGnTf09Q"
    "p7HWnE9eqZFaiq1NM8CeGzRVjKOi+ovs5cxNVaRis1druxt3UbL8svc5OAzzaVlWYuTKSk"
    "IFxj13jVJN5K+jDCwc1UsrmIUbIkmtkIa48CpowEB815/jxF/0NZt7byX1aPu+WmejCsSE"
    "oOW+m+7ssXbrqJnuJRmQ2UZVZjWHBMpbUU71NLEXQE52FQM0j7Mo8agp7n6Zzg/Yyioeiz"
    "OPaygOalLOFBQH3Sf7UBx0DFKA4qBjkAIUBx2LJDIXg2q3rw0G4hyg9OfeD0gZc5H7L1FL"
    "BXcpLXFQxxnUXPPn4+OTk/Pjo5Ozt6dvzs9P3x6V1Q74S01lDy6vP9DKBzVRyOrdarQ/5o"
    "EGCaGzShNQ2XYfO6M0JrvRPC6JyZ4k40MYbW0f+y4tAKxDtwgMxLciflNrViOFUwgGTRCq"
    "AY9ogk+kmFuRuDkbhOkeSouFIQ7lUYJy/YQDmjCvB6+ClZJIJq6I+wYHcx1mAvN9+4ggNx"
    "tysysFGkLskJVLazqwWCiBNWZJ5zVHdUud1bAg6TFLmmaXa63uNsh3CvLN113yc9OiONZK"
    "cDiQGirFYDBW8sZKolP6sUWLPPnOWo1kERQo5imOcWx7ehSLoEAxT7FG/T6o3QfVE42QQL"
    "YMh4j8+EigDsllwAFBCrtLIQrIcwisO9vFsEGCHPTloNdWERoqdsE9lMCTKzzTLIbWpgTe"
    "3qt3TeetU6kpq1NPCgpJtanSq1lBCkpHaZWO2k+do3Eyu1OZI3HlFyhw1JJa1cpGUNJoJ7"
    "bVahnJq+v0XQ3lQ4iTYCaphpJdPNhaDWVJ7+uhGgpX7oSrM1KplQJlRwZQJxrKjuyveMDo"
    "DjsDBKIOXwxj3Cx3H0Kj2he+507w3KIx7QmsmdIIyYy7J/aS71fNzqhigHOdtMXVHIXKPW"
    "1ZGLg+BX1tX/xq7dAkIn+pqSDyEUyY6kMoI7n1er7eSQ5bhgFhtBKGG1lpjBemxnaO/UuM"
    "PWT7klWegTKMzwm2Lz2x/GTYxf7y06eb2mJ/ec2u5l9vL6/ufnqdioDc5GZHd34dIuTRwG"
    "Tyq0Wmkm2816DAuwLv5VKh4/kUgsEFqu8Cjda+o+UBrQEh52DUXtFW8avgDJdrAeY6w6Ef"
    "nGlSF7zsXCX7vYdAjE3WBnmSR0ptNx1z9uN3+5wF/t7H5GVdonfYf3CXM4ELTnjfQZM3Lg"
    "8ptqIMQlkqMH22KQDX235db6Op+L+d78GMK73U+6fvFbJe0PwR4yeLrDeKJ30hfsDjfiGO"
    "yZ72MwK3hPy3EMG22H8QQmshyCL+FaQgDf0HMWwVQ+7Wt2gTNS0hsAOACFRFkNYn0eK+RA"
    "Lp7UkPEa2qTrtfLOy1SjYpD9RyqGqx/vpNX1pPx/5UsNvJqZ6mBQfsdj+i1GV2O87AtCcb"
    "SBZuL7J6lIH4DXaO9J7++y+CYWOvho2FGwWevbZUQzFZHIRktokcCUJ3ZYdrKyBcKdHNAT"
    "vhe0S2pNOjFmyfHknJppfEXKOV7SpFcXNAmNtt5rb9TNaYUDXstY4yIQBt+MBXKEcA5QhA"
    "p4eTHEh9jye5ykbo0MKAVph4SGA6u8zRv/x2l3eYFUyF/Jx2kY50Rwaa7FLMBRGIShrhJN"
    "6ZKjrSHR3IUKrShhaBHcau4wYpGTsyRhTg+HMx3hTTXFrRFtEJlteU35Gw201legOJSmMV"
    "dmSIJrRfPSNjJ1NeacDddSZpFGkY20Yv5atXiybLm8i2KeC2wcrJFJHIRdt1jYVKYjgbkc"
    "mmYbE1F75VyoqQS98kCDCh7s2ECoUCei8UsEvOY2eJjuMmvR97dZU7VReBEGyChW8QRwF+"
    "cD1kBa6jalEVQE0gfWizakGjcr4jgwPz6i6VdtMTl0ZRBwY3XBDSUV9rTscxSA9uGMVWhJ"
    "CvYcbkwJBNOjXzJm/V9mz9CcFioe/NqCXt+k9pERAVba4GMkGhqGtxJ8ctlLiTY6kORy8x"
    "vkGaGLZAwmzC+5XtedLtq44cMID2qOfd6+T4/KzcuOgfTXvW/e3FzQ2/cdF5SGuoCEvSyr"
    "ViBmbCBB5aIwZnt3x+T9PtCc7uH1HqMmc3lBswu+WCOZQ2VHAYvlj9SGndoVp9WbtBtCJ0"
    "QC2UxthWGgPCPiDsA8I+zA1jSJaun9ecmQljGKo3HDQHMNBbi2o06b0dxy7k35AtZE9oDV"
    "0hxhV+UJNPe99sBWSgN/z1UZt8InKXvDTNEZdRRCe/Asf57Qaye9qK3dMGdk95dp9tLxFo"
    "l3KTXgkAY566MQ/5TrgOqHlGwvtVcYNcAIIxQBQaovgeuGS517Cw1ZGDON2GTFqcrj2NN6"
    "OC8Vy+t0zTjArG8x9R6jLj+UhqftyjOCasE6XUFx8t6zccNB0to+zWtHrZElmPLj1krrs/"
    "YnIB78UXZ6eT7OvTNwEi3fd71MSeVF2Ua4k1EOiH6vqhj17UWa+BgHWNaId82VGLkqqjTO"
    "B9oE6bZINRD+rhgCYQvq+JrnEyqSFBRx2LjtrmZFLXsdoqTnUUxCI0xyLkbPEEK3vMP3h4"
    "bnv3m/GmSe9Wt3l9fo2pocT92nd+xfOZ6EiVXzpoPEyRm6zf8bz/gopcR/eKASlNICYX4y"
    "Rir8DRCpKIx6Rpdp9EnL6CKUUKJNdABtL8+qyNn5RVVCpu0jO+gUexvLTmuEQMR/AsQP4i"
    "30ynyPKm7VDbxNQNYqeUVD22Nyv0PHE9ssdHh/Rr97FI95KpGoSYXhZM+8ZM4RIDIulcJG"
    "njhyIGUMWqwAHBqgDJQmBVAH/njyj1NslCRH8L9aReR0LW+HiELIhgwauAGmO01nQGC5Ie"
    "s6Qh+Q96DQ9M7ZR7DX8J3eUShTdY2GG4cvWgyUAcZ/dZHl7uwUb84IYVC3H9L3JOfXYXea"
    "1J+gF9LgSVJ4dZQQ4ajMZZ+Wy1zI8qxoSD7QDxCeV8V6C5igGaW9E8nh7bo+K6ly7bGWtq"
    "q3QVA8odt0Zk27fq9GVxBk7gHkprDe8sHfVy3L2vNC07oLbjVSAGTuJedjzaD1y5nnUNZN"
    "5c7oVoet5S4bi43zx6u1+My8Mix+/WIrJ7t/dD/djurIZkqAATrnXmAosF+/AkJM2L+RJj"
    "D9n+FikLRDwnwL7e8vKTYeV6+enTTU2kl9es4/zr7eUVObulsiQ3uZk9ky96ukjCtAaPtR"
    "JEmEjryDIorUKyI3uNui6D7vpBElsxfkKiulpSZlkYUMtTi5NYi1sOB+Ty5KYxSjypW4Ka"
    "TFFphw5mghbL0GJZV/mAkCKdQDIIQein/nDFlatAKwPbgdbpLGYQ2DGiwA7RHO6A3rRp9O"
    "fKeJOcvdsrPddf3xrF5Bleffx6c7Ov4Jm/ovkjxk/3OAkdNBPEz9RvOGgKoXnJbrWi9N7+"
    "o2gg+mWv0S+q/Sh3akGpwfFwEQJ9FDutPhlHsvycycDgtKlVDxI59ODySNR7FCrllImwcP"
    "rUP31GiJwiBSfPFtVRN1B4CXTq01IeVD0MFdSA/oVi5Z+seyFt3xgiB7nPWpYWER5ceGN2"
    "4cU4tr1SZIK3zF1KDfQ81pj2uj8fH5+cnB8fnZy9PX1zfn769qg01POXmiz2l9cf6GtWky"
    "//3oFtUy4Qc22bkCRrmtQFS+6YigJfoNB1HmcC40p+5aDJqmJv7hmNMUXumG+5H+Xv6XgP"
    "+J34i+W2k2dyNhSe7OXmkwoE4nvbhZ3Sl0qB4fx2A9ntxUJFvjHOm461NY9UIMNX3Jm4WW"
    "Svm9mf/w/aIzWP"
)
