"""Installing plugins into the plugins folder of the data dir (`omni plugins install`), and removing them.

From source (a virtualenv with pip) pip does the work, one distribution at a time:
`python -m pip install --no-deps --target <staging> SPEC`. The frozen binary has no pip: it installs pure-Python
wheels itself (the wheel format, PEP 427), from a local file or from PyPI's JSON API, checking the sha256 PyPI
publishes and every file against the wheel's RECORD. Platform-specific wheels and source distributions are refused
there with a message saying so.

Either way the dependencies are walked here rather than by pip: a requirement omni already provides (`omni` itself,
`pydantic`, `httpx` … anything importable in this process) is not installed again. `pip install --target` would put
its own copy of each into the folder, where it would never be imported (omni's copy comes first on sys.path), and
for `omni` it would fetch an unrelated project of that name from PyPI.

Everything is staged in a temporary folder next to the plugins folder and moved in only once all of it installed;
an older version of the same distribution is removed first (an upgrade).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from rich.console import Console

from omni.host.errors import HostError
from omni.plugins.hookspecs import PROJECT

try:  # packaging is not a dependency of omni: the build environment (PyInstaller) and pip both have it
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.tags import Tag
    from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
    from packaging.version import InvalidVersion, Version
except ImportError:  # pragma: no cover
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.specifiers import InvalidSpecifier, SpecifierSet  # type: ignore[no-redef]
    from pip._vendor.packaging.tags import Tag  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import (  # type: ignore[no-redef]
        InvalidWheelFilename,
        canonicalize_name,
        parse_wheel_filename,
    )
    from pip._vendor.packaging.version import InvalidVersion, Version  # type: ignore[no-redef]

PYPI = "https://pypi.org/pypi"
WEAK_HASHES = {"md5", "sha1"}
PIP_HINT = "run omni from source (a virtualenv with pip) to install it, or ask its author for a py3-none-any wheel"
NO_PIP = "without pip (the omni binary has none) omni installs pure-Python wheels only, from a .whl file or PyPI"


class InstallError(HostError):
    """An install or uninstall that cannot be done; the message says why and what to do."""


@dataclass
class Installed:
    name: str
    version: str
    plugins: list[str]  # the `omni` entry points it declares


@dataclass
class Result:
    name: str
    version: str
    plugins: list[str]
    dependencies: list[Installed] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # "name version" of what an upgrade removed
    notes: list[str] = field(default_factory=list)


@dataclass
class Removed:
    name: str
    version: str
    plugins: list[str]
    files: int


# -- what is in a folder --------------------------------------------------------------------------------------------


def folder_dists(folder: Path) -> list[tuple[Path, metadata.Distribution]]:
    """The distributions installed in `folder`: (their .dist-info directory, the distribution)."""
    if not folder.is_dir():
        return []
    found = []
    for info in sorted(folder.glob("*.dist-info")):
        if info.is_dir():
            found.append((info, metadata.PathDistribution(info)))
    return found


def dist_name(dist: metadata.Distribution) -> str:
    return dist.metadata["Name"] or ""


def plugin_names(dist: metadata.Distribution) -> list[str]:
    return [ep.name for ep in dist.entry_points if ep.group == PROJECT]


def frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def pip_available() -> bool:
    return not frozen() and importlib.util.find_spec("pip") is not None


# -- installing -----------------------------------------------------------------------------------------------------


class Installer:
    """`Installer(folder).install("name" | "path/to/x.whl" | "path/to/project")`.

    `use_pip` defaults to pip when it is there (not frozen); `client` is the httpx client for PyPI (tests pass a mock
    transport); `console` shows progress."""

    def __init__(self, folder: Path, *, use_pip: bool | None = None, client: Any = None,
                 console: Console | None = None, index: str = PYPI) -> None:  # fmt: skip
        self.folder = folder
        self.use_pip = pip_available() if use_pip is None else use_pip
        self.console = console or Console(stderr=True, highlight=False)
        self.index = index.rstrip("/")
        self._client = client
        self._own_client = False

    # -- the whole install ----------------------------------------------------------------------------------------

    def install(self, spec: str) -> Result:
        kind, target = self._classify(spec)
        self.folder.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix=".plugins-staging-", dir=self.folder.parent))
        try:
            top = self._stage(kind, target, root / "0")
            name = dist_name(top)
            if canonicalize_name(name) == "omni":
                raise InstallError("that is omni itself, not a plugin")
            extras = set(target.extras) if isinstance(target, Requirement) else set()
            result = Result(name, top.version, plugin_names(top))
            stages = [root / "0"]
            self._dependencies(top, extras, root, stages, result)
            result.replaced = self._commit(stages)
        finally:
            shutil.rmtree(root, ignore_errors=True)
            if self._own_client and self._client is not None:
                self._client.close()
                self._client = None
        importlib.invalidate_caches()
        return result

    def _classify(self, spec: str) -> tuple[str, Any]:
        """("wheel" | "project" | "archive", Path), ("url", str) or ("pypi", Requirement)."""
        spec = spec.strip()
        if not spec:
            raise InstallError("name a plugin: a PyPI project, a wheel file or a project directory")
        if "://" in spec:
            if not self.use_pip:
                raise InstallError(f"{spec}: {NO_PIP}; {PIP_HINT}")
            return "url", spec
        path = Path(spec).expanduser()
        if path.exists():
            path = path.resolve()
            if path.is_dir():
                if not ((path / "pyproject.toml").is_file() or (path / "setup.py").is_file()):
                    raise InstallError(f"{path} is not a Python project (no pyproject.toml or setup.py)")
                if not self.use_pip:
                    raise InstallError(f"{path} is a project to build; {NO_PIP}: build a wheel "
                                       "(`pip wheel --no-deps -w dist .` in the project) and install the .whl file")  # fmt: skip
                return "project", path
            if path.suffix == ".whl":
                return "wheel", path
            if path.name.endswith((".tar.gz", ".zip")):
                if not self.use_pip:
                    raise InstallError(f"{path.name} is a source distribution; {NO_PIP}; {PIP_HINT}")
                return "archive", path
            raise InstallError(f"{path} is neither a wheel (.whl), a source archive nor a project directory")
        if spec.endswith((".whl", ".tar.gz", ".zip")) or "/" in spec or os.sep in spec or spec.startswith("."):
            raise InstallError(f"no such file or directory: {spec}")
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            raise InstallError(f"{spec!r} is not a file, a project directory or a PyPI project name: {exc}") from None
        if req.url:
            if not self.use_pip:
                raise InstallError(f"{spec} is a direct URL; {NO_PIP}; {PIP_HINT}")
            return "url", spec
        return "pypi", req

    def _stage(self, kind: str, target: Any, dest: Path) -> metadata.Distribution:
        """Install one distribution, without its dependencies, into the empty folder `dest`."""
        dest.mkdir(parents=True)
        if self.use_pip:
            self._pip(str(target), dest)
        elif kind == "wheel":
            install_wheel(target, dest)
        elif kind == "pypi":
            download_dir = dest.parent / f"{dest.name}.download"
            download_dir.mkdir()
            install_wheel(self._download(target, download_dir), dest)
        else:  # pragma: no cover (refused in _classify)
            raise InstallError(f"cannot install {target} without pip")
        dists = folder_dists(dest)
        if len(dists) != 1:
            raise InstallError(f"installing {target} produced {len(dists)} distributions instead of one")
        return dists[0][1]

    def _pip(self, spec: str, dest: Path) -> None:
        command = [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(dest), "--no-input",
                   "--disable-pip-version-check", "--no-warn-script-location", "--progress-bar", "off", spec]  # fmt: skip
        with self.console.status(f"pip install {spec}"):
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
            raise InstallError(f"pip could not install {spec}:\n" + "\n".join(lines[-15:]))
        self.console.print(f"  [green]✓[/green] {spec}")

    # -- dependencies ---------------------------------------------------------------------------------------------

    def _dependencies(self, top: metadata.Distribution, extras: set[str], root: Path, stages: list[Path],
                      result: Result) -> None:  # fmt: skip
        environment = Environment(self.folder)
        staged = {canonicalize_name(dist_name(top)): top}
        queue = [(req, dist_name(top)) for req in requirements(top, extras)]
        while queue:
            req, needed_by = queue.pop(0)
            key = canonicalize_name(req.name)
            if key in staged:
                version = staged[key].version
                if not req.specifier.contains(version, prereleases=True):
                    result.notes.append(f"{needed_by} needs {req}; installing {req.name} {version}")
                continue
            where, version = environment.provides(req)
            if where == "omni":
                if version is not None and not req.specifier.contains(version, prereleases=True):
                    result.notes.append(f"{needed_by} needs {_plain(req)} but omni has {req.name} {version}, and "
                                        "that is the one it will import")  # fmt: skip
                continue
            if where == "folder" and (version is None or req.specifier.contains(version, prereleases=True)):
                continue  # already in the plugins folder, in a version that fits
            if req.url and not self.use_pip:
                raise InstallError(f"{needed_by} needs {req}, a direct URL: {PIP_HINT}")
            dest = root / str(len(stages))
            kind, target = ("url", _plain(req)) if self.use_pip else ("pypi", req)
            dist = self._stage(kind, target, dest)
            stages.append(dest)
            staged[key] = dist
            result.dependencies.append(Installed(dist_name(dist), dist.version, plugin_names(dist)))
            queue += [(sub, dist_name(dist)) for sub in requirements(dist, set(req.extras))]

    # -- moving into the plugins folder -------------------------------------------------------------------------

    def _commit(self, stages: list[Path]) -> list[str]:
        replaced = []
        for stage in stages:
            for _info, dist in folder_dists(stage):
                for old_info, old in folder_dists(self.folder):
                    if canonicalize_name(dist_name(old)) == canonicalize_name(dist_name(dist)):
                        replaced.append(f"{dist_name(old)} {old.version}")
                        remove_dist(old_info, old, self.folder)
            merge(stage, self.folder)
        return replaced

    # -- PyPI -----------------------------------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        if self._client is None:
            import httpx

            from omni import __version__

            self._client = httpx.Client(timeout=httpx.Timeout(60, connect=15), follow_redirects=True,
                                        headers={"User-Agent": f"omni/{__version__}"})  # fmt: skip
            self._own_client = True
        return self._client

    def _download(self, req: Requirement, dest: Path) -> Path:
        """The newest pure-Python wheel of a release that fits `req`, downloaded into `dest` and checked."""
        import httpx

        try:
            answer = self.client.get(f"{self.index}/{req.name}/json")
        except httpx.HTTPError as exc:
            raise InstallError(f"cannot reach PyPI ({self.index}): {exc}") from None
        if answer.status_code == 404:
            raise InstallError(f"PyPI has no project named {req.name!r}")
        if answer.status_code != 200:
            raise InstallError(f"PyPI answered {answer.status_code} for {req.name}")
        try:
            data = answer.json()
            releases: dict[str, list[dict[str, Any]]] = data.get("releases") or {data["info"]["version"]: data["urls"]}
        except (ValueError, KeyError, TypeError):
            raise InstallError(f"PyPI's answer for {req.name} is not the JSON API's") from None
        versions = {}
        for text, files in releases.items():
            try:
                versions[Version(text)] = files
            except InvalidVersion:
                continue
        fitting = sorted(req.specifier.filter(versions), reverse=True)
        if not fitting:
            raise InstallError(f"PyPI has no release of {req.name} that fits {req.specifier or 'any version'}")
        for version in fitting:
            wheels = [f for f in versions[version] if not f.get("yanked") and _usable_wheel(f)]
            if wheels:
                wheels.sort(key=lambda f: f["filename"])
                chosen = {**wheels[0], "url": str(answer.url.join(wheels[0]["url"]))}  # mirrors answer relative URLs
                return self._fetch(chosen, dest)
        newest = fitting[0]
        files = [f for f in versions[newest] if not f.get("yanked")]
        built = sorted({f["filename"] for f in files if f.get("packagetype") == "bdist_wheel"})
        if built:
            what = f"only {len(built)} platform-specific wheel{'s' if len(built) > 1 else ''} (such as {built[0]})"
        else:
            what = "only a source distribution" if files else "no files"
        raise InstallError(f"{req.name} {newest} has no pure-Python (py3-none-any) wheel, {what}; {NO_PIP}: "
                           f"{PIP_HINT}")  # fmt: skip

    def _fetch(self, file: dict[str, Any], dest: Path) -> Path:
        import httpx

        filename = file["filename"]
        if Path(filename).name != filename or not filename.endswith(".whl"):
            raise InstallError(f"PyPI lists a suspicious file name: {filename!r}")
        expected = (file.get("digests") or {}).get("sha256")
        if not expected:
            raise InstallError(f"PyPI publishes no sha256 for {filename}; not installed")
        path = dest / filename
        try:
            self._stream(file["url"], filename, file.get("size"), path, digest := hashlib.sha256())
        except httpx.HTTPError as exc:
            raise InstallError(f"downloading {filename} failed: {exc}") from None
        if digest.hexdigest() != expected:
            path.unlink()
            raise InstallError(f"{filename}: the download's sha256 is {digest.hexdigest()}, PyPI says {expected}; "
                               "not installed")  # fmt: skip
        self.console.print(f"  [green]✓[/green] {filename} (sha256 verified)")
        return path

    def _stream(self, url: str, filename: str, size: Any, path: Path, digest: Any) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

        columns = (TextColumn("  {task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
        with (self.client.stream("GET", url) as answer,
              Progress(*columns, console=self.console, transient=True,
                       disable=not self.console.is_terminal) as progress, path.open("wb") as fh):  # fmt: skip
            if answer.status_code != 200:
                raise InstallError(f"downloading {filename} failed: HTTP {answer.status_code}")
            total = int(answer.headers.get("content-length") or size or 0) or None
            task = progress.add_task(filename, total=total)
            for chunk in answer.iter_bytes():
                fh.write(chunk)
                digest.update(chunk)
                progress.update(task, advance=len(chunk))


class Environment:
    """Where a requirement is already met: by omni's own environment (importable here) or by the plugins folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.in_folder = {canonicalize_name(dist_name(d)): d.version for _i, d in folder_dists(folder)}
        self.path = [p for p in sys.path if not _inside(Path(p or ".").resolve(), self.folder)]

    def provides(self, req: Requirement) -> tuple[str | None, str | None]:
        for dist in metadata.distributions(name=req.name, path=self.path):
            return "omni", dist.version
        module = re.sub(r"[-_.]+", "_", req.name).lower()
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin and not _inside(Path(spec.origin).resolve(), self.folder):
            return "omni", None  # bundled without its metadata (the frozen binary): importable is enough
        key = canonicalize_name(req.name)
        if key in self.in_folder:
            return "folder", self.in_folder[key]
        return None, None


