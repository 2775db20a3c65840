"""Walks the OpenAPI document: every route is described, and every non-public one is closed without a key and
without its scope."""

from __future__ import annotations

import re
import uuid

from omni.api.routing import ANY_KEY, PUBLIC, REGISTRY
from tests.integration.conftest import Api, live_client

OTHER_SCOPE = {"metrics:read": "keys:read"}


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "1" if m.group(0) == "{index}" else str(uuid.uuid4()), path)


async def test_every_route_is_documented_with_its_scope(api: Api) -> None:
    doc = (await api.get("/api/v2/openapi.json", key=None)).json
    assert doc["openapi"].startswith("3.0")
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    for ep in REGISTRY.values():
        path = re.sub(r"<([^:>]+)(:[^>]+)?>", r"{\1}", ep.path)
        assert (ep.method, path) in documented, ep.name
        op = doc["paths"][path][ep.method.lower()]
        assert op["summary"] and op["responses"]
        if ep.scope not in (PUBLIC, ANY_KEY):
            assert op["x-required-scope"] == ep.scope
    assert set(doc["components"]["securitySchemes"]) == {"apiKeyHeader", "apiKeyQuery"}


async def test_every_route_fails_closed(api: Api) -> None:
    doc = (await api.get("/api/v2/openapi.json", key=None)).json
    keys_by_scope: dict[str, str] = {}
    checked = 0
    async with live_client(api) as client:  # one started app for the ~400 requests (the test client restarts it)

        async def call(method: str, url: str, key: str) -> tuple[int, dict]:
            r = await client.request(method, url, headers={"x-api-key": key}, json={})
            return r.status_code, r.json()

        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                if op.get("security") == []:
                    continue
                url = concrete(path)
                status, body = await call(method.upper(), url, "")
                assert status == 401 and body["error"]["code"] == "UNAUTHORIZED", (method, path, status)
                status, body = await call(method.upper(), url, "omni_sk_" + "0" * 32)
                assert status == 401, (method, path)
                scope = op.get("x-required-scope")
                if scope:
                    other = OTHER_SCOPE.get(scope, "metrics:read")
                    if other not in keys_by_scope:
                        made = await client.post("/api/v2/keys", json={"name": f"k-{other}", "scopes": [other]})
                        keys_by_scope[other] = made.json()["data"]["plainTextKey"]
                    status, body = await call(method.upper(), url, keys_by_scope[other])
                    assert status == 403 and body["error"]["details"]["requiredScope"] == scope, (method, path)
                checked += 1
    assert checked >= len([e for e in REGISTRY.values() if e.scope != PUBLIC])


async def test_docs_are_served_without_internet(api: Api) -> None:
    page = await api.get("/api/v2/docs", key=None)
    assert page.status == 200 and "swagger-ui-bundle.js" in page.text and "http" not in page.text.split("<body>")[1]
    js = await api.get("/api/v2/docs/static/swagger-ui-bundle.js", key=None)
    assert js.status == 200 and len(js.body) > 100_000
    assert (await api.get("/api/v2/docs/static/..%2Fsecrets", key=None)).status == 404
