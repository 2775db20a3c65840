"""`omni plugins`: list, install and uninstall plugins; and the commands plugins add (`register_commands`).

Plugins' commands are loaded lazily: running one of omni's own commands never imports a plugin; `omni --help`, or a
command name omni does not know, loads the third-party plugins (not the built-ins, which add no commands) and lets
each add its commands. A plugin that fails, or tries to replace one of omni's commands, never breaks the CLI.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.table import Table

from omni import paths
from omni.cli.host import err, out
from omni.host.errors import HostError

if TYPE_CHECKING:
    from omni.plugins.manager import Plugins

STATUS_STYLE = {"loaded": "green", "failed": "red", "incompatible": "yellow"}
RESTART = "`omni restart` applies it (the server loads plugins when it starts)."


def plugins_dir() -> Path:
    return paths.resolve().data / "plugins"


def load_filter() -> str | None:
    """OMNI_LOAD_PLUGINS: None = all, "" = none, "a,b" = those."""
    return os.environ.get("OMNI_LOAD_PLUGINS")


def errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """An InstallError (a HostError) is a message for the user, printed as it is (pip output has brackets)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HostError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            sys.exit(1)

    return wrapper


def _quiet() -> None:
    """The CLI shows plugin problems in its tables; the loader's log lines would only repeat them on stderr."""
    logger = logging.getLogger("omni.plugins")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _load() -> Plugins:
    from omni.plugins.manager import load_plugins

    _quiet()
    return load_plugins(plugins_dir(), load_filter())


# -- omni plugins [list] -----------------------------------------------------------------------------------------