def requirements(dist: metadata.Distribution, extras: set[str]) -> list[Requirement]:
    """The `Requires-Dist` of `dist` that apply here (markers evaluated, with the extras asked for)."""
    out = []
    for line in dist.requires or []:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            raise InstallError(f"{dist_name(dist)} has an invalid requirement: {line!r}") from None
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in {"", *extras}):
            out.append(req)
    return out


def _plain(req: Requirement) -> str:
    """The requirement without its marker, as pip takes it."""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    if req.url:
        return f"{req.name}{extras} @ {req.url}"
    return f"{req.name}{extras}{req.specifier}"


def _usable_wheel(file: dict[str, Any]) -> bool:
    if file.get("packagetype") != "bdist_wheel":
        return False
    try:
        tags = parse_wheel_filename(file["filename"])[3]
    except InvalidWheelFilename:
        return False
    requires_python = file.get("requires_python")
    if requires_python:
        try:
            if not SpecifierSet(requires_python).contains(".".join(map(str, sys.version_info[:3]))):
                return False
        except InvalidSpecifier:
            pass
    return pure(tags)


def pure(tags: frozenset[Tag]) -> bool:
    """A wheel this Python can use whatever the platform: py3-none-any (or py3X with X up to this minor)."""

    def python3(interpreter: str) -> bool:
        match = re.fullmatch(r"py3(\d*)", interpreter)
        return bool(match) and (not match.group(1) or int(match.group(1)) <= sys.version_info.minor)

    return any(t.abi == "none" and t.platform == "any" and python3(t.interpreter) for t in tags)


