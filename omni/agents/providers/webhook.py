"""The `webhook` provider: POSTs each trigger as JSON to `baseUrl`, signed, and reads the answer from the response
(`round-trip`) or expects the agent to answer later through the API (`fire-and-forget`).

The body: `{event, traceId, sessionId, agentId, instance: {id, channelType}, chat: {id}, message: {id, ids},
sender: {id, name, personId}, content: {text, emoji, media}, replyEndpoint}` (`event` is the trigger type: dm,
mention, reply …). Headers: `X-Omni-Provider` (the provider id), `X-Omni-Trace-Id`, `Authorization: Bearer <apiKey>`
when there is a key, and — when there is a secret (`signingSecret`, else the API key) — `X-Omni-Timestamp` (Unix
seconds) and `X-Omni-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.

A round-trip answer is `{"parts": ["…", …]}` (messages as the agent split them), `{"reply": "…"}`, `text/plain`, or
empty (nothing to say). Connection errors and 5xx are retried once.

Config (`schemaConfig`): `mode` (`round-trip` | `fire-and-forget`), `signingSecret`, `timeoutSeconds` (default 30).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any, ClassVar, Literal

import httpx
from pydantic import Field

from omni import __version__
from omni.agents.base import (
    BAD_RESPONSE,
    AgentError,
    AgentEvent,
    AgentProvider,
    AgentRequest,
    Health,
    ProviderConfig,
    ProviderSettings,
)
from omni.agents.helpers import Deadline, http_error, timed_health

SIGNATURE = "X-Omni-Signature"
TIMESTAMP = "X-Omni-Timestamp"
ATTEMPTS = 2


class WebhookConfig(ProviderConfig):
    mode: Literal["round-trip", "fire-and-forget"] = "round-trip"
    signing_secret: str | None = Field(None, min_length=8, max_length=1024)
    timeout_seconds: float = Field(30.0, gt=0, le=3600)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Omni-Signature` value for a body sent at `timestamp`: verify a request by computing it again (and
    compare with `hmac.compare_digest`)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class Webhook(AgentProvider):
    key: ClassVar[str] = "webhook"
    config_model = WebhookConfig
    supports_streaming = False
    needs_base_url = True

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings)
        self.config: WebhookConfig = settings.config
        self.who = f"webhook provider {settings.name!r}"
        headers = {"User-Agent": f"omni/{__version__}", "X-Omni-Provider": settings.id}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        self.http = httpx.AsyncClient(headers=headers, timeout=self.config.timeout_seconds)

    def payload(self, request: AgentRequest) -> dict[str, Any]:
        media = [{"type": m.type, "mimeType": m.mime_type, "url": m.url, "caption": m.caption}
                 for m in request.content.media]  # fmt: skip
        return {
            "event": request.type,
            "traceId": request.trace_id,
            "sessionId": request.session_id,
            "agentId": request.agent_id,
            "instance": {"id": request.source.instance_id, "channelType": request.source.channel_type},
            "chat": {"id": request.source.chat_id},
            "message": {"id": request.source.message_id, "ids": request.source.message_ids},
            "sender": {"id": request.sender.platform_user_id, "name": request.sender.display_name,
                       "personId": request.sender.person_id},
            "content": {"text": request.content.text, "emoji": request.content.emoji, "media": media},
            "replyEndpoint": request.reply_endpoint,
        }  # fmt: skip

    def headers(self, body: bytes, trace_id: str) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "X-Omni-Trace-Id": trace_id}
        secret = self.config.signing_secret or self.settings.api_key
        if secret:
            timestamp = str(int(time.time()))
            headers[TIMESTAMP] = timestamp
            headers[SIGNATURE] = sign(secret, timestamp, body)
        return headers

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        deadline = Deadline(request.timeout)
        body = json.dumps(self.payload(request), ensure_ascii=False, separators=(",", ":")).encode()
        try:
            response = await self._post(body, request.trace_id, deadline)
            if self.config.mode == "fire-and-forget":
                yield AgentEvent.final("", metadata={"mode": "fire-and-forget", "status": response.status_code})
            else:
                yield self._answer(response)
        except AgentError as exc:
            yield AgentEvent.from_error(exc)

    async def _post(self, body: bytes, trace_id: str, deadline: Deadline) -> httpx.Response:
        url = self.settings.base_url or ""
        for attempt in range(1, ATTEMPTS + 1):
            timeout = min(self.config.timeout_seconds, deadline.remaining())
            try:
                response = await deadline.run(self.http.post(url, content=body, headers=self.headers(body, trace_id),
                                                             timeout=timeout))  # fmt: skip
                response.raise_for_status()
                return response
            except httpx.HTTPError as exc:
                refused = isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.TimeoutException)
                failed = isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code >= 500
                if attempt < ATTEMPTS and (refused or failed):
                    continue
                raise http_error(exc, self.who) from None
        raise AssertionError("unreachable")

    def _answer(self, response: httpx.Response) -> AgentEvent:
        raw = response.content.strip()
        if not raw:
            return AgentEvent.final("")
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json" and not kind.endswith("+json"):
            return AgentEvent.final(response.text.strip())
        try:
            data = response.json()
        except ValueError:
            raise AgentError(f"{self.who} answered invalid JSON: {response.text[:200]!r}", code=BAD_RESPONSE) from None
        if isinstance(data, dict) and isinstance(data.get("parts"), list):
            parts = [str(p) for p in data["parts"] if isinstance(p, str | int | float) and str(p).strip()]
            return AgentEvent.final("\n\n".join(parts), parts=parts)
        for field in ("reply", "text", "content", "message"):
            if isinstance(data, dict) and isinstance(data.get(field), str):
                return AgentEvent.final(data[field])
        if isinstance(data, str):
            return AgentEvent.final(data)
        if data is None or data == {}:
            return AgentEvent.final("")
        raise AgentError(f'{self.who} answered JSON omni cannot read: expected {{"parts": [...]}} or {{"reply": '
                         f'"..."}}, got {response.text[:200]!r}', code=BAD_RESPONSE)  # fmt: skip

    async def health(self) -> Health:
        async def check() -> str:
            try:
                response = await self.http.head(self.settings.base_url or "", timeout=self.settings.timeout)
            except httpx.HTTPError as exc:
                raise http_error(exc, self.who) from None
            if response.status_code >= 500:
                raise http_error(httpx.HTTPStatusError("", request=response.request, response=response), self.who)
            return f"reachable (HEAD answered {response.status_code})"

        return await timed_health(check)

    async def close(self) -> None:
        await self.http.aclose()
