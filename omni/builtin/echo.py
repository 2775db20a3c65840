"""The echo agent provider (`echo`): answers with the text it was sent. No network, deterministic, always healthy —
demos, tests and benchmarks use it, and it is the smallest example of a provider plugin.

Config (`schemaConfig`): `prefix` is put before every answer; `delayMs` waits before answering; `stream` (default
true) sends the answer word by word as deltas when the call streams, `wordDelayMs` apart.

Directives at the start of the text script the answer (for tests):

- `!fail [message]`: an error event, code `ECHO_FAILURE`
- `!sleep <ms> rest`: waits, then echoes `rest`
- `!raise`: raises `RuntimeError` out of `respond` (a crashing provider)
- `!parts a | b | c`: a final answer already split into the messages `a`, `b`, `c`
- `!long <n>`: a final text of `n` characters, in sentences and paragraphs (for chunking)
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import ClassVar

from pydantic import Field

from omni.agents.base import AgentEvent, AgentProvider, AgentRequest, Health, ProviderConfig

KEY = "echo"
FAILURE = "ECHO_FAILURE"
MAX_LONG = 1_000_000
WORDS = ("omni", "echo", "agent", "message", "channel", "reply", "stream", "chunk", "paragraph", "sentence", "test")
DIRECTIVE = re.compile(r"^!(fail|sleep|raise|parts|long)\b[ \t]*(.*)\Z", re.DOTALL)


class EchoConfig(ProviderConfig):
    prefix: str = Field("", max_length=1000)
    delay_ms: int = Field(0, ge=0, le=600_000)
    stream: bool = True
    word_delay_ms: int = Field(0, ge=0, le=10_000)


class Echo(AgentProvider):
    key: ClassVar[str] = KEY
    config_model = EchoConfig

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        config: EchoConfig = self.settings.config or EchoConfig()
        if config.delay_ms:
            await asyncio.sleep(config.delay_ms / 1000)
        text = request.content.text
        match = DIRECTIVE.match(text.lstrip())
        if match is not None:
            verb, rest = match.groups()
            if verb == "fail":
                yield AgentEvent.error(rest.strip() or "echo was told to fail", FAILURE)
                return
            if verb == "raise":
                raise RuntimeError(rest.strip() or "echo was told to raise")
            if verb == "parts":
                parts = [config.prefix + p.strip() for p in rest.split("|") if p.strip()]
                yield AgentEvent.final("\n\n".join(parts), parts=parts)
                return
            if verb == "sleep":
                ms, _, rest = rest.partition(" ")
                await asyncio.sleep(_int(ms) / 1000)
                text = rest
            elif verb == "long":
                text = long_text(min(_int(rest), MAX_LONG))
        answer = config.prefix + text
        if request.stream and config.stream and answer:
            for piece in re.findall(r"\S+\s*|\s+", answer):
                yield AgentEvent.delta(piece)
                if config.word_delay_ms:
                    await asyncio.sleep(config.word_delay_ms / 1000)
        yield AgentEvent.final(answer)

    async def health(self) -> Health:
        return Health(ok=True, latency_ms=0.0, detail="echo answers with what it is sent")


def _int(value: str) -> int:
    digits = re.match(r"\s*(\d+)", value)
    return int(digits.group(1)) if digits else 0


def long_text(length: int) -> str:
    """`length` characters of sentences (3 to 12 words) in paragraphs of 2 to 5 sentences; the same for a length."""
    out: list[str] = []
    size, i = 0, 0
    while size < length:
        words = [WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(3 + i % 10)]
        sentence = " ".join(words).capitalize() + "."
        sep = "" if not out else ("\n\n" if i % (2 + i % 4) == 0 else " ")
        out.append(sep + sentence)
        size += len(sep) + len(sentence)
        i += 1
    return "".join(out)[:length]
