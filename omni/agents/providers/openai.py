"""The `openai` provider: chat completions through the official `openai` SDK, against OpenAI or any compatible
server (`baseUrl`: vLLM, Ollama, LiteLLM, OpenRouter …). The model keeps no state, so it gets the session's history.

Config (`schemaConfig`): `model` (required), `systemPrompt`, `temperature`, `maxTokens`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any, ClassVar

from pydantic import Field

from omni.agents.base import (
    PROVIDER_ERROR,
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

DEFAULT_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "not-set"  # servers without authentication still need a key in the SDK; OpenAI itself answers 401
SDK_RETRIES = 1  # one retry of the request (not of a started stream) on a refused connection, 429 or 5xx


class OpenAIConfig(ProviderConfig):
    model: str = Field(min_length=1, max_length=200)
    system_prompt: str | None = Field(None, max_length=100_000)
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1, le=1_000_000)


class OpenAI(AgentProvider):
    key: ClassVar[str] = "openai"
    config_model = OpenAIConfig
    wants_history = True

    def __init__(self, settings: ProviderSettings) -> None:
        super().__init__(settings)
        self.config: OpenAIConfig = settings.config
        self.who = f"openai provider {settings.name!r}"
        self._sdk: ModuleType | None = None
        self._client: Any = None

    async def _open(self) -> tuple[ModuleType, Any]:
        if self._client is None:
            sdk = await load_module("openai")
            # explicit base URL and key: the SDK would otherwise read OPENAI_BASE_URL / OPENAI_API_KEY of the server
            self._client = sdk.AsyncOpenAI(api_key=self.settings.api_key or NO_KEY,
                                           base_url=self.settings.base_url or DEFAULT_BASE_URL,
                                           timeout=self.settings.timeout, max_retries=SDK_RETRIES)  # fmt: skip
            self._sdk = sdk
        assert self._sdk is not None
        return self._sdk, self._client

    def messages(self, request: AgentRequest) -> list[dict[str, str]]:
        out = [{"role": "system", "content": self.config.system_prompt}] if self.config.system_prompt else []
        out += [{"role": turn.role, "content": turn.text} for turn in request.history]
        return [*out, {"role": "user", "content": request.content.text}]

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        deadline = Deadline(request.timeout)
        sdk, client = await self._open()
        options: dict[str, Any] = {"model": self.config.model, "messages": self.messages(request)}
        if self.config.temperature is not None:
            options["temperature"] = self.config.temperature
        if self.config.max_tokens is not None:
            options["max_tokens"] = self.config.max_tokens
        try:
            if not request.stream:
                call = client.chat.completions.create(**options, timeout=deadline.remaining())
                completion = await deadline.run(call)
                choice = completion.choices[0] if completion.choices else None
                text = (choice.message.content if choice is not None else None) or ""
                yield AgentEvent.final(text, usage=_usage(completion.usage), metadata={"model": completion.model})
                return
            call = client.chat.completions.create(**options, stream=True, stream_options={"include_usage": True},
                                                  timeout=deadline.remaining())  # fmt: skip
            stream = await deadline.run(call)
            pieces: list[str] = []
            usage, model = None, self.config.model
            try:
                async for chunk in deadline.iterate(stream):
                    model = chunk.model or model
                    usage = _usage(chunk.usage) or usage
                    for choice in chunk.choices[:1]:
                        reasoning = (choice.delta.model_extra or {}).get("reasoning_content")
                        if isinstance(reasoning, str) and reasoning:
                            yield AgentEvent.thinking(reasoning)
                        if choice.delta.content:
                            pieces.append(choice.delta.content)
                            yield AgentEvent.delta(choice.delta.content)
            finally:
                await stream.close()
            yield AgentEvent.final("".join(pieces), usage=usage, metadata={"model": model})
        except AgentError as exc:
            yield AgentEvent.from_error(exc)
        except sdk.OpenAIError as exc:
            yield AgentEvent.from_error(sdk_error(sdk, exc, self.who))

    async def health(self) -> Health:
        sdk, client = await self._open()

        async def check() -> str:
            try:
                page = await client.models.list(timeout=self.settings.timeout)
            except sdk.OpenAIError as exc:
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


def _usage(usage: Any) -> Usage | None:
    if usage is None:
        return None
    return Usage(input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens)


def sdk_error(sdk: ModuleType, exc: Exception, who: str) -> AgentError:
    """An `openai` SDK exception as an `AgentError` (auth, timeout, connection, 429, 5xx …)."""
    if isinstance(exc, sdk.APITimeoutError):
        return AgentError(f"{who} did not answer in time", code=TIMEOUT)
    if isinstance(exc, sdk.APIConnectionError):
        return AgentError(f"{who} is unreachable ({exc.__cause__ or exc}); check its baseUrl", code=UNREACHABLE,
                          retryable=True)  # fmt: skip
    if isinstance(exc, sdk.APIStatusError):
        body = exc.body
        detail = body.get("message") if isinstance(body, dict) and isinstance(body.get("message"), str) else None
        return status_error(exc.status_code, detail or exc.message, who)
    return AgentError(f"{who} failed: {type(exc).__name__}: {exc}", code=PROVIDER_ERROR)
