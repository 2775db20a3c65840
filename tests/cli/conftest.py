"""One real omni server (installed and started with the CLI, its embedded postgres and nats-server) for every CLI
test; commands run in process through click's runner against it, over HTTP, as a user's would."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner, Result

from omni.cli import cli
from omni.testing.server import OmniServer, start_server


@dataclass
class Run:
    """A finished command: exit code, stdout, stderr and (when it printed JSON) the parsed document."""

    result: Result

    @property
    def code(self) -> int:
        return self.result.exit_code

    @property
    def out(self) -> str:
        return self.result.stdout

    @property
    def err(self) -> str:
        return self.result.stderr

    @property
    def json(self) -> Any:
        return json.loads(self.result.stdout)

    @property
    def data(self) -> Any:
        document = self.json
        assert document["success"] is True, document
        return document["data"]

    def __repr__(self) -> str:
        return f"Run(code={self.code}, out={self.out[-2000:]!r}, err={self.err[-2000:]!r})"


class Cli:
    """`cli("instances", "list")` runs `omni instances list` against the test server. The runner's output is not a
    terminal, so output is JSON unless `human=True` (OMNI_FORMAT=human: the rich tables)."""

    def __init__(self, server: OmniServer) -> None:
        self.server = server
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("OMNI_", "API_", "NATS_", "PGSERVE_"))}
        self.env.update(OMNI_HOME=str(server.home.root), NO_COLOR="1", COLUMNS="200")

    def __call__(self, *args: str, human: bool = False, input: str | None = None, env: dict[str, str] | None = None,
                 ok: bool | None = None) -> Run:  # fmt: skip
        extra = {"OMNI_FORMAT": "human"} if human else {}
        runner = CliRunner()
        result = runner.invoke(cli, list(args), env={**self.env, **extra, **(env or {})}, input=input,
                               catch_exceptions=False, prog_name="omni")  # fmt: skip
        run = Run(result)
        if ok is True:
            assert run.code == 0, run
        elif ok is False:
            assert run.code != 0, run
        return run

    def ok(self, *args: str, **kw: Any) -> Any:
        """Run, expect success, return the JSON `data`."""
        return self(*args, ok=True, **kw).data


@pytest.fixture(scope="session")
def omni_cli_server() -> Iterator[OmniServer]:
    server = start_server(load_plugins="")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cli_run(omni_cli_server: OmniServer) -> Cli:
    return Cli(omni_cli_server)


def unique(prefix: str = "t") -> str:
    """A name no other test uses (tests share one server)."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