@click.group(name="plugins", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (the list).")
@click.pass_context
def plugins_group(ctx: click.Context, as_json: bool) -> None:
    """List, install and remove plugins (channels, agent providers, commands, API routes).

    \b
      omni plugins                     what is installed, and whether it loads
      omni plugins install NAME|PATH   a PyPI project, a wheel file or a project directory
      omni plugins uninstall NAME      remove it from the plugins folder
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_plugins, as_json=as_json)


@plugins_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@errors
def list_plugins(as_json: bool) -> None:
    """Each plugin: where it comes from, its version, whether it loads, and the channels and providers it adds.

    This loads the plugins in this process, as the server does when it starts; crashes of a running server's plugins
    are in `GET /api/v2/plugins` (runtimeErrors).
    """
    folder = plugins_dir()
    plugins = _load()
    items = plugins.listing()
    if as_json or not sys.stdout.isatty():
        click.echo(json.dumps({"pluginsDir": str(folder), "loadPlugins": load_filter(), "items": items}, indent=2))
        return
    table = Table("plugin", "source", "version", "status", "channels", "providers", "error")
    for item in items:
        style = STATUS_STYLE.get(item["status"], "yellow")
        cells = [item["name"], item["source"], item["version"] or "-", "", ", ".join(item["channels"]) or "-",
                 ", ".join(item["providers"]) or "-", item["error"] or ""]  # fmt: skip
        cells = [escape(c) for c in cells]
        cells[3] = f"[{style}]{escape(item['status'])}[/]"
        table.add_row(*cells)
    out.print(table)
    out.print(f"plugins folder: {folder}")
    if load_filter() is not None:
        out.print(f"OMNI_LOAD_PLUGINS={load_filter()!r}: only the plugins named there load (built-ins always do)")


# -- install / uninstall -------------------------------------------------------------------------------------------


@plugins_group.command()
@click.argument("spec", metavar="NAME|PATH")
@errors
def install(spec: str) -> None:
    """Install a plugin into the plugins folder of the data dir.

    NAME|PATH is a PyPI project (`name`, `name==1.2`), a wheel file, or a project directory. Its dependencies are
    installed with it, except those omni already provides. From source this uses pip; the omni binary installs
    pure-Python wheels itself (checking their sha256). An installed version is replaced.
    """
    from omni.host.install import make_dirs
    from omni.plugins.install import Installer

    where = paths.resolve()
    make_dirs(where)  # before `omni install`: the data dir gets its own modes, not the umask's
    folder = plugins_dir()
    result = Installer(folder, console=err).install(spec)
    out.print(f"installed {result.name} {result.version} into {folder}")
    for old in result.replaced:
        out.print(f"  replaced {old}")
    for dep in result.dependencies:
        out.print(f"  with {dep.name} {dep.version}")
    for note in result.notes:
        err.print(f"  [yellow]note:[/yellow] {escape(note)}")
    ok = _check_loads(
        folder.resolve(), result.name, result.plugins + [n for d in result.dependencies for n in d.plugins]
    )
    out.print(RESTART)
    if not ok:
        sys.exit(1)


def _origin(module: str) -> Path | None:
    loaded = sys.modules.get(module.split(":")[0].strip())
    path = getattr(loaded, "__file__", None)
    return Path(path).resolve() if path else None


def _check_loads(folder: Path, name: str, names: list[str]) -> bool:
    """Load the plugins as the server would and say whether the new ones load; False when one does not."""
    if not names:
        err.print(f"[yellow]warning:[/yellow] {name} declares no `omni` entry point, so it adds no plugin "
                  "(see docs/plugins.md: \\[project.entry-points.omni])")  # fmt: skip
        return True
    plugins = _load()
    ok = True
    for plugin in names:
        info = plugins.infos.get(plugin)
        if info is None:
            err.print(f"[yellow]note:[/yellow] plugin {plugin} is not loaded: OMNI_LOAD_PLUGINS={load_filter()!r} "
                      "does not name it")  # fmt: skip
            continue
        if info.status != "loaded":
            err.print(f"[red]plugin {plugin} is {info.status}:[/red] {escape(info.error or '')}")
            ok = False
            continue
        provides = [f"channels: {', '.join(info.channels)}"] if info.channels else []
        provides += [f"providers: {', '.join(info.providers)}"] if info.providers else []
        out.print(f"  plugin {plugin} loads" + (f" ({'; '.join(provides)})" if provides else ""))
        origin = _origin(info.module)
        if origin is not None and folder not in origin.parents:
            err.print(f"[yellow]note:[/yellow] plugin {plugin} is loaded from {origin}, not from the plugins folder: "
                      "another copy is installed in omni's environment and is found first")  # fmt: skip
    for info in plugins.infos.values():  # a plugin the new one collides with
        if info.name not in names and info.status != "loaded" and any(f"{n!r}" in (info.error or "") for n in names):
            err.print(f"[red]plugin {info.name} is now {info.status}:[/red] {escape(info.error or '')}")
            ok = False
    return ok


@plugins_group.command()
@click.argument("name")
@errors
def uninstall(name: str) -> None:
    """Remove a plugin from the plugins folder, by its distribution or plugin name (its dependencies stay)."""
    from omni.plugins.install import uninstall as remove

    folder = plugins_dir()
    for gone in remove(name, folder):
        plugins = f" (plugin {', '.join(gone.plugins)})" if gone.plugins else ""
        out.print(f"removed {gone.name} {gone.version}{plugins} from {folder}: {gone.files} files")
    out.print(RESTART)


# -- the plugins' own commands --------------------------------------------------------------------------------------


def add_plugin_commands(group: click.Group) -> list[str]:
    """Let each third-party plugin add commands to `group` (`register_commands(cli=group)`); returns the names of the
    plugins that did not load. Nothing here may raise: a broken plugin must not break `omni`."""
    try:
        from omni.plugins.manager import Plugins, candidates

        _quiet()
        plugins = Plugins()
        plugins.load(c for c in candidates(plugins_dir(), load_filter()) if c.source != "builtin")
        own = dict(group.commands)
        for impl in plugins.pm.hook.register_commands.get_hookimpls():
            try:
                impl.function(**{arg: group for arg in impl.argnames})
            except (Exception, SystemExit) as exc:
                plugins.record(impl.plugin_name, "register_commands", exc)
            for name, command in own.items():
                if group.commands.get(name) is not command:
                    group.commands[name] = command
                    err.print(f"[yellow]warning:[/yellow] plugin {impl.plugin_name} tried to replace "
                              f"`omni {name}`; ignored")  # fmt: skip
        return [info.name for info in plugins.infos.values() if info.status != "loaded" or info.runtime_errors]
    except Exception as exc:
        err.print(f"[yellow]warning:[/yellow] could not load plugin commands: {escape(f'{type(exc).__name__}: {exc}')}")
        return []


def register(group: click.Group) -> None:
    """Add `omni plugins`, and make `group` ask the plugins for their commands the first time it needs a command it
    does not have (an unknown name, or the list for --help)."""
    group.add_command(plugins_group)
    state: dict[str, Any] = {}
    get_command, list_commands = group.get_command, group.list_commands

    def load_once() -> list[str]:
        if "broken" not in state:
            state["broken"] = add_plugin_commands(group)
        return state["broken"]

    def lazy_get_command(ctx: click.Context, name: str) -> click.Command | None:
        if name in group.commands:
            return get_command(ctx, name)
        broken = load_once()
        command = get_command(ctx, name)
        if command is None and broken:
            err.print(f"[yellow]note:[/yellow] plugin(s) {', '.join(broken)} did not load; `omni plugins` says why")
        return command

    def lazy_list_commands(ctx: click.Context) -> list[str]:
        load_once()
        return list_commands(ctx)

    group.get_command = lazy_get_command  # type: ignore[method-assign]
    group.list_commands = lazy_list_commands  # type: ignore[method-assign]
