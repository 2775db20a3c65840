"""Loading plugins with isolation: each entry point in its own try/except; import errors, duplicate keys,
incompatible plugin-API versions and runtime crashes are recorded (shown by `omni plugins`, `GET /api/v2/plugins` and
`omni doctor`) and never take the server down.

Sources, in order: omni's built-in plugins (always), the `omni` entry points of installed distributions, and the
distributions in the plugins folder of the data dir (`omni plugins install` puts them there, so they work with the
frozen binary too). `OMNI_LOAD_PLUGINS=a,b` loads only those entry points; empty loads none.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from omni.plugins.hookspecs import PLUGIN_API_VERSION, PROJECT, OmniSpec

log = logging.getLogger("omni.plugins")

BUILTIN = ("omni.builtin.loopback", "omni.builtin.agents")
LOADED_CHANNELS: set[str] = set()  # every channel key registered in this process (instance validation reads it)
LOADED_PROVIDERS: set[str] = set()  # every agent provider key registered in this process (provider validation)
MAX_ERRORS = 20


@dataclass
class PluginInfo:
    name: str
    source: str  # builtin | entry-point | folder
    module: str
    version: str | None = None
    status: str = "loaded"  # loaded | failed | incompatible | skipped
    error: str | None = None
    channels: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    runtime_errors: list[str] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "module": self.module, "version": self.version,
                "status": self.status, "error": self.error, "channels": self.channels, "providers": self.providers,
                "runtimeErrors": self.runtime_errors[-5:]}  # fmt: skip


@dataclass
class Candidate:
    name: str
    source: str
    load: Callable[[], Any]
    module: str
    version: str | None


class Plugins:
    """The loaded plugins, the channels and providers they registered, and what went wrong."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(OmniSpec)
        self.infos: dict[str, PluginInfo] = {}
        self.channels: dict[str, type] = {}
        self.providers: dict[str, type] = {}
        self._owner: dict[tuple[str, str], str] = {}  # (kind, key) -> plugin name

    # -- loading --------------------------------------------------------------------------------------------------

    def load(self, candidates: Iterable[Candidate]) -> None:
        for candidate in candidates:
            if candidate.name in self.infos:
                continue  # the same distribution found twice (installed and in the folder): first wins
            info = PluginInfo(candidate.name, candidate.source, candidate.module, candidate.version)
            self.infos[candidate.name] = info
            try:
                plugin = candidate.load()
            except (Exception, SystemExit) as exc:  # a plugin must never stop omni, even with sys.exit()
                info.status, info.error = "failed", _describe(exc)
                log.error("plugin %s failed to load: %s", candidate.name, info.error)
                continue
            wanted = getattr(plugin, "OMNI_PLUGIN_API", PLUGIN_API_VERSION)
            if wanted != PLUGIN_API_VERSION:
                info.status = "incompatible"
                info.error = f"needs plugin API {wanted}; this omni has {PLUGIN_API_VERSION}"
                log.error("plugin %s: %s", candidate.name, info.error)
                continue
            try:
                self.pm.register(plugin, name=candidate.name)
            except (Exception, SystemExit) as exc:
                info.status, info.error = "failed", _describe(exc)
                continue
            self._collect(candidate.name, plugin, info)

    def _collect(self, name: str, plugin: Any, info: PluginInfo) -> None:
        for hook, kind, registry, listed in (("register_channels", "channel", self.channels, info.channels),
                                             ("register_agent_providers", "provider", self.providers, info.providers)):  # fmt: skip
            impl = getattr(plugin, hook, None)
            if impl is None:
                continue

            def register(cls: type, *, kind: str = kind, registry: dict[str, type] = registry,
                         listed: list[str] = listed) -> None:  # fmt: skip
                key = getattr(cls, "key", None)
                if not isinstance(key, str) or not key:
                    raise ValueError(f"{cls!r} has no key")
                owner = self._owner.get((kind, key))
                if owner is not None:
                    raise ValueError(f"{kind} key {key!r} of plugin {name!r} is already registered by plugin {owner!r}")
                self._owner[(kind, key)] = name
                registry[key] = cls
                listed.append(key)
                (LOADED_CHANNELS if kind == "channel" else LOADED_PROVIDERS).add(key)

            try:
                impl(register=register)
            except (Exception, SystemExit) as exc:
                info.status, info.error = "failed", _describe(exc)
                log.error("plugin %s: %s", name, info.error)
                self._forget(name, info)
                self.pm.unregister(plugin)
                return

    def _forget(self, name: str, info: PluginInfo) -> None:
        """A half-registered plugin registers nothing: its channels and providers go too."""
        for kind, registry, listed in (("channel", self.channels, info.channels),
                                       ("provider", self.providers, info.providers)):  # fmt: skip
            for key in listed:
                if self._owner.get((kind, key)) == name:
                    registry.pop(key, None)
                    self._owner.pop((kind, key), None)
            listed.clear()

    # -- calling hooks, one implementation at a time ------------------------------------------------------------

    def call(self, hook: str, **kwargs: Any) -> None:
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            try:
                impl.function(**{a: kwargs[a] for a in impl.argnames})  # a plugin may take fewer arguments
            except (Exception, SystemExit) as exc:
                self.record(impl.plugin_name, hook, exc)

    async def acall(self, hook: str, **kwargs: Any) -> None:
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            try:
                result = impl.function(**{a: kwargs[a] for a in impl.argnames})
                if inspect.isawaitable(result):
                    await result
            except (Exception, SystemExit) as exc:
                self.record(impl.plugin_name, hook, exc)

    def record(self, plugin: str, where: str, exc: BaseException) -> None:
        """A runtime crash of a plugin: logged with its traceback, kept for `omni plugins`."""
        log.error("plugin %s crashed in %s", plugin, where, exc_info=exc)
        info = self.infos.get(plugin)
        if info is not None:
            info.runtime_errors = [*info.runtime_errors[-(MAX_ERRORS - 1) :], f"{where}: {_describe(exc)}"]

    def owner_of(self, kind: str, key: str) -> str | None:
        return self._owner.get((kind, key))

    def listing(self) -> list[dict[str, Any]]:
        return [info.public() for info in self.infos.values()]


def _describe(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _import(module: str) -> ModuleType:
    return importlib.import_module(module)


def candidates(plugins_dir: Path | None, only: str | None) -> list[Candidate]:
    """What to load: built-ins, then entry points (installed, then the plugins folder), filtered by `only`
    (OMNI_LOAD_PLUGINS: None = all, "" = none, "a,b" = those names)."""
    found = [Candidate(m.rsplit(".", 1)[-1], "builtin", lambda m=m: _import(m), m, None) for m in BUILTIN]
    wanted = None if only is None else {n.strip() for n in only.split(",") if n.strip()}
    # read the installed ones before the folder joins sys.path, so that folder plugins are reported as such
    sources: list[tuple[str, Iterable[metadata.Distribution]]] = [("entry-point", list(metadata.distributions()))]
    if plugins_dir is not None and plugins_dir.is_dir():
        if str(plugins_dir) not in sys.path:
            sys.path.append(str(plugins_dir))
        sources.append(("folder", metadata.distributions(path=[str(plugins_dir)])))
    for source, dists in sources:
        for dist in dists:
            for ep in dist.entry_points:
                if ep.group != PROJECT or (wanted is not None and ep.name not in wanted):
                    continue
                found.append(Candidate(ep.name, source, ep.load, ep.value, dist.version))
    return found


def load_plugins(plugins_dir: Path | None, only: str | None) -> Plugins:
    plugins = Plugins()
    plugins.load(candidates(plugins_dir, only))
    return plugins
