"""The supervisor: postgres → nats → migrations → API, restarts with backoff, clean stop in reverse order.

Children are started around the API server, never inside Sanic's listeners (they do not run in single-process
mode). Each child runs in its own process group (a terminal Ctrl-C reaches only the supervisor, which then stops
them in order) with a parent-death signal, so a killed supervisor leaves nothing running.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import threading
import time
from typing import Any

from omni import __version__
from omni.config import Settings
from omni.host import endpoints, logs, nats, postgres, procs, secrets, services
from omni.host.banner import banner
from omni.host.errors import HostError
from omni.host.lock import acquire_lock
from omni.host.services import STOP_TIMEOUT, Service
from omni.paths import Paths

BACKOFF_START, BACKOFF_MAX, STABLE_AFTER = 0.5, 30.0, 30.0
API_PROBE_EVERY, API_PROBE_FAILURES = 10.0, 3


class Supervisor:
    def __init__(self, settings: Settings, paths: Paths, *, console: bool) -> None:
        self.settings, self.paths, self.console = settings, paths, console
        self.log = logs.setup(paths, settings, "supervisor", console=console)
        self.stopping = threading.Event()
        self.services: list[Service] = []
        self.state: dict[str, dict[str, Any]] = {}
        self.started = time.time()

    # -- entry point -------------------------------------------------------------------------------------------

    def run(self) -> int:
        lock = acquire_lock(self.paths)
        procs.remove(self.paths.run / "supervisor.error")
        procs.write_pid(self.paths.pid_file("supervisor"), os.getpid())
        self.log.info("starting omni %s (supervisor pid %d, data %s)", __version__, os.getpid(), self.paths.data)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        try:
            self._start_all()
            if not self.stopping.is_set():
                self.log.info("omni %s is ready at %s", __version__, self.settings.api_url)
                self._watch()
            return 0
        except HostError as exc:
            self.log.error("%s", exc)
            (self.paths.run / "supervisor.error").write_text(str(exc))
            return 1
        finally:
            self._stop_all()
            procs.remove(self.paths.state_file)
            procs.remove(self.paths.pid_file("supervisor"))
            lock.close()

    def _on_signal(self, signum: int, _frame: object) -> None:
        if not self.stopping.is_set():
            self.log.info("received %s, stopping", signal.Signals(signum).name)
        self.stopping.set()

    # -- start -------------------------------------------------------------------------------------------------

    def _start_all(self) -> None:
        services.preflight_ports(self.settings)
        self.services = services.build(self.settings, self.paths, self.log)
        *backends, api = self.services
        # The ORM and migration stack take ~0.6 s to import: load them while postgres and nats start.
        preload = threading.Thread(target=_preload_database_code, daemon=True)
        preload.start()
        gate = self.paths.run / services.API_GATE
        procs.remove(gate)
        # Everything starts at once: postgres and nats do not depend on each other, and the API process loads its
        # code meanwhile, then waits at the gate until the schema is migrated.
        for service in self.services:
            self._spawn(service)
        for service in backends:
            self._wait_ready(service)
            if self.stopping.is_set():
                return
            if service.name == "postgres":
                asyncio.run(postgres.bootstrap(secrets.load(self.paths.secrets_file), service.port))
        self._prepare_database()
        gate.touch()
        self.log.info("database ready; api starting")
        self._wait_ready(api)

    def _prepare_database(self) -> None:
        """Wait for external servers, apply migrations once, create the primary key on first boot."""
        db_url = endpoints.database_url(self.settings, self.paths)
        nats_url = endpoints.nats_url(self.settings, self.paths)
        asyncio.run(postgres.wait_ready(db_url, timeout=60))
        asyncio.run(nats.wait_ready(nats_url, timeout=60))
        from omni.db import crypto, migrate

        crypto.load_key(self.paths.master_key)  # created once, before any worker needs it
        try:
            applied, new_key = asyncio.run(migrate.prepare(db_url, self.settings.api_key))
        except Exception as exc:
            self.log.exception("preparing the database failed")
            raise HostError(f"database migration failed: {exc}; see `omni logs --service supervisor`") from exc
        for name in applied:
            self.log.info("applied migration %s", name)
        if new_key:
            self._announce_key(new_key)

    def _announce_key(self, key: str) -> None:
        """The generated key is shown once: on this console, or (daemonised) to the `omni start` that waits for us.

        It never goes to a log file.
        """
        if self.console:
            print(banner(key, self.settings.api_url), flush=True)
            return
        fd = os.open(self.paths.new_key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)

    def _spawn(self, service: Service) -> None:
        logger = logs.setup(self.paths, self.settings, service.name, console=self.console)
        try:
            service.proc = procs.spawn(service.argv, env=service.env, account=service.account,
                                       death_signal=service.stop_signal)  # fmt: skip
        except OSError as exc:
            raise HostError(f"cannot start {service.name}: {exc}") from exc
        logs.pump(service.proc, logger)
        procs.write_pid(self.paths.pid_file(service.name), service.proc.pid)
        entry = self.state.setdefault(service.name, {"restarts": -1})
        entry.update(state="starting", pid=service.proc.pid, port=service.port, since=time.time())
        entry["restarts"] += 1
        self._write_state()

    def _wait_ready(self, service: Service) -> None:
        assert service.proc is not None
        deadline = time.monotonic() + service.ready_timeout
        while not self.stopping.is_set():
            if service.proc.poll() is not None:
                raise HostError(f"{service.name} exited during start-up (code {service.proc.returncode}); "
                                f"see `omni logs --service {service.name}`")  # fmt: skip
            if service.probe():
                self._set(service, "running")
                self.log.info("%s is ready (pid %d, port %d)", service.name, service.proc.pid, service.port)
                return
            if time.monotonic() > deadline:
                raise HostError(f"{service.name} did not become ready in {service.ready_timeout:.0f}s; "
                                f"see `omni logs --service {service.name}`")  # fmt: skip
            self.stopping.wait(0.05)

    # -- watch -------------------------------------------------------------------------------------------------

    def _watch(self) -> None:
        backoff = {s.name: BACKOFF_START for s in self.services}
        restart_at: dict[str, float] = {}
        api_failures, next_api_probe = 0, time.monotonic() + API_PROBE_EVERY
        while not self.stopping.wait(0.25):
            now = time.monotonic()
            for service in self.services:
                proc = service.proc
                if service.name in restart_at:
                    if now >= restart_at[service.name]:
                        del restart_at[service.name]
                        self._restart(service)
                    continue
                if proc is not None and proc.poll() is None:
                    entry = self.state[service.name]
                    if entry["state"] == "starting" and service.probe():
                        self._set(service, "running")
                    if time.time() - entry["since"] > STABLE_AFTER:
                        backoff[service.name] = BACKOFF_START
                    continue
                code = proc.returncode if proc is not None else None
                delay = backoff[service.name]
                backoff[service.name] = min(delay * 2, BACKOFF_MAX)
                self.log.warning("%s exited (%s); restarting in %.1fs", service.name, describe_exit(code), delay)
                self._reap_group(service)
                self._set(service, "restarting", lastExit=describe_exit(code))
                restart_at[service.name] = now + delay
            if now >= next_api_probe:
                next_api_probe = now + API_PROBE_EVERY
                api = self.services[-1]
                if api.proc is not None and api.proc.poll() is None and self.state["api"]["state"] == "running":
                    api_failures = 0 if api.alive is None or api.alive() else api_failures + 1
                    if api_failures >= API_PROBE_FAILURES:
                        self.log.warning("api did not answer %d health checks; restarting it", api_failures)
                        api_failures = 0
                        self._terminate(api)

    def _restart(self, service: Service) -> None:
        try:
            self._spawn(service)
        except HostError as exc:
            self.log.error("%s", exc)

    # -- stop --------------------------------------------------------------------------------------------------

    def _stop_all(self) -> None:
        for service in reversed(self.services):
            if service.proc is not None and service.proc.poll() is None:
                self._set(service, "stopping")
                self.log.info("stopping %s (pid %d)", service.name, service.proc.pid)
                self._terminate(service)
            self._reap_group(service)
            procs.remove(self.paths.pid_file(service.name))
        if self.services:
            self.log.info("stopped")

    def _terminate(self, service: Service) -> None:
        assert service.proc is not None
        with contextlib.suppress(ProcessLookupError):
            service.proc.send_signal(service.stop_signal)
        try:
            service.proc.wait(STOP_TIMEOUT)
        except Exception:
            self.log.warning("%s did not stop in %.0fs; killing it", service.name, STOP_TIMEOUT)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(service.proc.pid, signal.SIGKILL)
            service.proc.wait()

    def _reap_group(self, service: Service) -> None:
        """Children of a dead child (postgres workers, API workers) share its process group: end them too."""
        if service.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(service.proc.pid, signal.SIGKILL)

    # -- state -------------------------------------------------------------------------------------------------

    def _set(self, service: Service, state: str, **extra: Any) -> None:
        self.state.setdefault(service.name, {"restarts": 0}).update(state=state, **extra)
        self._write_state()

    def _write_state(self) -> None:
        body = {"version": __version__, "supervisor": {"pid": os.getpid(), "started": self.started},
                "apiUrl": self.settings.api_url, "services": self.state}  # fmt: skip
        tmp = self.paths.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, indent=2))
        tmp.replace(self.paths.state_file)


def describe_exit(code: int | None) -> str:
    if code is None:
        return "unknown status"
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def _preload_database_code() -> None:
    import omni.db.crypto
    import omni.db.migrate  # noqa: F401