# -- a wheel, unpacked (the frozen binary's installer) ----------------------------------------------------------------


def install_wheel(wheel: Path, dest: Path) -> None:
    """Unpack a pure-Python wheel into `dest` as pip would for a `--target` install: the package files and the
    .dist-info (with a RECORD of what was written, so it can be uninstalled), every file checked against RECORD."""
    try:
        name, _version, _build, tags = parse_wheel_filename(wheel.name)
    except InvalidWheelFilename as exc:
        raise InstallError(f"{wheel.name} is not a wheel file name: {exc}") from None
    if not pure(tags):
        raise InstallError(f"{wheel.name} is a platform-specific wheel ({', '.join(sorted(map(str, tags))[:3])}); "
                           f"{NO_PIP}: {PIP_HINT}")  # fmt: skip
    try:
        archive = zipfile.ZipFile(wheel)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InstallError(f"{wheel.name} is not a readable wheel: {exc}") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        paths = {m.filename: _safe_path(m.filename, wheel.name) for m in members}
        info_dirs = {p.parts[0] for p in paths.values() if p.parts[0].endswith(".dist-info") and len(p.parts) == 2}
        if len(info_dirs) != 1:
            raise InstallError(f"{wheel.name}: expected one .dist-info directory, found {len(info_dirs)}")
        info_dir = info_dirs.pop()
        if canonicalize_name(info_dir.removesuffix(".dist-info").rsplit("-", 1)[0]) != name:  # <name>-<version>
            raise InstallError(f"{wheel.name}: its metadata directory {info_dir} names another project")
        wheel_file = _member(archive, f"{info_dir}/WHEEL", wheel.name).decode("utf-8", "replace")
        declared = re.search(r"^Wheel-Version:\s*(\d+)", wheel_file, re.MULTILINE)
        if declared is None or declared.group(1) != "1":
            raise InstallError(f"{wheel.name}: unsupported wheel format ({declared.group(0) if declared else '?'})")
        record = _read_record(_member(archive, f"{info_dir}/RECORD", wheel.name))
        data_dir = info_dir[: -len(".dist-info")] + ".data"
        skip = {f"{info_dir}/RECORD", f"{info_dir}/RECORD.jws", f"{info_dir}/RECORD.p7s", f"{info_dir}/INSTALLER"}
        dest.mkdir(parents=True, exist_ok=True)
        written: list[tuple[str, str, int]] = []
        for member in members:
            rel = paths[member.filename]
            if member.filename in skip:
                continue  # replaced by what omni writes below
            content = archive.read(member)
            _check_record(member.filename, content, record, wheel.name)
            if rel.parts[0] == data_dir:
                if len(rel.parts) < 3 or rel.parts[1] not in ("purelib", "platlib"):
                    continue  # scripts, headers and data files have no place in a plugins folder
                rel = PurePosixPath(*rel.parts[2:])
            target = dest.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            if (member.external_attr >> 16) & 0o111:
                target.chmod(0o755)
            written.append((rel.as_posix(), _record_hash(content), len(content)))
    installer = f"{info_dir}/INSTALLER"
    (dest / installer).write_text("omni\n")
    written.append((installer, _record_hash(b"omni\n"), 5))
    buffer = io.StringIO()
    rows = csv.writer(buffer, lineterminator="\n")
    rows.writerows(written)
    rows.writerow((f"{info_dir}/RECORD", "", ""))
    (dest / info_dir / "RECORD").write_text(buffer.getvalue())


