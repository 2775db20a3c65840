"""Loading plugins from a plugins folder with isolation (omni.plugins.manager), and the plugins' part of
`omni doctor` (omni.plugins.doctor). No servers: each test builds its own folder of small distributions."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from omni.plugins.doctor import load_check, plugin_checks, run_check
from omni.plugins.hookspecs import PLUGIN_API_VERSION
from omni.plugins.manager import load_plugins
from tests.plugin_helpers import channel_module, forget_modules, make_dist, unique


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """load_plugins appends the folder to sys.path: give each test its own copy; forget the modules it imported."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    created: list[str] = []
    yield created
    for module in created:
        forget_modules(module)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "plugins"


def add(folder: Path, created: list[str], plugin: str, code: str, version: str = "1.0") -> str:
    """A distribution `<plugin>-dist` declaring the plugin `plugin`, whose module (unique name) holds `code`."""
    module = unique(plugin)
    created.append(module)
    make_dist(folder, f"{plugin}-dist", {module: code}, {plugin: module}, version)
    return module


def test_a_working_plugin_registers_its_channel(folder: Path, isolated: list[str]) -> None:
    key = unique("chan")
    module = add(folder, isolated, "good", channel_module(key), version="2.5")
    plugins = load_plugins(folder, None)
    info = plugins.infos["good"]
    assert (info.status, info.error, info.channels, info.version) == ("loaded", None, [key], "2.5")
    assert info.module == module
    assert plugins.channels[key] is sys.modules[module].__dict__[plugins.channels[key].__name__]
    assert plugins.owner_of("channel", key) == "good"
    assert plugins.infos["loopback"].status == "loaded"  # the built-ins load too
    listed = {item["name"]: item for item in plugins.listing()}
    assert listed["good"]["channels"] == [key] and listed["good"]["status"] == "loaded"


def test_folder_plugins_are_labelled_folder(folder: Path, isolated: list[str]) -> None:
    add(folder, isolated, "labelled", channel_module(unique("chan")))
    assert load_plugins(folder, None).infos["labelled"].source == "folder"


def test_an_import_error_is_recorded_and_the_others_still_load(folder: Path, isolated: list[str]) -> None:
    add(folder, isolated, "broken", "import definitely_not_a_module_anywhere\n")
    add(folder, isolated, "exits", "import sys\nsys.exit(3)\n")
    key = unique("chan")
    add(folder, isolated, "fine", channel_module(key))
    plugins = load_plugins(folder, None)
    broken = plugins.infos["broken"]
    assert broken.status == "failed"
    assert "ModuleNotFoundError" in broken.error and "definitely_not_a_module_anywhere" in broken.error
    assert plugins.infos["exits"].status == "failed" and "SystemExit" in plugins.infos["exits"].error
    assert plugins.infos["fine"].status == "loaded" and key in plugins.channels


def test_a_duplicate_channel_key_fails_the_second_plugin(folder: Path, isolated: list[str]) -> None:
    key = unique("shared")
    modules = {"first": add(folder, isolated, "dupa", channel_module(key)),
               "second": add(folder, isolated, "dupb", channel_module(key))}  # fmt: skip
    plugins = load_plugins(folder, None)
    order = [name for name in plugins.infos if name in ("dupa", "dupb")]  # load order: the folder's listing order
    first, second = order
    assert plugins.infos[first].status == "loaded" and plugins.infos[first].channels == [key]
    failed = plugins.infos[second]
    assert failed.status == "failed" and failed.channels == []
    assert repr(first) in failed.error and repr(second) in failed.error and key in failed.error
    assert plugins.owner_of("channel", key) == first
    winner = modules["first"] if first == "dupa" else modules["second"]
    assert plugins.channels[key].__module__ == winner


def test_a_half_registered_plugin_keeps_nothing(folder: Path, isolated: list[str]) -> None:
    key = unique("half")
    code = channel_module(key) + (
        "\n\n@hookimpl\ndef register_agent_providers(register):\n    raise RuntimeError('provider setup failed')\n"
    )
    add(folder, isolated, "half", code)
    plugins = load_plugins(folder, None)
    assert plugins.infos["half"].status == "failed" and "provider setup failed" in plugins.infos["half"].error
    assert key not in plugins.channels and plugins.owner_of("channel", key) is None
    assert plugins.infos["half"].channels == []


def test_another_plugin_api_is_incompatible(folder: Path, isolated: list[str]) -> None:
    key = unique("chan")
    add(folder, isolated, "future", "OMNI_PLUGIN_API = 99\n" + channel_module(key))
    add(folder, isolated, "current", f"OMNI_PLUGIN_API = {PLUGIN_API_VERSION}\n" + channel_module(unique("chan")))
    plugins = load_plugins(folder, None)
    info = plugins.infos["future"]
    assert info.status == "incompatible" and "99" in info.error and str(PLUGIN_API_VERSION) in info.error
    assert key not in plugins.channels
    assert plugins.infos["current"].status == "loaded"


