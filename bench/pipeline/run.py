"""The message pipeline on a real omni server (loopback channel): inbound throughput and latency, send API throughput.

    .venv/bin/python bench/pipeline/run.py [--messages 20000] [--instances 1,10,100] [--json PATH]

- inbound throughput: `--messages` injected through `POST /instances/:id/loopback/inbound` (batches of 1,000, 4 in
  parallel, spread over 100 chats and the instances), timed from the first request to the last row in `messages`;
  repeated for each instance count of `--instances`.
- inbound latency at a steady 500 msg/s for 10 s: per message, injected (client clock) → row created (postgres
  clock, same machine); p50/p99.
- send API: `wrk -t2 -c20 -d10s` on `POST /messages/send` (a distinct text per request) to one connected loopback
  instance after a 5 s warm-up: accepted sends per second (201 sent or 202 queued) and p50/p99, then the time until
  all are delivered; `--passes` passes (3), the median pass by rps reported. Each pass also records the CPU seconds
  of the API workers, postgres, nats-server, wrk and everything else on the machine (psutil).
Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import psutil
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.conftest import Home, cleanup, make_home  # noqa: E402

CHATS = 100
BATCH = 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else 0.0


async def make_instances(client: httpx.AsyncClient, n: int, *, connect: bool) -> list[str]:
    ids = []
    for i in range(n):
        r = await client.post(
            "/api/v2/instances", json={"name": f"bench-{uuid.uuid4().hex[:8]}-{i}", "channel": "loopback"}
        )
        r.raise_for_status()
        ids.append(r.json()["data"]["id"])
        if connect:
            (await client.post(f"/api/v2/instances/{ids[-1]}/connect")).raise_for_status()
    return ids


async def count(db: asyncpg.Connection, instances: list[str]) -> int:
    return await db.fetchval("select count(*) from messages where instance_id = any($1::uuid[])", instances)


async def inbound_throughput(client: httpx.AsyncClient, db: asyncpg.Connection, n_instances: int, total: int) -> dict:
    instances = await make_instances(client, n_instances, connect=False)
    tag = uuid.uuid4().hex[:6]
    batches = []
    for b in range(total // BATCH):
        batches.append((instances[b % n_instances], {"messages": [
            {"chatId": f"chat-{(b * BATCH + i) % CHATS}", "from": f"user-{i % 50}", "text": f"hello {b}-{i}",
             "externalId": f"{tag}-{b}-{i}"} for i in range(BATCH)]}))  # fmt: skip
    gate = asyncio.Semaphore(4)

    async def post(instance: str, body: dict) -> None:
        async with gate:
            r = await client.post(f"/api/v2/instances/{instance}/loopback/inbound", json=body)
            r.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(post(i, b) for i, b in batches))
    accepted = time.perf_counter() - started
    while await count(db, instances) < total:  # noqa: ASYNC110 - polling the database
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    return {"instances": n_instances, "messages": total, "accept_s": accepted, "persisted_s": elapsed,
            "msgs_per_s": total / elapsed}  # fmt: skip


async def inbound_latency(client: httpx.AsyncClient, db: asyncpg.Connection, rate: int, seconds: int) -> dict:
    (instance,) = await make_instances(client, 1, connect=False)
    sent: dict[str, float] = {}
    tick = 0.02
    per_tick = max(1, int(rate * tick))
    started = time.time()
    n = 0
    tasks = []
    while time.time() - started < seconds:
        body = {"messages": []}
        for _ in range(per_tick):
            ext = f"lat-{n}"
            body["messages"].append({"chatId": f"chat-{n % CHATS}", "from": "user-1", "text": "x", "externalId": ext})
            n += 1
        now = time.time()
        for m in body["messages"]:
            sent[m["externalId"]] = now
        tasks.append(asyncio.create_task(client.post(f"/api/v2/instances/{instance}/loopback/inbound", json=body)))
        next_at = started + len(tasks) * tick
        await asyncio.sleep(max(0.0, next_at - time.time()))
    await asyncio.gather(*tasks)
    while await count(db, [instance]) < n:  # noqa: ASYNC110 - polling the database
        await asyncio.sleep(0.05)
    rows = await db.fetch("select external_id, extract(epoch from created_at) as t from messages where instance_id = $1",
                          instance)  # fmt: skip
    lat = [(float(r["t"]) - sent[r["external_id"]]) * 1000 for r in rows]
    return {"rate": rate, "messages": n, "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99),
            "mean_ms": statistics.fmean(lat)}  # fmt: skip


def cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of every process on the machine, by kind (API workers, postgres, nats-server, wrk, other)."""
    totals: dict[str, float] = {}
    for proc in psutil.process_iter(["cmdline", "cpu_times"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        times = proc.info["cpu_times"]
        if times is None or proc.pid == os.getpid():
            continue
        program = cmd.split(" ", 1)[0]
        kind = ("api" if "omni _api" in cmd else "postgres" if "postgres" in program else
                "nats" if "nats-server" in program else "wrk" if program.endswith("wrk") else "other")  # fmt: skip
        totals[kind] = totals.get(kind, 0.0) + times.user + times.system
    return totals


def send_api(home: Home, key: str, instance: str, duration: int) -> dict:
    before = cpu_seconds()
    wrk = subprocess.Popen(["wrk", "-t2", "-c20", f"-d{duration}s", "-H", f"x-api-key: {key}", "-s",
                            str(ROOT / "bench" / "pipeline" / "send.lua"), f"{home.url}/api/v2/messages/send", "--",
                            instance], stdout=subprocess.PIPE, text=True)  # fmt: skip
    wrk_cpu = 0.0
    with contextlib.suppress(psutil.Error):
        while wrk.poll() is None:  # wrk's own CPU, read before it exits
            times = psutil.Process(wrk.pid).cpu_times()
            wrk_cpu = times.user + times.system
            time.sleep(0.2)
    out = wrk.communicate()[0]
    after = cpu_seconds()
    cpu = {k: round(after.get(k, 0.0) - before.get(k, 0.0), 2) for k in after if k != "wrk"}
    cpu["wrk"] = round(wrk_cpu, 2)
    line = next(line for line in out.splitlines() if line.startswith("OMNI_RESULT"))
    v = {k: int(x) for k, x in re.findall(r"(\w+)=(\d+)", line)}
    seconds = v["duration_us"] / 1e6
    return {"rps": v["requests"] / seconds, "requests": v["requests"], "p50_ms": v["p50"] / 1000,
            "p95_ms": v["p95"] / 1000, "p99_ms": v["p99"] / 1000, "errors": v["errors"], "non2xx": v["non2xx"],
            "cpu_s": cpu}  # fmt: skip


async def delivered(db: asyncpg.Connection, instance: str, expected: int, timeout: float = 300) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        n = await db.fetchval("select count(*) from messages where instance_id = $1 and delivery_status = 'sent'",
                              uuid.UUID(instance))  # fmt: skip
        if n >= expected:
            return time.perf_counter() - started
        await asyncio.sleep(0.2)
    return float("nan")


async def main_async(args: argparse.Namespace, home: Home, db_url: str, console: Console) -> dict:
    async with httpx.AsyncClient(base_url=home.url, headers={"x-api-key": home.cli_key()}, timeout=30) as admin:
        made = await admin.post("/api/v2/keys", json={"name": "bench", "scopes": ["*"], "rateLimit": 1_000_000})
        key = made.json()["data"]["plainTextKey"]  # the default per-key limit would turn most sends into 429
    report: dict = {"throughput": [], "latency": None, "send": None}
    db = await asyncpg.connect(db_url)
    try:
        async with httpx.AsyncClient(base_url=home.url, headers={"x-api-key": key}, timeout=120) as client:
            # warm-up
            await inbound_throughput(client, db, 1, BATCH * 2)
            for n in args.instances:
                r = await inbound_throughput(client, db, n, args.messages)
                console.print(f"  inbound, {n} instances: {r['msgs_per_s']:.0f} msg/s persisted "
                              f"({r['messages']} in {r['persisted_s']:.2f} s; accepted in {r['accept_s']:.2f} s)")  # fmt: skip
                report["throughput"].append(r)
            r = await inbound_latency(client, db, args.rate, 10)
            console.print(f"  inbound latency at {args.rate} msg/s: p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms")
            report["latency"] = r
            (instance,) = await make_instances(client, 1, connect=True)
            while (await client.get(f"/api/v2/instances/{instance}/status")).json()["data"]["state"] != "connected":  # noqa: ASYNC110
                await asyncio.sleep(0.1)
        send_api(home, key, instance, 5)  # warm-up
        accepted = await db.fetchval("select count(*) from messages where instance_id = $1", uuid.UUID(instance))
        passes = []
        for _ in range(args.passes):
            s = send_api(home, key, instance, args.duration)
            accepted += s["requests"] - s["non2xx"] - s["errors"]
            s["all_delivered_after_s"] = await delivered(db, instance, accepted)
            console.print(f"  send API: {s['rps']:.0f} rps, p50 {s['p50_ms']:.1f} / p99 {s['p99_ms']:.1f} ms, "
                          f"non-2xx {s['non2xx']}, all delivered {s['all_delivered_after_s']:.1f} s after the pass")  # fmt: skip
            per = {k: f"{1000 * v / max(1, s['requests']):.2f}" for k, v in sorted(s["cpu_s"].items())}
            console.print(f"    CPU ms per send: {per}")
            passes.append(s)
        report["send"] = {**sorted(passes, key=lambda x: x["rps"])[len(passes) // 2], "passes": passes}
    finally:
        await db.close()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--instances", default="1,10,100")
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--passes", type=int, default=3, help="send API passes (the median one is reported)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.instances = [int(x) for x in args.instances.split(",")]
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    console = Console()
    home = make_home()
    try:
        home.omni("install", "--non-interactive")
        home.omni("start")
        from omni import config, paths
        from omni.host import endpoints

        os.environ["OMNI_HOME"] = str(home.root)
        where = paths.resolve(home.root)
        db_url = endpoints.database_url(config.load(where, pgserve_port=home.pg_port), where)
        report = asyncio.run(main_async(args, home, db_url, console))
        table = Table("measure", "value", "target", title="pipeline (loopback)")
        for r in report["throughput"]:
            table.add_row(f"inbound persisted, {r['instances']} instances", f"{r['msgs_per_s']:.0f} msg/s", "≥ 3,000")
        lat = report["latency"]
        table.add_row(f"inbound → persisted at {lat['rate']} msg/s", f"p50 {lat['p50_ms']:.1f} / p99 {lat['p99_ms']:.1f} ms",
                      "p99 ≤ 100 ms")  # fmt: skip
        s = report["send"]
        table.add_row(f"send API (median of {len(s['passes'])})", f"{s['rps']:.0f} rps, p99 {s['p99_ms']:.1f} ms",
                      "≥ 1,000 rps, p99 ≤ 50 ms")  # fmt: skip
        console.print(table)
        out = args.json or ROOT / "bench" / "results" / f"pipeline-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"date": datetime.now(UTC).isoformat(), "machine": {
            "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            **report}, indent=2))  # fmt: skip
        console.print(f"wrote {out}")
        return 0
    finally:
        cleanup(home)


if __name__ == "__main__":
    sys.exit(main())
