"""`GET /metrics`: Prometheus text, or JSON with `Accept: application/json`."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json, raw

from omni.api.routing import endpoint

bp = Blueprint("metrics")


class Metrics:
    """One registry per app (tests build several apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("omni_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)  # fmt: skip
        self.latency = Histogram("omni_http_request_duration_seconds", "HTTP request duration", ["route"],
                                 registry=self.registry,
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))  # fmt: skip
        self.nats_connected = Gauge("omni_nats_connected", "1 when connected to NATS", registry=self.registry)
        self.audit_dropped = Gauge(
            "omni_audit_dropped_total", "Audit rows dropped (queue full)", registry=self.registry
        )
        self.audit_queue = Gauge("omni_audit_queue", "Audit rows waiting to be written", registry=self.registry)
        self.uptime = Gauge("omni_uptime_seconds", "Seconds since the API started", registry=self.registry)

    def observe(self, request: Request, status: int) -> None:
        route = request.route.name.split(".", 1)[-1] if request.route else "unmatched"
        self.requests.labels(request.method, route, str(status)).inc()
        started = getattr(request.ctx, "started", None)
        if started is not None:
            self.latency.labels(route).observe(time.perf_counter() - started)

    def refresh(self, app: Sanic) -> None:
        nc = getattr(app.ctx, "nats", None)
        self.nats_connected.set(1 if nc is not None and nc.is_connected else 0)
        self.audit_dropped.set(app.ctx.audit.dropped)
        self.audit_queue.set(app.ctx.audit.queue.qsize())
        self.uptime.set(time.time() - app.ctx.runtime.started)


def as_json(registry: CollectorRegistry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for family in registry.collect():
        out[family.name] = [{"labels": s.labels, "value": s.value, "name": s.name} for s in family.samples]
    return out


@endpoint(
    bp, "GET", "/metrics", scope="metrics:read", summary="Prometheus metrics (JSON with Accept: application/json)"
)
async def metrics(request: Request) -> HTTPResponse:
    m: Metrics = request.app.ctx.metrics
    m.refresh(request.app)
    if "application/json" in request.headers.get("accept", ""):
        return json({"data": as_json(m.registry)})
    return raw(generate_latest(m.registry), content_type=CONTENT_TYPE_LATEST)
