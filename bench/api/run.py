"""API read throughput: wrk against a real omni server seeded with N messages in 100 chats over 5 instances.

    .venv/bin/python bench/api/run.py [--messages 10000] [--passes 3] [--duration 10] [--json PATH]

Needs `wrk` (Debian: apt-get install wrk). Each endpoint: a 5 s warm-up, then `--passes` runs of
`wrk -t2 -c20 -d<duration>s`; the median pass is reported (RPS, p50/p95/p99). Every request is authenticated, audited
and counted against the key's usage, as in production. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.conftest import Home, cleanup, make_home  # noqa: E402

V2 = {  # Omni v2, measured the same way on this kind of machine (reference §11 / issue 3)
    "health": (5500, 9.7),
    "instances list": (825, 41),
    "chats list": (712, 54),
    "events list": (681, 53),
    "messages list (limit 50)": (341, 97),
}
INSTANCES, CHATS = 5, 100


async def seed(db_url: str, messages: int) -> dict[str, str]:
    from tortoise import Tortoise

    from omni.db.config import tortoise_config
    from omni.db.models import Chat, Instance, Message, OmniEvent

    await Tortoise.init(config=tortoise_config(db_url, pool_max=4))
    try:
        instances = [await Instance.create(name=f"bench-{i}", channel="discord") for i in range(INSTANCES)]
        chats = [
            await Chat.create(instance=instances[c % INSTANCES], external_id=f"chat-{c}", chat_type="dm",
                              channel="discord", name=f"Chat {c}")
            for c in range(CHATS)
        ]  # fmt: skip
        start = datetime.now(UTC) - timedelta(days=30)
        words = ["hello", "order", "refund", "shipping", "invoice", "thanks", "agent", "omni", "status", "tracking"]
        batch: list[Message] = []
        events: list[OmniEvent] = []
        for n in range(messages):
            chat = chats[n % CHATS]
            at = start + timedelta(seconds=n * 2)
            text = f"{words[n % 10]} {words[(n * 7) % 10]} message {n}"
            batch.append(Message(chat=chat, instance_id=chat.instance_id, external_id=f"m-{n}", source="realtime",
                                 message_type="text", text_content=text, platform_timestamp=at,
                                 sender_platform_user_id=f"user-{n % 300}", is_from_me=n % 5 == 0))  # fmt: skip
            events.append(OmniEvent(event_type="message.received", instance_id=chat.instance_id, channel="discord",
                                    text_content=text, created_at=at))  # fmt: skip
            if len(batch) >= 5000:
                await Message.bulk_create(batch)
                await OmniEvent.bulk_create(events)
                batch, events = [], []
        if batch:
            await Message.bulk_create(batch)
            await OmniEvent.bulk_create(events)
        # a freshly bulk-loaded table gets vacuumed and analysed by autovacuum soon after; do it now, so that work does
        # not land in the middle of a measurement
        conn = Tortoise.get_connection("default")
        for table in ("messages", "omni_events", "chats", "instances"):
            await conn.execute_script(f"vacuum (analyze) {table}")
        return {"chat": str(chats[0].id), "instance": str(instances[0].id)}
    finally:
        await Tortoise.close_connections()


def wrk(url: str, key: str, duration: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", "-c20", f"-d{duration}s", "-H", f"x-api-key: {key}", "-s",
         str(ROOT / "bench" / "api" / "percentiles.lua"), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(line for line in out.splitlines() if line.startswith("OMNI_RESULT"))
    values = dict(re.findall(r"(\w+)=(\d+)", line))
    seconds = int(values["duration_us"]) / 1e6
    return {
        "rps": int(values["requests"]) / seconds,
        "p50_ms": int(values["p50"]) / 1000,
        "p95_ms": int(values["p95"]) / 1000,
        "p99_ms": int(values["p99"]) / 1000,
        "errors": int(values["errors"]),
        "non2xx": int(values["non2xx"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", action="append", help="run only the endpoints whose name contains this (repeatable)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    console = Console()
    home: Home = make_home()
    try:
        home.omni("install", "--non-interactive")
        home.omni("start")
        primary = home.cli_key()
        from omni import config, paths
        from omni.host import endpoints

        os.environ["OMNI_HOME"] = str(home.root)
        where = paths.resolve(home.root)
        db_url = endpoints.database_url(config.load(where, pgserve_port=home.pg_port), where)
        console.print(f"seeding {args.messages} messages in {CHATS} chats over {INSTANCES} instances…")
        ids = asyncio.run(seed(db_url, args.messages))
        key = httpx.post(f"{home.url}/api/v2/keys", headers={"x-api-key": primary},
                         json={"name": "bench", "scopes": ["*"], "rateLimit": 1_000_000}).json()["data"]["plainTextKey"]  # fmt: skip
        endpoints_ = {
            "health": "/api/v2/health",
            "instances list": "/api/v2/instances",
            "chats list": "/api/v2/chats",
            "events list": "/api/v2/events",
            "messages list (limit 50)": "/api/v2/messages?limit=50",
            "messages search": "/api/v2/messages?search=refund&limit=50",
        }
        results = {}
        for name, path in endpoints_.items():
            if args.only and not any(o in name for o in args.only):
                continue
            url = home.url + path
            status = httpx.get(url, headers={"x-api-key": key}).status_code
            if status != 200:
                console.print(f"[yellow]skip {name}: {path} answers {status}[/yellow]")
                continue
            wrk(url, key, args.warmup)
            passes = [wrk(url, key, args.duration) for _ in range(args.passes)]
            median = sorted(passes, key=lambda p: p["rps"])[len(passes) // 2]
            results[name] = {**median, "passes": passes}
            console.print(f"  {name}: {median['rps']:.0f} rps, p99 {median['p99_ms']:.1f} ms")
        table = Table(
            "endpoint", "rps", "p50 ms", "p95 ms", "p99 ms", "v2 rps", "v2 p99", title=f"{args.messages} messages"
        )
        for name, r in results.items():
            v2 = V2.get(name)
            table.add_row(name, f"{r['rps']:.0f}", f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['p99_ms']:.1f}",
                          str(v2[0]) if v2 else "-", str(v2[1]) if v2 else "-")  # fmt: skip
        console.print(table)
        report = {
            "date": datetime.now(UTC).isoformat(), "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform()}, "messages": args.messages, "duration": args.duration,
            "passes": args.passes, "results": results, "ids": ids,
        }  # fmt: skip
        out = args.json or ROOT / "bench" / "results" / f"api-{args.messages}-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2))
        console.print(f"wrote {out}")
        return 0
    finally:
        cleanup(home)


if __name__ == "__main__":
    sys.exit(main())