def test_only_selects_the_plugins_to_load(folder: Path, isolated: list[str]) -> None:
    add(folder, isolated, "pa", channel_module(unique("chan")))
    add(folder, isolated, "pb", channel_module(unique("chan")))
    none = load_plugins(folder, "")
    assert {i.source for i in none.infos.values()} == {"builtin"} and "loopback" in none.infos
    only_a = load_plugins(folder, "pa")
    assert "pa" in only_a.infos and "pb" not in only_a.infos
    assert {i.name for i in only_a.infos.values() if i.source != "builtin"} == {"pa"}
    both = load_plugins(folder, " pa , pb ")
    assert {"pa", "pb"} <= set(both.infos)


async def test_a_crashing_hook_is_recorded_and_the_others_still_run(folder: Path, isolated: list[str]) -> None:
    crash = """
from omni.plugins.hookspecs import hookimpl


@hookimpl
async def on_event(event):
    raise ValueError("cannot handle " + event["type"])
"""
    listen = """
from omni.plugins.hookspecs import hookimpl

SEEN = []


@hookimpl
async def on_event(event):
    SEEN.append(event["id"])
"""
    add(folder, isolated, "crasher", crash)
    listener = add(folder, isolated, "listener", listen)
    plugins = load_plugins(folder, "crasher,listener")
    event = {"id": "e1", "type": "message.received", "payload": {}, "metadata": {}}
    await plugins.acall("on_event", event=event)
    await plugins.acall("on_event", event={**event, "id": "e2"})
    assert sys.modules[listener].SEEN == ["e1", "e2"]
    errors = plugins.infos["crasher"].runtime_errors
    assert len(errors) == 2 and errors[0].startswith("on_event: ValueError: cannot handle message.received")
    assert plugins.infos["crasher"].status == "loaded"  # a runtime crash is not a load failure
    assert plugins.infos["listener"].runtime_errors == []
    assert plugins.listing()[[i["name"] for i in plugins.listing()].index("crasher")]["runtimeErrors"] == errors


# -- omni doctor ---------------------------------------------------------------------------------------------------


def test_doctor_warns_about_failed_and_incompatible_plugins(folder: Path, isolated: list[str]) -> None:
    add(folder, isolated, "docbroken", "raise RuntimeError('no config')\n")
    add(folder, isolated, "docold", "OMNI_PLUGIN_API = 0\n")
    check = load_check(load_plugins(folder, None))
    assert check.status == "WARN"
    assert "docbroken failed: RuntimeError: no config" in check.message
    assert "docold incompatible" in check.message and "omni plugins" in check.fix
    assert load_check(load_plugins(folder, "")).status == "PASS"


def test_doctor_runs_each_registered_check_isolated(folder: Path, isolated: list[str]) -> None:
    code = """
import time

from omni.plugins.hookspecs import hookimpl


@hookimpl
def register_doctor_checks(register):
    register("ok", lambda: (True, "all good"))
    register("bad", lambda: (False, "token expired"))
    register("crash", lambda: 1 / 0)
    register("odd", lambda: "yes")
"""
    add(folder, isolated, "checker", code)
    add(folder, isolated, "nochecks", "from omni.plugins.hookspecs import hookimpl\n\n@hookimpl\n"
                                      "def register_doctor_checks(register):\n    raise KeyError('oops')\n")  # fmt: skip
    plugins = load_plugins(folder, "checker,nochecks")
    rows = {c.name: c for c in plugin_checks(plugins)}
    assert (rows["plugin checker: ok"].status, rows["plugin checker: ok"].message) == ("PASS", "all good")
    assert (rows["plugin checker: bad"].status, rows["plugin checker: bad"].message) == ("FAIL", "token expired")
    assert (
        rows["plugin checker: crash"].status == "WARN" and "ZeroDivisionError" in rows["plugin checker: crash"].message
    )
    assert rows["plugin checker: odd"].status == "WARN" and "not (ok, detail)" in rows["plugin checker: odd"].message
    assert rows["plugin nochecks"].status == "WARN" and "KeyError" in rows["plugin nochecks"].message
    assert plugins.infos["nochecks"].runtime_errors


def test_a_hanging_check_is_a_warning() -> None:
    started = time.monotonic()
    check = run_check("plugin slow: sleep", lambda: time.sleep(5), timeout=0.2)
    assert check.status == "WARN" and "did not answer" in check.message
    assert time.monotonic() - started < 2
