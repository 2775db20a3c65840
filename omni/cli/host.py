"""Host commands: install, start, stop, restart, serve, status, logs, doctor. Each is thin over omni.host."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from omni import config, paths
from omni.host.banner import banner
from omni.host.errors import HostError
from omni.host.logs import SERVICES, tail

# The host modules below import the database and server stacks; commands import them when they run, so that
# `omni --version` and `omni --help` stay instant.

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATUS_STYLE = {"PASS": "green", "WARN": "yellow", "FAIL": "red"}


def host_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A HostError is a message for the user (with its fix), not a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HostError as exc:
            err.print(f"[red]error:[/red] {exc}")
            sys.exit(1)
        except ValidationError as exc:
            err.print(f"[red]invalid setting:[/red] {config.describe_error(exc)}")
            sys.exit(2)

    return wrapper


def server_flags(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--port", type=click.IntRange(1, 65535), help="API port (env API_PORT).")(fn)
    fn = click.option("--host", help="API listen address (env API_HOST).")(fn)
    return fn


def _settings(port: int | None = None, host: str | None = None) -> config.Settings:
    return config.load(paths.resolve(), api_port=port, api_host=host)


def _flag_args(port: int | None, host: str | None) -> list[str]:
    args = []
    if port:
        args += ["--port", str(port)]
    if host:
        args += ["--host", host]
    return args


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), help="API port to save in the config file.")
@click.option("--host", help="API listen address to save (default 127.0.0.1; 0.0.0.0 to serve the network).")
@click.option("--database-url", help="Use this PostgreSQL instead of the embedded one.")
@click.option("--nats-url", help="Use this NATS server or cluster instead of the embedded one.")
@click.option("--non-interactive", is_flag=True, help="Never prompt (scripts, curl | bash).")
@click.option("--systemd", is_flag=True, help="Also write /etc/systemd/system/omni.service (root).")
@host_errors
def install(port: int | None, host: str | None, database_url: str | None, nats_url: str | None,
            non_interactive: bool, systemd: bool) -> None:  # fmt: skip
    """Set up the server: folders, database, event bus, schema, the primary API key and the CLI login.

    Safe to run again: existing data, passwords and keys are kept.
    """
    where = paths.resolve()
    if not non_interactive and sys.stdin.isatty() and port is None and not where.config_file.exists():
        port = click.prompt("API port", default=8882, type=click.IntRange(1, 65535))
    values = {"api_port": port, "api_host": host, "database_url": database_url, "nats_url": nats_url}
    from omni.host import install as install_mod

    with err.status("Installing omni…"):
        result = install_mod.install(where, values)
    settings = result.settings
    for item in result.created:
        out.print(f"  [green]created[/green] {item}")
    if systemd:
        from omni.host import systemd as systemd_mod

        if systemd_mod.install_unit(where):
            result.created.append(str(systemd_mod.UNIT_PATH))
            out.print(f"  [green]created[/green] {systemd_mod.UNIT_PATH} (enable it: systemctl enable --now omni)")
    if not result.created:
        out.print("  nothing to change: already installed")
    out.print(f"  config {where.config_file}\n  data   {where.data}\n  logs   {where.logs}")
    if result.running:
        out.print(f"  omni is running at {settings.api_url}")
    if result.new_key:
        out.print(banner(result.new_key, settings.api_url).replace("is running at", "will run at"))
        out.print(f"  The CLI is logged in ({where.cli_config_file}).")
    out.print("Next: [bold]omni start[/bold]")


@click.command()
@server_flags
@host_errors
def start(port: int | None, host: str | None) -> None:
    """Start the server in the background and wait until it is healthy (a no-op if it is running)."""
    from omni.host import lifecycle

    settings = _settings(port, host)
    where = paths.resolve()
    with err.status("Starting omni…"):
        result = lifecycle.start(settings, where, _flag_args(port, host))
    if result.already_running:
        out.print(f"omni is already running at {result.url} (pid {result.pid})")
        return
    out.print(f"omni is running at {result.url} (pid {result.pid}, healthy in {result.seconds:.1f}s)")
    if result.new_key:
        out.print(banner(result.new_key, result.url))


@click.command()
@host_errors
def stop() -> None:
    """Stop the server and everything it started (idempotent)."""
    from omni.host import lifecycle

    with err.status("Stopping omni…"):
        result = lifecycle.stop(paths.resolve())
    out.print("omni stopped" if result.was_running else "omni is not running")
    for name in result.killed:
        out.print(f"  stopped leftover {name}")
    for pid_file in result.removed_pid_files:
        out.print(f"  removed stale {pid_file}")


@click.command()
@server_flags
@click.pass_context
def restart(ctx: click.Context, port: int | None, host: str | None) -> None:
    """Stop, then start."""
    ctx.invoke(stop)
    ctx.invoke(start, port=port, host=host)


@click.command()
@server_flags
@click.option("--daemon", is_flag=True, hidden=True, help="Started by `omni start`: log to files only.")
@host_errors
def serve(port: int | None, host: str | None, daemon: bool) -> None:
    """Run the server in the foreground (for systemd and containers); Ctrl-C stops it cleanly."""
    from omni.host.supervisor import Supervisor

    code = Supervisor(_settings(port, host), paths.resolve(), console=not daemon).run()
    sys.exit(code)


@click.command(name="_api", hidden=True)
@host_errors
def api_process() -> None:
    """The API server process, run by the supervisor."""
    from omni.api.server import main as serve_api

    serve_api()


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@host_errors
def status(as_json: bool) -> None:
    """Where omni keeps its files, the API URL, auth, health and each service."""
    from omni.host import lifecycle

    data = lifecycle.status(_settings(), paths.resolve())
    if as_json or not sys.stdout.isatty():
        click.echo(json.dumps(data, indent=2))
        return
    health = data["health"]
    colour = {"healthy": "green", "degraded": "yellow"}.get(health.get("status"), "red")
    out.print(f"Config   {data['configDir']}\nData     {data['dataDir']}\nLogs     {data['logDir']}")
    out.print(f"API      {data['apiUrl']}  [{colour}]{health.get('status')}[/{colour}]"
              + (f"  v{health['version']}" if health.get("version") else ""))  # fmt: skip
    auth = data["auth"]
    auth_text = {True: "[green]logged in[/green]", False: "[red]key rejected[/red]", None: "unknown"}[auth["valid"]]
    out.print(f"Auth     {auth_text if auth['configured'] else '[yellow]no API key configured[/yellow]'}")
    table = Table("service", "state", "pid", "port", "restarts")
    for row in data["services"]:
        table.add_row(row["service"], row["state"], str(row["pid"] or "-"), str(row["port"]), str(row["restarts"]))
    out.print(table)


@click.command()
@click.option("--service", "-s", type=click.Choice(SERVICES), help="One service (default: all).")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines.")
@click.option("--lines", "-n", default=50, show_default=True, help="Lines to show first.")
@host_errors
def logs(service: str | None, follow: bool, lines: int) -> None:
    """Show service logs."""
    where = paths.resolve()
    names = [service] if service else list(SERVICES)
    files = {n: where.log_file(n) for n in names}
    for name, path in files.items():
        for line in tail(path, lines):
            click.echo(f"{name:<10} {line}" if len(names) > 1 else line)
    if follow:
        _follow(files, prefix=len(names) > 1)


def _follow(files: dict[str, Any], prefix: bool) -> None:
    handles: dict[str, Any] = {}
    try:
        while True:
            for name, path in files.items():
                fh = handles.get(name)
                if fh is not None and path.exists() and path.stat().st_ino != fh.inode:
                    fh.close()  # rotated: reopen from the start of the new file
                    fh = None
                if fh is None:
                    if not path.exists():
                        continue
                    fh = _Tail(path, at_end=name not in handles)
                    handles[name] = fh
                for line in fh.read_lines():
                    click.echo(f"{name:<10} {line}" if prefix else line)
            time.sleep(0.3)
    except KeyboardInterrupt:
        pass


class _Tail:
    def __init__(self, path: Any, at_end: bool) -> None:
        self.fh = path.open("r", errors="replace")
        self.inode = path.stat().st_ino
        if at_end:
            self.fh.seek(0, 2)

    def read_lines(self) -> list[str]:
        return [line.rstrip("\n") for line in self.fh.readlines()]

    def close(self) -> None:
        self.fh.close()


@click.command()
@click.option("--fix", is_flag=True, help="Repair what is safe to repair (never the PostgreSQL data).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@host_errors
def doctor(fix: bool, as_json: bool) -> None:
    """Check paths, config, ports, PostgreSQL, NATS, processes, keys, versions and disk."""
    from omni.host import doctor as doctor_mod

    checks = doctor_mod.run(_settings(), paths.resolve(), fix=fix)
    if as_json or not sys.stdout.isatty():
        click.echo(json.dumps({"ok": not doctor_mod.failed(checks), "checks": [c.as_dict() for c in checks]},
                              indent=2))  # fmt: skip
    else:
        table = Table("", "check", "result", "fix")
        for c in checks:
            table.add_row(f"[{STATUS_STYLE[c.status]}]{c.status}[/]", c.name, c.message, c.fix)
        out.print(table)
    sys.exit(1 if doctor_mod.failed(checks) else 0)


def register(group: click.Group) -> None:
    for command in (install, start, stop, restart, serve, status, logs, doctor, api_process):
        group.add_command(command)