def _member(archive: zipfile.ZipFile, name: str, wheel: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise InstallError(f"{wheel}: missing {name}") from None


def _safe_path(name: str, wheel: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or "\\" in name or ".." in path.parts or not path.parts or ":" in path.parts[0]:
        raise InstallError(f"{wheel}: refusing the unsafe path {name!r}")
    return path


def _read_record(raw: bytes) -> dict[str, tuple[str, str]]:
    record = {}
    for row in csv.reader(io.StringIO(raw.decode("utf-8"))):
        if row:
            record[row[0]] = (row[1] if len(row) > 1 else "", row[2] if len(row) > 2 else "")
    return record


def _check_record(name: str, content: bytes, record: dict[str, tuple[str, str]], wheel: str) -> None:
    if name not in record:
        raise InstallError(f"{wheel}: {name} is not listed in the wheel's RECORD; not installed")
    entry, size = record[name]
    algorithm, _, expected = entry.partition("=")
    if not expected or algorithm not in hashlib.algorithms_guaranteed or algorithm in WEAK_HASHES:
        raise InstallError(f"{wheel}: RECORD has no usable hash for {name} ({entry or 'none'}); not installed")
    actual = base64.urlsafe_b64encode(hashlib.new(algorithm, content).digest()).rstrip(b"=").decode()
    if actual != expected or (size and int(size) != len(content)):
        raise InstallError(f"{wheel}: {name} does not match the wheel's RECORD (corrupt or tampered); not installed")


def _record_hash(content: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()


# -- files ----------------------------------------------------------------------------------------------------------


def merge(source: Path, dest: Path) -> None:
    """Move the tree `source` into `dest`, merging folders (namespace packages) and replacing files."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        target = dest / entry.name
        if entry.is_dir() and not entry.is_symlink() and target.is_dir() and not target.is_symlink():
            merge(entry, target)
            continue
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        shutil.move(str(entry), str(target))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# -- uninstalling ---------------------------------------------------------------------------------------------------


def uninstall(name: str, folder: Path) -> list[Removed]:
    """Remove the distribution `name` (or the one declaring the plugin `name`) from the plugins folder."""
    dists = folder_dists(folder)
    key = canonicalize_name(name)
    chosen = [(i, d) for i, d in dists if canonicalize_name(dist_name(d)) == key] or [
        (i, d) for i, d in dists if name in plugin_names(d)
    ]
    if not chosen:
        raise InstallError(_not_found(name, folder, dists))
    removed = []
    for info, dist in chosen:
        gone = Removed(dist_name(dist), dist.version, plugin_names(dist), 0)  # read before its metadata goes
        gone.files = remove_dist(info, dist, folder)
        removed.append(gone)
    importlib.invalidate_caches()
    return removed


def _not_found(name: str, folder: Path, dists: list[tuple[Path, metadata.Distribution]]) -> str:
    from omni.plugins.manager import BUILTIN

    if name in {module.rsplit(".", 1)[-1] for module in BUILTIN}:
        return f"{name} is built into omni and cannot be uninstalled"
    for dist in metadata.distributions():
        named = name in plugin_names(dist) or canonicalize_name(dist_name(dist)) == canonicalize_name(name)
        if named and not _inside(Path(str(dist.locate_file(""))).resolve(), folder.resolve()):
            return (f"{name} is installed in omni's Python environment (distribution {dist_name(dist)}), not in "
                    f"the plugins folder: remove it with `pip uninstall {dist_name(dist)}`")  # fmt: skip
    there = ", ".join(f"{dist_name(d)} {d.version}" for _i, d in dists) or "nothing"
    return f"no plugin or distribution named {name!r} in {folder} (installed there: {there})"


def remove_dist(info: Path, dist: metadata.Distribution, folder: Path) -> int:
    """Delete a distribution's files from `folder`: those its RECORD lists, or (no RECORD) its top-level packages
    that no other distribution there claims; then its .dist-info. Returns how many files went."""
    folder = folder.resolve()
    touched: set[Path] = set()
    count = 0
    files = dist.files
    if files is not None:
        targets = [(folder / str(f)).resolve() for f in files]
    else:
        claimed = set()
        for other_info, other in folder_dists(folder):
            if other_info != info:
                claimed |= _top_names(other)
        targets = []
        for top in _top_names(dist) - claimed:
            targets += [folder / top, folder / f"{top}.py"]
    for target in targets:
        if not _inside(target, folder) or target == folder or _inside(target, info.resolve()):
            continue
        if target.is_dir() and not target.is_symlink():
            count += sum(1 for p in target.rglob("*") if p.is_file())
            shutil.rmtree(target)
            touched.add(target.parent)
        elif target.exists() or target.is_symlink():
            target.unlink()
            count += 1
            touched.add(target.parent)
            if target.suffix == ".py":
                cache = target.parent / "__pycache__"
                for compiled in cache.glob(f"{target.stem}.*.pyc"):
                    compiled.unlink()
                touched.add(cache)
    if info.exists():
        count += sum(1 for p in info.rglob("*") if p.is_file())
        shutil.rmtree(info)
    for directory in sorted(touched, key=lambda p: len(p.parts), reverse=True):
        _prune(directory, folder)
    return count


def _top_names(dist: metadata.Distribution) -> set[str]:
    names = set()
    top_level = dist.read_text("top_level.txt")
    if top_level:
        names |= {line.strip() for line in top_level.splitlines() if line.strip()}
    if dist.files:
        names |= {f.parts[0] for f in dist.files if f.parts and not f.parts[0].endswith((".dist-info", ".data"))}
    names |= {ep.value.split(":")[0].split(".")[0].strip() for ep in dist.entry_points if ep.group == PROJECT}
    return {n.removesuffix(".py") for n in names if n and n not in ("..", "bin", "__pycache__")}


def _prune(directory: Path, folder: Path) -> None:
    """Remove `directory` and its parents up to (not including) `folder` while they are empty (an empty
    `__pycache__` inside does not count)."""
    path = directory
    while path != folder and _inside(path, folder):
        cache = path / "__pycache__"
        try:
            if cache.is_dir() and not any(cache.iterdir()):
                cache.rmdir()
            path.rmdir()
        except OSError:
            return
        path = path.parent
