"""The domain model on a real, migrated database: every aggregate round-trips, unique constraints hold, deletes
cascade (or set null) as designed, and secret columns are stored encrypted."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError

from omni.db import crypto
from omni.db.models import (
    AccessRule,
    AgentProvider,
    AgentRoute,
    ApiKey,
    ApiKeyAuditLog,
    Automation,
    AutomationLog,
    BatchJob,
    Chat,
    ChatIdMapping,
    ChatParticipant,
    DeadLetterEvent,
    EventPayload,
    GlobalSetting,
    Instance,
    MediaContent,
    Message,
    OmniEvent,
    OmniGroup,
    PayloadStorageConfig,
    Person,
    PlatformIdentity,
    PluginStorage,
    SettingChange,
    SyncJob,
    TriggerLog,
    WebhookSource,
    enums,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


async def raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await Tortoise.get_connection("default").execute_query_dict(sql, list(args))


async def instance(name: str = "wa", **kw: Any) -> Instance:
    return await Instance.create(name=name, channel="whatsapp-baileys", **kw)


async def chat(inst: Instance, external_id: str = "123@s.whatsapp.net", **kw: Any) -> Chat:
    return await Chat.create(instance=inst, external_id=external_id, chat_type="dm", channel=inst.channel, **kw)


async def message(c: Chat, external_id: str = "m1", **kw: Any) -> Message:
    return await Message.create(chat=c, instance_id=c.instance_id, external_id=external_id, source="realtime",
                                message_type="text", platform_timestamp=NOW, **kw)  # fmt: skip


async def identity(inst: Instance, person: Person, user: str = "123@s.whatsapp.net") -> PlatformIdentity:
    return await PlatformIdentity.create(person=person, instance=inst, channel=inst.channel, platform_user_id=user)


async def test_instance_defaults_match_the_reference_and_the_enums(db: str) -> None:
    inst = await instance()
    got = await Instance.get(id=inst.id)
    assert got.channel in enums.CHANNELS and got.agent_type in enums.AGENT_TYPES
    assert got.agent_session_strategy in enums.AGENT_SESSION_STRATEGIES and got.access_mode in enums.ACCESS_MODES
    assert got.message_debounce_mode in enums.DEBOUNCE_MODES
    assert got.message_split_delay_mode in enums.SPLIT_DELAY_MODES and got.trigger_mode in enums.TRIGGER_MODES
    assert (got.agent_id, got.agent_timeout, got.trigger_rate_limit) == ("default", 60, 5)
    assert got.trigger_events == ["message.received"] and got.config == {} and got.secrets is None
    assert (got.message_split_delay_min_ms, got.message_split_delay_max_ms) == (300, 1000)
    assert got.enable_auto_split and got.agent_prefix_sender_name and not got.is_active
    assert got.created_at.tzinfo is not None
    other = await instance("other")
    assert other.trigger_events is not got.trigger_events  # a fresh default per row


async def test_every_aggregate_round_trips(db: str) -> None:
    provider = await AgentProvider.create(name="agno", schema="agno", base_url="http://127.0.0.1:1", api_key="sk-1",
                                          schema_config={"model": "x"})  # fmt: skip
    inst = await instance(agent_provider=provider, agent_reply_filter={"mode": "filtered", "conditions": {}},
                          discord_guild_ids=["1"], config={"k": 1}, message_debounce_group_ms=500)  # fmt: skip
    person = await Person.create(display_name="Ana Lima", primary_phone="+5511999990000")
    ident = await identity(inst, person)
    group = await chat(inst, "g@g.us", name="Family", settings={"muted": True, "agentPaused": True})
    thread = await chat(inst, "t1", parent_chat=group)
    part = await ChatParticipant.create(chat=group, person=person, platform_identity=ident,
                                        platform_user_id=ident.platform_user_id, role="admin")  # fmt: skip
    first = await message(group, sender_person=person, sender_platform_identity=ident, text_content="hello there",
                          reactions=[{"emoji": "👍", "platformUserId": "x", "at": NOW.isoformat()}],
                          reaction_counts={"👍": 1}, mentions=[{"platformUserId": "x", "type": "user"}])  # fmt: skip
    reply = await message(group, "m2", reply_to_message=first, reply_to_external_id="m1", quoted_text="hello",
                          delivery_status="delivered", has_media=True, media_metadata={"isVoiceNote": True})  # fmt: skip
    event = await OmniEvent.create(event_type="message.received", channel=inst.channel, instance=inst, person=person,
                                   platform_identity=ident, chat_id=group.external_id, text_content="hello there",
                                   correlation_id="c1", payload={"externalId": "m1"}, metadata={"t": 1})  # fmt: skip
    route = await AgentRoute.create(instance=inst, scope="chat", chat=group, agent_provider=provider, agent_id="a2",
                                    agent_stream_mode=True)  # fmt: skip
    rule = await AccessRule.create(instance=inst, rule_type="deny", phone_pattern="+55*", action="silent_block")
    setting = await GlobalSetting.create(key="media.default_language", value='"pt"', category="media")
    await SettingChange.create(setting=setting, old_value='"en"', new_value='"pt"', changed_by="test")
    automation = await Automation.create(name="a", trigger_event_type="message.received",
                                         actions=[{"type": "log", "config": {"level": "info", "message": "x"}}])  # fmt: skip
    await AutomationLog.create(automation=automation, event_id=event.id, status="success", conditions_matched=True)
    source = await WebhookSource.create(name="github", expected_headers={"X-GitHub-Event": True}, secret="s3cr3t")
    dead = await DeadLetterEvent.create(event_id=str(event.id), event_type="message.received", subject="x.y",
                                        payload={"a": 1}, error="boom", next_auto_retry_at=NOW)  # fmt: skip
    sync = await SyncJob.create(instance=inst, channel=inst.channel, sync_type="messages", config={"depth": "7d"})
    batch = await BatchJob.create(job_type="media_redownload", instance=inst, total_cost_usd=Decimal("0.000125"))
    media = await MediaContent.create(message=reply, processing_type="transcription", content="hi", batch_job=batch,
                                      cost_usd=Decimal("0.0001"))  # fmt: skip
    store = await PluginStorage.create(plugin_id="whatsapp-baileys", key="creds", value='{"a": [1, 2]}', expires_at=NOW)
    mapping = await ChatIdMapping.create(instance=inst, lid_id="1@lid", phone_id="55@s.whatsapp.net")
    trig = await TriggerLog.create(instance=inst, provider=provider, event_type="message.received", event_id=event.id,
                                   trigger_type="dm", chat_id=group.external_id)  # fmt: skip
    omni_group = await OmniGroup.create(instance=inst, external_id="g@g.us", channel=inst.channel, member_count=3)
    await PayloadStorageConfig.create(event_type="*")
    payload = await EventPayload.create(event_id=event.id, event_type=event.event_type, stage="webhook_raw",
                                        payload=b"\x1f\x8b gzip bytes")  # fmt: skip
    key = await ApiKey.create(name="k", key_prefix="abcdefgh", key_hash="0" * 64, scopes=["*"], created_by="me")
    await ApiKeyAuditLog.create(api_key=key, method="GET", path="/api/v2/chats", status=200, ip="127.0.0.1",
                                duration_ms=1.5)  # fmt: skip

    got = await Instance.get(id=inst.id).prefetch_related("agent_provider", "chats", "identities")
    assert got.agent_provider.name == "agno" and got.agent_reply_filter == {"mode": "filtered", "conditions": {}}
    assert {c.external_id for c in got.chats} == {"g@g.us", "t1"} and [i.id for i in got.identities] == [ident.id]
    assert (await Chat.get(id=thread.id).prefetch_related("parent_chat")).parent_chat.id == group.id
    got_chat = await Chat.get(id=group.id).prefetch_related("participants", "messages", "child_chats")
    assert got_chat.settings == {"muted": True, "agentPaused": True} and got_chat.deleted_at is None
    assert [p.id for p in got_chat.participants] == [part.id] and len(got_chat.messages) == 2
    assert [c.id for c in got_chat.child_chats] == [thread.id]
    got_reply = await Message.get(id=reply.id).prefetch_related("reply_to_message")
    assert got_reply.reply_to_message.id == first.id and got_reply.media_metadata == {"isVoiceNote": True}
    assert got_reply.status == "active" and got_reply.delivery_status == "delivered" and got_reply.edit_history == []
    got_first = await Message.get(id=first.id)
    assert got_first.reactions[0]["emoji"] == "👍" and got_first.reaction_counts == {"👍": 1}
    assert got_first.platform_timestamp == NOW and got_first.received_at.tzinfo is not None
    assert got_first.delivery_status == "sent" and got_first.sender_person_id == person.id
    assert (await Person.get(id=person.id).prefetch_related("identities")).identities[0].confidence == 100
    assert (await OmniEvent.get(id=event.id)).payload == {"externalId": "m1"}
    assert (await AgentRoute.get(id=route.id)).agent_timeout is None  # null = inherit from the instance
    assert (await AccessRule.get(id=rule.id)).priority == 0
    assert [json.loads(h.new_value) for h in await SettingChange.filter(setting=setting)] == ["pt"]
    assert (await AutomationLog.get(automation=automation)).event_id == event.id
    assert (await WebhookSource.get(id=source.id)).expected_headers == {"X-GitHub-Event": True}
    assert (await DeadLetterEvent.get(id=dead.id)).status == "pending"
    assert (await SyncJob.get(id=sync.id)).progress == {}
    assert (await BatchJob.get(id=batch.id)).total_cost_usd == Decimal("0.000125")
    assert (await MediaContent.get(id=media.id)).batch_job_id == batch.id
    assert json.loads((await PluginStorage.get(id=store.id)).value) == {"a": [1, 2]}
    assert (await ChatIdMapping.get(id=mapping.id)).discovered_at.tzinfo is not None
    assert (await TriggerLog.get(id=trig.id)).responded is False
    assert (await OmniGroup.get(id=omni_group.id)).member_count == 3
    assert (await EventPayload.get(id=payload.id)).payload == b"\x1f\x8b gzip bytes"
    assert (await ApiKeyAuditLog.get(api_key=key)).status == 200


@pytest.mark.parametrize("case", ["instance", "identity", "chat", "message", "participant", "chat_route",
                                  "person_route", "plugin_storage", "webhook", "setting", "provider", "phone",
                                  "lid", "group", "payload_config"])  # fmt: skip
async def test_unique_constraints(db: str, case: str) -> None:
    inst = await instance()
    person = await Person.create(display_name="p", primary_phone="+1")
    c = await chat(inst)
    twice: dict[str, Any] = {
        "instance": lambda: instance("dup"),
        "identity": lambda: identity(inst, person),
        "chat": lambda: chat(inst, "dup"),
        "message": lambda: message(c),
        "participant": lambda: ChatParticipant.create(chat=c, platform_user_id="u1"),
        "chat_route": lambda: AgentRoute.create(instance=inst, scope="chat", chat=c),
        "person_route": lambda: AgentRoute.create(instance=inst, scope="user", person=person),
        "plugin_storage": lambda: PluginStorage.create(plugin_id="p", key="k", value="1"),
        "webhook": lambda: WebhookSource.create(name="github"),
        "setting": lambda: GlobalSetting.create(key="a.b", value="1"),
        "provider": lambda: AgentProvider.create(name="p", schema="webhook"),
        "phone": lambda: Person.create(primary_phone="+2"),
        "lid": lambda: ChatIdMapping.create(instance=inst, lid_id="1@lid", phone_id="1@s.whatsapp.net"),
        "group": lambda: OmniGroup.create(instance=inst, external_id="g", channel=inst.channel),
        "payload_config": lambda: PayloadStorageConfig.create(event_type="*"),
    }
    await twice[case]()
    with pytest.raises(IntegrityError):
        await twice[case]()


async def test_the_same_ids_may_repeat_under_another_parent(db: str) -> None:
    a, b = await instance("a"), await instance("b")
    person = await Person.create()
    await identity(a, person)
    await identity(b, person)  # the same platform user seen by two instances
    chat_a, chat_b = await chat(a), await chat(b)  # the same platform chat on two instances
    await message(chat_a)
    await message(chat_b)  # message ids are unique per chat only
    await AgentRoute.create(instance=a, scope="chat", chat=chat_a)
    await AgentRoute.create(instance=a, scope="user", person=person)  # a chat route and a user route coexist
    await Person.create()
    await Person.create()  # primary_phone is optional: NULLs never collide


async def test_agent_route_scope_must_match_its_target(db: str) -> None:
    inst = await instance()
    person = await Person.create()
    c = await chat(inst)
    for bad in ({"scope": "chat", "person": person}, {"scope": "user", "chat": c},
                {"scope": "chat", "chat": c, "person": person}, {"scope": "user"}):  # fmt: skip
        with pytest.raises(IntegrityError):
            await AgentRoute.create(instance=inst, **bad)


async def test_deleting_an_instance_takes_its_data_and_keeps_the_journal(db: str) -> None:
    provider = await AgentProvider.create(name="p", schema="webhook")
    inst = await instance(agent_provider=provider)
    keep = await instance("keep")
    person = await Person.create(display_name="Ana")
    ident = await identity(inst, person)
    c = await chat(inst)
    await ChatParticipant.create(chat=c, person=person, platform_user_id="u")
    m = await message(c, sender_person=person, sender_platform_identity=ident)
    await MediaContent.create(message=m, processing_type="transcription", content="x")
    await AgentRoute.create(instance=inst, scope="chat", chat=c)
    await AccessRule.create(instance=inst, rule_type="deny", platform_user_id="u")
    global_rule = await AccessRule.create(rule_type="allow", platform_user_id="u")
    await SyncJob.create(instance=inst, channel=inst.channel, sync_type="all")
    await ChatIdMapping.create(instance=inst, lid_id="1@lid", phone_id="1@s.whatsapp.net")
    await OmniGroup.create(instance=inst, external_id="g", channel=inst.channel)
    await TriggerLog.create(instance=inst, event_type="message.received", event_id=uuid.uuid4(), trigger_type="dm",
                            chat_id="c")  # fmt: skip
    event = await OmniEvent.create(event_type="message.received", instance=inst, person=person, platform_identity=ident)
    batch = await BatchJob.create(job_type="time_based_batch", instance=inst)
    await chat(keep)

    await inst.delete()

    for model in (Chat, ChatParticipant, Message, MediaContent, PlatformIdentity, AgentRoute, SyncJob, ChatIdMapping,
                  OmniGroup, TriggerLog):  # fmt: skip
        assert await model.filter().count() == (1 if model is Chat else 0), model.__name__
    assert [r.id for r in await AccessRule.all()] == [global_rule.id]
    got_event = await OmniEvent.get(id=event.id)
    assert got_event.instance_id is None and got_event.platform_identity_id is None  # identity went with the instance
    assert got_event.person_id == person.id
    assert (await BatchJob.get(id=batch.id)).instance_id is None
    assert await Person.filter(id=person.id).exists() and await AgentProvider.filter(id=provider.id).exists()


async def test_deleting_a_person_a_provider_a_parent_or_a_quoted_message(db: str) -> None:
    provider = await AgentProvider.create(name="p", schema="webhook")
    inst = await instance(agent_provider=provider)
    person = await Person.create()
    ident = await identity(inst, person)
    parent = await chat(inst, "parent")
    thread = await chat(inst, "thread", parent_chat=parent)
    participant = await ChatParticipant.create(chat=parent, person=person, platform_identity=ident,
                                               platform_user_id="u")  # fmt: skip
    quoted = await message(parent, sender_person=person, sender_platform_identity=ident)
    reply = await message(parent, "m2", reply_to_message=quoted)
    await AgentRoute.create(instance=inst, scope="user", person=person)
    await AccessRule.create(instance=inst, rule_type="deny", person=person)
    trig = await TriggerLog.create(instance=inst, provider=provider, event_type="message.received",
                                   event_id=uuid.uuid4(), trigger_type="dm", chat_id="c")  # fmt: skip

    await person.delete()
    assert not await PlatformIdentity.exists() and not await AgentRoute.exists() and not await AccessRule.exists()
    m = await Message.get(id=quoted.id)
    assert m.sender_person_id is None and m.sender_platform_identity_id is None
    p = await ChatParticipant.get(id=participant.id)
    assert p.person_id is None and p.platform_identity_id is None

    await provider.delete()
    assert (await Instance.get(id=inst.id)).agent_provider_id is None
    assert (await TriggerLog.get(id=trig.id)).provider_id is None

    await quoted.delete()
    assert (await Message.get(id=reply.id)).reply_to_message_id is None
    await parent.delete()
    assert (await Chat.get(id=thread.id)).parent_chat_id is None
    assert not await Message.exists()


async def test_owned_logs_go_with_their_owner(db: str) -> None:
    key = await ApiKey.create(name="k", key_prefix="abcdefgh", key_hash="1" * 64, scopes=[])
    await ApiKeyAuditLog.create(api_key=key, method="GET", path="/", status=200)
    automation = await Automation.create(name="a", trigger_event_type="x")
    await AutomationLog.create(automation=automation, event_id=uuid.uuid4(), status="skipped", conditions_matched=False)
    setting = await GlobalSetting.create(key="k", value="1")
    await SettingChange.create(setting=setting, new_value="1")
    await key.delete()
    await automation.delete()
    await setting.delete()
    assert not await ApiKeyAuditLog.exists() and not await AutomationLog.exists() and not await SettingChange.exists()


SECRETS = [
    (Instance, "discord_bot_token"),
    (Instance, "discord_webhook_url"),
    (Instance, "slack_bot_token"),
    (Instance, "slack_app_token"),
    (Instance, "slack_signing_secret"),
    (Instance, "telegram_bot_token"),
    (Instance, "secrets"),
    (AgentProvider, "api_key"),
    (WebhookSource, "secret"),
    (GlobalSetting, "encrypted_value"),
    (PluginStorage, "encrypted_value"),
]


async def test_secret_columns_are_stored_encrypted(db: str) -> None:
    inst = await instance()
    rows = {
        Instance: inst,
        AgentProvider: await AgentProvider.create(name="p", schema="openai"),
        WebhookSource: await WebhookSource.create(name="w"),
        GlobalSetting: await GlobalSetting.create(key="openai.api_key", value_type="secret", is_secret=True),
        PluginStorage: await PluginStorage.create(plugin_id="whatsapp-baileys", key="creds"),
    }
    for model, column in SECRETS:
        plain = f"plain-{column}-{uuid.uuid4().hex}"
        row = rows[model]
        setattr(row, column, plain)
        await row.save()
        table = model._meta.db_table
        stored = (await raw(f'select "{column}" as v from "{table}" where id = $1', str(row.pk)))[0]["v"]  # noqa: S608
        assert stored.startswith(crypto.PREFIX) and plain not in stored, (table, column)
        assert getattr(await model.get(pk=row.pk), column) == plain, (table, column)
    # a secret setting keeps no plain value next to the encrypted one
    assert (await GlobalSetting.get(key="openai.api_key")).value is None


async def test_timestamps_are_timezone_aware_columns(db: str) -> None:
    rows = await raw("select table_name, column_name from information_schema.columns where table_schema = 'public' "
                     "and data_type like 'timestamp%' and data_type <> 'timestamp with time zone'")  # fmt: skip
    assert rows == []


async def test_substring_search_has_trigram_indexes(db: str) -> None:
    names = {r["indexname"] for r in await raw("select indexname from pg_indexes where indexname like '%trgm'")}
    assert names == {"idx_messages_text_trgm", "idx_omni_events_text_trgm", "idx_persons_name_trgm",
                     "idx_chats_name_trgm"}  # fmt: skip
    inst = await instance()
    c = await chat(inst, name="Project Phoenix")
    await message(c, text_content="Meet at the Old Harbour at noon")
    await message(c, "m2", text_content="unrelated")
    assert [m.text_content for m in await Message.filter(text_content__icontains="old harb")] == [
        "Meet at the Old Harbour at noon"
    ]
    conn = Tortoise.get_connection("default")
    async with conn._in_transaction() as tx:  # seqscan off: does the planner accept the index at all?
        await tx.execute_script("set local enable_seqscan = off")
        plan = await tx.execute_query_dict("explain select id from messages where text_content ilike '%harbour%'")
    assert "idx_messages_text_trgm" in " ".join(r["QUERY PLAN"] for r in plan)
    assert [x.id for x in await Chat.filter(name__icontains="phoenix")] == [c.id]


async def test_list_filters_are_indexed(db: str) -> None:
    rows = await raw("select tablename, indexdef from pg_indexes where schemaname = 'public'")
    defs = {(r["tablename"], r["indexdef"].split(" USING ", 1)[1]) for r in rows}
    for table, columns in [
        ("chats", "(instance_id, last_message_at)"),
        ("messages", "(chat_id, platform_timestamp)"),
        ("messages", "(sender_person_id, platform_timestamp)"),
        ("omni_events", "(instance_id, created_at)"),
        ("omni_events", "(event_type, created_at)"),
        ("omni_events", "(person_id, created_at)"),
        ("persons", "(display_name)"),
        ("platform_identities", "(person_id)"),
        ("api_key_audit_logs", "(api_key_id, created_at)"),
        ("dead_letter_events", "(status, next_auto_retry_at)"),
        ("plugin_storage", "(expires_at)"),
    ]:
        assert (table, f"btree {columns}") in defs, (table, columns)


async def test_soft_deleted_and_archived_chats_keep_their_messages(db: str) -> None:
    c = await chat(await instance())
    await message(c)
    c.deleted_at = c.archived_at = NOW + timedelta(minutes=1)
    c.settings = {**c.settings, "archived": True}
    await c.save()
    got = await Chat.get(id=c.id)
    assert got.deleted_at == NOW + timedelta(minutes=1) and got.settings["archived"] is True
    assert await Message.filter(chat_id=c.id).count() == 1
