"""The host lifecycle as a user runs it: real postgres, nats-server and API processes, driven through the CLI."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import Home, cleanup, make_home, omni_command


def validate(home: Home, key: str) -> httpx.Response:
    return httpx.post(f"{home.url}/api/v2/auth/validate", headers={"x-api-key": key}, timeout=5)


def wait_for(predicate, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_install_start_health_status_doctor_stop(home: Home) -> None:
    out = home.omni("install", "--non-interactive").stdout
    key = home.cli_key()
    assert key.startswith("omni_sk_") and len(key) == 40 and key[8:].isalnum()
    assert key in out  # printed once by install
    assert oct((home.root / "config" / "cli.json").stat().st_mode & 0o777) == "0o600"
    assert oct((home.root / "data" / "secrets.json").stat().st_mode & 0o777) == "0o600"

    started = home.omni("start").stdout
    assert home.url in started and key not in started  # install already showed the key: never again
    body = home.health().json()
    assert body["status"] == "healthy"
    assert body["checks"]["database"]["status"] == "ok" and body["checks"]["nats"]["status"] == "ok"
    assert body["checks"]["nats"]["details"]["connected"] is True
    assert {"version", "uptime", "timestamp"} <= body.keys()

    status = home.json("status")
    assert status["running"] and status["auth"] == {"configured": True, "valid": True}
    assert {s["service"]: s["state"] for s in status["services"]} == {
        "postgres": "running", "nats": "running", "api": "running"}  # fmt: skip
    assert {s["service"]: s["port"] for s in status["services"]} == {
        "postgres": home.pg_port, "nats": home.nats_port, "api": home.api_port}  # fmt: skip

    # postgres runs unprivileged (as root: the service user with no supplementary groups) on 127.0.0.1 only
    pg = psutil.Process(home.pid("postgres"))
    if os.geteuid() == 0:
        assert pg.username() == "omni-pg"
        proc_status = Path(f"/proc/{pg.pid}/status").read_text().splitlines()
        groups = next(line for line in proc_status if line.startswith("Groups:"))
        assert groups.split(":")[1].strip() == ""
    listening = {c.laddr.ip for c in psutil.net_connections("tcp") if c.laddr.port == home.pg_port
                 and c.status == psutil.CONN_LISTEN}  # fmt: skip
    assert listening == {"127.0.0.1"}

    doctor = home.json("doctor")
    assert doctor["ok"], doctor
    assert {c["status"] for c in doctor["checks"]} == {"PASS"}, [c for c in doctor["checks"] if c["status"] != "PASS"]

    # an active instance that cannot log in is named by doctor, with the channel's reason and the fix
    headers = {"x-api-key": key}
    made = httpx.post(f"{home.url}/api/v2/instances", headers=headers, timeout=5,
                      json={"name": "refused", "channel": "loopback", "config": {"connectError": "auth"}})  # fmt: skip
    assert made.status_code == 201, made.text
    assert httpx.post(f"{home.url}/api/v2/instances/{made.json()['data']['id']}/connect", headers=headers,
                      timeout=5).status_code == 200  # fmt: skip
    wait_for(lambda: httpx.get(f"{home.url}/api/v2/instances/{made.json()['data']['id']}/status", headers=headers,
                               timeout=5).json()["data"]["state"] == "needs_auth", what="needs_auth")  # fmt: skip
    doctor = home.json("doctor", check=False)
    named = {c["check"]: c for c in doctor["checks"]}
    assert not doctor["ok"] and named["instance refused"]["status"] == "FAIL", doctor
    assert "needs_auth" in named["instance refused"]["message"] and "refuse" in named["instance refused"]["message"]
    assert "omni instances qr refused" in named["instance refused"]["fix"]
    assert named["instances"]["message"] == "0 of 1 active connected"
    httpx.delete(f"{home.url}/api/v2/instances/{made.json()['data']['id']}", headers=headers, timeout=5)

    # the primary key authenticates; a wrong one and a missing one do not
    assert validate(home, key).json()["data"] == {"valid": True, "keyPrefix": key[8:16], "keyName": "__primary__",
                                                  "scopes": ["*"]}  # fmt: skip
    assert validate(home, "omni_sk_" + "x" * 32).status_code == 401
    missing = httpx.post(f"{home.url}/api/v2/auth/validate", timeout=5)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "UNAUTHORIZED"
    assert httpx.get(f"{home.url}/api/v2/info", timeout=5).json()["version"] == body["version"]

    assert home.omni("stop").stdout.strip() == "omni stopped"
    assert home.omni("stop").stdout.strip() == "omni is not running"
    assert home.processes() == []
    assert not list((home.root / "run").glob("*.pid"))
    # the key never reached a log file
    for log in (home.root / "logs").iterdir():
        assert key not in log.read_text(errors="replace"), log


def test_start_and_install_twice_are_no_ops(home: Home) -> None:
    home.omni("install", "--non-interactive")
    key = home.cli_key()
    secrets = (home.root / "data" / "secrets.json").read_text()
    again = home.omni("install", "--non-interactive").stdout
    assert "nothing to change" in again and "omni_sk_" not in again
    assert home.cli_key() == key and (home.root / "data" / "secrets.json").read_text() == secrets

    home.omni("start")
    supervisor = home.pid("supervisor")
    second = home.omni("start").stdout
    assert "already running" in second and home.pid("supervisor") == supervisor
    # install while running changes nothing and starts no second postgres
    assert "nothing to change" in home.omni("install", "--non-interactive").stdout
    assert validate(home, key).status_code == 200
    home.omni("restart")
    assert home.pid("supervisor") != supervisor
    assert validate(home, key).status_code == 200


def test_first_boot_without_install_shows_the_key_once(home: Home) -> None:
    first = home.omni("start").stdout
    key = next(word for word in first.split() if word.startswith("omni_sk_"))
    assert validate(home, key).status_code == 200
    home.omni("stop")
    second = home.omni("start").stdout
    assert "omni_sk_" not in second
    assert validate(home, key).status_code == 200
    for log in (home.root / "logs").iterdir():
        assert key not in log.read_text(errors="replace"), log


def test_api_key_from_environment_overrides(home: Home) -> None:
    chosen = "omni_sk_" + "A1b2C3d4" * 4
    home.extra_env["OMNI_API_KEY"] = chosen
    out = home.omni("install", "--non-interactive").stdout
    assert chosen not in out and home.cli_key() == chosen
    home.omni("start")
    assert validate(home, chosen).status_code == 200
    home.extra_env["OMNI_API_KEY"] = "not-a-key"
    bad = home.omni("status", check=False)
    assert bad.returncode != 0 and "omni_sk_" in bad.stderr


def test_supervisor_restarts_killed_children(home: Home) -> None:
    home.omni("install", "--non-interactive")
    home.omni("start")
    for service in ("nats", "postgres", "api"):
        old = home.pid(service)
        os.kill(old, signal.SIGKILL)
        wait_for(lambda s=service, o=old: (home.root / "run" / f"{s}.pid").exists() and home.pid(s) != o,
                 what=f"{service} to be restarted")  # fmt: skip
        home.wait_healthy()
    restarts = {s["service"]: s["restarts"] for s in home.json("status")["services"]}
    assert restarts == {"postgres": 1, "nats": 1, "api": 1}
    assert "nats exited (killed by SIGKILL)" in (home.root / "logs" / "supervisor.log").read_text()
    home.omni("stop")
    assert home.processes() == []


def test_killed_supervisor_leaves_what_doctor_fixes(home: Home) -> None:
    home.omni("install", "--non-interactive")
    home.omni("start")
    children = [psutil.Process(home.pid(s)) for s in ("postgres", "nats", "api")]
    os.kill(home.pid("supervisor"), signal.SIGKILL)
    # the parent-death signal stops every child by itself
    wait_for(lambda: not [c for c in children if _alive(c)], what="children to stop after their parent died")
    # a leftover the death signal cannot cover: a nats-server still running on our config (e.g. started by hand)
    leftover = subprocess.Popen(["nats-server" if not _nats_bin() else _nats_bin(), "-c",
                                 str(home.root / "data" / "nats" / "nats.conf")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for(lambda: _listening(home.nats_port), what="the leftover nats-server")
        report = home.json("doctor", check=False)
        assert not report["ok"]
        processes = next(c for c in report["checks"] if c["check"] == "processes")
        assert processes["status"] == "FAIL"
        assert f"pid {leftover.pid}" in processes["message"] and "supervisor.pid" in processes["message"]
        ports = next(c for c in report["checks"] if c["check"] == "ports")
        assert ports["status"] == "FAIL" and str(home.nats_port) in ports["message"]

        fixed = home.json("doctor", "--fix", check=False)
        assert next(c for c in fixed["checks"] if c["check"] == "processes")["status"] == "PASS", fixed
        assert leftover.wait(10) is not None
        assert not list((home.root / "run").glob("*.pid"))
        assert (home.root / "data" / "postgres" / "PG_VERSION").exists()  # data untouched
        home.omni("start")
        assert home.health().json()["status"] == "healthy"
    finally:
        if leftover.poll() is None:
            leftover.kill()


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _nats_bin() -> str | None:
    from omni.host import nats

    return str(nats.binary())


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize(("which", "setting"), [("api", "API_PORT"), ("postgres", "PGSERVE_PORT"),
                                                ("nats", "NATS_PORT")])  # fmt: skip
def test_taken_port_gives_a_clear_error(installed: Home, which: str, setting: str) -> None:
    port = {"api": installed.api_port, "postgres": installed.pg_port, "nats": installed.nats_port}[which]
    with socket.socket() as blocker:
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        result = installed.omni("start", check=False)
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and setting in result.stderr, result.stderr
    assert installed.processes() == []


def test_foreground_serve_stops_cleanly_on_ctrl_c(installed: Home) -> None:
    log = installed.root / "logs" / "supervisor.log"
    readies = log.read_text().count("ready at") if log.exists() else 0
    proc = subprocess.Popen([*omni_command(), "serve"], env=installed.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        installed.wait_healthy()
        wait_for(lambda: log.read_text().count("ready at") > readies, what="the supervisor to report ready")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        _, err = proc.communicate()
        assert "ready at" in err and "stopped" in err  # foreground mode logs to the console too
    finally:
        if proc.poll() is None:
            proc.kill()
    assert installed.processes() == []


def test_external_postgres_and_nats(tmp_path_factory) -> None:
    """With DATABASE_URL and NATS_URL, omni starts no postgres or nats of its own."""
    servers = make_home()
    try:
        db_url, nats_url, children = _external_servers(servers)
        home = make_home()
        home.extra_env.update(DATABASE_URL=db_url, NATS_URL=nats_url)
        try:
            home.omni("install", "--non-interactive")
            assert not (home.root / "data" / "postgres").exists()
            home.omni("start")
            assert home.health().json()["checks"]["nats"]["details"]["server"] == f"127.0.0.1:{servers.nats_port}"
            supervisor = psutil.Process(home.pid("supervisor"))
            names = {" ".join(c.cmdline()) for c in supervisor.children(recursive=True)}
            assert not any("postgres" in n or "nats-server" in n for n in names), names
            states = {s["service"]: s["state"] for s in home.json("status")["services"]}
            assert states == {"postgres": "external", "nats": "external", "api": "running"}
            assert home.json("doctor")["ok"]
            home.omni("stop")
            assert all(c.is_running() for c in children)  # omni never stops servers it did not start
        finally:
            cleanup(home)
        for child in children:
            child.terminate()
            child.wait(15)
    finally:
        cleanup(servers)


def _external_servers(servers: Home) -> tuple[str, str, list[psutil.Process]]:
    """A postgres and a nats-server of the test's own (the same binaries omni embeds)."""
    import asyncio

    from omni.host import nats, postgres, procs, secrets

    paths = __import__("omni.paths", fromlist=["resolve"]).resolve(servers.root)
    paths.data.mkdir(parents=True)
    paths.data.chmod(0o755)
    creds = secrets.load(paths.secrets_file, create=True)
    account = postgres.service_account(create=True)
    bin_path = postgres.bin_dir(paths, account)
    postgres.initdb(paths, bin_path, account, creds["postgres_superuser_password"])
    pg = procs.spawn(postgres.command(paths, bin_path, servers.pg_port), env=procs.base_env(), account=account,
                     death_signal=signal.SIGINT)  # fmt: skip
    asyncio.run(postgres.wait_ready(postgres.dsn("postgres", creds["postgres_superuser_password"], servers.pg_port,
                                                 "postgres"), 30))  # fmt: skip
    asyncio.run(postgres.bootstrap(creds, servers.pg_port))
    paths.nats_dir.mkdir(parents=True)
    nats.write_config(paths, servers.nats_port, creds)
    ns = procs.spawn(nats.command(paths), env=procs.base_env())
    asyncio.run(nats.wait_ready(nats.url(creds, servers.nats_port), 30))
    for proc in (pg, ns):  # drain output so the pipes never fill
        __import__("threading").Thread(target=proc.stdout.read, daemon=True).start()
    return (postgres.app_dsn(creds, servers.pg_port), nats.url(creds, servers.nats_port),
            [psutil.Process(pg.pid), psutil.Process(ns.pid)])  # fmt: skip


