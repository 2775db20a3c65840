"""A bounded schemathesis run against a real server's own OpenAPI document: no input gets a 5xx, and every
response matches its documented schema and status codes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import Home, cleanup, make_home

EXAMPLES = int(os.environ.get("OMNI_SCHEMATHESIS_EXAMPLES", "30"))


@pytest.fixture(scope="module")
def server() -> Iterator[Home]:
    home = make_home()
    try:
        home.omni("install", "--non-interactive")
        home.omni("start")
        yield home
    finally:
        cleanup(home)


@pytest.fixture(scope="module")
def api_schema(server: Home) -> schemathesis.BaseSchema:
    doc = httpx.get(f"{server.url}/api/v2/openapi.json", timeout=10).json()
    return schemathesis.openapi.from_dict(doc).configure(base_url=server.url)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms(case: schemathesis.Case, server: Home) -> None:
    if case.method == "DELETE" or case.path.endswith("/revoke"):
        pytest.skip("destructive routes have their own tests")
    case.call_and_validate(headers={"x-api-key": server.cli_key()})
