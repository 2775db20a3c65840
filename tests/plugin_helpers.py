"""Building small plugin distributions for tests: an installed distribution (a .dist-info directory next to its
module, as in the plugins folder) and a wheel file."""

from __future__ import annotations

import base64
import hashlib
import sys
import textwrap
import uuid
import zipfile
from pathlib import Path

CHANNEL = """
from typing import Any

from omni.channels.base import Channel
from omni.channels.types import SendResult
from omni.plugins.hookspecs import hookimpl


class {cls}(Channel):
    key = {key!r}
    name = {cls!r}

    async def connect(self, ctx: Any) -> None:
        self.ctx = ctx

    async def disconnect(self) -> None:
        return None

    async def send(self, message: Any) -> SendResult:
        return SendResult(external_id=message.id)


@hookimpl
def register_channels(register: Any) -> None:
    register({cls})
"""


def unique(prefix: str) -> str:
    """A module name no other test uses (sys.modules outlives a test)."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def channel_module(key: str, extra: str = "") -> str:
    cls = "Channel_" + "".join(c if c.isalnum() else "_" for c in key)
    return CHANNEL.format(cls=cls, key=key) + textwrap.dedent(extra)


def metadata_text(name: str, version: str, requires: tuple[str, ...] = ()) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return "\n".join(lines) + "\n"


def entry_points_text(plugins: dict[str, str]) -> str:
    return "[omni]\n" + "".join(f"{name} = {target}\n" for name, target in plugins.items())


def make_dist(folder: Path, name: str, modules: dict[str, str], plugins: dict[str, str],
              version: str = "1.0") -> Path:  # fmt: skip
    """An installed distribution without RECORD: `<name>-<version>.dist-info/{METADATA,entry_points.txt}` and one
    `<module>.py` per entry of `modules`."""
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(metadata_text(name, version))
    (info / "entry_points.txt").write_text(entry_points_text(plugins))
    for module, code in modules.items():
        (folder / f"{module}.py").write_text(code)
    return info


def _hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(out: Path, name: str, version: str, files: dict[str, str], *, plugins: dict[str, str] | None = None,
                requires: tuple[str, ...] = (), tag: str = "py3-none-any",
                tamper: str | None = None) -> Path:  # fmt: skip
    """A wheel (zip) with `files` (path → text), a .dist-info and a RECORD of sha256 hashes; `tamper` names a file
    whose content is changed after RECORD was written."""
    out.mkdir(parents=True, exist_ok=True)
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    contents = {path: text.encode() for path, text in files.items()}
    contents[f"{info}/METADATA"] = metadata_text(name, version, requires).encode()
    contents[f"{info}/WHEEL"] = f"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()
    if plugins:
        contents[f"{info}/entry_points.txt"] = entry_points_text(plugins).encode()
    record = "".join(f"{path},{_hash(data)},{len(data)}\n" for path, data in contents.items())
    contents[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    if tamper:
        contents[tamper] = contents[tamper] + b"\n# changed\n"
    wheel = out / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in contents.items():
            zf.writestr(path, data)
    return wheel


def forget_modules(prefix: str) -> None:
    for module in [m for m in sys.modules if m == prefix or m.startswith(f"{prefix}.")]:
        del sys.modules[module]
