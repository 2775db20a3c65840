"""A fake Anthropic Messages API (`/v1/models`, `/v1/messages`, streaming and not), for the real `anthropic` SDK.

It answers `echo: <last user message>`. The model name picks a behaviour: `claude-slow` waits `slow_seconds` (before
answering, and between streamed words), `claude-500` fails with 500, `claude-overloaded` sends an `error` event in
the middle of a stream; any other model answers. Requests need the key (`x-api-key`, or `Authorization: Bearer`
as newer SDKs send it; 401 otherwise)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sanic import Request, Sanic
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from tests.fakes.server import Fake, Seen, new_app, record, sse

KEY = "sk-ant-fake"
MODELS = ("claude-fake", "claude-slow", "claude-500", "claude-overloaded")


@dataclass
class FakeAnthropic(Fake):
    key: str = KEY
    slow_seconds: float = 5.0
    seen: list[Seen] = field(default_factory=list)

    def app(self) -> Sanic:
        app = new_app("fake_anthropic")

        @app.get("/v1/models")
        async def models(request: Request) -> HTTPResponse:
            self.seen.append(record(request))
            data = [{"type": "model", "id": m, "display_name": m, "created_at": "2026-01-01T00:00:00Z"} for m in MODELS]
            return self._refuse(request) or json_response({"data": data, "has_more": False, "first_id": MODELS[0],
                                                           "last_id": MODELS[-1]})  # fmt: skip

        @app.post("/v1/messages")
        async def messages(request: Request) -> HTTPResponse | None:
            self.seen.append(record(request))
            refused = self._refuse(request)
            if refused is not None:
                return refused
            body = request.json
            model = body["model"]
            if model == "claude-500":
                return _error(500, "api_error", "the fake is broken")
            user = body["messages"][-1]["content"]
            answer = f"echo: {user}"
            delay = self.slow_seconds if model == "claude-slow" else 0.0
            usage = {"input_tokens": sum(len(m["content"].split()) for m in body["messages"]),
                     "output_tokens": len(answer.split())}  # fmt: skip
            if not body.get("stream"):
                await asyncio.sleep(delay)
                return json_response({"id": "msg_1", "type": "message", "role": "assistant", "model": model,
                                      "content": [{"type": "text", "text": answer}], "stop_reason": "end_turn",
                                      "stop_sequence": None, "usage": usage})  # fmt: skip
            await sse(request, _events(model, answer, delay, usage))
            return None

        return app

    def _refuse(self, request: Request) -> HTTPResponse | None:
        given = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix("Bearer ")
        if given != self.key:
            return _error(401, "authentication_error", "invalid x-api-key")
        return None

    def message_requests(self) -> list[dict]:
        return [s.json for s in self.seen if s.path == "/v1/messages"]


def _error(status: int, kind: str, message: str) -> HTTPResponse:
    return json_response({"type": "error", "error": {"type": kind, "message": message}}, status=status,
                         headers={"retry-after-ms": "10"})  # fmt: skip


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n"


async def _events(model: str, answer: str, delay: float, usage: dict) -> AsyncIterator[str]:
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": model, "content": [],
               "stop_reason": None, "stop_sequence": None,
               "usage": {"input_tokens": usage["input_tokens"], "output_tokens": 1}}  # fmt: skip
    yield _event("message_start", {"message": message})
    yield _event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
    yield _event("ping", {})
    words = answer.split(" ")
    for i, word in enumerate(words):
        await asyncio.sleep(delay)
        text = word + (" " if i < len(words) - 1 else "")
        yield _event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": text}})
        if model == "claude-overloaded" and i == 1:
            yield _event("error", {"error": {"type": "overloaded_error", "message": "Overloaded"}})
            return
    yield _event("content_block_stop", {"index": 0})
    yield _event("message_delta", {"delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                   "usage": {"output_tokens": usage["output_tokens"]}})  # fmt: skip
    yield _event("message_stop", {})
