"""A fake OpenAI API (`/v1/models`, `/v1/chat/completions`, streaming and not), for the real `openai` SDK.

It answers `echo: <last user message>`. The model name picks a behaviour: `fake-slow` waits `slow_seconds` before
answering (and between streamed words), `fake-500` fails with 500, `fake-429` with 429; any other model answers.
Requests need `Authorization: Bearer <key>` (401 otherwise)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sanic import Request, Sanic
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from tests.fakes.server import Fake, Seen, new_app, record, sse

KEY = "sk-fake-openai"
MODELS = ("fake-model", "fake-slow", "fake-500", "fake-429")


@dataclass
class FakeOpenAI(Fake):
    key: str = KEY
    slow_seconds: float = 5.0
    seen: list[Seen] = field(default_factory=list)

    def app(self) -> Sanic:
        app = new_app("fake_openai")

        @app.get("/v1/models")
        async def models(request: Request) -> HTTPResponse:
            self.seen.append(record(request))
            return self._refuse(request) or json_response(
                {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                                            for m in MODELS]})  # fmt: skip

        @app.post("/v1/chat/completions")
        async def completions(request: Request) -> HTTPResponse | None:
            self.seen.append(record(request))
            refused = self._refuse(request)
            if refused is not None:
                return refused
            body = request.json
            model = body["model"]
            if model == "fake-500":
                return _error(500, "server_error", "the fake is broken")
            if model == "fake-429":
                return _error(429, "rate_limit_exceeded", "slow down")
            user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
            answer = f"echo: {user}"
            delay = self.slow_seconds if model == "fake-slow" else 0.0
            if not body.get("stream"):
                await asyncio.sleep(delay)
                return json_response({
                    "id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()), "model": model,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                 "finish_reason": "stop"}],
                    "usage": _usage(body, answer),
                })  # fmt: skip
            usage = (body.get("stream_options") or {}).get("include_usage")
            await sse(request, _chunks(model, answer, delay, _usage(body, answer) if usage else None))
            return None

        return app

    def _refuse(self, request: Request) -> HTTPResponse | None:
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return _error(401, "invalid_api_key", "Incorrect API key provided")
        return None

    def chat_requests(self) -> list[dict]:
        return [s.json for s in self.seen if s.path == "/v1/chat/completions"]


def _usage(body: dict, answer: str) -> dict:
    prompt = sum(len(m["content"].split()) for m in body["messages"])
    completion = len(answer.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return json_response({"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}},
                         status=status, headers={"retry-after-ms": "10"})  # fmt: skip


async def _chunks(model: str, answer: str, delay: float, usage: dict | None) -> AsyncIterator[str]:
    def chunk(delta: dict, finish: str | None = None, **extra: object) -> str:
        data = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}  # fmt: skip
        return f"data: {json.dumps(data)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    words = answer.split(" ")
    for i, word in enumerate(words):
        await asyncio.sleep(delay)
        yield chunk({"content": word + (" " if i < len(words) - 1 else "")})
    yield chunk({}, "stop")
    if usage is not None:
        data = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": model, "choices": [],
                "usage": usage}  # fmt: skip
        yield f"data: {json.dumps(data)}\n\n"
    yield "data: [DONE]\n\n"
