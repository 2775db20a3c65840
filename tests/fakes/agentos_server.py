"""A fake Agno AgentOS: `GET /health`, `GET /agents|teams|workflows`, multipart `POST /{kind}/{id}/runs` (SSE events
when `stream=true`, the run's JSON otherwise) and `DELETE /sessions/{id}`.

Runs answer `<id>: <message>`. Ids pick a behaviour: agent `slow` waits `slow_seconds` between streamed words (and
before a JSON answer); agent `broken` fails (a `RunError` event, or 500); team `crew` streams `TeamRunContent` (and
member `RunContent` events that are not the answer); workflow `flow` streams step events, then `WorkflowCompleted`.
With `key` set, every route but /health needs `Authorization: Bearer <key>`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sanic import Request, Sanic
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from tests.fakes.server import Fake, Seen, new_app, record, sse

AGENTS = [{"id": "assistant", "name": "Assistant", "description": "answers"},
          {"id": "slow", "name": "Slow", "description": None}, {"id": "broken", "name": "Broken"}]  # fmt: skip
TEAMS = [{"team_id": "crew", "name": "Crew", "description": "a team"}]
WORKFLOWS = [{"workflow_id": "flow", "name": "Flow", "description": "a workflow"}]


@dataclass
class FakeAgentOS(Fake):
    key: str | None = None
    slow_seconds: float = 5.0
    seen: list[Seen] = field(default_factory=list)

    def app(self) -> Sanic:
        app = new_app("fake_agentos")

        @app.get("/health")
        async def health(request: Request) -> HTTPResponse:
            self.seen.append(record(request))
            return json_response({"status": "ok"})

        @app.get("/<kind:agents|teams|workflows>")
        async def listing(request: Request, kind: str) -> HTTPResponse:
            self.seen.append(record(request))
            return self._refuse(request) or json_response(
                {"agents": AGENTS, "teams": TEAMS, "workflows": WORKFLOWS}[kind]
            )

        @app.delete("/sessions/<session_id>")
        async def delete_session(request: Request, session_id: str) -> HTTPResponse:
            self.seen.append(record(request))
            return self._refuse(request) or HTTPResponse(status=204)

        @app.post("/<kind:agents|teams|workflows>/<ident>/runs")
        async def run(request: Request, kind: str, ident: str) -> HTTPResponse | None:
            seen = record(request)
            self.seen.append(seen)
            refused = self._refuse(request)
            if refused is not None:
                return refused
            known = {"agents": AGENTS, "teams": TEAMS, "workflows": WORKFLOWS}[kind]
            if ident not in {a.get("id") or a.get("team_id") or a.get("workflow_id") for a in known}:
                return json_response({"detail": f"{kind[:-1]} {ident} not found"}, status=404)
            answer = f"{ident}: {seen.form.get('message', '')}"
            if seen.files:
                answer += f" (+{len(seen.files)} files)"
            if seen.form.get("stream") != "true":
                if ident == "broken":
                    return json_response({"detail": "the agent crashed"}, status=500)
                await asyncio.sleep(self.slow_seconds if ident == "slow" else 0)
                metrics = {"input_tokens": 3, "output_tokens": 4}
                return json_response({"run_id": "run-1", "session_id": seen.form.get("session_id"), "content": answer,
                                      "status": "COMPLETED", "metrics": metrics})  # fmt: skip
            await sse(request, self._events(kind, ident, answer, seen.form.get("session_id")))
            return None

        return app

    async def _events(self, kind: str, ident: str, answer: str, session: str | None) -> AsyncIterator[str]:
        def event(name: str, **data: object) -> str:
            payload = {"event": name, "run_id": "run-1", "session_id": session, **data}
            return f"event: {name}\ndata: {json.dumps(payload)}\n\n"

        words = answer.split(" ")
        pieces = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
        if kind == "workflows":
            yield event("WorkflowStarted")
            yield event("StepStarted", step_name="draft")
            yield event("RunContent", content="draft words", workflow_id=ident)
            yield event("StepCompleted", step_name="draft", content="draft words")
            yield event("WorkflowCompleted", content=answer)
            return
        prefix = "Team" if kind == "teams" else ""
        yield event(f"{prefix}RunStarted")
        yield event(f"{prefix}ReasoningStep", reasoning_content="thinking it over")
        yield event(f"{prefix}ToolCallStarted", tool={"tool_name": "search"})
        if ident == "broken":
            yield event(f"{prefix}RunError", content="the agent crashed")
            return
        for piece in pieces:
            if ident == "slow":
                await asyncio.sleep(self.slow_seconds)
            if kind == "teams":
                yield event("RunContent", content="member chatter ")
            yield event(f"{prefix}RunContent", content=piece)
        yield event(f"{prefix}RunCompleted", content=answer, metrics={"input_tokens": 3, "output_tokens": 4})

    def _refuse(self, request: Request) -> HTTPResponse | None:
        if self.key is not None and request.headers.get("authorization") != f"Bearer {self.key}":
            return json_response({"detail": "Invalid authentication token"}, status=401)
        return None

    def runs(self) -> list[Seen]:
        return [s for s in self.seen if s.path.endswith("/runs")]
