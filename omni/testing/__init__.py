"""`omni.testing`: test a channel plugin against a real omni.

- A pytest plugin: the `omni_server` fixture installs and starts omni in a temporary home (embedded PostgreSQL and
  NATS, free ports) once per test module, yields an `OmniServer` (`url`, `api_key`, `client`, `async_client()`,
  `stop()`) and stops every process of it, by PID, afterwards. Register it with `pytest_plugins = ["omni.testing"]`
  in your top-level `conftest.py`, or import the fixtures into a test module (`from omni.testing import
  omni_server`). `OMNI_LOAD_PLUGINS` in the environment (or the `omni_load_plugins` fixture) picks the plugins the
  server loads; `omni_server_env` adds environment variables for it.
- Helpers over the HTTP API: `create_instance`, `connect_and_wait`, `inject_inbound` (loopback), `wait_until`,
  `status`, `list_messages`, `find_message`.
- The channel conformance suite: subclass `ChannelConformance` with a `driver` fixture returning a
  `ConformanceDriver` for your fake platform; `LoopbackDriver` is the worked example.

See docs/testing-plugins.md. Needs pytest (the `test` extra); nothing in omni's server imports this package.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from omni.testing.conformance import (
    INBOUND_MESSAGE_KINDS,
    ChannelConformance,
    ConformanceDriver,
    Harness,
    LoopbackDriver,
)
from omni.testing.helpers import (
    connect_and_wait,
    create_instance,
    find_message,
    inject_inbound,
    list_messages,
    status,
    wait_until,
)
from omni.testing.server import Home, OmniServer, cleanup, free_port, make_home, omni_command, start_server
from omni.testing.store import MemoryStore

__all__ = [
    "INBOUND_MESSAGE_KINDS",
    "ChannelConformance",
    "ConformanceDriver",
    "Harness",
    "Home",
    "LoopbackDriver",
    "MemoryStore",
    "OmniServer",
    "cleanup",
    "connect_and_wait",
    "create_instance",
    "find_message",
    "free_port",
    "inject_inbound",
    "list_messages",
    "make_home",
    "omni_command",
    "omni_load_plugins",
    "omni_server",
    "omni_server_env",
    "start_server",
    "status",
    "wait_until",
]


@pytest.fixture(scope="module")
def omni_load_plugins() -> str | None:
    """`OMNI_LOAD_PLUGINS` for the server: None loads every installed plugin, "" none, "a,b" those entry points (the
    built-in loopback channel is always loaded). Defaults to the variable of the test run's environment; override
    the fixture to pin your plugin: `return "myplugin"`."""
    return os.environ.get("OMNI_LOAD_PLUGINS")


@pytest.fixture(scope="module")
def omni_server_env() -> dict[str, str]:
    """Extra environment for the server (it reaches the API process, so your plugin reads it). Override to add."""
    return {}


@pytest.fixture(scope="module")
def omni_server(request: pytest.FixtureRequest) -> Iterator[OmniServer]:
    """A real omni, installed and started in a temporary home for this test module; stopped (every process of the
    home, by PID) and removed afterwards. Uses the `omni_load_plugins` and `omni_server_env` fixtures when they are
    visible (their defaults otherwise, so importing just this fixture is enough)."""
    server = start_server(load_plugins=_optional(request, "omni_load_plugins", os.environ.get("OMNI_LOAD_PLUGINS")),
                          env=_optional(request, "omni_server_env", {}))  # fmt: skip
    try:
        yield server
    finally:
        server.stop()


def _optional(request: pytest.FixtureRequest, name: str, default: Any) -> Any:
    try:
        return request.getfixturevalue(name)
    except pytest.FixtureLookupError:
        return default
