"""The `anthropic` provider: the Messages API through the official `anthropic` SDK. The model keeps no state, so it
gets the session's history.

Config (`schemaConfig`): `model` (required), `systemPrompt`, `temperature`, `maxTokens` (default 1024).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any, ClassVar

from pydantic import Field

from omni.agents.base import (
    PROVIDER_ERROR,
    RATE_LIMITED,
    TIMEOUT,
    UNREACHABLE,
    AgentError,
    AgentEvent,
    AgentProvider,
    AgentRequest,
    Health,
    ProviderConfig,
    ProviderSettings,
    Usage,
)
from omni.agents.helpers import Deadline, load_module, status_error, timed_health

DEFAULT_BASE_URL = "https://api.anthropic.com"
SDK_RETRIES = 1  # one retry of the request (not of a started stream) on a refused connection, 429, 529 or 5xx


class AnthropicConfig(ProviderConfig):
    model: str = Field(min_length=1, max_length=200)
    system_prompt: str | None = Field(None, max_length=100_000)
    temperature: float | None = Field(None, ge=0, le=1)
    max_tokens: int = Field(1024, ge=1, le=1_000_000)


class Anthropic(AgentProvider):
    key: ClassVar[str] = "anthropic"
    config_model = AnthropicConfig
    wants_history = True
    needs_api_key = True

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings)
        self.config: AnthropicConfig = settings.config
        self.who = f"anthropic provider {settings.name!r}"
        self._sdk: ModuleType | None = None
        self._client: Any = None

    async def _open(self) -> tuple[ModuleType, Any]:
        if self._client is None:
            sdk = await load_module("anthropic")
            # explicit base URL and key: the SDK would otherwise read ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY
            self._client = sdk.AsyncAnthropic(api_key=self.settings.api_key,
                                              base_url=self.settings.base_url or DEFAULT_BASE_URL,
                                              timeout=self.settings.timeout, max_retries=SDK_RETRIES)  # fmt: skip
            self._sdk = sdk
        assert self._sdk is not None
        return self._sdk, self._client

    def messages(self, request: AgentRequest) -> list[dict[str, str]]:
        """History then the request. The API wants the turns to alternate and start with the user: turns of the same
        role are joined, and a leading assistant turn is dropped."""
        turns: list[dict[str, str]] = []
        for role, text in [*((t.role, t.text) for t in request.history), ("user", request.content.text)]:
            if turns and turns[-1]["role"] == role:
                turns[-1]["content"] += "\n\n" + text
            elif turns or role == "user":
                turns.append({"role": role, "content": text})
        return turns

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        deadline = Deadline(request.timeout)
        sdk, client = await self._open()
        options: dict[str, Any] = {"model": self.config.model, "max_tokens": self.config.max_tokens,
                                   "messages": self.messages(request)}  # fmt: skip
        if self.config.system_prompt:
            options["system"] = self.config.system_prompt
        if self.config.temperature is not None:
            options["temperature"] = self.config.temperature
        try:
            if not request.stream:
                message = await deadline.run(client.messages.create(**options, timeout=deadline.remaining()))
                text = "".join(block.text for block in message.content if block.type == "text")
                usage = _usage(message.usage.input_tokens, message.usage.output_tokens)
                meta = {"model": message.model, "stopReason": message.stop_reason}
                yield AgentEvent.final(text, usage=usage, metadata=meta)
                return
            stream = await deadline.run(client.messages.create(**options, stream=True, timeout=deadline.remaining()))
            pieces: list[str] = []
            model, stop, input_tokens, output_tokens = self.config.model, None, None, None
            try:
                async for event in deadline.iterate(stream):
                    if event.type == "message_start":
                        model = event.message.model or model
                        input_tokens = event.message.usage.input_tokens
                    elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                        pieces.append(event.delta.text)
                        yield AgentEvent.delta(event.delta.text)
                    elif event.type == "content_block_delta" and event.delta.type == "thinking_delta":
                        yield AgentEvent.thinking(event.delta.thinking)
                    elif event.type == "message_delta":
                        stop = event.delta.stop_reason
                        output_tokens = event.usage.output_tokens
            finally:
                await stream.close()
            yield AgentEvent.final("".join(pieces), usage=_usage(input_tokens, output_tokens),
                                   metadata={"model": model, "stopReason": stop})  # fmt: skip
        except AgentError as exc:
            yield AgentEvent.from_error(exc)
        except sdk.AnthropicError as exc:
            yield AgentEvent.from_error(sdk_error(sdk, exc, self.who))

    async def health(self) -> Health:
        sdk, client = await self._open()

        async def check() -> str:
            try:
                page = await client.models.list(limit=100, timeout=self.settings.timeout)
            except sdk.AnthropicError as exc:
                raise sdk_error(sdk, exc, self.who) from None
            ids = [model.id for model in page.data]
            if ids and self.config.model not in ids:
                return f"{len(ids)} models, but not {self.config.model!r}: check schemaConfig.model"
            return f"{len(ids)} models; using {self.config.model}"

        return await timed_health(check)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def _usage(input_tokens: int | None, output_tokens: int | None) -> Usage | None:
    if input_tokens is None and output_tokens is None:
        return None
    return Usage(input_tokens=input_tokens, output_tokens=output_tokens)


def sdk_error(sdk: ModuleType, exc: Exception, who: str) -> AgentError:
    """An `anthropic` SDK exception as an `AgentError` (auth, timeout, connection, 429, overloaded, 5xx …)."""
    if isinstance(exc, sdk.APITimeoutError):
        return AgentError(f"{who} did not answer in time", code=TIMEOUT)
    if isinstance(exc, sdk.APIConnectionError):
        return AgentError(f"{who} is unreachable ({exc.__cause__ or exc}); check its baseUrl", code=UNREACHABLE,
                          retryable=True)  # fmt: skip
    if isinstance(exc, sdk.APIStatusError):
        detail = exc.api_message or exc.message
        if exc.status_code < 400:  # an `error` event in a stream that had started (HTTP 200)
            if exc.type == "rate_limit_error":
                return AgentError(f"{who} is rate limiting ({detail})", code=RATE_LIMITED, retryable=True)
            return AgentError(f"{who} failed while answering ({exc.type}: {detail})", code=PROVIDER_ERROR,
                              retryable=exc.type in ("overloaded_error", "api_error"))  # fmt: skip
        return status_error(exc.status_code, detail, who)
    return AgentError(f"{who} failed: {type(exc).__name__}: {exc}", code=PROVIDER_ERROR)