def test_status_and_doctor_when_installed_but_stopped(installed: Home) -> None:
    status = installed.json("status")
    assert status["running"] is False and status["health"]["status"] == "unreachable"
    doctor = installed.json("doctor")
    assert doctor["ok"]  # stopped is a warning, not a failure
    assert {c["check"]: c["status"] for c in doctor["checks"]}["postgres"] == "WARN"


def test_logs_command_shows_service_logs(installed: Home) -> None:
    installed.omni("start")
    try:
        out = installed.omni("logs", "--service", "supervisor", "-n", "20").stdout
        assert "ready at" in out
        assert installed.omni("logs", "-n", "5").returncode == 0
    finally:
        installed.omni("stop")
    log = json.dumps(installed.json("status"))
    assert "stopped" in log


def test_one_supervisor_per_data_dir_and_degraded_health(installed: Home) -> None:
    installed.omni("start")
    try:
        second = installed.omni("serve", check=False, timeout=60)
        assert second.returncode == 1 and "already running for this data dir" in second.stderr
        assert installed.health().json()["status"] == "healthy"
        # a NATS that stops answering makes the API report degraded with 503, then recover
        nats_proc = psutil.Process(installed.pid("nats"))
        nats_proc.suspend()
        try:
            time.sleep(0.6)  # past the health result's reuse window
            degraded = installed.health()
            assert degraded.status_code == 503
            body = degraded.json()
            assert body["status"] == "degraded" and body["checks"]["nats"]["status"] == "error"
            assert body["checks"]["database"]["status"] == "ok"
        finally:
            nats_proc.resume()
        installed.wait_healthy()
    finally:
        installed.omni("stop")


def test_several_api_workers(installed: Home) -> None:
    """Workers fork from the API process; kill -9 of it takes the workers along and the supervisor starts it anew."""
    installed.extra_env["OMNI_API_WORKERS"] = "2"
    try:
        installed.omni("start")
        api = psutil.Process(installed.pid("api"))
        workers = [p for p in api.children(recursive=True) if "_api" in " ".join(p.cmdline())]
        assert len(workers) >= 2
        assert all(installed.health().status_code == 200 for _ in range(4))
        api.kill()
        _, alive = psutil.wait_procs(workers, timeout=10)
        assert alive == [], "a worker outlived the API process"
        installed.wait_healthy(timeout=30)
        assert installed.pid("api") != api.pid
        installed.omni("stop")
        assert installed.processes() == []
    finally:
        del installed.extra_env["OMNI_API_WORKERS"]
