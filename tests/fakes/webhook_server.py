"""A fake webhook agent: records every trigger omni POSTs (raw body and headers, to check the signature) and answers
by path: `/parts` `{"parts": [...]}`, `/reply` `{"reply": "..."}`, `/text` text/plain, `/empty` 204, `/accepted` 202
(fire-and-forget), `/flaky` 503 once then a reply, `/broken` 500 always, `/denied` 401, `/slow` after
`slow_seconds`, `/odd` JSON omni cannot read. HEAD answers 200, except `/down` (503)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sanic import Request, Sanic
from sanic.response import HTTPResponse, empty
from sanic.response import json as json_response
from sanic.response import text as text_response

from tests.fakes.server import Fake, Seen, new_app, record


@dataclass
class FakeWebhook(Fake):
    slow_seconds: float = 5.0
    seen: list[Seen] = field(default_factory=list)

    def app(self) -> Sanic:
        app = new_app("fake_webhook")

        @app.route("/<name>", methods=["POST", "HEAD"])
        async def hook(request: Request, name: str) -> HTTPResponse:
            if request.method == "HEAD":
                return empty(status=503 if name == "down" else 200)
            self.seen.append(record(request))
            said = request.json["content"]["text"]
            if name == "parts":
                return json_response({"parts": [f"one: {said}", "two"]})
            if name == "reply":
                return json_response({"reply": f"reply: {said}"})
            if name == "text":
                return text_response(f"text: {said}")
            if name == "empty":
                return empty()
            if name == "accepted":
                return json_response({"queued": True}, status=202)
            if name == "flaky" and sum(s.path == "/flaky" for s in self.seen) == 1:
                return json_response({"error": "try again"}, status=503)
            if name == "flaky":
                return json_response({"reply": "second try"})
            if name == "broken":
                return json_response({"error": "the agent crashed"}, status=500)
            if name == "denied":
                return json_response({"error": "bad token"}, status=401)
            if name == "slow":
                await asyncio.sleep(self.slow_seconds)
                return json_response({"reply": "too late"})
            return json_response({"unexpected": ["shape"]})

        return app
