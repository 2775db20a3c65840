"""The plugins' part of `omni doctor`: which plugins fail to load or are incompatible, and the checks plugins add
with `register_doctor_checks(register)`. Each check runs isolated (its crash, or a hang past CHECK_TIMEOUT, is a
WARN row) and returns `(ok, detail)`: a PASS or a FAIL row named `plugin <name>: <check>`."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from omni.host.doctor import FAIL, PASS, WARN, Check
from omni.paths import Paths
from omni.plugins.manager import Plugins, load_plugins

CHECK_TIMEOUT = 10.0
FIX = "omni plugins list; fix or update the plugin, or `omni plugins uninstall NAME`"


def checks(paths: Paths) -> list[Check]:
    try:
        plugins = load_plugins(paths.data / "plugins", os.environ.get("OMNI_LOAD_PLUGINS"))
    except Exception as exc:  # the plugin machinery itself: doctor still reports everything else
        return [Check("plugins", WARN, f"cannot load plugins: {type(exc).__name__}: {exc}", FIX)]
    return [load_check(plugins), *plugin_checks(plugins)]


def load_check(plugins: Plugins) -> Check:
    bad = [info for info in plugins.infos.values() if info.status != "loaded"]
    if bad:
        text = "; ".join(f"{info.name} {info.status}: {info.error}" for info in bad)
        return Check("plugins", WARN, text, FIX)
    names = ", ".join(plugins.infos) or "none"
    return Check("plugins", PASS, f"{len(plugins.infos)} loaded ({names})")


def plugin_checks(plugins: Plugins) -> list[Check]:
    out: list[Check] = []
    for impl in plugins.pm.hook.register_doctor_checks.get_hookimpls():
        plugin = impl.plugin_name
        registered: list[tuple[str, Callable[[], Any]]] = []

        def register(
            name: str, check: Callable[[], Any], *, into: list[tuple[str, Callable[[], Any]]] = registered
        ) -> None:
            into.append((str(name), check))

        try:
            impl.function(**{arg: register for arg in impl.argnames})
        except (Exception, SystemExit) as exc:
            plugins.record(plugin, "register_doctor_checks", exc)
            out.append(Check(f"plugin {plugin}", WARN, f"register_doctor_checks crashed: {_text(exc)}", FIX))
        for name, check in registered:
            out.append(run_check(f"plugin {plugin}: {name}", check))
    return out


def run_check(name: str, check: Callable[[], Any], timeout: float = CHECK_TIMEOUT) -> Check:
    """Run one plugin check in a daemon thread: an exception or a hang is a WARN, never a stuck or crashed doctor."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = check()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name=f"doctor-{name}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return Check(name, WARN, f"did not answer in {timeout:g}s", FIX)
    if "error" in outcome:
        return Check(name, WARN, f"the check crashed: {_text(outcome['error'])}", FIX)
    value = outcome.get("value")
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bool)):
        return Check(name, WARN, f"the check returned {value!r}, not (ok, detail)", FIX)
    ok, detail = value
    return Check(name, PASS if ok else FAIL, str(detail), "" if ok else "see the plugin's documentation")


def _text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
