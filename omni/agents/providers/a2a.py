"""The `a2a` provider: an agent that speaks the Agent2Agent protocol, through the official `a2a-sdk` client.

The agent card is read from `baseUrl` (`/.well-known/agent-card.json`, or `cardPath`); the client then talks to the
interface the card names (JSON-RPC or HTTP+JSON; the SDK speaks A2A 1.0, and 0.3 to older agents). Each call sends one
user message with a text part, `contextId` = the session id, and streams when the agent can (`SendStreamingMessage`,
0.3's `message/stream`), otherwise sends and waits (`SendMessage` / `message/send`, polling a task still working). The
answer is the text of the task's artifacts, or of the agent's message. A task that asks for input ends the turn with
its question; the next message of the session continues that task.

Config (`schemaConfig`): `cardPath` (default `/.well-known/agent-card.json`), `pollSeconds` (default 1).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any, ClassVar, Literal

import httpx
from pydantic import Field

from omni.agents.base import (
    BAD_REQUEST,
    BAD_RESPONSE,
    PROVIDER_ERROR,
    TIMEOUT,
    UNREACHABLE,
    AgentError,
    AgentEvent,
    AgentProvider,
    AgentRequest,
    Health,
    NotSupported,
    ProviderConfig,
    ProviderSettings,
)
from omni.agents.helpers import Deadline, http_error, load_module, status_error, timed_health

CARD_PATH = "/.well-known/agent-card.json"
BINDINGS = ["JSONRPC", "HTTP+JSON"]  # gRPC needs the SDK's grpc extra
DONE, FAILED, WAITING = ("COMPLETED",), ("FAILED", "CANCELED", "REJECTED"), ("INPUT_REQUIRED", "AUTH_REQUIRED")


class A2AConfig(ProviderConfig):
    card_path: str = Field(CARD_PATH, min_length=1, max_length=500, pattern=r"^/")
    poll_seconds: float = Field(1.0, ge=0.05, le=60)


class A2A(AgentProvider):
    key: ClassVar[str] = "a2a"
    config_model = A2AConfig
    needs_base_url = True

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings)
        self.config: A2AConfig = settings.config
        self.who = f"a2a provider {settings.name!r}"
        headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
        self.http = httpx.AsyncClient(headers=headers, timeout=settings.timeout)
        self._card: Any = None
        self._clients: dict[bool, Any] = {}
        self._waiting: dict[str, str] = {}  # session id -> the task that asked for input

    async def card(self, *, fresh: bool = False) -> Any:
        """The agent card (read once; `fresh` reads it again)."""
        if self._card is None or fresh:
            client = await load_module("a2a.client")
            resolver = client.A2ACardResolver(
                self.http, (self.settings.base_url or "").rstrip("/"), self.config.card_path
            )
            try:
                self._card = await resolver.get_agent_card()
            except Exception as exc:
                raise a2a_error(exc, self.who) from None
        return self._card

    async def _client(self, streaming: bool) -> Any:
        if streaming not in self._clients:
            sdk = await load_module("a2a.client")
            card = await self.card()
            config = sdk.ClientConfig(streaming=streaming, httpx_client=self.http, supported_protocol_bindings=BINDINGS)
            try:
                self._clients[streaming] = sdk.ClientFactory(config).create(card)
            except ValueError as exc:  # no interface the client speaks
                raise AgentError(f"{self.who}: the agent card offers no JSON-RPC or HTTP+JSON interface ({exc})",
                                 code=BAD_RESPONSE) from None  # fmt: skip
        return self._clients[streaming]

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        deadline = Deadline(request.timeout)
        try:
            types = await load_module("a2a.types.a2a_pb2")
            sdk = await load_module("a2a.client")
            client = await deadline.run(self._client(request.stream))
            parts = [types.Part(text=request.content.text)]
            message = types.Message(role=types.Role.ROLE_USER, message_id=str(uuid.uuid4()),
                                    context_id=request.session_id, parts=parts)  # fmt: skip
            waiting = self._waiting.pop(request.session_id, None)
            if waiting:
                message.task_id = waiting
            call = types.SendMessageRequest(message=message)
            answer = _Answer(types)
            responses = client.send_message(call, context=sdk.ClientCallContext(timeout=deadline.remaining()))
            async for response in deadline.iterate(responses):
                for event in answer.absorb(response):
                    yield event
                if answer.finished:
                    break
            while answer.task_id and not answer.finished:  # a task still working: ask again until it is done
                await asyncio.sleep(min(self.config.poll_seconds, deadline.remaining()))
                context = sdk.ClientCallContext(timeout=deadline.remaining())
                task = await deadline.run(client.get_task(types.GetTaskRequest(id=answer.task_id), context=context))
                for event in answer.absorb(types.StreamResponse(task=task)):
                    yield event
            if answer.state in WAITING and answer.task_id:
                self._waiting[request.session_id] = answer.task_id
            yield answer.result(self.who)
        except AgentError as exc:
            yield AgentEvent.from_error(exc)
        except Exception as exc:
            error = a2a_error(exc, self.who)
            if error is None:
                raise
            yield AgentEvent.from_error(error)

    async def health(self) -> Health:
        async def check() -> str:
            card = await self.card(fresh=True)
            return f"{card.name} {card.version}".strip() or "agent card read"

        return await timed_health(check)

    async def discover(self, kind: Literal["agents", "teams", "workflows"]) -> list[dict[str, Any]]:
        if kind != "agents":
            raise NotSupported(f"a2a agents have no {kind}; GET /providers/:id/agents lists the agent's skills")
        card = await self.card(fresh=True)
        skills = [{"id": s.id, "name": s.name, "description": s.description or None} for s in card.skills]
        return skills or [{"id": card.name, "name": card.name, "description": card.description or None}]

    async def reset_session(self, session_id: str) -> None:
        self._waiting.pop(session_id, None)

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients = {}
        await self.http.aclose()


class _Answer:
    """What the agent said so far: its task's state, the artifacts' text, and its last message."""

    def __init__(self, types: ModuleType) -> None:
        self.types = types
        self.task_id: str | None = None
        self.state: str | None = None
        self.artifacts: dict[str, str] = {}
        self.message = ""
        self.finished = False

    def absorb(self, response: Any) -> list[AgentEvent]:
        events: list[AgentEvent] = []
        if response.HasField("message"):
            self.message = _text(response.message.parts)
            self.finished = True
        elif response.HasField("task"):
            task = response.task
            self.task_id = task.id or self.task_id
            self.artifacts = {a.artifact_id or str(i): _text(a.parts) for i, a in enumerate(task.artifacts)}
            self._status(task.status, events)
        elif response.HasField("status_update"):
            self.task_id = response.status_update.task_id or self.task_id
            self._status(response.status_update.status, events)
        elif response.HasField("artifact_update"):
            update = response.artifact_update
            key = update.artifact.artifact_id or str(len(self.artifacts))
            text = _text(update.artifact.parts)
            if update.append and key in self.artifacts:
                self.artifacts[key] += text
                events.append(AgentEvent.delta(text))
            elif key in self.artifacts:
                self.artifacts[key] = text  # replaced: the final text has it
            else:
                if self.artifacts and text:
                    events.append(AgentEvent.delta("\n\n"))
                self.artifacts[key] = text
                events.append(AgentEvent.delta(text))
        return [e for e in events if e.text]

    def _status(self, status: Any, events: list[AgentEvent]) -> None:
        self.state = self.types.TaskState.Name(status.state).removeprefix("TASK_STATE_")
        said = _text(status.message.parts) if status.HasField("message") else ""
        if said:
            self.message = said
        if self.state in (*DONE, *FAILED, *WAITING):
            self.finished = True
        elif said:
            events.append(AgentEvent.thinking(said))

    def result(self, who: str) -> AgentEvent:
        if self.state in FAILED:
            why = self.message or self.state.lower()
            return AgentEvent.error(f"{who}: the task ended {self.state.lower()}: {why}", PROVIDER_ERROR)
        texts = [t for t in self.artifacts.values() if t]
        if self.state in WAITING:  # the agent's question is its answer for now
            return AgentEvent.final(self.message or "\n\n".join(texts), metadata={"taskState": self.state})
        meta = {"taskState": self.state} if self.state else None
        return AgentEvent.final("\n\n".join(texts) or self.message, metadata=meta)


def _text(parts: Any) -> str:
    return "\n".join(part.text for part in parts if part.HasField("text"))


def a2a_error(exc: Exception, who: str) -> AgentError | None:
    """An exception of the `a2a-sdk` client (or the httpx below it) as an `AgentError`; None for anything else."""
    if isinstance(exc, AgentError):
        return exc
    cause = exc.__cause__
    if isinstance(exc, httpx.HTTPError):
        return http_error(exc, who)
    if isinstance(cause, httpx.HTTPError):
        return http_error(cause, who)
    name = type(exc).__name__
    if name == "A2AClientTimeoutError":
        return AgentError(f"{who} did not answer in time", code=TIMEOUT)
    status = getattr(exc, "status_code", None)
    if name == "AgentCardResolutionError":
        if isinstance(status, int):
            return status_error(status, str(exc), who)
        return AgentError(f"{who}: no agent card at its baseUrl ({exc})", code=UNREACHABLE, retryable=True)
    if name in ("InvalidParamsError", "InvalidRequestError", "ContentTypeNotSupportedError", "MethodNotFoundError",
                "UnsupportedOperationError", "VersionNotSupportedError", "TaskNotFoundError"):  # fmt: skip
        return AgentError(f"{who} refused the message ({name}: {exc})", code=BAD_REQUEST)
    if any(cls.__module__.startswith("a2a.") for cls in type(exc).__mro__):
        return AgentError(f"{who} failed ({name}: {exc})", code=PROVIDER_ERROR)
    return None
