"""Typed models of the API's JSON, generated from its OpenAPI document by `tools/gen_client_models.py`.

Do not edit: change the API's models and run the generator. Fields are snake_case in Python and camelCase on
the wire (`model.model_dump(by_alias=True)`); unknown fields from a newer server are kept."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
)
from enum import StrEnum
from uuid import UUID
from typing_extensions import TypeAliasType


class ErrorBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    code: Annotated[str, Field(title="Code")]
    message: Annotated[str, Field(title="Message")]
    details: Annotated[dict[str, Any], Field(title="Details")] = {}


class ErrorEnvelope(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    error: ErrorBody


class Channel(StrEnum):
    whatsapp_baileys = "whatsapp-baileys"
    whatsapp_cloud = "whatsapp-cloud"
    discord = "discord"
    slack = "slack"
    telegram = "telegram"
    loopback = "loopback"


class CheckBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    platform_user_id: Annotated[
        str,
        Field(
            alias="platformUserId", max_length=255, min_length=1, title="Platformuserid"
        ),
    ]
    phone: Annotated[str | None, Field(max_length=64, title="Phone")] = None
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")] = None
    channel: Annotated[Channel | None, Field(title="Channel")] = None


class RuleOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    instance_id: Annotated[UUID | None, Field(alias="instanceId", title="Instanceid")]
    rule_type: Annotated[str, Field(alias="ruleType", title="Ruletype")]
    phone_pattern: Annotated[
        str | None, Field(alias="phonePattern", title="Phonepattern")
    ]
    platform_user_id: Annotated[
        str | None, Field(alias="platformUserId", title="Platformuserid")
    ]
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")]
    priority: Annotated[int, Field(title="Priority")]
    enabled: Annotated[bool, Field(title="Enabled")]
    reason: Annotated[str | None, Field(title="Reason")]
    expires_at: Annotated[
        AwareDatetime | None, Field(alias="expiresAt", title="Expiresat")
    ]
    action: Annotated[str, Field(title="Action")]
    block_message: Annotated[
        str | None, Field(alias="blockMessage", title="Blockmessage")
    ]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageMeta(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    total: Annotated[int | None, Field(title="Total")] = None
    has_more: Annotated[bool, Field(alias="hasMore", title="Hasmore")]
    cursor: Annotated[str | None, Field(title="Cursor")] = None


class PageRuleOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[RuleOut], Field(title="Items")]
    meta: PageMeta


class RuleType(StrEnum):
    allow = "allow"
    deny = "deny"


class Action(StrEnum):
    block = "block"
    allow = "allow"
    silent_block = "silent_block"


class RuleCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    rule_type: Annotated[RuleType, Field(alias="ruleType", title="Ruletype")]
    phone_pattern: Annotated[
        str | None,
        Field(
            alias="phonePattern",
            max_length=64,
            min_length=1,
            pattern="^\\+?[0-9*][0-9* ()-]{0,40}$",
            title="Phonepattern",
        ),
    ] = None
    platform_user_id: Annotated[
        str | None,
        Field(
            alias="platformUserId", max_length=255, min_length=1, title="Platformuserid"
        ),
    ] = None
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")] = None
    priority: Annotated[
        int | None, Field(ge=-1000000, le=1000000, title="Priority")
    ] = None
    enabled: Annotated[bool | None, Field(title="Enabled")] = None
    reason: Annotated[str | None, Field(max_length=2000, title="Reason")] = None
    expires_at: Annotated[
        AwareDatetime | None, Field(alias="expiresAt", title="Expiresat")
    ] = None
    action: Annotated[Action | None, Field(title="Action")] = None
    block_message: Annotated[
        str | None, Field(alias="blockMessage", max_length=4000, title="Blockmessage")
    ] = None
    instance_id: Annotated[
        UUID | None,
        Field(
            alias="instanceId", description="null: a global rule", title="Instanceid"
        ),
    ] = None


class DataRuleOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: RuleOut


class Success(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    success: Annotated[bool, Field(title="Success")] = True


class RuleUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    rule_type: Annotated[RuleType | None, Field(alias="ruleType", title="Ruletype")] = (
        None
    )
    phone_pattern: Annotated[
        str | None,
        Field(
            alias="phonePattern",
            max_length=64,
            min_length=1,
            pattern="^\\+?[0-9*][0-9* ()-]{0,40}$",
            title="Phonepattern",
        ),
    ] = None
    platform_user_id: Annotated[
        str | None,
        Field(
            alias="platformUserId", max_length=255, min_length=1, title="Platformuserid"
        ),
    ] = None
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")] = None
    priority: Annotated[
        int | None, Field(ge=-1000000, le=1000000, title="Priority")
    ] = None
    enabled: Annotated[bool | None, Field(title="Enabled")] = None
    reason: Annotated[str | None, Field(max_length=2000, title="Reason")] = None
    expires_at: Annotated[
        AwareDatetime | None, Field(alias="expiresAt", title="Expiresat")
    ] = None
    action: Annotated[Action | None, Field(title="Action")] = None
    block_message: Annotated[
        str | None, Field(alias="blockMessage", max_length=4000, title="Blockmessage")
    ] = None
    instance_id: Annotated[
        UUID | None,
        Field(
            alias="instanceId", description="null: a global rule", title="Instanceid"
        ),
    ] = None


class Validation(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    valid: Annotated[bool, Field(title="Valid")]
    key_prefix: Annotated[str, Field(alias="keyPrefix", title="Keyprefix")]
    key_name: Annotated[str, Field(alias="keyName", title="Keyname")]
    scopes: Annotated[list[str], Field(title="Scopes")]


class DataValidation(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: Validation


class AutomationOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    description: Annotated[str | None, Field(title="Description")]
    trigger_event_type: Annotated[
        str, Field(alias="triggerEventType", title="Triggereventtype")
    ]
    trigger_conditions: Annotated[
        list[dict[str, Any]] | None,
        Field(alias="triggerConditions", title="Triggerconditions"),
    ]
    condition_logic: Annotated[
        str, Field(alias="conditionLogic", title="Conditionlogic")
    ]
    actions: Annotated[list[dict[str, Any]], Field(title="Actions")]
    debounce: Annotated[dict[str, Any] | None, Field(title="Debounce")]
    enabled: Annotated[bool, Field(title="Enabled")]
    priority: Annotated[int, Field(title="Priority")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageAutomationOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[AutomationOut], Field(title="Items")]
    meta: PageMeta


class Type(StrEnum):
    call_agent = "call_agent"


class AgentType(StrEnum):
    agent = "agent"
    team = "team"
    workflow = "workflow"


class SessionStrategy(StrEnum):
    per_user = "per_user"
    per_chat = "per_chat"
    per_user_per_chat = "per_user_per_chat"


class CallAgentConfig(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    provider_id: Annotated[UUID, Field(alias="providerId", title="Providerid")]
    agent_id: Annotated[
        str, Field(alias="agentId", max_length=255, min_length=1, title="Agentid")
    ]
    agent_type: Annotated[AgentType, Field(alias="agentType", title="Agenttype")] = (
        "agent"
    )
    session_strategy: Annotated[
        SessionStrategy, Field(alias="sessionStrategy", title="Sessionstrategy")
    ] = "per_user_per_chat"
    prefix_sender_name: Annotated[
        bool, Field(alias="prefixSenderName", title="Prefixsendername")
    ] = True
    timeout_ms: Annotated[
        int, Field(alias="timeoutMs", ge=1000, le=600000, title="Timeoutms")
    ] = 60000
    response_as: Annotated[
        str | None,
        Field(
            alias="responseAs",
            max_length=100000,
            pattern="^[A-Za-z_][A-Za-z0-9_]{0,63}$",
            title="Responseas",
        ),
    ] = None


class Operator(StrEnum):
    eq = "eq"
    neq = "neq"
    gt = "gt"
    lt = "lt"
    gte = "gte"
    lte = "lte"
    contains = "contains"
    not_contains = "not_contains"
    exists = "exists"
    not_exists = "not_exists"
    regex = "regex"


class Condition(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    field: Annotated[
        str,
        Field(
            description="a dot path into the event, e.g. payload.content.text",
            max_length=255,
            min_length=1,
            pattern="^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$",
            title="Field",
        ),
    ]
    operator: Annotated[Operator, Field(title="Operator")]
    value: Annotated[Any, Field(title="Value")] = None


class Mode(StrEnum):
    none = "none"
    fixed = "fixed"
    range = "range"
    presence = "presence"


class ExtendOnEvent(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class Debounce(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    mode: Annotated[Mode, Field(title="Mode")]
    delay_ms: Annotated[
        int | None, Field(alias="delayMs", ge=100, le=300000, title="Delayms")
    ] = None
    min_ms: Annotated[
        int | None, Field(alias="minMs", ge=0, le=300000, title="Minms")
    ] = None
    max_ms: Annotated[
        int | None, Field(alias="maxMs", ge=0, le=300000, title="Maxms")
    ] = None
    base_delay_ms: Annotated[
        int | None, Field(alias="baseDelayMs", ge=0, le=300000, title="Basedelayms")
    ] = None
    max_wait_ms: Annotated[
        int | None, Field(alias="maxWaitMs", ge=0, le=3600000, title="Maxwaitms")
    ] = None
    extend_on_events: Annotated[
        list[ExtendOnEvent] | None,
        Field(alias="extendOnEvents", max_length=20, title="Extendonevents"),
    ] = None


class Type1(StrEnum):
    emit_event = "emit_event"


class PayloadTemplate(RootModel[str | None]):
    root: Annotated[str | None, Field(max_length=20000, title="Payloadtemplate")] = None


class EmitEventConfig(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    event_type: Annotated[
        str, Field(alias="eventType", max_length=255, min_length=1, title="Eventtype")
    ]
    payload_template: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any]
        | PayloadTemplate
        | None,
        Field(alias="payloadTemplate", title="Payloadtemplate"),
    ] = None


class Type2(StrEnum):
    log = "log"


class Level(StrEnum):
    debug = "debug"
    info = "info"
    warn = "warn"
    error = "error"


class LogConfig(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    level: Annotated[Level, Field(title="Level")] = "info"
    message: Annotated[str, Field(max_length=20000, min_length=1, title="Message")]


class Type3(StrEnum):
    send_message = "send_message"


class SendMessageConfig(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[
        str,
        Field(
            alias="instanceId",
            description="an instance id or a {{template}}",
            max_length=255,
            min_length=1,
            title="Instanceid",
        ),
    ]
    to: Annotated[str, Field(max_length=255, min_length=1, title="To")]
    content_template: Annotated[
        str,
        Field(
            alias="contentTemplate",
            max_length=20000,
            min_length=1,
            title="Contenttemplate",
        ),
    ]


class Type4(StrEnum):
    webhook = "webhook"


class Method(StrEnum):
    get = "GET"
    post = "POST"
    put = "PUT"
    patch = "PATCH"
    delete = "DELETE"


HeadersAdditionalProperty = TypeAliasType(
    "HeadersAdditionalProperty", Annotated[str, Field(max_length=100000)]
)


class WebhookConfig(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    url: Annotated[str, Field(max_length=2048, pattern="^https?://\\S+$", title="Url")]
    method: Annotated[Method, Field(title="Method")] = "POST"
    headers: Annotated[
        dict[
            Annotated[str, StringConstraints(max_length=100000)],
            HeadersAdditionalProperty,
        ]
        | None,
        Field(max_length=50, title="Headers"),
    ] = None
    body_template: Annotated[
        str | None, Field(alias="bodyTemplate", max_length=20000, title="Bodytemplate")
    ] = None
    wait_for_response: Annotated[
        bool, Field(alias="waitForResponse", title="Waitforresponse")
    ] = False
    timeout_ms: Annotated[
        int, Field(alias="timeoutMs", ge=1000, le=120000, title="Timeoutms")
    ] = 30000
    response_as: Annotated[
        str | None,
        Field(
            alias="responseAs",
            max_length=100000,
            pattern="^[A-Za-z_][A-Za-z0-9_]{0,63}$",
            title="Responseas",
        ),
    ] = None


class ConditionLogic(StrEnum):
    and_ = "and"
    or_ = "or"


class DataAutomationOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: AutomationOut


class LogOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    automation_id: Annotated[UUID, Field(alias="automationId", title="Automationid")]
    event_id: Annotated[UUID, Field(alias="eventId", title="Eventid")]
    status: Annotated[str, Field(title="Status")]
    conditions_matched: Annotated[
        bool, Field(alias="conditionsMatched", title="Conditionsmatched")
    ]
    dry_run: Annotated[bool, Field(alias="dryRun", title="Dryrun")]
    actions_executed: Annotated[
        list[dict[str, Any]] | None,
        Field(alias="actionsExecuted", title="Actionsexecuted"),
    ]
    error: Annotated[str | None, Field(title="Error")]
    execution_time_ms: Annotated[
        int | None, Field(alias="executionTimeMs", title="Executiontimems")
    ]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]


class PageLogOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[LogOut], Field(title="Items")]
    meta: PageMeta


class ChatOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    external_id: Annotated[str, Field(alias="externalId", title="Externalid")]
    canonical_id: Annotated[str | None, Field(alias="canonicalId", title="Canonicalid")]
    chat_type: Annotated[str, Field(alias="chatType", title="Chattype")]
    channel: Annotated[str, Field(title="Channel")]
    name: Annotated[str | None, Field(title="Name")]
    description: Annotated[str | None, Field(title="Description")]
    avatar_url: Annotated[str | None, Field(alias="avatarUrl", title="Avatarurl")]
    parent_chat_id: Annotated[
        UUID | None, Field(alias="parentChatId", title="Parentchatid")
    ]
    participant_count: Annotated[
        int, Field(alias="participantCount", title="Participantcount")
    ]
    message_count: Annotated[int, Field(alias="messageCount", title="Messagecount")]
    unread_count: Annotated[int, Field(alias="unreadCount", title="Unreadcount")]
    last_message_at: Annotated[
        AwareDatetime | None, Field(alias="lastMessageAt", title="Lastmessageat")
    ]
    last_message_preview: Annotated[
        str | None, Field(alias="lastMessagePreview", title="Lastmessagepreview")
    ]
    settings: Annotated[dict[str, Any], Field(title="Settings")]
    platform_metadata: Annotated[
        dict[str, Any] | None, Field(alias="platformMetadata", title="Platformmetadata")
    ]
    is_archived: Annotated[bool, Field(alias="isArchived", title="Isarchived")]
    is_pinned: Annotated[bool, Field(alias="isPinned", title="Ispinned")]
    is_muted: Annotated[bool, Field(alias="isMuted", title="Ismuted")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]
    archived_at: Annotated[
        AwareDatetime | None, Field(alias="archivedAt", title="Archivedat")
    ]
    deleted_at: Annotated[
        AwareDatetime | None, Field(alias="deletedAt", title="Deletedat")
    ]


class PageChatOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[ChatOut], Field(title="Items")]
    meta: PageMeta


class ChatSettings(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    muted: Annotated[bool | None, Field(title="Muted")] = None
    mute_until: Annotated[
        AwareDatetime | None, Field(alias="muteUntil", title="Muteuntil")
    ] = None
    pinned: Annotated[bool | None, Field(title="Pinned")] = None
    archived: Annotated[bool | None, Field(title="Archived")] = None
    read_only: Annotated[bool | None, Field(alias="readOnly", title="Readonly")] = None
    agent_paused: Annotated[
        bool | None, Field(alias="agentPaused", title="Agentpaused")
    ] = None


class ChatType(StrEnum):
    dm = "dm"
    group = "group"
    channel = "channel"
    thread = "thread"
    forum = "forum"
    voice = "voice"
    broadcast = "broadcast"
    community = "community"
    announcement = "announcement"
    stage = "stage"


class ChatCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    canonical_id: Annotated[
        str | None, Field(alias="canonicalId", max_length=255, title="Canonicalid")
    ] = None
    name: Annotated[str | None, Field(max_length=255, title="Name")] = None
    description: Annotated[str | None, Field(max_length=10000, title="Description")] = (
        None
    )
    avatar_url: Annotated[
        str | None, Field(alias="avatarUrl", max_length=4000, title="Avatarurl")
    ] = None
    parent_chat_id: Annotated[
        UUID | None, Field(alias="parentChatId", title="Parentchatid")
    ] = None
    settings: ChatSettings | None = None
    platform_metadata: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(alias="platformMetadata", title="Platformmetadata"),
    ] = None
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    external_id: Annotated[
        str, Field(alias="externalId", max_length=255, min_length=1, title="Externalid")
    ]
    chat_type: Annotated[ChatType, Field(alias="chatType", title="Chattype")]
    channel: Annotated[
        str | None, Field(max_length=64, min_length=1, title="Channel")
    ] = None
    participant_count: Annotated[
        int,
        Field(alias="participantCount", ge=0, le=10000000, title="Participantcount"),
    ] = 0
    unread_count: Annotated[
        int, Field(alias="unreadCount", ge=0, le=10000000, title="Unreadcount")
    ] = 0
    last_message_at: Annotated[
        AwareDatetime | None, Field(alias="lastMessageAt", title="Lastmessageat")
    ] = None
    last_message_preview: Annotated[
        str | None,
        Field(alias="lastMessagePreview", max_length=10000, title="Lastmessagepreview"),
    ] = None


class DataChatOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: ChatOut


class ChatUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    canonical_id: Annotated[
        str | None, Field(alias="canonicalId", max_length=255, title="Canonicalid")
    ] = None
    name: Annotated[str | None, Field(max_length=255, title="Name")] = None
    description: Annotated[str | None, Field(max_length=10000, title="Description")] = (
        None
    )
    avatar_url: Annotated[
        str | None, Field(alias="avatarUrl", max_length=4000, title="Avatarurl")
    ] = None
    parent_chat_id: Annotated[
        UUID | None, Field(alias="parentChatId", title="Parentchatid")
    ] = None
    settings: ChatSettings | None = None
    platform_metadata: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(alias="platformMetadata", title="Platformmetadata"),
    ] = None
    chat_type: Annotated[ChatType | None, Field(alias="chatType", title="Chattype")] = (
        None
    )
    unread_count: Annotated[
        int | None, Field(alias="unreadCount", ge=0, le=10000000, title="Unreadcount")
    ] = None
    last_message_at: Annotated[
        AwareDatetime | None, Field(alias="lastMessageAt", title="Lastmessageat")
    ] = None
    last_message_preview: Annotated[
        str | None,
        Field(alias="lastMessagePreview", max_length=10000, title="Lastmessagepreview"),
    ] = None


class MessageOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    chat_id: Annotated[UUID, Field(alias="chatId", title="Chatid")]
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    external_id: Annotated[str, Field(alias="externalId", title="Externalid")]
    source: Annotated[str, Field(title="Source")]
    sender_person_id: Annotated[
        UUID | None, Field(alias="senderPersonId", title="Senderpersonid")
    ]
    sender_platform_identity_id: Annotated[
        UUID | None,
        Field(alias="senderPlatformIdentityId", title="Senderplatformidentityid"),
    ]
    sender_platform_user_id: Annotated[
        str | None, Field(alias="senderPlatformUserId", title="Senderplatformuserid")
    ]
    sender_display_name: Annotated[
        str | None, Field(alias="senderDisplayName", title="Senderdisplayname")
    ]
    sender_name: Annotated[str | None, Field(alias="senderName", title="Sendername")]
    is_from_me: Annotated[bool, Field(alias="isFromMe", title="Isfromme")]
    message_type: Annotated[str, Field(alias="messageType", title="Messagetype")]
    text_content: Annotated[str | None, Field(alias="textContent", title="Textcontent")]
    transcription: Annotated[str | None, Field(title="Transcription")]
    image_description: Annotated[
        str | None, Field(alias="imageDescription", title="Imagedescription")
    ]
    video_description: Annotated[
        str | None, Field(alias="videoDescription", title="Videodescription")
    ]
    document_extraction: Annotated[
        str | None, Field(alias="documentExtraction", title="Documentextraction")
    ]
    has_media: Annotated[bool, Field(alias="hasMedia", title="Hasmedia")]
    media_mime_type: Annotated[
        str | None, Field(alias="mediaMimeType", title="Mediamimetype")
    ]
    media_url: Annotated[str | None, Field(alias="mediaUrl", title="Mediaurl")]
    media_local_path: Annotated[
        str | None, Field(alias="mediaLocalPath", title="Medialocalpath")
    ]
    media_metadata: Annotated[
        dict[str, Any] | None, Field(alias="mediaMetadata", title="Mediametadata")
    ]
    reply_to_message_id: Annotated[
        UUID | None, Field(alias="replyToMessageId", title="Replytomessageid")
    ]
    reply_to_external_id: Annotated[
        str | None, Field(alias="replyToExternalId", title="Replytoexternalid")
    ]
    quoted_text: Annotated[str | None, Field(alias="quotedText", title="Quotedtext")]
    quoted_sender_name: Annotated[
        str | None, Field(alias="quotedSenderName", title="Quotedsendername")
    ]
    forwarded_from_message_id: Annotated[
        UUID | None,
        Field(alias="forwardedFromMessageId", title="Forwardedfrommessageid"),
    ]
    forwarded_from_external_id: Annotated[
        str | None,
        Field(alias="forwardedFromExternalId", title="Forwardedfromexternalid"),
    ]
    forward_count: Annotated[int, Field(alias="forwardCount", title="Forwardcount")]
    is_forwarded: Annotated[bool, Field(alias="isForwarded", title="Isforwarded")]
    mentions: Annotated[list[dict[str, Any]] | None, Field(title="Mentions")]
    status: Annotated[str, Field(title="Status")]
    delivery_status: Annotated[
        str | None, Field(alias="deliveryStatus", title="Deliverystatus")
    ]
    edit_count: Annotated[int, Field(alias="editCount", title="Editcount")]
    original_text: Annotated[
        str | None, Field(alias="originalText", title="Originaltext")
    ]
    edit_history: Annotated[
        list[dict[str, Any]], Field(alias="editHistory", title="Edithistory")
    ]
    edited_at: Annotated[
        AwareDatetime | None, Field(alias="editedAt", title="Editedat")
    ]
    deleted_at: Annotated[
        AwareDatetime | None, Field(alias="deletedAt", title="Deletedat")
    ]
    reactions: Annotated[list[dict[str, Any]], Field(title="Reactions")]
    reaction_counts: Annotated[
        dict[str, int], Field(alias="reactionCounts", title="Reactioncounts")
    ]
    original_event_id: Annotated[
        UUID | None, Field(alias="originalEventId", title="Originaleventid")
    ]
    latest_event_id: Annotated[
        UUID | None, Field(alias="latestEventId", title="Latesteventid")
    ]
    platform_timestamp: Annotated[
        AwareDatetime, Field(alias="platformTimestamp", title="Platformtimestamp")
    ]
    received_at: Annotated[AwareDatetime, Field(alias="receivedAt", title="Receivedat")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageMessageOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[MessageOut], Field(title="Items")]
    meta: PageMeta


class MuteBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    duration_ms: Annotated[
        int, Field(alias="durationMs", ge=1, le=3153600000000, title="Durationms")
    ] = 28800000


class ParticipantOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    chat_id: Annotated[UUID, Field(alias="chatId", title="Chatid")]
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")]
    platform_identity_id: Annotated[
        UUID | None, Field(alias="platformIdentityId", title="Platformidentityid")
    ]
    platform_user_id: Annotated[
        str, Field(alias="platformUserId", title="Platformuserid")
    ]
    display_name: Annotated[str | None, Field(alias="displayName", title="Displayname")]
    avatar_url: Annotated[str | None, Field(alias="avatarUrl", title="Avatarurl")]
    role: Annotated[str | None, Field(title="Role")]
    is_active: Annotated[bool, Field(alias="isActive", title="Isactive")]
    joined_at: Annotated[AwareDatetime, Field(alias="joinedAt", title="Joinedat")]
    left_at: Annotated[AwareDatetime | None, Field(alias="leftAt", title="Leftat")]
    last_seen_at: Annotated[
        AwareDatetime | None, Field(alias="lastSeenAt", title="Lastseenat")
    ]
    message_count: Annotated[int, Field(alias="messageCount", title="Messagecount")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageParticipantOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[ParticipantOut], Field(title="Items")]
    meta: PageMeta


class DeadLetterOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    event_id: Annotated[str, Field(alias="eventId", title="Eventid")]
    event_type: Annotated[str, Field(alias="eventType", title="Eventtype")]
    subject: Annotated[str, Field(title="Subject")]
    consumer: Annotated[str | None, Field(title="Consumer")]
    error: Annotated[str, Field(title="Error")]
    status: Annotated[str, Field(title="Status")]
    auto_retry_count: Annotated[
        int, Field(alias="autoRetryCount", title="Autoretrycount")
    ]
    manual_retry_count: Annotated[
        int, Field(alias="manualRetryCount", title="Manualretrycount")
    ]
    next_auto_retry_at: Annotated[
        AwareDatetime | None,
        Field(
            alias="nextAutoRetryAt",
            description="null: no more automatic retries",
            title="Nextautoretryat",
        ),
    ]
    last_retry_at: Annotated[
        AwareDatetime | None, Field(alias="lastRetryAt", title="Lastretryat")
    ]
    resolved_at: Annotated[
        AwareDatetime | None,
        Field(
            alias="resolvedAt",
            description="when it was resolved or abandoned",
            title="Resolvedat",
        ),
    ]
    resolved_by: Annotated[
        str | None,
        Field(
            alias="resolvedBy",
            description="the name of the API key that resolved or abandoned it",
            title="Resolvedby",
        ),
    ]
    resolution_note: Annotated[
        str | None, Field(alias="resolutionNote", title="Resolutionnote")
    ]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageDeadLetterOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[DeadLetterOut], Field(title="Items")]
    meta: PageMeta


class DeadLetterDetail(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    event_id: Annotated[str, Field(alias="eventId", title="Eventid")]
    event_type: Annotated[str, Field(alias="eventType", title="Eventtype")]
    subject: Annotated[str, Field(title="Subject")]
    consumer: Annotated[str | None, Field(title="Consumer")]
    error: Annotated[str, Field(title="Error")]
    status: Annotated[str, Field(title="Status")]
    auto_retry_count: Annotated[
        int, Field(alias="autoRetryCount", title="Autoretrycount")
    ]
    manual_retry_count: Annotated[
        int, Field(alias="manualRetryCount", title="Manualretrycount")
    ]
    next_auto_retry_at: Annotated[
        AwareDatetime | None,
        Field(
            alias="nextAutoRetryAt",
            description="null: no more automatic retries",
            title="Nextautoretryat",
        ),
    ]
    last_retry_at: Annotated[
        AwareDatetime | None, Field(alias="lastRetryAt", title="Lastretryat")
    ]
    resolved_at: Annotated[
        AwareDatetime | None,
        Field(
            alias="resolvedAt",
            description="when it was resolved or abandoned",
            title="Resolvedat",
        ),
    ]
    resolved_by: Annotated[
        str | None,
        Field(
            alias="resolvedBy",
            description="the name of the API key that resolved or abandoned it",
            title="Resolvedby",
        ),
    ]
    resolution_note: Annotated[
        str | None, Field(alias="resolutionNote", title="Resolutionnote")
    ]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]
    payload: Annotated[
        Any,
        Field(
            description="the event as it was received (an envelope, or `{raw}` if undecodable)",
            title="Payload",
        ),
    ] = None
    stack: Annotated[str | None, Field(title="Stack")]


class DataDeadLetterDetail(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: DeadLetterDetail


class NoteBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    note: Annotated[str | None, Field(max_length=10000, title="Note")] = None


class DeadLetterStats(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    total: Annotated[int, Field(title="Total")]
    by_status: Annotated[
        dict[str, int],
        Field(
            alias="byStatus", description="every status, 0 when none", title="Bystatus"
        ),
    ]
    by_event_type: Annotated[
        dict[str, int], Field(alias="byEventType", title="Byeventtype")
    ]
    oldest_pending_at: Annotated[
        AwareDatetime | None,
        Field(
            alias="oldestPendingAt",
            description="createdAt of the oldest pending dead letter",
            title="Oldestpendingat",
        ),
    ]


class DataDeadLetterStats(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: DeadLetterStats


class EventOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    event_type: Annotated[str, Field(alias="eventType", title="Eventtype")]
    direction: Annotated[str, Field(title="Direction")]
    channel: Annotated[str | None, Field(title="Channel")]
    instance_id: Annotated[UUID | None, Field(alias="instanceId", title="Instanceid")]
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")]
    platform_identity_id: Annotated[
        UUID | None, Field(alias="platformIdentityId", title="Platformidentityid")
    ]
    external_id: Annotated[str | None, Field(alias="externalId", title="Externalid")]
    correlation_id: Annotated[
        str | None, Field(alias="correlationId", title="Correlationid")
    ]
    trace_id: Annotated[str | None, Field(alias="traceId", title="Traceid")]
    source: Annotated[str | None, Field(title="Source")]
    content_type: Annotated[str | None, Field(alias="contentType", title="Contenttype")]
    text_content: Annotated[str | None, Field(alias="textContent", title="Textcontent")]
    transcription: Annotated[str | None, Field(title="Transcription")]
    image_description: Annotated[
        str | None, Field(alias="imageDescription", title="Imagedescription")
    ]
    video_description: Annotated[
        str | None, Field(alias="videoDescription", title="Videodescription")
    ]
    document_extraction: Annotated[
        str | None, Field(alias="documentExtraction", title="Documentextraction")
    ]
    media_id: Annotated[UUID | None, Field(alias="mediaId", title="Mediaid")]
    media_mime_type: Annotated[
        str | None, Field(alias="mediaMimeType", title="Mediamimetype")
    ]
    media_size: Annotated[int | None, Field(alias="mediaSize", title="Mediasize")]
    media_duration: Annotated[
        int | None, Field(alias="mediaDuration", title="Mediaduration")
    ]
    media_url: Annotated[str | None, Field(alias="mediaUrl", title="Mediaurl")]
    chat_id: Annotated[str | None, Field(alias="chatId", title="Chatid")]
    canonical_chat_id: Annotated[
        str | None, Field(alias="canonicalChatId", title="Canonicalchatid")
    ]
    reply_to_event_id: Annotated[
        UUID | None, Field(alias="replyToEventId", title="Replytoeventid")
    ]
    reply_to_external_id: Annotated[
        str | None, Field(alias="replyToExternalId", title="Replytoexternalid")
    ]
    status: Annotated[str, Field(title="Status")]
    error_message: Annotated[
        str | None, Field(alias="errorMessage", title="Errormessage")
    ]
    error_stage: Annotated[str | None, Field(alias="errorStage", title="Errorstage")]
    received_at: Annotated[AwareDatetime, Field(alias="receivedAt", title="Receivedat")]
    processed_at: Annotated[
        AwareDatetime | None, Field(alias="processedAt", title="Processedat")
    ]
    delivered_at: Annotated[
        AwareDatetime | None, Field(alias="deliveredAt", title="Deliveredat")
    ]
    read_at: Annotated[AwareDatetime | None, Field(alias="readAt", title="Readat")]
    processing_time_ms: Annotated[
        int | None, Field(alias="processingTimeMs", title="Processingtimems")
    ]
    agent_latency_ms: Annotated[
        int | None, Field(alias="agentLatencyMs", title="Agentlatencyms")
    ]
    total_latency_ms: Annotated[
        int | None, Field(alias="totalLatencyMs", title="Totallatencyms")
    ]
    payload: Annotated[Any, Field(title="Payload")] = None
    raw_payload: Annotated[Any, Field(alias="rawPayload", title="Rawpayload")] = None
    agent_request: Annotated[Any, Field(alias="agentRequest", title="Agentrequest")] = (
        None
    )
    agent_response: Annotated[
        Any, Field(alias="agentResponse", title="Agentresponse")
    ] = None
    metadata: Annotated[Any, Field(title="Metadata")] = None
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]


class PageEventOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[EventOut], Field(title="Items")]
    meta: PageMeta


class DataEventOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: EventOut


class Bucket(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    bucket: Annotated[AwareDatetime, Field(title="Bucket")]
    count: Annotated[int, Field(title="Count")]
    by_event_type: Annotated[
        dict[str, int], Field(alias="byEventType", title="Byeventtype")
    ]


class Direction(StrEnum):
    inbound = "inbound"
    outbound = "outbound"
    internal = "internal"


class EventFilters(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[
        list[UUID] | None, Field(alias="instanceId", max_length=100, title="Instanceid")
    ] = None
    event_type: Annotated[
        str | None,
        Field(
            alias="eventType",
            description="exact, or a prefix wildcard: `message.*`",
            max_length=128,
            title="Eventtype",
        ),
    ] = None
    channel: Annotated[str | None, Field(max_length=64, title="Channel")] = None
    direction: Annotated[Direction | None, Field(title="Direction")] = None
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")] = None
    since: Annotated[AwareDatetime | None, Field(title="Since")] = None
    until: Annotated[AwareDatetime | None, Field(title="Until")] = None
    correlation_id: Annotated[
        str | None, Field(alias="correlationId", max_length=255, title="Correlationid")
    ] = None


class Format(StrEnum):
    full = "full"
    summary = "summary"
    agent = "agent"


class SearchBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    query: Annotated[str, Field(max_length=1000, min_length=1, title="Query")]
    filters: EventFilters | None = None
    format: Annotated[Format, Field(title="Format")] = "full"
    limit: Annotated[int, Field(ge=1, le=100, title="Limit")] = 50
    cursor: Annotated[
        str | None, Field(max_length=500, pattern="^[A-Za-z0-9_-]*$", title="Cursor")
    ] = None
    include_total: Annotated[
        bool, Field(alias="includeTotal", title="Includetotal")
    ] = False


class SearchItem(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]


class PageSearchItem(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[SearchItem], Field(title="Items")]
    meta: PageMeta


class TriggerBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    event_type: Annotated[
        str, Field(alias="eventType", max_length=128, title="Eventtype")
    ]
    payload: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(title="Payload"),
    ] = None
    correlation_id: Annotated[
        str | None, Field(alias="correlationId", max_length=255, title="Correlationid")
    ] = None
    instance_id: Annotated[
        UUID | None, Field(alias="instanceId", title="Instanceid")
    ] = None


class FollowUpOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    scope: Annotated[str, Field(title="Scope")]
    id: Annotated[str, Field(title="Id")]
    config: Annotated[
        dict[str, Any] | None,
        Field(
            description="null: nothing set at this scope (a broader one applies)",
            title="Config",
        ),
    ]
    effective: Annotated[
        dict[str, Any] | None,
        Field(
            description="for a chat: the config that applies to it", title="Effective"
        ),
    ] = None


class DataFollowUpOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: FollowUpOut


class Kind(StrEnum):
    fixed = "fixed"
    exponential = "exponential"


class Schedule(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    kind: Annotated[Kind, Field(title="Kind")]
    intervals_minutes: Annotated[
        list[float] | None,
        Field(
            alias="intervalsMinutes",
            max_length=50,
            min_length=1,
            title="Intervalsminutes",
        ),
    ] = None
    initial_minutes: Annotated[
        float | None,
        Field(alias="initialMinutes", ge=0.05, le=43200.0, title="Initialminutes"),
    ] = None
    factor: Annotated[float | None, Field(ge=1.0, le=10.0, title="Factor")] = None
    max_minutes: Annotated[
        float | None, Field(alias="maxMinutes", ge=0.05, le=43200.0, title="Maxminutes")
    ] = None


class FollowUpSettings(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    enabled: Annotated[bool, Field(title="Enabled")]
    schedule: Schedule
    max_follow_ups: Annotated[
        int, Field(alias="maxFollowUps", ge=1, le=50, title="Maxfollowups")
    ]
    prompt_template: Annotated[
        str,
        Field(
            alias="promptTemplate",
            max_length=4000,
            min_length=1,
            title="Prompttemplate",
        ),
    ]
    stop_outside_messaging_window: Annotated[
        bool,
        Field(alias="stopOutsideMessagingWindow", title="Stopoutsidemessagingwindow"),
    ] = True
    show_typing_indicator: Annotated[
        bool, Field(alias="showTypingIndicator", title="Showtypingindicator")
    ] = True


class Check(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    status: Annotated[str, Field(title="Status")]
    latency: Annotated[float, Field(title="Latency")]
    error: Annotated[str | None, Field(title="Error")] = None
    details: Annotated[dict[str, Any] | None, Field(title="Details")] = None


class Health(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    status: Annotated[str, Field(title="Status")]
    version: Annotated[str, Field(title="Version")]
    uptime: Annotated[float, Field(title="Uptime")]
    timestamp: Annotated[str, Field(title="Timestamp")]
    checked_at: Annotated[str, Field(alias="checkedAt", title="Checkedat")]
    checks: Annotated[dict[str, Check], Field(title="Checks")]


class Info(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    version: Annotated[str, Field(title="Version")]
    environment: Annotated[str, Field(title="Environment")]
    uptime: Annotated[float, Field(title="Uptime")]
    started_at: Annotated[str, Field(alias="startedAt", title="Startedat")]
    python: Annotated[str, Field(title="Python")]
    services: Annotated[dict[str, str], Field(title="Services")]


class ReplyFilterOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    mode: Annotated[str, Field(title="Mode")]
    conditions: Annotated[dict[str, Any] | None, Field(title="Conditions")] = None


class NamePattern(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class ReplyConditions(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    on_dm: Annotated[bool, Field(alias="onDm", title="Ondm")] = False
    on_mention: Annotated[bool, Field(alias="onMention", title="Onmention")] = False
    on_reply: Annotated[bool, Field(alias="onReply", title="Onreply")] = False
    on_name_match: Annotated[bool, Field(alias="onNameMatch", title="Onnamematch")] = (
        False
    )
    name_patterns: Annotated[
        list[NamePattern] | None,
        Field(alias="namePatterns", max_length=50, title="Namepatterns"),
    ] = None


class Mode1(StrEnum):
    all = "all"
    filtered = "filtered"


class ReplyFilter(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    mode: Annotated[Mode1, Field(title="Mode")]
    conditions: ReplyConditions | None = None


class AgentSessionStrategy(StrEnum):
    per_user = "per_user"
    per_chat = "per_chat"
    per_user_per_chat = "per_user_per_chat"


class MessageDebounceMode(StrEnum):
    disabled = "disabled"
    fixed = "fixed"
    randomized = "randomized"


class MessageSplitDelayMode(StrEnum):
    disabled = "disabled"
    fixed = "fixed"
    randomized = "randomized"


SecretsAdditionalProperty = TypeAliasType(
    "SecretsAdditionalProperty", Annotated[str, Field(max_length=100000)]
)


class DiscordGuildId(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class TriggerEvent(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class TriggerReaction(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class TriggerMentionPattern(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class TriggerMode(StrEnum):
    round_trip = "round-trip"
    fire_and_forget = "fire-and-forget"


class AccessMode(StrEnum):
    disabled = "disabled"
    blocklist = "blocklist"
    allowlist = "allowlist"


class InstanceCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    agent_provider_id: Annotated[
        UUID | None, Field(alias="agentProviderId", title="Agentproviderid")
    ] = None
    agent_id: Annotated[
        str | None,
        Field(alias="agentId", max_length=255, min_length=1, title="Agentid"),
    ] = None
    agent_timeout: Annotated[
        int | None, Field(alias="agentTimeout", ge=1, le=3600, title="Agenttimeout")
    ] = None
    agent_stream_mode: Annotated[
        bool | None, Field(alias="agentStreamMode", title="Agentstreammode")
    ] = None
    agent_reply_filter: Annotated[
        ReplyFilter | None, Field(alias="agentReplyFilter")
    ] = None
    agent_session_strategy: Annotated[
        AgentSessionStrategy | None,
        Field(alias="agentSessionStrategy", title="Agentsessionstrategy"),
    ] = None
    agent_prefix_sender_name: Annotated[
        bool | None, Field(alias="agentPrefixSenderName", title="Agentprefixsendername")
    ] = None
    agent_wait_for_media: Annotated[
        bool | None, Field(alias="agentWaitForMedia", title="Agentwaitformedia")
    ] = None
    agent_send_media_path: Annotated[
        bool | None, Field(alias="agentSendMediaPath", title="Agentsendmediapath")
    ] = None
    agent_gate_enabled: Annotated[
        bool | None, Field(alias="agentGateEnabled", title="Agentgateenabled")
    ] = None
    agent_gate_model: Annotated[
        str | None,
        Field(
            alias="agentGateModel", max_length=128, min_length=1, title="Agentgatemodel"
        ),
    ] = None
    agent_gate_prompt: Annotated[
        str | None,
        Field(alias="agentGatePrompt", max_length=20000, title="Agentgateprompt"),
    ] = None
    message_debounce_mode: Annotated[
        MessageDebounceMode | None,
        Field(alias="messageDebounceMode", title="Messagedebouncemode"),
    ] = None
    message_debounce_min_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceMinMs", ge=0, le=600000, title="Messagedebounceminms"
        ),
    ] = None
    message_debounce_max_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceMaxMs", ge=0, le=600000, title="Messagedebouncemaxms"
        ),
    ] = None
    message_debounce_group_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceGroupMs",
            ge=0,
            le=600000,
            title="Messagedebouncegroupms",
        ),
    ] = None
    message_debounce_restart_on_typing: Annotated[
        bool | None,
        Field(
            alias="messageDebounceRestartOnTyping",
            title="Messagedebouncerestartontyping",
        ),
    ] = None
    message_split_delay_mode: Annotated[
        MessageSplitDelayMode | None,
        Field(alias="messageSplitDelayMode", title="Messagesplitdelaymode"),
    ] = None
    message_split_delay_fixed_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayFixedMs",
            ge=0,
            le=60000,
            title="Messagesplitdelayfixedms",
        ),
    ] = None
    message_split_delay_min_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayMinMs",
            ge=0,
            le=60000,
            title="Messagesplitdelayminms",
        ),
    ] = None
    message_split_delay_max_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayMaxMs",
            ge=0,
            le=60000,
            title="Messagesplitdelaymaxms",
        ),
    ] = None
    enable_auto_split: Annotated[
        bool | None, Field(alias="enableAutoSplit", title="Enableautosplit")
    ] = None
    agent_type: Annotated[
        AgentType | None, Field(alias="agentType", title="Agenttype")
    ] = "agent"
    is_active: Annotated[bool | None, Field(alias="isActive", title="Isactive")] = None
    is_default: Annotated[bool | None, Field(alias="isDefault", title="Isdefault")] = (
        None
    )
    config: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(title="Config"),
    ] = None
    secrets: Annotated[
        dict[
            Annotated[str, StringConstraints(max_length=100000)],
            SecretsAdditionalProperty,
        ]
        | None,
        Field(max_length=100, title="Secrets"),
    ] = None
    token: Annotated[
        str | None,
        Field(
            description="the bot token of a discord, telegram or slack instance",
            max_length=4096,
            min_length=1,
            title="Token",
        ),
    ] = None
    discord_bot_token: Annotated[
        str | None,
        Field(
            alias="discordBotToken",
            max_length=4096,
            min_length=1,
            title="Discordbottoken",
        ),
    ] = None
    discord_client_id: Annotated[
        str | None,
        Field(
            alias="discordClientId",
            max_length=64,
            min_length=1,
            title="Discordclientid",
        ),
    ] = None
    discord_guild_ids: Annotated[
        list[DiscordGuildId] | None,
        Field(alias="discordGuildIds", max_length=1000, title="Discordguildids"),
    ] = None
    discord_default_channel_id: Annotated[
        str | None,
        Field(
            alias="discordDefaultChannelId",
            max_length=64,
            min_length=1,
            title="Discorddefaultchannelid",
        ),
    ] = None
    discord_voice_enabled: Annotated[
        bool | None, Field(alias="discordVoiceEnabled", title="Discordvoiceenabled")
    ] = None
    discord_slash_commands_enabled: Annotated[
        bool | None,
        Field(alias="discordSlashCommandsEnabled", title="Discordslashcommandsenabled"),
    ] = None
    discord_webhook_url: Annotated[
        str | None,
        Field(
            alias="discordWebhookUrl",
            max_length=4096,
            min_length=1,
            title="Discordwebhookurl",
        ),
    ] = None
    discord_permissions: Annotated[
        int | None,
        Field(
            alias="discordPermissions",
            ge=0,
            le=9007199254740991,
            title="Discordpermissions",
        ),
    ] = None
    slack_bot_token: Annotated[
        str | None,
        Field(
            alias="slackBotToken", max_length=4096, min_length=1, title="Slackbottoken"
        ),
    ] = None
    slack_app_token: Annotated[
        str | None,
        Field(
            alias="slackAppToken", max_length=4096, min_length=1, title="Slackapptoken"
        ),
    ] = None
    slack_signing_secret: Annotated[
        str | None,
        Field(
            alias="slackSigningSecret",
            max_length=4096,
            min_length=1,
            title="Slacksigningsecret",
        ),
    ] = None
    slack_team_id: Annotated[
        str | None,
        Field(alias="slackTeamId", max_length=64, min_length=1, title="Slackteamid"),
    ] = None
    telegram_bot_token: Annotated[
        str | None,
        Field(
            alias="telegramBotToken",
            max_length=4096,
            min_length=1,
            title="Telegrambottoken",
        ),
    ] = None
    trigger_events: Annotated[
        list[TriggerEvent] | None,
        Field(
            alias="triggerEvents", max_length=50, min_length=1, title="Triggerevents"
        ),
    ] = None
    trigger_reactions: Annotated[
        list[TriggerReaction] | None,
        Field(alias="triggerReactions", max_length=200, title="Triggerreactions"),
    ] = None
    trigger_mention_patterns: Annotated[
        list[TriggerMentionPattern] | None,
        Field(
            alias="triggerMentionPatterns",
            max_length=100,
            title="Triggermentionpatterns",
        ),
    ] = None
    trigger_mode: Annotated[
        TriggerMode | None, Field(alias="triggerMode", title="Triggermode")
    ] = None
    trigger_rate_limit: Annotated[
        int | None,
        Field(alias="triggerRateLimit", ge=0, le=10000, title="Triggerratelimit"),
    ] = None
    download_media_on_sync: Annotated[
        bool | None, Field(alias="downloadMediaOnSync", title="Downloadmediaonsync")
    ] = None
    process_audio: Annotated[
        bool | None, Field(alias="processAudio", title="Processaudio")
    ] = None
    process_images: Annotated[
        bool | None, Field(alias="processImages", title="Processimages")
    ] = None
    process_video: Annotated[
        bool | None, Field(alias="processVideo", title="Processvideo")
    ] = None
    process_documents: Annotated[
        bool | None, Field(alias="processDocuments", title="Processdocuments")
    ] = None
    process_media_on_blocked: Annotated[
        bool | None, Field(alias="processMediaOnBlocked", title="Processmediaonblocked")
    ] = None
    disable_username_prefix: Annotated[
        bool | None, Field(alias="disableUsernamePrefix", title="Disableusernameprefix")
    ] = None
    access_mode: Annotated[
        AccessMode | None, Field(alias="accessMode", title="Accessmode")
    ] = None
    access_pairing: Annotated[
        bool | None,
        Field(
            alias="accessPairing",
            description="unknown senders get a pairing code an operator approves (allowlist)",
            title="Accesspairing",
        ),
    ] = None
    agent_ack_reaction: Annotated[
        str | None,
        Field(
            alias="agentAckReaction",
            description="reacted to a message the agent is answering, e.g. 👀",
            max_length=64,
            min_length=1,
            title="Agentackreaction",
        ),
    ] = None
    agent_ack_text: Annotated[
        str | None,
        Field(
            alias="agentAckText",
            description="sent while the agent works",
            max_length=2000,
            min_length=1,
            title="Agentacktext",
        ),
    ] = None
    agent_error_message: Annotated[
        str | None,
        Field(
            alias="agentErrorMessage",
            description="sent when the agent fails (null: the default text, empty: nothing)",
            max_length=2000,
            title="Agenterrormessage",
        ),
    ] = None
    agent_reset_trigger: Annotated[
        str | None,
        Field(
            alias="agentResetTrigger",
            description="a message or reaction that starts a new agent session (null: 🗑️)",
            max_length=64,
            min_length=1,
            title="Agentresettrigger",
        ),
    ] = None
    tts_voice_id: Annotated[
        str | None,
        Field(alias="ttsVoiceId", max_length=128, min_length=1, title="Ttsvoiceid"),
    ] = None
    tts_model_id: Annotated[
        str | None,
        Field(alias="ttsModelId", max_length=128, min_length=1, title="Ttsmodelid"),
    ] = None
    name: Annotated[
        str, Field(max_length=255, min_length=1, pattern="\\S", title="Name")
    ]
    channel: Annotated[str, Field(max_length=64, min_length=1, title="Channel")]


class InstanceUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    agent_provider_id: Annotated[
        UUID | None, Field(alias="agentProviderId", title="Agentproviderid")
    ] = None
    agent_id: Annotated[
        str | None,
        Field(alias="agentId", max_length=255, min_length=1, title="Agentid"),
    ] = None
    agent_timeout: Annotated[
        int | None, Field(alias="agentTimeout", ge=1, le=3600, title="Agenttimeout")
    ] = None
    agent_stream_mode: Annotated[
        bool | None, Field(alias="agentStreamMode", title="Agentstreammode")
    ] = None
    agent_reply_filter: Annotated[
        ReplyFilter | None, Field(alias="agentReplyFilter")
    ] = None
    agent_session_strategy: Annotated[
        AgentSessionStrategy | None,
        Field(alias="agentSessionStrategy", title="Agentsessionstrategy"),
    ] = None
    agent_prefix_sender_name: Annotated[
        bool | None, Field(alias="agentPrefixSenderName", title="Agentprefixsendername")
    ] = None
    agent_wait_for_media: Annotated[
        bool | None, Field(alias="agentWaitForMedia", title="Agentwaitformedia")
    ] = None
    agent_send_media_path: Annotated[
        bool | None, Field(alias="agentSendMediaPath", title="Agentsendmediapath")
    ] = None
    agent_gate_enabled: Annotated[
        bool | None, Field(alias="agentGateEnabled", title="Agentgateenabled")
    ] = None
    agent_gate_model: Annotated[
        str | None,
        Field(
            alias="agentGateModel", max_length=128, min_length=1, title="Agentgatemodel"
        ),
    ] = None
    agent_gate_prompt: Annotated[
        str | None,
        Field(alias="agentGatePrompt", max_length=20000, title="Agentgateprompt"),
    ] = None
    message_debounce_mode: Annotated[
        MessageDebounceMode | None,
        Field(alias="messageDebounceMode", title="Messagedebouncemode"),
    ] = None
    message_debounce_min_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceMinMs", ge=0, le=600000, title="Messagedebounceminms"
        ),
    ] = None
    message_debounce_max_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceMaxMs", ge=0, le=600000, title="Messagedebouncemaxms"
        ),
    ] = None
    message_debounce_group_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceGroupMs",
            ge=0,
            le=600000,
            title="Messagedebouncegroupms",
        ),
    ] = None
    message_debounce_restart_on_typing: Annotated[
        bool | None,
        Field(
            alias="messageDebounceRestartOnTyping",
            title="Messagedebouncerestartontyping",
        ),
    ] = None
    message_split_delay_mode: Annotated[
        MessageSplitDelayMode | None,
        Field(alias="messageSplitDelayMode", title="Messagesplitdelaymode"),
    ] = None
    message_split_delay_fixed_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayFixedMs",
            ge=0,
            le=60000,
            title="Messagesplitdelayfixedms",
        ),
    ] = None
    message_split_delay_min_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayMinMs",
            ge=0,
            le=60000,
            title="Messagesplitdelayminms",
        ),
    ] = None
    message_split_delay_max_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayMaxMs",
            ge=0,
            le=60000,
            title="Messagesplitdelaymaxms",
        ),
    ] = None
    enable_auto_split: Annotated[
        bool | None, Field(alias="enableAutoSplit", title="Enableautosplit")
    ] = None
    agent_type: Annotated[
        AgentType | None, Field(alias="agentType", title="Agenttype")
    ] = "agent"
    is_active: Annotated[bool | None, Field(alias="isActive", title="Isactive")] = None
    is_default: Annotated[bool | None, Field(alias="isDefault", title="Isdefault")] = (
        None
    )
    config: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(title="Config"),
    ] = None
    secrets: Annotated[
        dict[
            Annotated[str, StringConstraints(max_length=100000)],
            SecretsAdditionalProperty,
        ]
        | None,
        Field(max_length=100, title="Secrets"),
    ] = None
    token: Annotated[
        str | None,
        Field(
            description="the bot token of a discord, telegram or slack instance",
            max_length=4096,
            min_length=1,
            title="Token",
        ),
    ] = None
    discord_bot_token: Annotated[
        str | None,
        Field(
            alias="discordBotToken",
            max_length=4096,
            min_length=1,
            title="Discordbottoken",
        ),
    ] = None
    discord_client_id: Annotated[
        str | None,
        Field(
            alias="discordClientId",
            max_length=64,
            min_length=1,
            title="Discordclientid",
        ),
    ] = None
    discord_guild_ids: Annotated[
        list[DiscordGuildId] | None,
        Field(alias="discordGuildIds", max_length=1000, title="Discordguildids"),
    ] = None
    discord_default_channel_id: Annotated[
        str | None,
        Field(
            alias="discordDefaultChannelId",
            max_length=64,
            min_length=1,
            title="Discorddefaultchannelid",
        ),
    ] = None
    discord_voice_enabled: Annotated[
        bool | None, Field(alias="discordVoiceEnabled", title="Discordvoiceenabled")
    ] = None
    discord_slash_commands_enabled: Annotated[
        bool | None,
        Field(alias="discordSlashCommandsEnabled", title="Discordslashcommandsenabled"),
    ] = None
    discord_webhook_url: Annotated[
        str | None,
        Field(
            alias="discordWebhookUrl",
            max_length=4096,
            min_length=1,
            title="Discordwebhookurl",
        ),
    ] = None
    discord_permissions: Annotated[
        int | None,
        Field(
            alias="discordPermissions",
            ge=0,
            le=9007199254740991,
            title="Discordpermissions",
        ),
    ] = None
    slack_bot_token: Annotated[
        str | None,
        Field(
            alias="slackBotToken", max_length=4096, min_length=1, title="Slackbottoken"
        ),
    ] = None
    slack_app_token: Annotated[
        str | None,
        Field(
            alias="slackAppToken", max_length=4096, min_length=1, title="Slackapptoken"
        ),
    ] = None
    slack_signing_secret: Annotated[
        str | None,
        Field(
            alias="slackSigningSecret",
            max_length=4096,
            min_length=1,
            title="Slacksigningsecret",
        ),
    ] = None
    slack_team_id: Annotated[
        str | None,
        Field(alias="slackTeamId", max_length=64, min_length=1, title="Slackteamid"),
    ] = None
    telegram_bot_token: Annotated[
        str | None,
        Field(
            alias="telegramBotToken",
            max_length=4096,
            min_length=1,
            title="Telegrambottoken",
        ),
    ] = None
    trigger_events: Annotated[
        list[TriggerEvent] | None,
        Field(
            alias="triggerEvents", max_length=50, min_length=1, title="Triggerevents"
        ),
    ] = None
    trigger_reactions: Annotated[
        list[TriggerReaction] | None,
        Field(alias="triggerReactions", max_length=200, title="Triggerreactions"),
    ] = None
    trigger_mention_patterns: Annotated[
        list[TriggerMentionPattern] | None,
        Field(
            alias="triggerMentionPatterns",
            max_length=100,
            title="Triggermentionpatterns",
        ),
    ] = None
    trigger_mode: Annotated[
        TriggerMode | None, Field(alias="triggerMode", title="Triggermode")
    ] = None
    trigger_rate_limit: Annotated[
        int | None,
        Field(alias="triggerRateLimit", ge=0, le=10000, title="Triggerratelimit"),
    ] = None
    download_media_on_sync: Annotated[
        bool | None, Field(alias="downloadMediaOnSync", title="Downloadmediaonsync")
    ] = None
    process_audio: Annotated[
        bool | None, Field(alias="processAudio", title="Processaudio")
    ] = None
    process_images: Annotated[
        bool | None, Field(alias="processImages", title="Processimages")
    ] = None
    process_video: Annotated[
        bool | None, Field(alias="processVideo", title="Processvideo")
    ] = None
    process_documents: Annotated[
        bool | None, Field(alias="processDocuments", title="Processdocuments")
    ] = None
    process_media_on_blocked: Annotated[
        bool | None, Field(alias="processMediaOnBlocked", title="Processmediaonblocked")
    ] = None
    disable_username_prefix: Annotated[
        bool | None, Field(alias="disableUsernamePrefix", title="Disableusernameprefix")
    ] = None
    access_mode: Annotated[
        AccessMode | None, Field(alias="accessMode", title="Accessmode")
    ] = None
    access_pairing: Annotated[
        bool | None,
        Field(
            alias="accessPairing",
            description="unknown senders get a pairing code an operator approves (allowlist)",
            title="Accesspairing",
        ),
    ] = None
    agent_ack_reaction: Annotated[
        str | None,
        Field(
            alias="agentAckReaction",
            description="reacted to a message the agent is answering, e.g. 👀",
            max_length=64,
            min_length=1,
            title="Agentackreaction",
        ),
    ] = None
    agent_ack_text: Annotated[
        str | None,
        Field(
            alias="agentAckText",
            description="sent while the agent works",
            max_length=2000,
            min_length=1,
            title="Agentacktext",
        ),
    ] = None
    agent_error_message: Annotated[
        str | None,
        Field(
            alias="agentErrorMessage",
            description="sent when the agent fails (null: the default text, empty: nothing)",
            max_length=2000,
            title="Agenterrormessage",
        ),
    ] = None
    agent_reset_trigger: Annotated[
        str | None,
        Field(
            alias="agentResetTrigger",
            description="a message or reaction that starts a new agent session (null: 🗑️)",
            max_length=64,
            min_length=1,
            title="Agentresettrigger",
        ),
    ] = None
    tts_voice_id: Annotated[
        str | None,
        Field(alias="ttsVoiceId", max_length=128, min_length=1, title="Ttsvoiceid"),
    ] = None
    tts_model_id: Annotated[
        str | None,
        Field(alias="ttsModelId", max_length=128, min_length=1, title="Ttsmodelid"),
    ] = None
    name: Annotated[
        str | None, Field(max_length=255, min_length=1, pattern="\\S", title="Name")
    ] = None


class AccessRequestOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    platform_user_id: Annotated[
        str, Field(alias="platformUserId", title="Platformuserid")
    ]
    chat_id: Annotated[str, Field(alias="chatId", title="Chatid")]
    display_name: Annotated[str | None, Field(alias="displayName", title="Displayname")]
    code: Annotated[str, Field(title="Code")]
    status: Annotated[str, Field(title="Status")]
    rule_id: Annotated[UUID | None, Field(alias="ruleId", title="Ruleid")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    decided_at: Annotated[
        AwareDatetime | None, Field(alias="decidedAt", title="Decidedat")
    ]
    expires_at: Annotated[AwareDatetime, Field(alias="expiresAt", title="Expiresat")]


class PageAccessRequestOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[AccessRequestOut], Field(title="Items")]
    meta: PageMeta


class DecideBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    reason: Annotated[str | None, Field(max_length=1000, title="Reason")] = None


class DataAccessRequestOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: AccessRequestOut


class BlockBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    user_id: Annotated[
        str | None,
        Field(
            alias="userId",
            description="the platform's user id",
            max_length=255,
            min_length=1,
            title="Userid",
        ),
    ] = None
    phone: Annotated[
        str | None,
        Field(
            max_length=32,
            min_length=3,
            pattern="^\\+?[0-9][0-9 ().-]{2,30}$",
            title="Phone",
        ),
    ] = None


class BlockOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    blocked: Annotated[bool, Field(title="Blocked")]


class DataBlockOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: BlockOut


class BlocklistOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[str], Field(title="Items")]
    meta: Annotated[dict[str, Any], Field(title="Meta")]


class RejectCallBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    call_id: Annotated[
        str, Field(alias="callId", max_length=255, min_length=1, title="Callid")
    ]
    call_from: Annotated[
        str,
        Field(
            alias="callFrom",
            description="the caller's id, from the call event",
            max_length=255,
            min_length=1,
            title="Callfrom",
        ),
    ]


class Done(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    ok: Annotated[bool, Field(title="Ok")]


class DataDone(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: Done


class Phone(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class CheckNumbersBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    phones: Annotated[
        list[Phone],
        Field(
            description="phone numbers, E.164 or digits",
            max_length=100,
            min_length=1,
            title="Phones",
        ),
    ]


class NumberOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    phone: Annotated[str, Field(title="Phone")]
    exists: Annotated[bool, Field(title="Exists")]
    id: Annotated[str | None, Field(title="Id")] = None


class DataListNumberOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: Annotated[list[NumberOut], Field(title="Data")]


class ConnectBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    token: Annotated[
        str | None,
        Field(
            description="a bot token (Discord, Telegram, Slack): tried on the platform, then saved",
            max_length=4096,
            min_length=1,
            title="Token",
        ),
    ] = None
    force_new_qr: Annotated[
        bool,
        Field(
            alias="forceNewQr",
            description="forget the pairing first (a new QR code)",
            title="Forcenewqr",
        ),
    ] = False


class StatusOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[str, Field(alias="instanceId", title="Instanceid")]
    channel: Annotated[str, Field(title="Channel")]
    is_active: Annotated[bool, Field(alias="isActive", title="Isactive")]
    state: Annotated[str, Field(title="State")]
    since: Annotated[str | None, Field(title="Since")] = None
    message: Annotated[str | None, Field(title="Message")] = None
    error: Annotated[str | None, Field(title="Error")] = None
    owner: Annotated[str | None, Field(title="Owner")] = None
    details: Annotated[dict[str, Any] | None, Field(title="Details")] = None


class DataStatusOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: StatusOut


class DirectoryEntry(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    name: Annotated[str | None, Field(title="Name")] = None
    type: Annotated[str | None, Field(title="Type")] = None
    parent_id: Annotated[str | None, Field(alias="parentId", title="Parentid")] = None
    phone: Annotated[str | None, Field(title="Phone")] = None
    avatar_url: Annotated[str | None, Field(alias="avatarUrl", title="Avatarurl")] = (
        None
    )
    is_bot: Annotated[bool | None, Field(alias="isBot", title="Isbot")] = None
    member_count: Annotated[
        int | None, Field(alias="memberCount", title="Membercount")
    ] = None


class DirectoryPage(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[DirectoryEntry], Field(title="Items")]
    meta: Annotated[dict[str, Any], Field(title="Meta")]


class Participant(RootModel[str]):
    root: Annotated[str, Field(max_length=255, min_length=1)]


class GroupCreateBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    subject: Annotated[str, Field(max_length=100, min_length=1, title="Subject")]
    participants: Annotated[
        list[Participant] | None,
        Field(
            description="ids or phone numbers of the members",
            max_length=1024,
            title="Participants",
        ),
    ] = None


class GroupOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    name: Annotated[str | None, Field(title="Name")] = None


class DataGroupOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: GroupOut


class InviteOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    link: Annotated[str, Field(title="Link")]
    code: Annotated[str | None, Field(title="Code")] = None


class DataInviteOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: InviteOut


class Action2(StrEnum):
    add = "add"
    remove = "remove"
    promote = "promote"
    demote = "demote"


class ParticipantsBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    action: Annotated[Action2, Field(title="Action")]
    participants: Annotated[
        list[Participant], Field(max_length=256, min_length=1, title="Participants")
    ]


class ParticipantResult(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    status: Annotated[str, Field(title="Status")]


class DataListParticipantResult(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: Annotated[list[ParticipantResult], Field(title="Data")]


class PictureBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    base64: Annotated[
        str | None,
        Field(description="JPEG or PNG, base64", max_length=8000000, title="Base64"),
    ] = None
    url: Annotated[
        str | None,
        Field(
            description="or a URL to fetch it from",
            max_length=2000,
            pattern="^https?://",
            title="Url",
        ),
    ] = None


class PictureOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    picture_id: Annotated[str | None, Field(alias="pictureId", title="Pictureid")] = (
        None
    )


class DataPictureOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: PictureOut


class JoinBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    code: Annotated[
        str,
        Field(
            description="the invite code, or the whole invite link",
            max_length=300,
            min_length=4,
            title="Code",
        ),
    ]


class PairBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    phone_number: Annotated[
        str | None,
        Field(
            alias="phoneNumber",
            description="with country code (v2's name)",
            max_length=32,
            pattern="^\\+?[0-9]{6,20}$",
            title="Phonenumber",
        ),
    ] = None
    phone: Annotated[
        str | None,
        Field(
            description="the same",
            max_length=32,
            pattern="^\\+?[0-9]{6,20}$",
            title="Phone",
        ),
    ] = None


class PairOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    code: Annotated[
        str | None, Field(description="type it on the phone (XXXX-XXXX)", title="Code")
    ] = None
    expires_in: Annotated[
        int | None, Field(alias="expiresIn", description="seconds", title="Expiresin")
    ] = None
    result: Annotated[dict[str, Any], Field(title="Result")]


class DataPairOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: PairOut


class DataDictStrAny(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: Annotated[dict[str, Any], Field(title="Data")]


class ProfileOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str | None, Field(title="Id")] = None
    name: Annotated[str | None, Field(title="Name")] = None
    status: Annotated[str | None, Field(title="Status")] = None
    picture_url: Annotated[
        str | None, Field(alias="pictureUrl", title="Pictureurl")
    ] = None
    phone: Annotated[str | None, Field(title="Phone")] = None


class DataProfileOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: ProfileOut


class NameBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    name: Annotated[str, Field(max_length=100, min_length=1, title="Name")]


class StatusBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    status: Annotated[
        str,
        Field(
            description="the profile's status / about / bio text",
            max_length=500,
            title="Status",
        ),
    ]


class QrOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    qr: Annotated[str, Field(description="the QR payload (v2's name)", title="Qr")]
    qr_code: Annotated[
        str, Field(alias="qrCode", description="the same payload", title="Qrcode")
    ]
    expires_at: Annotated[
        float | None,
        Field(alias="expiresAt", description="unix seconds", title="Expiresat"),
    ] = None
    png: Annotated[
        str | None,
        Field(
            description="with ?png=true: the QR as a data:image/png;base64 URL",
            title="Png",
        ),
    ] = None


class DataQrOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: QrOut


class RouteOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    scope: Annotated[str, Field(title="Scope")]
    chat_id: Annotated[UUID | None, Field(alias="chatId", title="Chatid")]
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")]
    agent_provider_id: Annotated[
        UUID | None, Field(alias="agentProviderId", title="Agentproviderid")
    ]
    agent_id: Annotated[str | None, Field(alias="agentId", title="Agentid")]
    agent_type: Annotated[str | None, Field(alias="agentType", title="Agenttype")]
    agent_timeout: Annotated[
        int | None, Field(alias="agentTimeout", title="Agenttimeout")
    ]
    agent_stream_mode: Annotated[
        bool | None, Field(alias="agentStreamMode", title="Agentstreammode")
    ]
    agent_reply_filter: Annotated[
        ReplyFilterOut | None, Field(alias="agentReplyFilter")
    ]
    agent_session_strategy: Annotated[
        str | None, Field(alias="agentSessionStrategy", title="Agentsessionstrategy")
    ]
    agent_prefix_sender_name: Annotated[
        bool | None, Field(alias="agentPrefixSenderName", title="Agentprefixsendername")
    ]
    agent_wait_for_media: Annotated[
        bool | None, Field(alias="agentWaitForMedia", title="Agentwaitformedia")
    ]
    agent_send_media_path: Annotated[
        bool | None, Field(alias="agentSendMediaPath", title="Agentsendmediapath")
    ]
    agent_gate_enabled: Annotated[
        bool | None, Field(alias="agentGateEnabled", title="Agentgateenabled")
    ]
    agent_gate_model: Annotated[
        str | None, Field(alias="agentGateModel", title="Agentgatemodel")
    ]
    agent_gate_prompt: Annotated[
        str | None, Field(alias="agentGatePrompt", title="Agentgateprompt")
    ]
    message_debounce_mode: Annotated[
        str | None, Field(alias="messageDebounceMode", title="Messagedebouncemode")
    ]
    message_debounce_min_ms: Annotated[
        int | None, Field(alias="messageDebounceMinMs", title="Messagedebounceminms")
    ]
    message_debounce_max_ms: Annotated[
        int | None, Field(alias="messageDebounceMaxMs", title="Messagedebouncemaxms")
    ]
    message_debounce_group_ms: Annotated[
        int | None,
        Field(alias="messageDebounceGroupMs", title="Messagedebouncegroupms"),
    ]
    message_debounce_restart_on_typing: Annotated[
        bool | None,
        Field(
            alias="messageDebounceRestartOnTyping",
            title="Messagedebouncerestartontyping",
        ),
    ]
    message_split_delay_mode: Annotated[
        str | None, Field(alias="messageSplitDelayMode", title="Messagesplitdelaymode")
    ]
    message_split_delay_fixed_ms: Annotated[
        int | None,
        Field(alias="messageSplitDelayFixedMs", title="Messagesplitdelayfixedms"),
    ]
    message_split_delay_min_ms: Annotated[
        int | None,
        Field(alias="messageSplitDelayMinMs", title="Messagesplitdelayminms"),
    ]
    message_split_delay_max_ms: Annotated[
        int | None,
        Field(alias="messageSplitDelayMaxMs", title="Messagesplitdelaymaxms"),
    ]
    enable_auto_split: Annotated[
        bool | None, Field(alias="enableAutoSplit", title="Enableautosplit")
    ]
    label: Annotated[str | None, Field(title="Label")]
    priority: Annotated[int, Field(title="Priority")]
    is_active: Annotated[bool, Field(alias="isActive", title="Isactive")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageRouteOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[RouteOut], Field(title="Items")]
    meta: PageMeta


class Scope(StrEnum):
    chat = "chat"
    user = "user"


class RouteCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    agent_provider_id: Annotated[
        UUID | None, Field(alias="agentProviderId", title="Agentproviderid")
    ] = None
    agent_id: Annotated[
        str | None,
        Field(alias="agentId", max_length=255, min_length=1, title="Agentid"),
    ] = None
    agent_type: Annotated[
        AgentType | None, Field(alias="agentType", title="Agenttype")
    ] = "agent"
    agent_timeout: Annotated[
        int | None, Field(alias="agentTimeout", ge=1, le=3600, title="Agenttimeout")
    ] = None
    agent_stream_mode: Annotated[
        bool | None, Field(alias="agentStreamMode", title="Agentstreammode")
    ] = None
    agent_reply_filter: Annotated[
        ReplyFilter | None, Field(alias="agentReplyFilter")
    ] = None
    agent_session_strategy: Annotated[
        AgentSessionStrategy | None,
        Field(alias="agentSessionStrategy", title="Agentsessionstrategy"),
    ] = None
    agent_prefix_sender_name: Annotated[
        bool | None, Field(alias="agentPrefixSenderName", title="Agentprefixsendername")
    ] = None
    agent_wait_for_media: Annotated[
        bool | None, Field(alias="agentWaitForMedia", title="Agentwaitformedia")
    ] = None
    agent_send_media_path: Annotated[
        bool | None, Field(alias="agentSendMediaPath", title="Agentsendmediapath")
    ] = None
    agent_gate_enabled: Annotated[
        bool | None, Field(alias="agentGateEnabled", title="Agentgateenabled")
    ] = None
    agent_gate_model: Annotated[
        str | None,
        Field(
            alias="agentGateModel", max_length=128, min_length=1, title="Agentgatemodel"
        ),
    ] = None
    agent_gate_prompt: Annotated[
        str | None,
        Field(alias="agentGatePrompt", max_length=20000, title="Agentgateprompt"),
    ] = None
    message_debounce_mode: Annotated[
        MessageDebounceMode | None,
        Field(alias="messageDebounceMode", title="Messagedebouncemode"),
    ] = None
    message_debounce_min_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceMinMs", ge=0, le=600000, title="Messagedebounceminms"
        ),
    ] = None
    message_debounce_max_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceMaxMs", ge=0, le=600000, title="Messagedebouncemaxms"
        ),
    ] = None
    message_debounce_group_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceGroupMs",
            ge=0,
            le=600000,
            title="Messagedebouncegroupms",
        ),
    ] = None
    message_debounce_restart_on_typing: Annotated[
        bool | None,
        Field(
            alias="messageDebounceRestartOnTyping",
            title="Messagedebouncerestartontyping",
        ),
    ] = None
    message_split_delay_mode: Annotated[
        MessageSplitDelayMode | None,
        Field(alias="messageSplitDelayMode", title="Messagesplitdelaymode"),
    ] = None
    message_split_delay_fixed_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayFixedMs",
            ge=0,
            le=60000,
            title="Messagesplitdelayfixedms",
        ),
    ] = None
    message_split_delay_min_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayMinMs",
            ge=0,
            le=60000,
            title="Messagesplitdelayminms",
        ),
    ] = None
    message_split_delay_max_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayMaxMs",
            ge=0,
            le=60000,
            title="Messagesplitdelaymaxms",
        ),
    ] = None
    enable_auto_split: Annotated[
        bool | None, Field(alias="enableAutoSplit", title="Enableautosplit")
    ] = None
    label: Annotated[str | None, Field(max_length=255, title="Label")] = None
    priority: Annotated[
        int | None, Field(ge=-1000000, le=1000000, title="Priority")
    ] = None
    is_active: Annotated[bool | None, Field(alias="isActive", title="Isactive")] = None
    scope: Annotated[Scope, Field(title="Scope")]
    chat_id: Annotated[UUID | None, Field(alias="chatId", title="Chatid")] = None
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")] = None


class DataRouteOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: RouteOut


class RouteFields(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    agent_provider_id: Annotated[
        UUID | None, Field(alias="agentProviderId", title="Agentproviderid")
    ] = None
    agent_id: Annotated[
        str | None,
        Field(alias="agentId", max_length=255, min_length=1, title="Agentid"),
    ] = None
    agent_type: Annotated[
        AgentType | None, Field(alias="agentType", title="Agenttype")
    ] = "agent"
    agent_timeout: Annotated[
        int | None, Field(alias="agentTimeout", ge=1, le=3600, title="Agenttimeout")
    ] = None
    agent_stream_mode: Annotated[
        bool | None, Field(alias="agentStreamMode", title="Agentstreammode")
    ] = None
    agent_reply_filter: Annotated[
        ReplyFilter | None, Field(alias="agentReplyFilter")
    ] = None
    agent_session_strategy: Annotated[
        AgentSessionStrategy | None,
        Field(alias="agentSessionStrategy", title="Agentsessionstrategy"),
    ] = None
    agent_prefix_sender_name: Annotated[
        bool | None, Field(alias="agentPrefixSenderName", title="Agentprefixsendername")
    ] = None
    agent_wait_for_media: Annotated[
        bool | None, Field(alias="agentWaitForMedia", title="Agentwaitformedia")
    ] = None
    agent_send_media_path: Annotated[
        bool | None, Field(alias="agentSendMediaPath", title="Agentsendmediapath")
    ] = None
    agent_gate_enabled: Annotated[
        bool | None, Field(alias="agentGateEnabled", title="Agentgateenabled")
    ] = None
    agent_gate_model: Annotated[
        str | None,
        Field(
            alias="agentGateModel", max_length=128, min_length=1, title="Agentgatemodel"
        ),
    ] = None
    agent_gate_prompt: Annotated[
        str | None,
        Field(alias="agentGatePrompt", max_length=20000, title="Agentgateprompt"),
    ] = None
    message_debounce_mode: Annotated[
        MessageDebounceMode | None,
        Field(alias="messageDebounceMode", title="Messagedebouncemode"),
    ] = None
    message_debounce_min_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceMinMs", ge=0, le=600000, title="Messagedebounceminms"
        ),
    ] = None
    message_debounce_max_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceMaxMs", ge=0, le=600000, title="Messagedebouncemaxms"
        ),
    ] = None
    message_debounce_group_ms: Annotated[
        int | None,
        Field(
            alias="messageDebounceGroupMs",
            ge=0,
            le=600000,
            title="Messagedebouncegroupms",
        ),
    ] = None
    message_debounce_restart_on_typing: Annotated[
        bool | None,
        Field(
            alias="messageDebounceRestartOnTyping",
            title="Messagedebouncerestartontyping",
        ),
    ] = None
    message_split_delay_mode: Annotated[
        MessageSplitDelayMode | None,
        Field(alias="messageSplitDelayMode", title="Messagesplitdelaymode"),
    ] = None
    message_split_delay_fixed_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayFixedMs",
            ge=0,
            le=60000,
            title="Messagesplitdelayfixedms",
        ),
    ] = None
    message_split_delay_min_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayMinMs",
            ge=0,
            le=60000,
            title="Messagesplitdelayminms",
        ),
    ] = None
    message_split_delay_max_ms: Annotated[
        int | None,
        Field(
            alias="messageSplitDelayMaxMs",
            ge=0,
            le=60000,
            title="Messagesplitdelaymaxms",
        ),
    ] = None
    enable_auto_split: Annotated[
        bool | None, Field(alias="enableAutoSplit", title="Enableautosplit")
    ] = None
    label: Annotated[str | None, Field(max_length=255, title="Label")] = None
    priority: Annotated[
        int | None, Field(ge=-1000000, le=1000000, title="Priority")
    ] = None
    is_active: Annotated[bool | None, Field(alias="isActive", title="Isactive")] = None


class SyncJobOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(title="Id")]
    instance_id: Annotated[str, Field(alias="instanceId", title="Instanceid")]
    channel: Annotated[str, Field(title="Channel")]
    type: Annotated[str, Field(title="Type")]
    status: Annotated[str, Field(title="Status")]
    config: Annotated[dict[str, Any], Field(title="Config")]
    progress: Annotated[dict[str, Any], Field(title="Progress")]
    error_message: Annotated[
        str | None, Field(alias="errorMessage", title="Errormessage")
    ] = None
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    started_at: Annotated[
        AwareDatetime | None, Field(alias="startedAt", title="Startedat")
    ] = None
    completed_at: Annotated[
        AwareDatetime | None, Field(alias="completedAt", title="Completedat")
    ] = None


class SyncJobPage(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[SyncJobOut], Field(title="Items")]
    meta: Annotated[dict[str, Any], Field(title="Meta")]


class Type5(StrEnum):
    profile = "profile"
    contacts = "contacts"
    groups = "groups"
    messages = "messages"
    all = "all"


class Depth(StrEnum):
    field_7d = "7d"
    field_30d = "30d"
    field_90d = "90d"
    field_1y = "1y"
    all = "all"


class SyncBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    type: Annotated[Type5, Field(title="Type")] = "all"
    depth: Annotated[Depth, Field(title="Depth")] = "7d"
    channel_id: Annotated[
        str | None,
        Field(
            alias="channelId",
            description="only this chat (messages)",
            max_length=255,
            min_length=1,
            title="Channelid",
        ),
    ] = None
    download_media: Annotated[
        bool,
        Field(
            alias="downloadMedia",
            description="kept for v2 clients; media of synced messages is downloaded as the channel's own setting says (WhatsApp: `downloadMedia`)",
            title="Downloadmedia",
        ),
    ] = False
    wait: Annotated[
        float | None,
        Field(
            description="seconds to wait for the job to end before answering",
            ge=0.0,
            le=25.0,
            title="Wait",
        ),
    ] = None


class DataSyncJobOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: SyncJobOut


class ChannelOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    key: Annotated[str, Field(title="Key")]
    name: Annotated[str, Field(title="Name")]
    plugin: Annotated[str | None, Field(title="Plugin")]
    capabilities: Annotated[dict[str, Any], Field(title="Capabilities")]


class ChannelList(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[ChannelOut], Field(title="Items")]


class KeyOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    description: Annotated[str | None, Field(title="Description")]
    key_prefix: Annotated[str, Field(alias="keyPrefix", title="Keyprefix")]
    masked_key: Annotated[str, Field(alias="maskedKey", title="Maskedkey")]
    scopes: Annotated[list[str], Field(title="Scopes")]
    instance_ids: Annotated[
        list[UUID] | None, Field(alias="instanceIds", title="Instanceids")
    ]
    status: Annotated[str, Field(title="Status")]
    rate_limit: Annotated[int | None, Field(alias="rateLimit", title="Ratelimit")]
    expires_at: Annotated[
        AwareDatetime | None, Field(alias="expiresAt", title="Expiresat")
    ]
    last_used_at: Annotated[
        AwareDatetime | None, Field(alias="lastUsedAt", title="Lastusedat")
    ]
    last_used_ip: Annotated[str | None, Field(alias="lastUsedIp", title="Lastusedip")]
    usage_count: Annotated[int, Field(alias="usageCount", title="Usagecount")]
    revoked_at: Annotated[
        AwareDatetime | None, Field(alias="revokedAt", title="Revokedat")
    ]
    revoked_by: Annotated[str | None, Field(alias="revokedBy", title="Revokedby")]
    revoke_reason: Annotated[
        str | None, Field(alias="revokeReason", title="Revokereason")
    ]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageKeyOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[KeyOut], Field(title="Items")]
    meta: PageMeta


class Scope1(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class KeyCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    scopes: Annotated[list[Scope1], Field(max_length=50, min_length=1, title="Scopes")]
    instance_ids: Annotated[
        list[UUID] | None,
        Field(alias="instanceIds", max_length=1000, title="Instanceids"),
    ] = None
    rate_limit: Annotated[
        int | None, Field(alias="rateLimit", ge=1, le=1000000, title="Ratelimit")
    ] = None
    expires_at: Annotated[
        AwareDatetime | None, Field(alias="expiresAt", title="Expiresat")
    ] = None
    name: Annotated[str, Field(max_length=255, min_length=1, title="Name")]


class CreatedKeyOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    description: Annotated[str | None, Field(title="Description")]
    key_prefix: Annotated[str, Field(alias="keyPrefix", title="Keyprefix")]
    masked_key: Annotated[str, Field(alias="maskedKey", title="Maskedkey")]
    scopes: Annotated[list[str], Field(title="Scopes")]
    instance_ids: Annotated[
        list[UUID] | None, Field(alias="instanceIds", title="Instanceids")
    ]
    status: Annotated[str, Field(title="Status")]
    rate_limit: Annotated[int | None, Field(alias="rateLimit", title="Ratelimit")]
    expires_at: Annotated[
        AwareDatetime | None, Field(alias="expiresAt", title="Expiresat")
    ]
    last_used_at: Annotated[
        AwareDatetime | None, Field(alias="lastUsedAt", title="Lastusedat")
    ]
    last_used_ip: Annotated[str | None, Field(alias="lastUsedIp", title="Lastusedip")]
    usage_count: Annotated[int, Field(alias="usageCount", title="Usagecount")]
    revoked_at: Annotated[
        AwareDatetime | None, Field(alias="revokedAt", title="Revokedat")
    ]
    revoked_by: Annotated[str | None, Field(alias="revokedBy", title="Revokedby")]
    revoke_reason: Annotated[
        str | None, Field(alias="revokeReason", title="Revokereason")
    ]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]
    plain_text_key: Annotated[str, Field(alias="plainTextKey", title="Plaintextkey")]


class DataCreatedKeyOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: CreatedKeyOut


class DataKeyOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: KeyOut


class KeyUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    scopes: Annotated[list[Scope1] | None, Field(max_length=50, title="Scopes")] = None
    instance_ids: Annotated[
        list[UUID] | None,
        Field(alias="instanceIds", max_length=1000, title="Instanceids"),
    ] = None
    rate_limit: Annotated[
        int | None, Field(alias="rateLimit", ge=1, le=1000000, title="Ratelimit")
    ] = None
    expires_at: Annotated[
        AwareDatetime | None, Field(alias="expiresAt", title="Expiresat")
    ] = None
    name: Annotated[str | None, Field(max_length=255, min_length=1, title="Name")] = (
        None
    )


class AuditOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    method: Annotated[str, Field(title="Method")]
    path: Annotated[str, Field(title="Path")]
    status: Annotated[int, Field(title="Status")]
    ip: Annotated[str | None, Field(title="Ip")]
    duration_ms: Annotated[float | None, Field(alias="durationMs", title="Durationms")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]


class PageAuditOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[AuditOut], Field(title="Items")]
    meta: PageMeta


class RevokeBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    reason: Annotated[str | None, Field(max_length=2000, title="Reason")] = None


class DeliveryStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    delivered = "delivered"
    read = "read"
    failed = "failed"


class Source(StrEnum):
    realtime = "realtime"
    sync = "sync"
    api = "api"
    import_ = "import"


class MessageType(StrEnum):
    text = "text"
    audio = "audio"
    image = "image"
    video = "video"
    document = "document"
    sticker = "sticker"
    contact = "contact"
    location = "location"
    poll = "poll"
    system = "system"


class MessageCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    text_content: Annotated[
        str | None, Field(alias="textContent", max_length=100000, title="Textcontent")
    ] = None
    transcription: Annotated[
        str | None, Field(max_length=100000, title="Transcription")
    ] = None
    image_description: Annotated[
        str | None,
        Field(alias="imageDescription", max_length=100000, title="Imagedescription"),
    ] = None
    video_description: Annotated[
        str | None,
        Field(alias="videoDescription", max_length=100000, title="Videodescription"),
    ] = None
    document_extraction: Annotated[
        str | None,
        Field(
            alias="documentExtraction", max_length=100000, title="Documentextraction"
        ),
    ] = None
    media_mime_type: Annotated[
        str | None, Field(alias="mediaMimeType", max_length=255, title="Mediamimetype")
    ] = None
    media_url: Annotated[
        str | None, Field(alias="mediaUrl", max_length=4000, title="Mediaurl")
    ] = None
    media_local_path: Annotated[
        str | None,
        Field(alias="mediaLocalPath", max_length=4000, title="Medialocalpath"),
    ] = None
    media_metadata: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(alias="mediaMetadata", title="Mediametadata"),
    ] = None
    mentions: Annotated[
        list[dict[Annotated[str, StringConstraints(max_length=100000)], Any]] | None,
        Field(max_length=1000, title="Mentions"),
    ] = None
    delivery_status: Annotated[
        DeliveryStatus | None, Field(alias="deliveryStatus", title="Deliverystatus")
    ] = None
    chat_id: Annotated[UUID, Field(alias="chatId", title="Chatid")]
    external_id: Annotated[
        str, Field(alias="externalId", max_length=255, min_length=1, title="Externalid")
    ]
    source: Annotated[Source, Field(title="Source")] = "import"
    message_type: Annotated[
        MessageType, Field(alias="messageType", title="Messagetype")
    ] = "text"
    sender_person_id: Annotated[
        UUID | None, Field(alias="senderPersonId", title="Senderpersonid")
    ] = None
    sender_platform_user_id: Annotated[
        str | None,
        Field(
            alias="senderPlatformUserId", max_length=255, title="Senderplatformuserid"
        ),
    ] = None
    sender_display_name: Annotated[
        str | None,
        Field(alias="senderDisplayName", max_length=255, title="Senderdisplayname"),
    ] = None
    is_from_me: Annotated[bool, Field(alias="isFromMe", title="Isfromme")] = False
    has_media: Annotated[bool | None, Field(alias="hasMedia", title="Hasmedia")] = None
    reply_to_message_id: Annotated[
        UUID | None, Field(alias="replyToMessageId", title="Replytomessageid")
    ] = None
    reply_to_external_id: Annotated[
        str | None,
        Field(alias="replyToExternalId", max_length=255, title="Replytoexternalid"),
    ] = None
    quoted_text: Annotated[
        str | None, Field(alias="quotedText", max_length=100000, title="Quotedtext")
    ] = None
    quoted_sender_name: Annotated[
        str | None,
        Field(alias="quotedSenderName", max_length=255, title="Quotedsendername"),
    ] = None
    forwarded_from_external_id: Annotated[
        str | None,
        Field(
            alias="forwardedFromExternalId",
            max_length=255,
            title="Forwardedfromexternalid",
        ),
    ] = None
    is_forwarded: Annotated[bool, Field(alias="isForwarded", title="Isforwarded")] = (
        False
    )
    raw_payload: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(alias="rawPayload", title="Rawpayload"),
    ] = None
    platform_timestamp: Annotated[
        AwareDatetime | None,
        Field(alias="platformTimestamp", title="Platformtimestamp"),
    ] = None


class DataMessageOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: MessageOut


class MessageUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    text_content: Annotated[
        str | None, Field(alias="textContent", max_length=100000, title="Textcontent")
    ] = None
    transcription: Annotated[
        str | None, Field(max_length=100000, title="Transcription")
    ] = None
    image_description: Annotated[
        str | None,
        Field(alias="imageDescription", max_length=100000, title="Imagedescription"),
    ] = None
    video_description: Annotated[
        str | None,
        Field(alias="videoDescription", max_length=100000, title="Videodescription"),
    ] = None
    document_extraction: Annotated[
        str | None,
        Field(
            alias="documentExtraction", max_length=100000, title="Documentextraction"
        ),
    ] = None
    media_mime_type: Annotated[
        str | None, Field(alias="mediaMimeType", max_length=255, title="Mediamimetype")
    ] = None
    media_url: Annotated[
        str | None, Field(alias="mediaUrl", max_length=4000, title="Mediaurl")
    ] = None
    media_local_path: Annotated[
        str | None,
        Field(alias="mediaLocalPath", max_length=4000, title="Medialocalpath"),
    ] = None
    media_metadata: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(alias="mediaMetadata", title="Mediametadata"),
    ] = None
    mentions: Annotated[
        list[dict[Annotated[str, StringConstraints(max_length=100000)], Any]] | None,
        Field(max_length=1000, title="Mentions"),
    ] = None
    delivery_status: Annotated[
        DeliveryStatus | None, Field(alias="deliveryStatus", title="Deliverystatus")
    ] = None


class ReactionRemove(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    emoji: Annotated[str, Field(max_length=64, min_length=1, title="Emoji")]
    platform_user_id: Annotated[
        str | None,
        Field(alias="platformUserId", max_length=255, title="Platformuserid"),
    ] = None


class ReactionBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    emoji: Annotated[str, Field(max_length=64, min_length=1, title="Emoji")]
    platform_user_id: Annotated[
        str | None,
        Field(alias="platformUserId", max_length=255, title="Platformuserid"),
    ] = None
    person_id: Annotated[UUID | None, Field(alias="personId", title="Personid")] = None
    display_name: Annotated[
        str | None, Field(alias="displayName", max_length=255, title="Displayname")
    ] = None
    is_custom_emoji: Annotated[
        bool, Field(alias="isCustomEmoji", title="Iscustomemoji")
    ] = False


class Status(StrEnum):
    sent = "sent"
    queued = "queued"


class SendOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    message_id: Annotated[str | None, Field(alias="messageId", title="Messageid")]
    external_message_id: Annotated[
        str | None, Field(alias="externalMessageId", title="Externalmessageid")
    ]
    status: Annotated[Status, Field(title="Status")]
    instance_id: Annotated[str, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[str, Field(title="To")]
    timestamp: Annotated[str, Field(title="Timestamp")]


class SendData(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: SendOut


class DeleteChannel(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    chat_id: Annotated[
        str, Field(alias="chatId", max_length=255, min_length=1, title="Chatid")
    ]
    message_id: Annotated[
        str, Field(alias="messageId", max_length=255, min_length=1, title="Messageid")
    ]
    from_me: Annotated[bool, Field(alias="fromMe", title="Fromme")] = True


class EditChannel(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    chat_id: Annotated[
        str, Field(alias="chatId", max_length=255, min_length=1, title="Chatid")
    ]
    message_id: Annotated[
        str, Field(alias="messageId", max_length=255, min_length=1, title="Messageid")
    ]
    text: Annotated[str, Field(max_length=100000, min_length=1, title="Text")]


class MessageId(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class ReadBatch(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    chat_id: Annotated[
        str, Field(alias="chatId", max_length=255, min_length=1, title="Chatid")
    ]
    message_ids: Annotated[
        list[MessageId],
        Field(alias="messageIds", max_length=100, min_length=1, title="Messageids"),
    ]


class Type6(StrEnum):
    user = "user"
    role = "role"
    channel = "channel"
    everyone = "everyone"
    here = "here"


class Mention(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str, Field(max_length=255, min_length=1, title="Id")]
    type: Annotated[Type6, Field(title="Type")] = "user"


class SendText(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    text: Annotated[str, Field(max_length=100000, min_length=1, title="Text")]
    reply_to: Annotated[
        str | None,
        Field(
            alias="replyTo",
            description="external id of the message to quote",
            max_length=255,
            title="Replyto",
        ),
    ] = None
    mentions: Annotated[
        list[Mention] | None, Field(max_length=100, title="Mentions")
    ] = None


class SendContact(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    name: Annotated[str, Field(max_length=255, min_length=1, title="Name")]
    phone: Annotated[str | None, Field(max_length=64, title="Phone")] = None
    email: Annotated[str | None, Field(max_length=255, title="Email")] = None
    organization: Annotated[str | None, Field(max_length=255, title="Organization")] = (
        None
    )


class EmbedField(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    name: Annotated[str, Field(max_length=256, min_length=1, title="Name")]
    value: Annotated[str, Field(max_length=1024, min_length=1, title="Value")]
    inline: Annotated[bool, Field(title="Inline")] = False


class SendEmbed(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    title: Annotated[str | None, Field(max_length=256, title="Title")] = None
    description: Annotated[str | None, Field(max_length=4096, title="Description")] = (
        None
    )
    url: Annotated[str | None, Field(max_length=2000, title="Url")] = None
    color: Annotated[int | None, Field(ge=0, le=16777215, title="Color")] = None
    fields: Annotated[list[EmbedField] | None, Field(max_length=25, title="Fields")] = (
        None
    )
    footer: Annotated[str | None, Field(max_length=2048, title="Footer")] = None
    image_url: Annotated[
        str | None, Field(alias="imageUrl", max_length=2000, title="Imageurl")
    ] = None


class SendForward(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    message_id: Annotated[
        str, Field(alias="messageId", max_length=255, min_length=1, title="Messageid")
    ]
    from_chat_id: Annotated[
        str, Field(alias="fromChatId", max_length=255, min_length=1, title="Fromchatid")
    ]


class SendLocation(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    lat: Annotated[float, Field(ge=-90.0, le=90.0, title="Lat")]
    lng: Annotated[float, Field(ge=-180.0, le=180.0, title="Lng")]
    name: Annotated[str | None, Field(max_length=255, title="Name")] = None
    address: Annotated[str | None, Field(max_length=1000, title="Address")] = None


class Type7(StrEnum):
    image = "image"
    audio = "audio"
    video = "video"
    document = "document"


class SendMedia(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    type: Annotated[Type7, Field(title="Type")]
    url: Annotated[
        str | None, Field(max_length=4000, pattern="^https?://", title="Url")
    ] = None
    base64: Annotated[str | None, Field(max_length=140000000, title="Base64")] = None
    mime_type: Annotated[
        str | None, Field(alias="mimeType", max_length=255, title="Mimetype")
    ] = None
    filename: Annotated[str | None, Field(max_length=255, title="Filename")] = None
    caption: Annotated[str | None, Field(max_length=10000, title="Caption")] = None
    voice_note: Annotated[bool, Field(alias="voiceNote", title="Voicenote")] = False
    reply_to: Annotated[
        str | None, Field(alias="replyTo", max_length=255, title="Replyto")
    ] = None


class Answer(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class SendPoll(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    question: Annotated[str, Field(max_length=300, min_length=1, title="Question")]
    answers: Annotated[
        list[Answer], Field(max_length=10, min_length=2, title="Answers")
    ]
    duration_hours: Annotated[
        int | None, Field(alias="durationHours", ge=1, le=168, title="Durationhours")
    ] = None
    multi_select: Annotated[bool, Field(alias="multiSelect", title="Multiselect")] = (
        False
    )


class Type8(StrEnum):
    typing = "typing"
    recording = "recording"
    paused = "paused"


class SendPresence(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    type: Annotated[Type8, Field(title="Type")] = "typing"


class SendReaction(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    message_id: Annotated[
        str,
        Field(
            alias="messageId",
            description="omni message UUID or the platform's id",
            max_length=255,
            min_length=1,
            title="Messageid",
        ),
    ]
    emoji: Annotated[
        str,
        Field(description="empty removes our reaction", max_length=64, title="Emoji"),
    ]


class SendSticker(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    to: Annotated[
        str,
        Field(
            description="a platform chat/user id, or a person UUID",
            max_length=255,
            min_length=1,
            title="To",
        ),
    ]
    url: Annotated[
        str | None, Field(max_length=4000, pattern="^https?://", title="Url")
    ] = None
    base64: Annotated[str | None, Field(max_length=10000000, title="Base64")] = None


class PersonOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    display_name: Annotated[str | None, Field(alias="displayName", title="Displayname")]
    primary_phone: Annotated[
        str | None, Field(alias="primaryPhone", title="Primaryphone")
    ]
    primary_email: Annotated[
        str | None, Field(alias="primaryEmail", title="Primaryemail")
    ]
    avatar_url: Annotated[str | None, Field(alias="avatarUrl", title="Avatarurl")]
    metadata: Annotated[dict[str, Any] | None, Field(title="Metadata")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PagePersonOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[PersonOut], Field(title="Items")]
    meta: PageMeta


class IdentityOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    person_id: Annotated[UUID, Field(alias="personId", title="Personid")]
    channel: Annotated[str, Field(title="Channel")]
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    platform_user_id: Annotated[
        str, Field(alias="platformUserId", title="Platformuserid")
    ]
    platform_username: Annotated[
        str | None, Field(alias="platformUsername", title="Platformusername")
    ]
    profile_pic_url: Annotated[
        str | None, Field(alias="profilePicUrl", title="Profilepicurl")
    ]
    profile_data: Annotated[
        dict[str, Any] | None, Field(alias="profileData", title="Profiledata")
    ]
    message_count: Annotated[int, Field(alias="messageCount", title="Messagecount")]
    first_seen_at: Annotated[
        AwareDatetime, Field(alias="firstSeenAt", title="Firstseenat")
    ]
    last_seen_at: Annotated[
        AwareDatetime | None, Field(alias="lastSeenAt", title="Lastseenat")
    ]
    linked_by: Annotated[str | None, Field(alias="linkedBy", title="Linkedby")]
    confidence: Annotated[int, Field(title="Confidence")]
    link_reason: Annotated[str | None, Field(alias="linkReason", title="Linkreason")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PersonDetailOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    display_name: Annotated[str | None, Field(alias="displayName", title="Displayname")]
    primary_phone: Annotated[
        str | None, Field(alias="primaryPhone", title="Primaryphone")
    ]
    primary_email: Annotated[
        str | None, Field(alias="primaryEmail", title="Primaryemail")
    ]
    avatar_url: Annotated[str | None, Field(alias="avatarUrl", title="Avatarurl")]
    metadata: Annotated[dict[str, Any] | None, Field(title="Metadata")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]
    identities: Annotated[list[IdentityOut], Field(title="Identities")]


class DataPersonDetailOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: PersonDetailOut


class PersonUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    display_name: Annotated[
        str | None, Field(alias="displayName", max_length=255, title="Displayname")
    ] = None
    primary_phone: Annotated[
        str | None, Field(alias="primaryPhone", max_length=50, title="Primaryphone")
    ] = None
    primary_email: Annotated[
        str | None, Field(alias="primaryEmail", max_length=255, title="Primaryemail")
    ] = None
    avatar_url: Annotated[
        str | None, Field(alias="avatarUrl", max_length=4000, title="Avatarurl")
    ] = None
    metadata: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(title="Metadata"),
    ] = None


class IdentityPresence(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    identity_id: Annotated[UUID, Field(alias="identityId", title="Identityid")]
    channel: Annotated[str, Field(title="Channel")]
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    platform_user_id: Annotated[
        str, Field(alias="platformUserId", title="Platformuserid")
    ]
    last_seen_at: Annotated[
        AwareDatetime | None, Field(alias="lastSeenAt", title="Lastseenat")
    ]


class PresenceOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    person_id: Annotated[UUID, Field(alias="personId", title="Personid")]
    last_seen_at: Annotated[
        AwareDatetime | None, Field(alias="lastSeenAt", title="Lastseenat")
    ]
    last_seen_channel: Annotated[
        str | None, Field(alias="lastSeenChannel", title="Lastseenchannel")
    ]
    last_seen_instance_id: Annotated[
        UUID | None, Field(alias="lastSeenInstanceId", title="Lastseeninstanceid")
    ]
    identities: Annotated[list[IdentityPresence], Field(title="Identities")]


class DataPresenceOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: PresenceOut


class Kind1(StrEnum):
    message = "message"
    event = "event"


class TimelineItem(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    kind: Annotated[Kind1, Field(title="Kind")]
    id: Annotated[UUID, Field(title="Id")]
    timestamp: Annotated[AwareDatetime, Field(title="Timestamp")]
    instance_id: Annotated[UUID | None, Field(alias="instanceId", title="Instanceid")]
    channel: Annotated[str | None, Field(title="Channel")]
    chat_id: Annotated[str | None, Field(alias="chatId", title="Chatid")]
    type: Annotated[str, Field(title="Type")]
    text_content: Annotated[str | None, Field(alias="textContent", title="Textcontent")]
    direction: Annotated[str | None, Field(title="Direction")]
    is_from_me: Annotated[bool | None, Field(alias="isFromMe", title="Isfromme")]


class PageTimelineItem(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[TimelineItem], Field(title="Items")]
    meta: PageMeta


class LinkBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    identity_a: Annotated[UUID, Field(alias="identityA", title="Identitya")]
    identity_b: Annotated[UUID, Field(alias="identityB", title="Identityb")]
    reason: Annotated[str | None, Field(max_length=2000, title="Reason")] = None


class MergeBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    source_person_id: Annotated[
        UUID, Field(alias="sourcePersonId", title="Sourcepersonid")
    ]
    target_person_id: Annotated[
        UUID, Field(alias="targetPersonId", title="Targetpersonid")
    ]
    reason: Annotated[str | None, Field(max_length=2000, title="Reason")] = None


class UnlinkBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    identity_id: Annotated[UUID, Field(alias="identityId", title="Identityid")]
    reason: Annotated[str | None, Field(max_length=2000, title="Reason")] = None


class PluginOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    name: Annotated[str, Field(title="Name")]
    source: Annotated[
        str, Field(description="builtin, entry-point or folder", title="Source")
    ]
    module: Annotated[str, Field(title="Module")]
    version: Annotated[str | None, Field(title="Version")]
    status: Annotated[
        str, Field(description="loaded, failed, incompatible", title="Status")
    ]
    error: Annotated[str | None, Field(title="Error")]
    channels: Annotated[list[str], Field(title="Channels")]
    providers: Annotated[list[str], Field(title="Providers")]
    runtime_errors: Annotated[
        list[str], Field(alias="runtimeErrors", title="Runtimeerrors")
    ]


class PluginList(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[PluginOut], Field(title="Items")]


class ProviderOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    schema_: Annotated[str, Field(alias="schema", title="Schema")]
    base_url: Annotated[str | None, Field(alias="baseUrl", title="Baseurl")]
    api_key: Annotated[
        str | None, Field(alias="apiKey", description="masked", title="Apikey")
    ]
    has_api_key: Annotated[bool, Field(alias="hasApiKey", title="Hasapikey")]
    schema_config: Annotated[
        dict[str, Any] | None, Field(alias="schemaConfig", title="Schemaconfig")
    ]
    default_stream: Annotated[bool, Field(alias="defaultStream", title="Defaultstream")]
    default_timeout: Annotated[
        int, Field(alias="defaultTimeout", title="Defaulttimeout")
    ]
    supports_streaming: Annotated[
        bool, Field(alias="supportsStreaming", title="Supportsstreaming")
    ]
    supports_images: Annotated[
        bool, Field(alias="supportsImages", title="Supportsimages")
    ]
    supports_audio: Annotated[bool, Field(alias="supportsAudio", title="Supportsaudio")]
    supports_documents: Annotated[
        bool, Field(alias="supportsDocuments", title="Supportsdocuments")
    ]
    description: Annotated[str | None, Field(title="Description")]
    tags: Annotated[list[str] | None, Field(title="Tags")]
    is_active: Annotated[bool, Field(alias="isActive", title="Isactive")]
    last_health_check: Annotated[
        AwareDatetime | None, Field(alias="lastHealthCheck", title="Lasthealthcheck")
    ]
    last_health_status: Annotated[
        str | None, Field(alias="lastHealthStatus", title="Lasthealthstatus")
    ]
    last_health_error: Annotated[
        str | None, Field(alias="lastHealthError", title="Lasthealtherror")
    ]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageProviderOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[ProviderOut], Field(title="Items")]
    meta: PageMeta


class Tag(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class ProviderCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    base_url: Annotated[
        str | None,
        Field(
            alias="baseUrl",
            max_length=2048,
            min_length=1,
            pattern="^(https?|wss?)://\\S+$",
            title="Baseurl",
        ),
    ] = None
    api_key: Annotated[
        str | None, Field(alias="apiKey", max_length=4096, min_length=1, title="Apikey")
    ] = None
    schema_config: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(alias="schemaConfig", title="Schemaconfig"),
    ] = None
    default_stream: Annotated[
        bool | None, Field(alias="defaultStream", title="Defaultstream")
    ] = None
    default_timeout: Annotated[
        int | None, Field(alias="defaultTimeout", ge=1, le=3600, title="Defaulttimeout")
    ] = None
    supports_streaming: Annotated[
        bool | None, Field(alias="supportsStreaming", title="Supportsstreaming")
    ] = None
    supports_images: Annotated[
        bool | None, Field(alias="supportsImages", title="Supportsimages")
    ] = None
    supports_audio: Annotated[
        bool | None, Field(alias="supportsAudio", title="Supportsaudio")
    ] = None
    supports_documents: Annotated[
        bool | None, Field(alias="supportsDocuments", title="Supportsdocuments")
    ] = None
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    tags: Annotated[list[Tag] | None, Field(max_length=50, title="Tags")] = None
    is_active: Annotated[bool | None, Field(alias="isActive", title="Isactive")] = None
    name: Annotated[
        str, Field(max_length=255, min_length=1, pattern="\\S", title="Name")
    ]
    schema_: Annotated[
        str, Field(alias="schema", max_length=32, min_length=1, title="Schema")
    ]


class DataProviderOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: ProviderOut


class ProviderUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    base_url: Annotated[
        str | None,
        Field(
            alias="baseUrl",
            max_length=2048,
            min_length=1,
            pattern="^(https?|wss?)://\\S+$",
            title="Baseurl",
        ),
    ] = None
    api_key: Annotated[
        str | None, Field(alias="apiKey", max_length=4096, min_length=1, title="Apikey")
    ] = None
    schema_config: Annotated[
        dict[Annotated[str, StringConstraints(max_length=100000)], Any] | None,
        Field(alias="schemaConfig", title="Schemaconfig"),
    ] = None
    default_stream: Annotated[
        bool | None, Field(alias="defaultStream", title="Defaultstream")
    ] = None
    default_timeout: Annotated[
        int | None, Field(alias="defaultTimeout", ge=1, le=3600, title="Defaulttimeout")
    ] = None
    supports_streaming: Annotated[
        bool | None, Field(alias="supportsStreaming", title="Supportsstreaming")
    ] = None
    supports_images: Annotated[
        bool | None, Field(alias="supportsImages", title="Supportsimages")
    ] = None
    supports_audio: Annotated[
        bool | None, Field(alias="supportsAudio", title="Supportsaudio")
    ] = None
    supports_documents: Annotated[
        bool | None, Field(alias="supportsDocuments", title="Supportsdocuments")
    ] = None
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    tags: Annotated[list[Tag] | None, Field(max_length=50, title="Tags")] = None
    is_active: Annotated[bool | None, Field(alias="isActive", title="Isactive")] = None
    name: Annotated[
        str | None, Field(max_length=255, min_length=1, pattern="\\S", title="Name")
    ] = None
    schema_: Annotated[
        str | None, Field(alias="schema", max_length=32, min_length=1, title="Schema")
    ] = None


class DiscoveredOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[str | None, Field(title="Id")]
    name: Annotated[str | None, Field(title="Name")] = None
    description: Annotated[str | None, Field(title="Description")] = None


class DataListDiscoveredOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: Annotated[list[DiscoveredOut], Field(title="Data")]


class HealthOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    healthy: Annotated[bool, Field(title="Healthy")]
    latency_ms: Annotated[float, Field(alias="latencyMs", title="Latencyms")]
    error: Annotated[
        str | None, Field(description="why it is not healthy", title="Error")
    ] = None
    code: Annotated[
        str | None,
        Field(
            description="TIMEOUT, AUTH_FAILED, UNREACHABLE, INVALID_CONFIG …",
            title="Code",
        ),
    ] = None
    detail: Annotated[
        str | None,
        Field(
            description="what it answered when healthy (models, agents, version)",
            title="Detail",
        ),
    ] = None
    status: Annotated[
        str,
        Field(
            description="as stored in lastHealthStatus: healthy, unhealthy or error",
            title="Status",
        ),
    ]
    checked_at: Annotated[AwareDatetime, Field(alias="checkedAt", title="Checkedat")]


class DataHealthOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: HealthOut


class RouteMetrics(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    triggers: Annotated[int, Field(title="Triggers")]
    by_decision: Annotated[
        dict[str, int], Field(alias="byDecision", title="Bydecision")
    ]
    replied: Annotated[int, Field(title="Replied")]
    failed: Annotated[int, Field(title="Failed")]
    avg_duration_ms: Annotated[
        float | None, Field(alias="avgDurationMs", title="Avgdurationms")
    ]
    p95_duration_ms: Annotated[
        float | None, Field(alias="p95DurationMs", title="P95Durationms")
    ]
    input_tokens: Annotated[int, Field(alias="inputTokens", title="Inputtokens")]
    output_tokens: Annotated[int, Field(alias="outputTokens", title="Outputtokens")]


class DataListRouteMetrics(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: Annotated[list[RouteMetrics], Field(title="Data")]


class SettingOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    key: Annotated[str, Field(title="Key")]
    value: Annotated[Any, Field(description="masked for secrets", title="Value")]
    value_type: Annotated[str, Field(alias="valueType", title="Valuetype")]
    category: Annotated[str | None, Field(title="Category")]
    description: Annotated[str | None, Field(title="Description")]
    is_secret: Annotated[bool, Field(alias="isSecret", title="Issecret")]
    is_required: Annotated[bool, Field(alias="isRequired", title="Isrequired")]
    default_value: Annotated[Any, Field(alias="defaultValue", title="Defaultvalue")]
    created_by: Annotated[str | None, Field(alias="createdBy", title="Createdby")]
    updated_by: Annotated[str | None, Field(alias="updatedBy", title="Updatedby")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageSettingOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[SettingOut], Field(title="Items")]
    meta: PageMeta


class BulkItem(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    key: Annotated[
        str, Field(max_length=100000, pattern="^[a-z0-9_.-]{1,200}$", title="Key")
    ]
    value: Annotated[Any, Field(title="Value")]
    reason: Annotated[str | None, Field(max_length=2000, title="Reason")] = None


class BulkBody(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    settings: Annotated[
        list[BulkItem], Field(max_length=200, min_length=1, title="Settings")
    ]


class SettingList(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[SettingOut], Field(title="Items")]


class DataSettingOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: SettingOut


class ValueType(StrEnum):
    string = "string"
    integer = "integer"
    boolean = "boolean"
    json = "json"
    secret = "secret"


class SettingPut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    value: Annotated[
        Any,
        Field(description="of the setting's valueType; null clears it", title="Value"),
    ]
    value_type: Annotated[
        ValueType | None,
        Field(
            alias="valueType",
            description="required the first time unless it can be told from the value",
            title="Valuetype",
        ),
    ] = None
    category: Annotated[str | None, Field(max_length=64, title="Category")] = None
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    reason: Annotated[str | None, Field(max_length=2000, title="Reason")] = None


class ChangeOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    key: Annotated[str, Field(title="Key")]
    old_value: Annotated[Any, Field(alias="oldValue", title="Oldvalue")]
    new_value: Annotated[Any, Field(alias="newValue", title="Newvalue")]
    changed_by: Annotated[str | None, Field(alias="changedBy", title="Changedby")]
    change_reason: Annotated[
        str | None, Field(alias="changeReason", title="Changereason")
    ]
    changed_at: Annotated[AwareDatetime, Field(alias="changedAt", title="Changedat")]


class PageChangeOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[ChangeOut], Field(title="Items")]
    meta: PageMeta


class TriggerLogOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    instance_id: Annotated[UUID, Field(alias="instanceId", title="Instanceid")]
    provider_id: Annotated[UUID | None, Field(alias="providerId", title="Providerid")]
    agent_id: Annotated[str | None, Field(alias="agentId", title="Agentid")]
    trace_id: Annotated[str | None, Field(alias="traceId", title="Traceid")]
    event_type: Annotated[str, Field(alias="eventType", title="Eventtype")]
    event_id: Annotated[UUID, Field(alias="eventId", title="Eventid")]
    trigger_type: Annotated[str, Field(alias="triggerType", title="Triggertype")]
    channel: Annotated[str | None, Field(title="Channel")]
    chat_id: Annotated[str, Field(alias="chatId", title="Chatid")]
    sender_id: Annotated[str | None, Field(alias="senderId", title="Senderid")]
    decision: Annotated[str, Field(title="Decision")]
    reason: Annotated[str | None, Field(title="Reason")]
    fired_at: Annotated[AwareDatetime, Field(alias="firedAt", title="Firedat")]
    responded_at: Annotated[
        AwareDatetime | None, Field(alias="respondedAt", title="Respondedat")
    ]
    responded: Annotated[bool, Field(title="Responded")]
    duration_ms: Annotated[int | None, Field(alias="durationMs", title="Durationms")]
    input_tokens: Annotated[int | None, Field(alias="inputTokens", title="Inputtokens")]
    output_tokens: Annotated[
        int | None, Field(alias="outputTokens", title="Outputtokens")
    ]
    error: Annotated[str | None, Field(title="Error")]
    metadata: Annotated[dict[str, Any] | None, Field(title="Metadata")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]


class PageTriggerLogOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[TriggerLogOut], Field(title="Items")]
    meta: PageMeta


class SourceOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    description: Annotated[str | None, Field(title="Description")]
    expected_headers: Annotated[
        dict[str, Any] | None, Field(alias="expectedHeaders", title="Expectedheaders")
    ]
    secret: Annotated[str | None, Field(description="masked", title="Secret")]
    has_secret: Annotated[bool, Field(alias="hasSecret", title="Hassecret")]
    enabled: Annotated[bool, Field(title="Enabled")]
    last_received_at: Annotated[
        AwareDatetime | None, Field(alias="lastReceivedAt", title="Lastreceivedat")
    ]
    total_received: Annotated[int, Field(alias="totalReceived", title="Totalreceived")]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageSourceOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[SourceOut], Field(title="Items")]
    meta: PageMeta


class ExpectedHeaders(RootModel[str]):
    root: Annotated[str, Field(max_length=100000)]


class SourceCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    expected_headers: Annotated[
        dict[
            Annotated[str, StringConstraints(max_length=100000)], bool | ExpectedHeaders
        ]
        | None,
        Field(
            alias="expectedHeaders",
            description="headers a request must carry: name → true (present) or an exact value",
            max_length=50,
            title="Expectedheaders",
        ),
    ] = None
    secret: Annotated[
        str | None, Field(max_length=4096, min_length=1, title="Secret")
    ] = None
    enabled: Annotated[bool | None, Field(title="Enabled")] = None
    name: Annotated[
        str,
        Field(
            description="lowercase letters, digits, - and _ (used in POST /webhooks/:source)",
            max_length=100000,
            pattern="^[a-z0-9][a-z0-9_-]{0,99}$",
            title="Name",
        ),
    ]


class DataSourceOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: SourceOut


class SourceUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    expected_headers: Annotated[
        dict[
            Annotated[str, StringConstraints(max_length=100000)], bool | ExpectedHeaders
        ]
        | None,
        Field(
            alias="expectedHeaders",
            description="headers a request must carry: name → true (present) or an exact value",
            max_length=50,
            title="Expectedheaders",
        ),
    ] = None
    secret: Annotated[
        str | None, Field(max_length=4096, min_length=1, title="Secret")
    ] = None
    enabled: Annotated[bool | None, Field(title="Enabled")] = None
    name: Annotated[
        str | None,
        Field(max_length=100000, pattern="^[a-z0-9][a-z0-9_-]{0,99}$", title="Name"),
    ] = None


class CheckOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    allowed: Annotated[bool, Field(title="Allowed")]
    action: Annotated[str, Field(title="Action")]
    rule: RuleOut | None = None
    reason: Annotated[str, Field(title="Reason")]


class DataCheckOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: CheckOut


class CallAgentAction(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    type: Annotated[Literal["call_agent"], Field(title="Type")]
    config: CallAgentConfig


class EmitEventAction(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    type: Annotated[Literal["emit_event"], Field(title="Type")]
    config: EmitEventConfig


class LogAction(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    type: Annotated[Literal["log"], Field(title="Type")]
    config: LogConfig


class SendMessageAction(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    type: Annotated[Literal["send_message"], Field(title="Type")]
    config: SendMessageConfig


class WebhookAction(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    type: Annotated[Literal["webhook"], Field(title="Type")]
    config: WebhookConfig


class AutomationCreate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    trigger_conditions: Annotated[
        list[Condition] | None,
        Field(alias="triggerConditions", max_length=50, title="Triggerconditions"),
    ] = None
    condition_logic: Annotated[
        ConditionLogic | None, Field(alias="conditionLogic", title="Conditionlogic")
    ] = None
    debounce: Debounce | None = None
    enabled: Annotated[bool | None, Field(title="Enabled")] = None
    priority: Annotated[
        int | None, Field(ge=-1000000, le=1000000, title="Priority")
    ] = None
    name: Annotated[
        str, Field(max_length=255, min_length=1, pattern="\\S", title="Name")
    ]
    trigger_event_type: Annotated[
        str,
        Field(
            alias="triggerEventType",
            max_length=255,
            min_length=1,
            title="Triggereventtype",
        ),
    ]
    actions: Annotated[
        list[
            Annotated[
                WebhookAction
                | SendMessageAction
                | EmitEventAction
                | LogAction
                | CallAgentAction,
                Field(discriminator="type"),
            ]
        ],
        Field(max_length=20, min_length=1, title="Actions"),
    ]


class AutomationUpdate(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    description: Annotated[str | None, Field(max_length=2000, title="Description")] = (
        None
    )
    trigger_conditions: Annotated[
        list[Condition] | None,
        Field(alias="triggerConditions", max_length=50, title="Triggerconditions"),
    ] = None
    condition_logic: Annotated[
        ConditionLogic | None, Field(alias="conditionLogic", title="Conditionlogic")
    ] = None
    debounce: Debounce | None = None
    enabled: Annotated[bool | None, Field(title="Enabled")] = None
    priority: Annotated[
        int | None, Field(ge=-1000000, le=1000000, title="Priority")
    ] = None
    name: Annotated[
        str | None, Field(max_length=255, min_length=1, pattern="\\S", title="Name")
    ] = None
    trigger_event_type: Annotated[
        str | None,
        Field(
            alias="triggerEventType",
            max_length=255,
            min_length=1,
            title="Triggereventtype",
        ),
    ] = None
    actions: Annotated[
        list[
            Annotated[
                WebhookAction
                | SendMessageAction
                | EmitEventAction
                | LogAction
                | CallAgentAction,
                Field(discriminator="type"),
            ]
        ]
        | None,
        Field(max_length=20, min_length=1, title="Actions"),
    ] = None


class AnalyticsOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    granularity: Annotated[str, Field(title="Granularity")]
    since: Annotated[AwareDatetime, Field(title="Since")]
    until: Annotated[AwareDatetime, Field(title="Until")]
    total: Annotated[int, Field(title="Total")]
    by_event_type: Annotated[
        dict[str, int], Field(alias="byEventType", title="Byeventtype")
    ]
    buckets: Annotated[list[Bucket], Field(title="Buckets")]


class DataAnalyticsOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: AnalyticsOut


class InstanceOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    id: Annotated[UUID, Field(title="Id")]
    name: Annotated[str, Field(title="Name")]
    channel: Annotated[str, Field(title="Channel")]
    is_active: Annotated[bool, Field(alias="isActive", title="Isactive")]
    is_default: Annotated[bool, Field(alias="isDefault", title="Isdefault")]
    owner_identifier: Annotated[
        str | None, Field(alias="ownerIdentifier", title="Owneridentifier")
    ]
    last_message_at: Annotated[
        AwareDatetime | None, Field(alias="lastMessageAt", title="Lastmessageat")
    ]
    config: Annotated[dict[str, Any], Field(title="Config")]
    secrets: Annotated[
        dict[str, str | None] | None,
        Field(description="plugin secrets, masked", title="Secrets"),
    ]
    has_token: Annotated[bool, Field(alias="hasToken", title="Hastoken")]
    discord_bot_token: Annotated[
        str | None,
        Field(alias="discordBotToken", description="masked", title="Discordbottoken"),
    ]
    discord_client_id: Annotated[
        str | None, Field(alias="discordClientId", title="Discordclientid")
    ]
    discord_guild_ids: Annotated[
        list[str] | None, Field(alias="discordGuildIds", title="Discordguildids")
    ]
    discord_default_channel_id: Annotated[
        str | None,
        Field(alias="discordDefaultChannelId", title="Discorddefaultchannelid"),
    ]
    discord_voice_enabled: Annotated[
        bool, Field(alias="discordVoiceEnabled", title="Discordvoiceenabled")
    ]
    discord_slash_commands_enabled: Annotated[
        bool,
        Field(alias="discordSlashCommandsEnabled", title="Discordslashcommandsenabled"),
    ]
    discord_webhook_url: Annotated[
        str | None,
        Field(
            alias="discordWebhookUrl", description="masked", title="Discordwebhookurl"
        ),
    ]
    discord_permissions: Annotated[
        int | None, Field(alias="discordPermissions", title="Discordpermissions")
    ]
    slack_bot_token: Annotated[
        str | None,
        Field(alias="slackBotToken", description="masked", title="Slackbottoken"),
    ]
    slack_app_token: Annotated[
        str | None,
        Field(alias="slackAppToken", description="masked", title="Slackapptoken"),
    ]
    slack_signing_secret: Annotated[
        str | None,
        Field(
            alias="slackSigningSecret", description="masked", title="Slacksigningsecret"
        ),
    ]
    slack_team_id: Annotated[
        str | None, Field(alias="slackTeamId", title="Slackteamid")
    ]
    telegram_bot_token: Annotated[
        str | None,
        Field(alias="telegramBotToken", description="masked", title="Telegrambottoken"),
    ]
    agent_provider_id: Annotated[
        UUID | None, Field(alias="agentProviderId", title="Agentproviderid")
    ]
    agent_id: Annotated[str | None, Field(alias="agentId", title="Agentid")]
    agent_type: Annotated[str, Field(alias="agentType", title="Agenttype")]
    agent_timeout: Annotated[int, Field(alias="agentTimeout", title="Agenttimeout")]
    agent_stream_mode: Annotated[
        bool, Field(alias="agentStreamMode", title="Agentstreammode")
    ]
    agent_reply_filter: Annotated[
        ReplyFilterOut | None, Field(alias="agentReplyFilter")
    ]
    agent_session_strategy: Annotated[
        str, Field(alias="agentSessionStrategy", title="Agentsessionstrategy")
    ]
    agent_prefix_sender_name: Annotated[
        bool, Field(alias="agentPrefixSenderName", title="Agentprefixsendername")
    ]
    agent_wait_for_media: Annotated[
        bool, Field(alias="agentWaitForMedia", title="Agentwaitformedia")
    ]
    agent_send_media_path: Annotated[
        bool, Field(alias="agentSendMediaPath", title="Agentsendmediapath")
    ]
    agent_gate_enabled: Annotated[
        bool, Field(alias="agentGateEnabled", title="Agentgateenabled")
    ]
    agent_gate_model: Annotated[
        str | None, Field(alias="agentGateModel", title="Agentgatemodel")
    ]
    agent_gate_prompt: Annotated[
        str | None, Field(alias="agentGatePrompt", title="Agentgateprompt")
    ]
    trigger_events: Annotated[
        list[str], Field(alias="triggerEvents", title="Triggerevents")
    ]
    trigger_reactions: Annotated[
        list[str] | None, Field(alias="triggerReactions", title="Triggerreactions")
    ]
    trigger_mention_patterns: Annotated[
        list[str] | None,
        Field(alias="triggerMentionPatterns", title="Triggermentionpatterns"),
    ]
    trigger_mode: Annotated[str, Field(alias="triggerMode", title="Triggermode")]
    agent_ack_reaction: Annotated[
        str | None, Field(alias="agentAckReaction", title="Agentackreaction")
    ]
    agent_ack_text: Annotated[
        str | None, Field(alias="agentAckText", title="Agentacktext")
    ]
    agent_error_message: Annotated[
        str | None, Field(alias="agentErrorMessage", title="Agenterrormessage")
    ]
    agent_reset_trigger: Annotated[
        str | None, Field(alias="agentResetTrigger", title="Agentresettrigger")
    ]
    access_pairing: Annotated[bool, Field(alias="accessPairing", title="Accesspairing")]
    trigger_rate_limit: Annotated[
        int, Field(alias="triggerRateLimit", title="Triggerratelimit")
    ]
    profile_name: Annotated[str | None, Field(alias="profileName", title="Profilename")]
    profile_pic_url: Annotated[
        str | None, Field(alias="profilePicUrl", title="Profilepicurl")
    ]
    profile_bio: Annotated[str | None, Field(alias="profileBio", title="Profilebio")]
    profile_synced_at: Annotated[
        AwareDatetime | None, Field(alias="profileSyncedAt", title="Profilesyncedat")
    ]
    download_media_on_sync: Annotated[
        bool, Field(alias="downloadMediaOnSync", title="Downloadmediaonsync")
    ]
    process_audio: Annotated[bool, Field(alias="processAudio", title="Processaudio")]
    process_images: Annotated[bool, Field(alias="processImages", title="Processimages")]
    process_video: Annotated[bool, Field(alias="processVideo", title="Processvideo")]
    process_documents: Annotated[
        bool, Field(alias="processDocuments", title="Processdocuments")
    ]
    process_media_on_blocked: Annotated[
        bool, Field(alias="processMediaOnBlocked", title="Processmediaonblocked")
    ]
    enable_auto_split: Annotated[
        bool, Field(alias="enableAutoSplit", title="Enableautosplit")
    ]
    disable_username_prefix: Annotated[
        bool, Field(alias="disableUsernamePrefix", title="Disableusernameprefix")
    ]
    access_mode: Annotated[str, Field(alias="accessMode", title="Accessmode")]
    tts_voice_id: Annotated[str | None, Field(alias="ttsVoiceId", title="Ttsvoiceid")]
    tts_model_id: Annotated[str | None, Field(alias="ttsModelId", title="Ttsmodelid")]
    message_debounce_mode: Annotated[
        str, Field(alias="messageDebounceMode", title="Messagedebouncemode")
    ]
    message_debounce_min_ms: Annotated[
        int, Field(alias="messageDebounceMinMs", title="Messagedebounceminms")
    ]
    message_debounce_max_ms: Annotated[
        int, Field(alias="messageDebounceMaxMs", title="Messagedebouncemaxms")
    ]
    message_debounce_group_ms: Annotated[
        int | None,
        Field(alias="messageDebounceGroupMs", title="Messagedebouncegroupms"),
    ]
    message_debounce_restart_on_typing: Annotated[
        bool,
        Field(
            alias="messageDebounceRestartOnTyping",
            title="Messagedebouncerestartontyping",
        ),
    ]
    message_split_delay_mode: Annotated[
        str, Field(alias="messageSplitDelayMode", title="Messagesplitdelaymode")
    ]
    message_split_delay_fixed_ms: Annotated[
        int, Field(alias="messageSplitDelayFixedMs", title="Messagesplitdelayfixedms")
    ]
    message_split_delay_min_ms: Annotated[
        int, Field(alias="messageSplitDelayMinMs", title="Messagesplitdelayminms")
    ]
    message_split_delay_max_ms: Annotated[
        int, Field(alias="messageSplitDelayMaxMs", title="Messagesplitdelaymaxms")
    ]
    created_at: Annotated[AwareDatetime, Field(alias="createdAt", title="Createdat")]
    updated_at: Annotated[AwareDatetime, Field(alias="updatedAt", title="Updatedat")]


class PageInstanceOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    items: Annotated[list[InstanceOut], Field(title="Items")]
    meta: PageMeta


class DataInstanceOut(BaseModel):
    model_config = ConfigDict(
        defer_build=True,
        extra="allow",
        populate_by_name=True,
    )
    data: InstanceOut
