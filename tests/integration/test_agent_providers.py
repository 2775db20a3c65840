"""The agent providers against fake servers on 127.0.0.1, through the real SDK clients (openai, anthropic, a2a-sdk) and
httpx: streaming and not, history, timeouts, refused keys, failures, discovery, health; the webhook's signature; the
echo provider's directives. (Registration and the provider pool: test_agent_registry.py.)"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from omni.agents.base import AgentError, AgentEvent, AgentProvider, AgentRequest, NotSupported, ProviderSettings
from omni.agents.providers.a2a import A2A
from omni.agents.providers.agno import Agno
from omni.agents.providers.anthropic import Anthropic
from omni.agents.providers.openai import OpenAI
from omni.agents.providers.webhook import Webhook, sign
from omni.builtin.echo import Echo, long_text
from tests.fakes.a2a_server import FakeA2A
from tests.fakes.agentos_server import FakeAgentOS
from tests.fakes.anthropic_server import KEY as ANTHROPIC_KEY
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.openai_server import KEY as OPENAI_KEY
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.webhook_server import FakeWebhook

SLOW = 3.0  # how long the fakes' slow behaviours take; the calls that meet them give up after TIMEOUT
TIMEOUT = 0.3
CLOSED = "http://127.0.0.1:1"  # nothing listens there


def request(text: str, **fields: Any) -> AgentRequest:
    base = {"traceId": "trace-1", "sessionId": "session-1", "type": "dm", "agentId": "assistant",
            "source": {"channelType": "loopback", "instanceId": "inst-1", "chatId": "chat-1", "messageId": "m-1",
                       "messageIds": ["m-0", "m-1"]},
            "sender": {"platformUserId": "user-1", "personId": "person-1", "displayName": "Ana"},
            "content": {"text": text}, "timeout": 10}  # fmt: skip
    return AgentRequest.model_validate(base | fields)


def provider(cls: type[AgentProvider], base_url: str | None, api_key: str | None = None, **config: Any) -> Any:
    settings = ProviderSettings(id="prov-1", name="test", schema=cls.key, base_url=base_url, api_key=api_key,
                                config=cls.config_model.model_validate(config), timeout=5)  # fmt: skip
    return cls(settings)


async def run(p: AgentProvider, req: AgentRequest) -> list[AgentEvent]:
    return [event async for event in p.respond(req)]


def kinds(events: list[AgentEvent]) -> list[str]:
    return [e.kind for e in events]


def last(events: list[AgentEvent]) -> AgentEvent:
    assert events and events[-1].kind in ("final", "error"), events
    assert [e for e in events if e.kind in ("final", "error")] == [events[-1]]  # exactly one, at the end
    return events[-1]


@pytest.fixture
async def openai_fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI(slow_seconds=SLOW) as fake:
        yield fake


@pytest.fixture
async def anthropic_fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic(slow_seconds=SLOW) as fake:
        yield fake


@pytest.fixture
async def agentos() -> AsyncIterator[FakeAgentOS]:
    async with FakeAgentOS(key="os-key", slow_seconds=SLOW) as fake:
        yield fake


@pytest.fixture
async def a2a_fake() -> AsyncIterator[FakeA2A]:
    async with FakeA2A(key="a2a-key", slow_seconds=SLOW) as fake:
        yield fake


@pytest.fixture
async def hook() -> AsyncIterator[FakeWebhook]:
    async with FakeWebhook(slow_seconds=SLOW) as fake:
        yield fake


# -- openai ----------------------------------------------------------------------------------------------------------


async def test_openai_streams_deltas_with_history_and_usage(openai_fake: FakeOpenAI) -> None:
    p = provider(OpenAI, f"{openai_fake.url}/v1", OPENAI_KEY, model="fake-model", systemPrompt="be brief",
                 temperature=0.2, maxTokens=50)  # fmt: skip
    history = [{"role": "user", "text": "[Ana]: hi"}, {"role": "assistant", "text": "hello Ana"}]
    events = await run(p, request("[Ana]: how are you", history=history))
    final = last(events)
    assert final.kind == "final" and final.text == "echo: [Ana]: how are you"
    deltas = [e.text for e in events if e.kind == "delta"]
    assert len(deltas) > 1 and "".join(deltas) == final.text
    assert final.usage is not None and final.usage.input_tokens and final.usage.output_tokens == 5
    sent = openai_fake.chat_requests()[-1]
    assert sent["messages"] == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "[Ana]: hi"},
                                {"role": "assistant", "content": "hello Ana"},
                                {"role": "user", "content": "[Ana]: how are you"}]  # fmt: skip
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert sent["temperature"] == 0.2 and sent["max_tokens"] == 50 and sent["model"] == "fake-model"
    await p.close()


async def test_openai_without_streaming(openai_fake: FakeOpenAI) -> None:
    p = provider(OpenAI, f"{openai_fake.url}/v1", OPENAI_KEY, model="fake-model")
    events = await run(p, request("one shot", stream=False))
    assert kinds(events) == ["final"] and events[0].text == "echo: one shot" and events[0].usage is not None
    assert "stream" not in openai_fake.chat_requests()[-1]
    await p.close()


async def test_openai_failures_have_codes(openai_fake: FakeOpenAI) -> None:
    url = f"{openai_fake.url}/v1"
    cases = [(provider(OpenAI, url, "sk-wrong", model="fake-model"), "AUTH_FAILED", False),
             (provider(OpenAI, url, OPENAI_KEY, model="fake-500"), "PROVIDER_ERROR", True),
             (provider(OpenAI, url, OPENAI_KEY, model="fake-429"), "RATE_LIMITED", True),
             (provider(OpenAI, f"{CLOSED}/v1", OPENAI_KEY, model="fake-model"), "UNREACHABLE", True)]  # fmt: skip
    for p, code, retryable in cases:
        for stream in (True, False):
            error = last(await run(p, request("hi", stream=stream)))
            assert (error.kind, error.code, error.retryable) == ("error", code, retryable), (code, error)
        await p.close()
    assert "apiKey" in last(await run(cases[0][0], request("hi"))).text  # the message says what to fix


async def test_openai_timeout(openai_fake: FakeOpenAI) -> None:
    p = provider(OpenAI, f"{openai_fake.url}/v1", OPENAI_KEY, model="fake-slow")
    for stream in (True, False):
        started = time.monotonic()
        error = last(await run(p, request("hi", stream=stream, timeout=TIMEOUT)))
        assert error.code == "TIMEOUT" and time.monotonic() - started < SLOW - 1
    await p.close()


async def test_openai_health(openai_fake: FakeOpenAI) -> None:
    good = provider(OpenAI, f"{openai_fake.url}/v1", OPENAI_KEY, model="fake-model")
    health = await good.health()
    assert health.ok and health.latency_ms >= 0 and "fake-model" in (health.detail or "")
    missing = await provider(OpenAI, f"{openai_fake.url}/v1", OPENAI_KEY, model="gpt-9").health()
    assert missing.ok and "schemaConfig.model" in (missing.detail or "")
    refused = await provider(OpenAI, f"{openai_fake.url}/v1", "sk-wrong", model="fake-model").health()
    assert not refused.ok and refused.code == "AUTH_FAILED"
    down = await provider(OpenAI, f"{CLOSED}/v1", OPENAI_KEY, model="fake-model").health()
    assert not down.ok and down.code == "UNREACHABLE"
    with pytest.raises(NotSupported):
        await good.discover("agents")
    await good.close()


# -- anthropic -------------------------------------------------------------------------------------------------------


async def test_anthropic_streams_with_alternating_history(anthropic_fake: FakeAnthropic) -> None:
    p = provider(Anthropic, anthropic_fake.url, ANTHROPIC_KEY, model="claude-fake", systemPrompt="be kind")
    history = [{"role": "assistant", "text": "welcome"}, {"role": "user", "text": "a"},
               {"role": "user", "text": "b"}, {"role": "assistant", "text": "c"}]  # fmt: skip
    events = await run(p, request("hello", history=history))
    final = last(events)
    assert final.text == "echo: hello" and "".join(e.text for e in events if e.kind == "delta") == final.text
    assert final.usage is not None and final.usage.output_tokens == 2 and final.metadata["stopReason"] == "end_turn"
    sent = anthropic_fake.message_requests()[-1]
    assert sent["messages"] == [{"role": "user", "content": "a\n\nb"}, {"role": "assistant", "content": "c"},
                                {"role": "user", "content": "hello"}]  # fmt: skip
    assert sent["system"] == "be kind" and sent["max_tokens"] == 1024 and sent["stream"] is True
    events = await run(p, request("calm", stream=False))
    assert kinds(events) == ["final"] and events[0].text == "echo: calm" and events[0].usage is not None
    await p.close()


async def test_anthropic_failures(anthropic_fake: FakeAnthropic) -> None:
    refused = provider(Anthropic, anthropic_fake.url, "sk-ant-wrong", model="claude-fake")
    assert last(await run(refused, request("hi"))).code == "AUTH_FAILED"
    assert (await refused.health()).code == "AUTH_FAILED"
    broken = provider(Anthropic, anthropic_fake.url, ANTHROPIC_KEY, model="claude-500")
    error = last(await run(broken, request("hi", stream=False)))
    assert error.code == "PROVIDER_ERROR" and error.retryable
    overloaded = provider(Anthropic, anthropic_fake.url, ANTHROPIC_KEY, model="claude-overloaded")
    events = await run(overloaded, request("one two three"))
    assert "delta" in kinds(events) and last(events).code == "PROVIDER_ERROR" and last(events).retryable
    slow = provider(Anthropic, anthropic_fake.url, ANTHROPIC_KEY, model="claude-slow")
    assert last(await run(slow, request("hi", timeout=TIMEOUT))).code == "TIMEOUT"
    healthy = provider(Anthropic, anthropic_fake.url, ANTHROPIC_KEY, model="claude-fake")
    assert (await healthy.health()).ok
    for p in (refused, broken, overloaded, slow, healthy):
        await p.close()


# -- agno ------------------------------------------------------------------------------------------------------------


async def test_agno_streams_a_run_with_files(agentos: FakeAgentOS, tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8jpeg")
    p = provider(Agno, agentos.url, "os-key")
    content = {"text": "[Ana]: look", "media": [{"type": "image", "mimeType": "image/jpeg", "path": str(photo)},
                                                {"type": "audio", "path": str(tmp_path / "missing.ogg")}]}  # fmt: skip
    events = await run(p, request("", content=content))
    final = last(events)
    assert final.text == "assistant: [Ana]: look (+1 files)" and final.usage is not None
    assert "".join(e.text for e in events if e.kind == "delta") == final.text
    assert [e.text for e in events if e.kind == "thinking"] == ["thinking it over", "using search"]
    run_call = agentos.runs()[-1]
    assert run_call.path == "/agents/assistant/runs" and run_call.headers["authorization"] == "Bearer os-key"
    assert run_call.headers["content-type"].startswith("multipart/form-data")
    assert run_call.form == {"message": "[Ana]: look", "stream": "true", "session_id": "session-1",
                             "user_id": "person-1"}  # fmt: skip
    assert run_call.files == [("files", "photo.jpg", b"\xff\xd8jpeg")]
    await p.close()


async def test_agno_teams_workflows_and_json_runs(agentos: FakeAgentOS) -> None:
    p = provider(Agno, agentos.url, "os-key", sendFiles=False)
    team = await run(p, request("go", agentId="crew", agentType="team"))
    assert last(team).text == "crew: go" and "member chatter" not in "".join(e.text for e in team)
    flow = await run(p, request("go", agentId="flow", agentType="workflow"))
    assert kinds(flow) == ["final"] and flow[0].text == "flow: go"
    plain = await run(p, request("go", stream=False))
    assert kinds(plain) == ["final"] and plain[0].text == "assistant: go" and plain[0].metadata["run_id"] == "run-1"
    assert [r.path for r in agentos.runs()] == ["/teams/crew/runs", "/workflows/flow/runs", "/agents/assistant/runs"]
    assert agentos.runs()[-1].form["stream"] == "false"
    await p.close()


async def test_agno_failures(agentos: FakeAgentOS) -> None:
    p = provider(Agno, agentos.url, "os-key")
    assert last(await run(p, request("x", agentId="broken"))).code == "PROVIDER_ERROR"
    error = last(await run(p, request("x", agentId="broken", stream=False)))
    assert error.code == "PROVIDER_ERROR" and error.retryable and "the agent crashed" in error.text
    assert last(await run(p, request("x", agentId="nobody"))).code == "NOT_FOUND"
    assert last(await run(p, request("x", agentId=None))).code == "BAD_REQUEST"
    assert last(await run(p, request("x", agentId="slow", timeout=TIMEOUT))).code == "TIMEOUT"
    refused = provider(Agno, agentos.url, "wrong")
    assert last(await run(refused, request("x"))).code == "AUTH_FAILED"
    down = provider(Agno, CLOSED)
    assert last(await run(down, request("x"))).code == "UNREACHABLE"
    for each in (p, refused, down):
        await each.close()


async def test_agno_discovery_health_and_reset(agentos: FakeAgentOS) -> None:
    p = provider(Agno, agentos.url, "os-key")
    agents = await p.discover("agents")
    assert agents[0] == {"id": "assistant", "name": "Assistant", "description": "answers"} and len(agents) == 3
    assert await p.discover("teams") == [{"id": "crew", "name": "Crew", "description": "a team"}]
    assert await p.discover("workflows") == [{"id": "flow", "name": "Flow", "description": "a workflow"}]
    health = await p.health()
    assert health.ok and "3 agents" in (health.detail or "")
    await p.reset_session("session-1")
    assert agentos.seen[-1].method == "DELETE" and agentos.seen[-1].path == "/sessions/session-1"
    keyless = provider(Agno, agentos.url)  # no key: the public /health
    assert (await keyless.health()).ok and agentos.seen[-1].path == "/health"
    refused = provider(Agno, agentos.url, "wrong")
    assert (await refused.health()).code == "AUTH_FAILED"
    with pytest.raises(AgentError) as caught:
        await refused.discover("agents")
    assert caught.value.code == "AUTH_FAILED"
    assert (await provider(Agno, CLOSED).health()).code == "UNREACHABLE"
    for each in (p, keyless, refused):
        await each.close()


# -- a2a -------------------------------------------------------------------------------------------------------------


async def test_a2a_messages_with_the_session_as_context(a2a_fake: FakeA2A) -> None:
    p = provider(A2A, a2a_fake.url, "a2a-key")
    for stream in (True, False):
        events = await run(p, request("hello", stream=stream))
        assert kinds(events) == ["final"] and events[0].text == "a2a: hello"
    calls = a2a_fake.calls()
    assert [c["method"] for c in calls] == ["SendStreamingMessage", "SendMessage"]
    message = calls[0]["params"]["message"]
    assert message["contextId"] == "session-1" and message["role"] == "ROLE_USER"
    assert message["parts"] == [{"text": "hello"}]
    assert all(s.headers.get("authorization") == "Bearer a2a-key" for s in a2a_fake.seen if s.method == "POST")
    await p.close()


async def test_a2a_tasks_stream_poll_and_ask(a2a_fake: FakeA2A) -> None:
    p = provider(A2A, a2a_fake.url, "a2a-key", pollSeconds=0.05)
    streamed = await run(p, request("task one"))
    assert [e.text for e in streamed if e.kind == "delta"] == ["the task ", "is ", "done"]
    assert [e.text for e in streamed if e.kind == "thinking"] == ["working on it"]
    assert last(streamed).text == "the task is done" and last(streamed).metadata == {"taskState": "COMPLETED"}
    polled = await run(p, request("task two", stream=False))
    assert last(polled).text == "the task is done" and "GetTask" in [c["method"] for c in a2a_fake.calls()]
    question = await run(p, request("ask me"))
    assert last(question).text == "which one?" and last(question).metadata == {"taskState": "INPUT_REQUIRED"}
    answer = await run(p, request("blue"))
    assert last(answer).text == "you chose blue"
    continued = a2a_fake.calls()[-1]["params"]["message"]
    assert continued["taskId"] in a2a_fake.tasks and continued["contextId"] == "session-1"
    failed = last(await run(p, request("fail now")))
    assert failed.kind == "error" and failed.code == "PROVIDER_ERROR" and "it broke" in failed.text
    assert last(await run(p, request("slow down", timeout=TIMEOUT))).code == "TIMEOUT"
    await p.close()


async def test_a2a_card_health_discovery_and_failures(a2a_fake: FakeA2A) -> None:
    p = provider(A2A, a2a_fake.url, "a2a-key")
    health = await p.health()
    assert health.ok and health.detail == "Fake A2A 1.0.0"
    assert [s["id"] for s in await p.discover("agents")] == ["echo", "tasks"]
    with pytest.raises(NotSupported):
        await p.discover("teams")
    refused = provider(A2A, a2a_fake.url, "wrong")
    assert last(await run(refused, request("hello"))).code == "AUTH_FAILED"
    nowhere = provider(A2A, a2a_fake.url, cardPath="/no-card.json")
    assert not (await nowhere.health()).ok
    assert last(await run(nowhere, request("hello"))).code == "NOT_FOUND"
    down = provider(A2A, CLOSED)
    assert (await down.health()).code == "UNREACHABLE"
    assert last(await run(down, request("hello"))).code == "UNREACHABLE"
    for each in (p, refused, nowhere, down):
        await each.close()


# -- webhook ---------------------------------------------------------------------------------------------------------


async def test_webhook_posts_a_signed_trigger(hook: FakeWebhook) -> None:
    p = provider(Webhook, f"{hook.url}/reply", "hook-key")
    events = await run(p, request("hi there", reply_endpoint="http://omni/api/v2/messages/send"))
    assert kinds(events) == ["final"] and events[0].text == "reply: hi there"
    seen = hook.seen[-1]
    body = seen.json
    assert body["event"] == "dm" and body["traceId"] == "trace-1" and body["sessionId"] == "session-1"
    assert body["instance"] == {"id": "inst-1", "channelType": "loopback"} and body["chat"] == {"id": "chat-1"}
    assert body["sender"] == {"id": "user-1", "name": "Ana", "personId": "person-1"}
    assert body["content"] == {"text": "hi there", "emoji": None, "media": []}
    assert body["replyEndpoint"] == "http://omni/api/v2/messages/send" and body["agentId"] == "assistant"
    headers = seen.headers
    assert headers["x-omni-provider"] == "prov-1" and headers["authorization"] == "Bearer hook-key"
    timestamp = headers["x-omni-timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    # what a receiver does: HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret
    expected = "sha256=" + hmac.new(b"hook-key", timestamp.encode() + b"." + seen.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-omni-signature"], expected)
    assert sign("hook-key", timestamp, seen.body) == expected
    await p.close()
    secret = provider(Webhook, f"{hook.url}/reply", "hook-key", signingSecret="a-separate-secret")
    await run(secret, request("again"))
    seen = hook.seen[-1]
    assert seen.headers["x-omni-signature"] == sign("a-separate-secret", seen.headers["x-omni-timestamp"], seen.body)
    await secret.close()
    unsigned = provider(Webhook, f"{hook.url}/reply")
    await run(unsigned, request("plain"))
    assert "x-omni-signature" not in hook.seen[-1].headers and "authorization" not in hook.seen[-1].headers
    await unsigned.close()


async def test_webhook_answers(hook: FakeWebhook) -> None:
    answers = {"parts": ("one: hi\n\ntwo", ["one: hi", "two"]), "reply": ("reply: hi", None),
               "text": ("text: hi", None), "empty": ("", None)}  # fmt: skip
    for path, (text, parts) in answers.items():
        p = provider(Webhook, f"{hook.url}/{path}")
        final = last(await run(p, request("hi")))
        assert (final.kind, final.text, final.parts) == ("final", text, parts), path
        await p.close()
    forget = provider(Webhook, f"{hook.url}/accepted", mode="fire-and-forget")
    final = last(await run(forget, request("hi")))
    assert final.text == "" and final.metadata == {"mode": "fire-and-forget", "status": 202}
    await forget.close()


async def test_webhook_retries_once_and_fails_clearly(hook: FakeWebhook) -> None:
    flaky = provider(Webhook, f"{hook.url}/flaky")
    assert last(await run(flaky, request("hi"))).text == "second try"
    assert [s.path for s in hook.seen] == ["/flaky", "/flaky"]
    broken = provider(Webhook, f"{hook.url}/broken")
    error = last(await run(broken, request("hi")))
    assert error.code == "PROVIDER_ERROR" and "the agent crashed" in error.text
    assert [s.path for s in hook.seen].count("/broken") == 2
    denied = provider(Webhook, f"{hook.url}/denied")
    assert last(await run(denied, request("hi"))).code == "AUTH_FAILED"
    assert [s.path for s in hook.seen].count("/denied") == 1  # a 4xx is not retried
    odd = provider(Webhook, f"{hook.url}/odd")
    assert last(await run(odd, request("hi"))).code == "BAD_RESPONSE"
    slow = provider(Webhook, f"{hook.url}/slow", timeoutSeconds=TIMEOUT)
    assert last(await run(slow, request("hi"))).code == "TIMEOUT"
    down = provider(Webhook, f"{CLOSED}/hook")
    assert last(await run(down, request("hi"))).code == "UNREACHABLE"
    for each in (flaky, broken, denied, odd, slow, down):
        await each.close()


async def test_webhook_health_is_a_head(hook: FakeWebhook) -> None:
    up = provider(Webhook, f"{hook.url}/anything")
    health = await up.health()
    assert health.ok and "200" in (health.detail or "")
    failing = await provider(Webhook, f"{hook.url}/down").health()
    assert not failing.ok and failing.code == "PROVIDER_ERROR"
    assert (await provider(Webhook, f"{CLOSED}/x").health()).code == "UNREACHABLE"
    await up.close()


# -- echo ------------------------------------------------------------------------------------------------------------


async def test_echo_answers_and_streams_words() -> None:
    p = provider(Echo, None, prefix="» ")
    events = await run(p, request("hello big world"))
    assert [e.text for e in events if e.kind == "delta"] == ["» ", "hello ", "big ", "world"]
    assert last(events).text == "» hello big world"
    assert kinds(await run(p, request("quiet", stream=False))) == ["final"]
    assert kinds(await run(provider(Echo, None, stream=False), request("no words"))) == ["final"]
    assert (await p.health()).ok
    with pytest.raises(NotSupported):
        await p.discover("agents")


async def test_echo_directives() -> None:
    p = provider(Echo, None)
    failed = last(await run(p, request("!fail the model is down")))
    assert (failed.kind, failed.code, failed.text) == ("error", "ECHO_FAILURE", "the model is down")
    started = time.monotonic()
    slept = await run(p, request("!sleep 200 woke up", stream=False))
    assert slept[0].text == "woke up" and time.monotonic() - started >= 0.19
    with pytest.raises(RuntimeError, match="echo was told to raise"):
        await run(p, request("!raise"))
    parts = last(await run(p, request("!parts a | b |  c ")))
    assert parts.parts == ["a", "b", "c"] and parts.text == "a\n\nb\n\nc"
    long = last(await run(p, request("!long 5000", stream=False)))
    assert len(long.text) == 5000 and long.text == long_text(5000)
    assert "\n\n" in long.text and long.text.count(". ") > 20
    delayed = provider(Echo, None, delayMs=100)
    started = time.monotonic()
    assert last(await run(delayed, request("late", stream=False))).text == "late"
    assert time.monotonic() - started >= 0.09
