"""docs/plugins.md documents every hook of OmniSpec with its exact signature, and no hook that does not exist."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from omni.plugins.hookspecs import PROJECT, OmniSpec

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def hooks() -> list[str]:
    return [name for name, fn in vars(OmniSpec).items() if callable(fn) and hasattr(fn, f"{PROJECT}_spec")]


def _annotation(value: object) -> str:
    return value if isinstance(value, str) else inspect.formatannotation(value)


def signature(name: str) -> str:
    """`def register_channels(register: Callable[[type[Channel]], None]) -> None`: the declaration without `self`,
    annotations as written in hookspecs.py."""
    fn = getattr(OmniSpec, name)
    sig = inspect.signature(fn)
    params = [f"{p.name}: {_annotation(p.annotation)}" for p in sig.parameters.values() if p.name != "self"]
    prefix = "async def" if inspect.iscoroutinefunction(fn) else "def"
    return f"{prefix} {name}({', '.join(params)}) -> {_annotation(sig.return_annotation)}"


def sections() -> dict[str, list[str]]:
    """The `### \\`hook\\`` sections under `## Hooks`: their lines."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_hooks = False
    for line in DOCS.read_text().splitlines():
        if line.startswith("## "):
            in_hooks = line.strip() == "## Hooks"
            current = None
        elif in_hooks and line.startswith("### "):
            match = re.fullmatch(r"### `(\w+)`", line.strip())
            assert match, f"hook headings look like ### `name`: {line!r}"
            current = found.setdefault(match.group(1), [])
        elif current is not None:
            current.append(line)
    return found


def first_code_line(lines: list[str]) -> str | None:
    for i, line in enumerate(lines):
        if line.startswith("```"):
            return lines[i + 1].strip() if i + 1 < len(lines) else None
    return None


def test_the_spec_has_hooks() -> None:
    assert {"register_channels", "register_commands", "on_event", "startup"} <= set(hooks())


@pytest.mark.parametrize("hook", hooks())
def test_each_hook_has_a_section_opening_with_its_signature(hook: str) -> None:
    found = sections()
    assert hook in found, f"docs/plugins.md has no `### \\`{hook}\\`` section under `## Hooks`"
    assert first_code_line(found[hook]) == signature(hook)
    assert signature(hook) in DOCS.read_text()


def test_no_section_for_a_hook_that_does_not_exist() -> None:
    assert set(sections()) <= set(hooks()), set(sections()) - set(hooks())


def test_signature_rendering() -> None:
    assert signature("register_channels") == "def register_channels(register: Callable[[type[Channel]], None]) -> None"
    assert signature("on_event") == "async def on_event(event: dict[str, Any]) -> None"


def test_the_example_plugin_in_the_docs_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first example (`# omni_echo/plugin.py`) is real code: installed in a plugins folder, it loads and registers
    its channel and doctor check."""
    import sys

    from omni.plugins.manager import load_plugins

    text = DOCS.read_text()
    code = re.search(r"```python\n(# omni_echo/plugin\.py\n.*?)```", text, re.DOTALL)
    assert code, "the example plugin block is missing"
    module = "omni_echo_docs_example"
    folder = tmp_path / "plugins"
    (folder / "omni_echo_docs-0.1.0.dist-info").mkdir(parents=True)
    (folder / "omni_echo_docs-0.1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: omni-echo-docs\nVersion: 0.1.0\n"
    )
    (folder / "omni_echo_docs-0.1.0.dist-info" / "entry_points.txt").write_text(f"[omni]\necho = {module}\n")
    (folder / f"{module}.py").write_text(code.group(1))
    monkeypatch.setattr(sys, "path", list(sys.path))
    try:
        plugins = load_plugins(folder, "echo")
        assert plugins.infos["echo"].status == "loaded", plugins.infos["echo"].error
        assert plugins.owner_of("channel", "echo") == "echo"
        assert plugins.channels["echo"].__name__ == "Echo"
    finally:
        sys.modules.pop(module, None)


async def test_the_provider_example_in_the_docs_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The agent provider example (`# omni_shout/plugin.py`) is real code: it loads, validates its schemaConfig and
    answers as the contract says."""
    import sys

    from omni.agents.base import AgentRequest, ProviderSettings
    from omni.plugins.manager import load_plugins

    code = re.search(r"```python\n(# omni_shout/plugin\.py\n.*?)```", DOCS.read_text(), re.DOTALL)
    assert code, "the example provider block is missing"
    module = "omni_shout_docs_example"
    folder = tmp_path / "plugins"
    (folder / "omni_shout_docs-0.1.0.dist-info").mkdir(parents=True)
    (folder / "omni_shout_docs-0.1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: omni-shout-docs\nVersion: 0.1.0\n"
    )
    (folder / "omni_shout_docs-0.1.0.dist-info" / "entry_points.txt").write_text(f"[omni]\nshout = {module}\n")
    (folder / f"{module}.py").write_text(code.group(1))
    monkeypatch.setattr(sys, "path", list(sys.path))
    try:
        plugins = load_plugins(folder, "shout")
        assert plugins.infos["shout"].status == "loaded", plugins.infos["shout"].error
        cls = plugins.providers["shout"]
        config = cls.config_model.model_validate({"exclaim": "!!"})
        provider = cls(ProviderSettings(id="1", name="s", schema="shout", config=config))
        source = {"channelType": "loopback", "instanceId": "i", "chatId": "c"}
        request = AgentRequest.model_validate(
            {"traceId": "t", "sessionId": "s", "content": {"text": "hi you"}, "source": source}
        )
        events = [event async for event in provider.respond(request)]
        assert [e.kind for e in events] == ["delta", "delta", "final"] and events[-1].text == "HI YOU!!"
        assert (await provider.health()).ok
    finally:
        sys.modules.pop(module, None)
