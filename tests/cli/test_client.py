"""`omni.client` (the SDK the CLI is built on) against the running server: typed models, pages, errors with the
API's codes, rate limits, idempotent sends, and the async client."""

from __future__ import annotations

import pytest

from omni.client import (
    ApiUnavailable,
    AsyncClient,
    Client,
    Forbidden,
    NotFound,
    RateLimited,
    ValidationFailed,
    models,
)
from omni.testing.server import OmniServer
from tests.cli.conftest import unique


@pytest.fixture
def client(omni_cli_server: OmniServer) -> Client:
    with Client(omni_cli_server.url, omni_cli_server.api_key) as c:
        yield c


def test_typed_results_pages_and_iteration(client: Client) -> None:
    stem = unique("page")
    made = [client.instances.create(name=f"{stem}-{i}", channel="loopback") for i in range(5)]
    assert isinstance(made[0], models.InstanceOut) and made[0].agent_session_strategy == "per_user_per_chat"
    first = client.instances.list(search=stem, limit=2)
    assert len(first) == 2 and first.has_more and first.cursor
    second = client.instances.list(search=stem, limit=2, cursor=first.cursor)
    assert {i.id for i in first}.isdisjoint({i.id for i in second})
    every = list(client.instances.iterate(search=stem, limit=2))
    assert sorted(i.name for i in every) == sorted(i.name for i in made)
    assert client.instances.list(search=stem, include_total=True, limit=1).total == 5


def test_errors_carry_the_api_code_status_and_fields(client: Client, omni_cli_server: OmniServer) -> None:
    with pytest.raises(NotFound) as missing:
        client.instances.get("00000000-0000-4000-8000-000000000000")
    assert missing.value.code == "NOT_FOUND" and missing.value.status == 404
    with pytest.raises(ValidationFailed) as bad:
        client.instances.create(name="x", channel="loopback", message_debounce_min_ms=-1)
    assert "messageDebounceMinMs" in bad.value.fields
    reader = client.keys.create(name=unique("reader"), scopes=["instances:read"]).plain_text_key
    with Client(omni_cli_server.url, reader) as limited, pytest.raises(Forbidden) as denied:
        limited.keys.list()
    assert denied.value.details["requiredScope"] == "keys:read"
    with Client("http://127.0.0.1:9", "k", max_retries=1) as down, pytest.raises(ApiUnavailable) as gone:
        down.system.info()
    assert gone.value.code == "CONNECTION_ERROR"


def test_rate_limit_is_an_error_with_retry_after(client: Client, omni_cli_server: OmniServer) -> None:
    key = client.keys.create(name=unique("slow"), scopes=["*"], rate_limit=2).plain_text_key
    with Client(omni_cli_server.url, key, max_retries=0) as slow, pytest.raises(RateLimited) as limited:
        for _ in range(5):
            slow.instances.list()
    assert limited.value.retry_after and limited.value.retry_after > 0


def test_a_repeated_send_with_one_idempotency_key_sends_once(client: Client) -> None:
    instance = client.instances.create(name=unique("idem"), channel="loopback")
    client.instances.connect(instance.id)
    key = unique("send")
    first = client.messages.send(instance_id=instance.id, to="bob", text="once", idempotency_key=key)
    again = client.messages.send(instance_id=instance.id, to="bob", text="once", idempotency_key=key)
    assert first.message_id == again.message_id
    sent = [
        item for item in client.instances.loopback_outbox(instance.id)["items"] if item["messageId"] == first.message_id
    ]
    assert len(sent) == (1 if first.status == "sent" else 0)


async def test_async_client_has_the_same_methods(omni_cli_server: OmniServer) -> None:
    stem = unique("async")
    async with AsyncClient(omni_cli_server.url, omni_cli_server.api_key) as omni:
        made = await omni.instances.create(name=stem, channel="loopback")
        assert (await omni.instances.get(made.id)).name == stem
        assert [i.id async for i in omni.instances.iterate(search=stem)] == [made.id]
        with pytest.raises(NotFound):
            await omni.providers.get("00000000-0000-4000-8000-000000000000")
        health = await omni.system.health()
        assert health.status == "healthy"
