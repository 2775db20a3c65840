"""The `agno` provider: runs on an Agno AgentOS (`baseUrl`), through its HTTP API.

A run is a multipart `POST {baseUrl}/{agents|teams|workflows}/{agentId}/runs` (fields `message`, `stream`,
`session_id`, `user_id`, and `files` for downloaded media), answered with Server-Sent Events when streaming
(`RunContent` deltas, then `RunCompleted`; `TeamRun…` and `Workflow…` alike) or with the run's JSON (`{content}`).
AgentOS keeps the session, so no history is sent. `apiKey` (the AgentOS security key) goes as a Bearer token.

Config (`schemaConfig`): `sendFiles` (default true) uploads the message's downloaded media with the run.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import httpx

from omni.agents.base import (
    BAD_REQUEST,
    BAD_RESPONSE,
    PROVIDER_ERROR,
    AgentError,
    AgentEvent,
    AgentProvider,
    AgentRequest,
    Health,
    ProviderConfig,
    ProviderSettings,
    Usage,
)
from omni.agents.helpers import Deadline, http_error, sse_events, timed_health

KINDS = {"agent": "agents", "team": "teams", "workflow": "workflows"}
MAX_FILE = 50 * 1024 * 1024
# the events a run streams (Agno 2 names; the Agno 1 `RunResponse…` names too), by what omni does with them
CONTENT = {"RunContent", "RunResponseContent", "TeamRunContent", "TeamRunResponseContent"}
COMPLETED = {"RunCompleted", "RunResponseCompleted", "TeamRunCompleted", "TeamRunResponseCompleted",
             "WorkflowCompleted"}  # fmt: skip
FAILED = {"RunError", "TeamRunError", "WorkflowError", "RunCancelled", "TeamRunCancelled", "WorkflowCancelled",
          "error"}  # fmt: skip
REASONING = {"ReasoningContentDelta", "TeamReasoningContentDelta", "ReasoningStep", "TeamReasoningStep"}
TOOL_STARTED = {"ToolCallStarted", "TeamToolCallStarted"}


class AgnoConfig(ProviderConfig):
    send_files: bool = True


class Agno(AgentProvider):
    key: ClassVar[str] = "agno"
    config_model = AgnoConfig
    needs_base_url = True

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings)
        self.config: AgnoConfig = settings.config
        self.who = f"agno provider {settings.name!r}"
        headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
        self.http = httpx.AsyncClient(base_url=(settings.base_url or "").rstrip("/"), headers=headers,
                                      timeout=settings.timeout)  # fmt: skip

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        deadline = Deadline(request.timeout)
        try:
            if not request.agent_id:
                raise AgentError(f"{self.who} needs an agent id: set the instance's agentId (the AgentOS "
                                 f"{request.agent_type} id)", code=BAD_REQUEST)  # fmt: skip
            kind = KINDS.get(request.agent_type)
            if kind is None:
                raise AgentError(f"agentType must be one of {', '.join(KINDS)}, not {request.agent_type!r}",
                                 code=BAD_REQUEST)  # fmt: skip
            path = f"/{kind}/{request.agent_id}/runs"
            fields = {"message": request.content.text, "stream": "true" if request.stream else "false",
                      "session_id": request.session_id,
                      "user_id": request.sender.person_id or request.sender.platform_user_id or ""}  # fmt: skip
            with contextlib.ExitStack() as files:
                parts: list[tuple[str, Any]] = [(k, (None, v)) for k, v in fields.items() if v or k == "message"]
                parts += self._files(request, files) if self.config.send_files else []
                call = self.http.build_request("POST", path, files=parts, timeout=deadline.remaining())
                if not request.stream:
                    response = await deadline.run(self.http.send(call))
                    response.raise_for_status()
                    yield self._final(_json(response, self.who))
                    return
                response = await deadline.run(self.http.send(call, stream=True))
                try:
                    if response.is_error:
                        await response.aread()
                        response.raise_for_status()
                    async for event in self._events(response, request.agent_type, deadline):
                        yield event
                finally:
                    await response.aclose()
        except AgentError as exc:
            yield AgentEvent.from_error(exc)
        except httpx.HTTPError as exc:
            yield AgentEvent.from_error(http_error(exc, self.who))

    def _files(self, request: AgentRequest, stack: contextlib.ExitStack) -> list[tuple[str, Any]]:
        found = []
        for media in request.content.media:
            path = Path(media.path) if media.path else None
            if path is None or not path.is_file() or path.stat().st_size > MAX_FILE:
                continue
            mime = media.mime_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            found.append(("files", (path.name, stack.enter_context(path.open("rb")), mime)))
        return found

    async def _events(self, response: httpx.Response, agent_type: str, deadline: Deadline) -> AsyncIterator[AgentEvent]:
        pieces: list[str] = []
        async for name, data in deadline.iterate(sse_events(response.aiter_lines())):
            try:
                payload = json.loads(data)
            except ValueError:
                continue  # keep-alives and anything else that is not a run event
            if not isinstance(payload, dict):
                continue
            event = str(payload.get("event") or name or "")
            if event in FAILED:
                message = _text(payload.get("content")) or _text(payload.get("error")) or event
                code = "CANCELLED" if "Cancelled" in event else PROVIDER_ERROR
                yield AgentEvent.error(f"{self.who}: the run failed: {message}", code)
                return
            if event in COMPLETED and _top_level(agent_type, event):
                yield self._final(payload, streamed="".join(pieces))
                return
            if event in CONTENT and _top_level(agent_type, event):
                piece = _text(payload.get("content"))
                if piece:
                    pieces.append(piece)
                    yield AgentEvent.delta(piece)
            elif event in REASONING:
                thought = _text(payload.get("reasoning_content")) or _text(payload.get("content"))
                if thought:
                    yield AgentEvent.thinking(thought)
            elif event in TOOL_STARTED:
                tool = payload.get("tool") if isinstance(payload.get("tool"), dict) else {}
                yield AgentEvent.thinking(f"using {tool.get('tool_name') or 'a tool'}")
        # the stream ended without a completion event: what was streamed is the answer
        yield AgentEvent.final("".join(pieces))

    def _final(self, payload: Any, streamed: str = "") -> AgentEvent:
        if not isinstance(payload, dict):
            raise AgentError(f"{self.who} answered {type(payload).__name__}, not a run", code=BAD_RESPONSE)
        if str(payload.get("status") or "").upper() == "ERROR":
            raise AgentError(f"{self.who}: the run failed: {_text(payload.get('content'))}", code=PROVIDER_ERROR)
        text = _text(payload.get("content")) or streamed
        metrics = payload.get("metrics") if isinstance(payload.get("metrics"), dict) else {}
        usage = None
        if metrics.get("input_tokens") is not None or metrics.get("output_tokens") is not None:
            usage = Usage(
                input_tokens=_int(metrics.get("input_tokens")), output_tokens=_int(metrics.get("output_tokens"))
            )
        meta = {k: payload[k] for k in ("run_id", "session_id") if isinstance(payload.get(k), str)}
        return AgentEvent.final(text, usage=usage, metadata=meta or None)

    async def health(self) -> Health:
        async def check() -> str:
            # with a key, an authenticated call proves it; without, /health (older servers: /agents)
            if not self.settings.api_key:
                try:
                    (await self.http.get("/health")).raise_for_status()
                    return "AgentOS is up"
                except httpx.HTTPStatusError as exc:
                    if exc.response.status_code != 404:
                        raise http_error(exc, self.who) from None
                except httpx.HTTPError as exc:
                    raise http_error(exc, self.who) from None
            agents = await self.discover("agents")
            return f"AgentOS is up; {len(agents)} agents"

        return await timed_health(check)

    async def discover(self, kind: Literal["agents", "teams", "workflows"]) -> list[dict[str, Any]]:
        try:
            response = await self.http.get(f"/{kind}")
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise http_error(exc, self.who) from None
        items = _json(response, self.who)
        if isinstance(items, dict):  # paginated servers wrap the list
            items = items.get("data") or items.get("items") or []
        if not isinstance(items, list):
            raise AgentError(f"{self.who} listed {kind} as {type(items).__name__}, not a list", code=BAD_RESPONSE)
        singular = kind[:-1]
        out = []
        for item in items:
            if isinstance(item, dict):
                ident = item.get("id") or item.get(f"{singular}_id")
                out.append({"id": str(ident) if ident is not None else None, "name": item.get("name") or ident,
                            "description": item.get("description")})  # fmt: skip
        return out

    async def reset_session(self, session_id: str) -> None:
        """AgentOS deletes the session (best effort: a session it never had is fine)."""
        try:
            response = await self.http.delete(f"/sessions/{session_id}")
        except httpx.HTTPError as exc:
            raise http_error(exc, self.who) from None
        if response.is_error and response.status_code != 404:
            raise http_error(httpx.HTTPStatusError("", request=response.request, response=response), self.who)

    async def close(self) -> None:
        await self.http.aclose()


def _top_level(agent_type: str, event: str) -> bool:
    """For a team, its own events (`TeamRun…`), not those of its members; for a workflow, only its completion (the
    steps' agents stream their own parts)."""
    if agent_type == "team":
        return event.startswith("Team")
    if agent_type == "workflow":
        return event.startswith("Workflow")
    return True


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _json(response: httpx.Response, who: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise AgentError(f"{who} answered something that is not JSON: {response.text[:200]!r}",
                         code=BAD_RESPONSE) from None  # fmt: skip
