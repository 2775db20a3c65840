"""The built-in providers plugin, `settings_from_row` and the `ProviderPool` over real stored rows."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from omni.agents.base import AgentError
from omni.agents.registry import ProviderPool, settings_from_row
from omni.plugins.manager import load_plugins
from tests.integration.test_agent_providers import last, request, run


def test_the_builtin_plugin_registers_every_provider() -> None:
    plugins = load_plugins(None, "")
    assert set(plugins.providers) == {"openai", "anthropic", "agno", "a2a", "webhook", "echo"}
    assert plugins.infos["agents"].source == "builtin" and plugins.infos["agents"].status == "loaded"
    assert all(plugins.owner_of("provider", key) == "agents" for key in plugins.providers)


def test_loading_the_providers_imports_no_sdk() -> None:
    """The SDKs are imported on first use: loading the plugins (the server, `omni plugins`) stays fast."""
    code = ("import sys; from omni.plugins.manager import load_plugins; load_plugins(None, ''); "
            "print(sorted({'openai', 'anthropic', 'a2a'} & set(sys.modules)))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


async def test_settings_and_the_pool(db: str) -> None:
    from omni.db.models import AgentProvider as Row

    plugins = load_plugins(None, "")
    row = await Row.create(name="echo", schema="echo", api_key="secret-key", schema_config={"prefix": "> "},
                           default_timeout=7, default_stream=False)  # fmt: skip
    row = await Row.get(id=row.id)
    settings = settings_from_row(row, plugins.providers["echo"])
    assert (settings.api_key, settings.timeout, settings.stream, settings.config.prefix) == (
        "secret-key",
        7.0,
        False,
        "> ",
    )
    pool = ProviderPool(plugins)
    first = await pool.get(row.id)
    assert await pool.get(str(row.id)) is first  # the same row: the same object
    assert last(await run(first, request("hi"))).text == "> hi"
    row.schema_config = {"prefix": "# "}
    await row.save()
    second = await pool.get(row.id)
    assert second is not first and last(await run(second, request("hi"))).text == "# hi"

    async def code_of(provider_id: Any) -> str:
        with pytest.raises(AgentError) as caught:
            await pool.get(provider_id)
        return caught.value.code

    assert await code_of("00000000-0000-0000-0000-000000000000") == "PROVIDER_NOT_FOUND"
    assert await code_of("not-a-uuid") == "PROVIDER_NOT_FOUND"
    off = await Row.create(name="off", schema="echo", is_active=False)
    assert await code_of(off.id) == "PROVIDER_INACTIVE"
    claw = await Row.create(name="claw", schema="openclaw")
    assert await code_of(claw.id) == "UNKNOWN_SCHEMA"
    bad = await Row.create(name="bad", schema="openai", schema_config={"temperature": 9})
    assert await code_of(bad.id) == "INVALID_CONFIG"
    bare = await Row.create(name="bare", schema="agno")
    with pytest.raises(AgentError, match="baseUrl") as caught:
        await pool.get(bare.id)
    assert caught.value.code == "INVALID_CONFIG"
    await pool.close()
