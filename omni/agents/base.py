"""The agent provider contract: what a provider plugin implements (`AgentProvider`), what the dispatcher asks of it
(`AgentRequest`) and what it answers (a stream of `AgentEvent`).

A provider instance is built from one stored provider row (`ProviderSettings`: its URL, decrypted API key, validated
`schemaConfig`, timeout). `respond()` yields zero or more `thinking` / `delta` events and ends with exactly one `final`
or `error` event; the dispatcher turns deltas into streamed edits where the channel can edit, and the final text into
replies. Providers raise nothing out of `respond()` for expected failures: they yield `error`. (An exception escaping
is still handled: it becomes an error event.)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ProviderConfig(_Camel):
    """`schemaConfig` of a provider without settings of its own. Providers subclass it (model, systemPrompt …)."""


# The codes of agent failures (`AgentError.code`, `AgentEvent.code`, `Health.code`), named here once.
TIMEOUT = "TIMEOUT"  # no (complete) answer in time
AUTH_FAILED = "AUTH_FAILED"  # the provider refused the API key (401/403)
UNREACHABLE = "UNREACHABLE"  # no connection (refused, DNS, TLS)
RATE_LIMITED = "RATE_LIMITED"  # 429: retry later
PROVIDER_ERROR = "PROVIDER_ERROR"  # the provider failed (5xx, an error event, a failed run)
BAD_REQUEST = "BAD_REQUEST"  # the provider refused the request (4xx): a setting of the provider or instance is wrong
NOT_FOUND = "NOT_FOUND"  # 404: no such agent, team, workflow or model
BAD_RESPONSE = "BAD_RESPONSE"  # an answer omni cannot read
NOT_SUPPORTED = "NOT_SUPPORTED"
INVALID_CONFIG = "INVALID_CONFIG"  # the stored provider cannot be built: schemaConfig, baseUrl or apiKey
PROVIDER_NOT_FOUND = "PROVIDER_NOT_FOUND"
PROVIDER_INACTIVE = "PROVIDER_INACTIVE"
UNKNOWN_SCHEMA = "UNKNOWN_SCHEMA"  # no loaded plugin provides the provider's schema


class AgentError(Exception):
    """A provider failure with a stable code (`TIMEOUT`, `AUTH_FAILED`, `UNREACHABLE`, `BAD_RESPONSE`, …).
    `retryable`: the same call may succeed later (rate limits, 5xx, a refused connection)."""

    def __init__(self, message: str, *, code: str = PROVIDER_ERROR, retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class NotSupported(AgentError):
    """The provider does not offer this (e.g. agent discovery on an OpenAI endpoint)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code=NOT_SUPPORTED)


TriggerType = Literal["dm", "mention", "reply", "name_match", "reaction", "command", "follow_up", "message"]


class AgentSender(_Camel):
    platform_user_id: str | None = None
    person_id: str | None = None
    display_name: str | None = None


class AgentMedia(_Camel):
    type: str  # image | audio | video | document | sticker
    mime_type: str | None = None
    path: str | None = None  # local file in media storage, when downloaded
    url: str | None = None
    caption: str | None = None


class AgentContent(_Camel):
    text: str = ""  # what the agent should read: the batched messages, prefixed / quoted as the instance says
    emoji: str | None = None  # a reaction trigger
    media: list[AgentMedia] = Field(default_factory=list)


class HistoryTurn(_Camel):
    role: Literal["user", "assistant"]
    text: str


class AgentSource(_Camel):
    channel_type: str
    instance_id: str
    chat_id: str  # the platform's chat id
    message_id: str | None = None  # the platform's id of the (last) triggering message
    message_ids: list[str] = Field(default_factory=list)  # every batched message


class AgentRequest(_Camel):
    """One call to an agent (the v2 `AgentTrigger`, plus history for stateless model APIs)."""

    trace_id: str
    type: TriggerType = "message"
    session_id: str
    agent_id: str | None = None  # which agent/team/workflow of the provider
    agent_type: str = "agent"  # agent | team | workflow
    source: AgentSource
    sender: AgentSender = Field(default_factory=AgentSender)
    content: AgentContent = Field(default_factory=AgentContent)
    # earlier turns of this session, oldest first, NOT including `content` (providers with server-side sessions ignore it)
    history: list[HistoryTurn] = Field(default_factory=list)
    stream: bool = True
    timeout: float = 60.0  # seconds for the whole answer
    reply_endpoint: str | None = None  # where a fire-and-forget agent answers later (webhook provider)


class Usage(_Camel):
    input_tokens: int | None = None
    output_tokens: int | None = None


class AgentEvent(_Camel):
    kind: Literal["thinking", "delta", "final", "error"]
    text: str = ""  # delta: the new piece; final: the whole answer ("" = nothing to say); error: the message
    parts: list[str] | None = None  # final: an answer already split into messages by the agent
    code: str | None = None  # error: AgentError.code
    retryable: bool = False  # error: AgentError.retryable
    usage: Usage | None = None
    metadata: dict[str, Any] | None = None

    @classmethod
    def final(cls, text: str, **kw: Any) -> AgentEvent:
        return cls(kind="final", text=text, **kw)

    @classmethod
    def delta(cls, text: str) -> AgentEvent:
        return cls(kind="delta", text=text)

    @classmethod
    def thinking(cls, text: str) -> AgentEvent:
        return cls(kind="thinking", text=text)

    @classmethod
    def error(cls, message: str, code: str = PROVIDER_ERROR, *, retryable: bool = False) -> AgentEvent:
        return cls(kind="error", text=message, code=code, retryable=retryable)

    @classmethod
    def from_error(cls, exc: AgentError) -> AgentEvent:
        return cls.error(str(exc), exc.code, retryable=exc.retryable)


class Health(_Camel):
    ok: bool
    latency_ms: float
    detail: str | None = None  # the error when not ok; a short description (model, version) when ok
    code: str | None = None  # when not ok: why (`AUTH_FAILED`, `UNREACHABLE`, `TIMEOUT` …)


@dataclass
class ProviderSettings:
    """One stored provider, ready to use: the API key is decrypted, `config` validated by the provider's model."""

    id: str
    name: str
    schema: str
    base_url: str | None = None
    api_key: str | None = None
    config: Any = None  # an instance of the provider's `config_model`
    timeout: float = 60.0
    stream: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


class AgentProvider(ABC):
    """Subclass, set `key` (the provider `schema`), and register the class from `register_agent_providers`."""

    key: ClassVar[str]
    config_model: ClassVar[type[BaseModel]] = ProviderConfig
    supports_streaming: ClassVar[bool] = True
    # stateless model APIs (openai, anthropic) get the session's stored messages as `history`
    wants_history: ClassVar[bool] = False
    needs_base_url: ClassVar[bool] = False
    needs_api_key: ClassVar[bool] = False

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    @abstractmethod
    def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        """Yield thinking/delta events, then one final or error event (an async generator)."""

    @abstractmethod
    async def health(self) -> Health:
        """Really reach the provider (a cheap authenticated call) and say how long it took or what failed."""

    async def reset_session(self, session_id: str) -> None:  # noqa: B027 - optional
        """Forget a conversation (the 🗑️ reaction, `/reset`). Stateless providers have nothing to do."""

    async def discover(self, kind: Literal["agents", "teams", "workflows"]) -> list[dict[str, Any]]:
        """What the provider offers (`GET /providers/:id/agents|teams|workflows`): `[{id, name, description}]`."""
        raise NotSupported(f"{self.key} providers have no {kind} to list")

    async def close(self) -> None:  # noqa: B027 - optional
        """Release clients and connections (the provider row changed or the server stops)."""
