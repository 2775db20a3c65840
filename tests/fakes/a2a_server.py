"""A fake A2A agent (protocol 1.0, JSON-RPC binding) built from the `a2a-sdk` types: its agent card at
`/.well-known/agent-card.json`, and `SendMessage`, `SendStreamingMessage` and `GetTask` at `/`.

It answers a message `a2a: <text>`. The text picks a behaviour: `task …` runs a task (streamed: a working status,
then the answer as appended artifact chunks, then completed; not streamed: the task comes back working and is done
when polled); `ask …` asks a question (input required) and the next message of that task gets `you chose <text>`;
`fail …` fails the task; `slow …` waits `slow_seconds`. With `key` set, calls need `Authorization: Bearer <key>`."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from a2a.types import a2a_pb2 as a2a
from google.protobuf import json_format
from sanic import Request, Sanic
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from tests.fakes.server import Fake, Seen, new_app, record, sse

TEXT = "text/plain"


@dataclass
class FakeA2A(Fake):
    key: str | None = None
    slow_seconds: float = 5.0
    streaming: bool = True
    seen: list[Seen] = field(default_factory=list)
    tasks: dict[str, a2a.Task] = field(default_factory=dict)

    def card(self) -> dict[str, Any]:
        card = a2a.AgentCard(
            name="Fake A2A", description="echoes what it is told", version="1.0.0",
            supported_interfaces=[a2a.AgentInterface(url=f"{self.url}/", protocol_binding="JSONRPC",
                                                     protocol_version="1.0")],
            capabilities=a2a.AgentCapabilities(streaming=self.streaming),
            default_input_modes=[TEXT], default_output_modes=[TEXT],
            skills=[a2a.AgentSkill(id="echo", name="Echo", description="echoes text", tags=["echo"]),
                    a2a.AgentSkill(id="tasks", name="Tasks", description="runs tasks", tags=["task"])],
        )  # fmt: skip
        return json_format.MessageToDict(card)

    def app(self) -> Sanic:
        app = new_app("fake_a2a")

        @app.get("/.well-known/agent-card.json")
        async def agent_card(request: Request) -> HTTPResponse:
            self.seen.append(record(request))
            return json_response(self.card())

        @app.post("/")
        async def rpc(request: Request) -> HTTPResponse | None:
            self.seen.append(record(request))
            body = request.json
            if self.key is not None and request.headers.get("authorization") != f"Bearer {self.key}":
                return json_response({"detail": "unauthorized"}, status=401)
            method, params, ident = body["method"], body.get("params") or {}, body.get("id")
            if method == "GetTask":
                return _result(ident, json_format.MessageToDict(self._poll(params["id"])))
            if method not in ("SendMessage", "SendStreamingMessage"):
                return json_response({"jsonrpc": "2.0", "id": ident, "error": {"code": -32601, "message": method}})
            call = json_format.ParseDict(params, a2a.SendMessageRequest(), ignore_unknown_fields=True)
            if method == "SendMessage":
                return _result(ident, json_format.MessageToDict(await self._send(call.message)))
            await sse(request, self._stream(ident, call.message))
            return None

        return app

    def calls(self) -> list[dict[str, Any]]:
        """The JSON-RPC calls received (method and params)."""
        return [s.json for s in self.seen if s.method == "POST"]

    # -- behaviours ----------------------------------------------------------------------------------------------

    def _task(self, message: a2a.Message, state: int, said: str = "", answer: str | None = None) -> a2a.Task:
        task = self.tasks.get(message.task_id) or a2a.Task(id=message.task_id or str(uuid.uuid4()),
                                                           context_id=message.context_id)  # fmt: skip
        task.status.CopyFrom(a2a.TaskStatus(state=state))
        if said:
            task.status.message.CopyFrom(_message(said, message.context_id, task.id))
        if answer is not None:
            del task.artifacts[:]
            task.artifacts.append(a2a.Artifact(artifact_id="answer", name="answer", parts=[a2a.Part(text=answer)]))
        self.tasks[task.id] = task
        return task

    async def _send(self, message: a2a.Message) -> a2a.SendMessageResponse:
        text = message.parts[0].text if message.parts else ""
        if message.task_id in self.tasks:  # the answer to a question
            return a2a.SendMessageResponse(
                task=self._task(message, a2a.TASK_STATE_COMPLETED, answer=f"you chose {text}")
            )
        if text.startswith("task"):
            return a2a.SendMessageResponse(task=self._task(message, a2a.TASK_STATE_WORKING, "working on it"))
        if text.startswith("ask"):
            return a2a.SendMessageResponse(task=self._task(message, a2a.TASK_STATE_INPUT_REQUIRED, "which one?"))
        if text.startswith("fail"):
            return a2a.SendMessageResponse(task=self._task(message, a2a.TASK_STATE_FAILED, "it broke"))
        if text.startswith("slow"):
            await asyncio.sleep(self.slow_seconds)
        return a2a.SendMessageResponse(message=_message(f"a2a: {text}", message.context_id))

    def _poll(self, task_id: str) -> a2a.Task:
        task = self.tasks[task_id]
        if task.status.state == a2a.TASK_STATE_WORKING:
            task.status.CopyFrom(a2a.TaskStatus(state=a2a.TASK_STATE_COMPLETED))
            task.artifacts.append(a2a.Artifact(artifact_id="answer", parts=[a2a.Part(text="the task is done")]))
        return task

    async def _stream(self, ident: Any, message: a2a.Message) -> AsyncIterator[str]:
        def event(**kw: Any) -> str:
            result = json_format.MessageToDict(a2a.StreamResponse(**kw))
            return f"data: {json.dumps({'jsonrpc': '2.0', 'id': ident, 'result': result})}\n\n"

        text = message.parts[0].text if message.parts else ""
        if not text.startswith("task"):
            sent = await self._send(message)
            yield event(task=sent.task) if sent.HasField("task") else event(message=sent.message)
            return
        task = self._task(message, a2a.TASK_STATE_SUBMITTED)
        yield event(task=task)
        working = a2a.TaskStatus(state=a2a.TASK_STATE_WORKING, message=_message("working on it", task.context_id))
        yield event(status_update=a2a.TaskStatusUpdateEvent(task_id=task.id, context_id=task.context_id,
                                                            status=working))  # fmt: skip
        for i, chunk in enumerate(["the task ", "is ", "done"]):
            artifact = a2a.Artifact(artifact_id="answer", parts=[a2a.Part(text=chunk)])
            update = a2a.TaskArtifactUpdateEvent(task_id=task.id, context_id=task.context_id, artifact=artifact,
                                                 append=i > 0, last_chunk=i == 2)  # fmt: skip
            yield event(artifact_update=update)
        done = a2a.TaskStatus(state=a2a.TASK_STATE_COMPLETED)
        yield event(status_update=a2a.TaskStatusUpdateEvent(task_id=task.id, context_id=task.context_id, status=done))


def _message(text: str, context_id: str, task_id: str = "") -> a2a.Message:
    return a2a.Message(role=a2a.ROLE_AGENT, message_id=str(uuid.uuid4()), context_id=context_id, task_id=task_id,
                       parts=[a2a.Part(text=text)])  # fmt: skip


def _result(ident: Any, result: dict[str, Any]) -> HTTPResponse:
    return json_response({"jsonrpc": "2.0", "id": ident, "result": result})
