"""The installer of the frozen binary (omni.plugins.install without pip): wheels from a file or from PyPI's JSON API
(served here by an httpx mock transport), checked against sha256 and RECORD; dependencies; uninstall."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from importlib import metadata
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from omni.plugins.install import Installer, InstallError, folder_dists, uninstall
from tests.plugin_helpers import build_wheel, unique

PLUGIN_CODE = "from omni.plugins.hookspecs import hookimpl\n\nVALUE = {value!r}\n"


def quiet() -> Console:
    return Console(file=io.StringIO(), highlight=False)


def installer(folder: Path, client: httpx.Client | None = None) -> Installer:
    return Installer(folder, use_pip=False, client=client, console=quiet())


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def plugin_wheel(out: Path, name: str, version: str = "1.0", **kwargs: object) -> tuple[Path, str]:
    package = unique(name.replace("-", "_"))
    files = {f"{package}/__init__.py": "", f"{package}/plugin.py": PLUGIN_CODE.format(value=version)}
    files.update(kwargs.pop("files", {}))  # type: ignore[arg-type]
    wheel = build_wheel(out, name, version, files, plugins={name.split("-")[-1]: f"{package}.plugin"},
                        **kwargs)  # type: ignore[arg-type]  # fmt: skip
    return wheel, package


class FakePyPI:
    """PyPI's JSON API and file host for a few projects; records what was asked."""

    def __init__(self) -> None:
        self.projects: dict[str, dict[str, list[dict[str, object]]]] = {}
        self.blobs: dict[str, bytes] = {}
        self.requests: list[str] = []

    def add(self, project: str, version: str, wheel: Path, *, sha256: str | None = None, **extra: object) -> None:
        data = wheel.read_bytes()
        url = f"https://files.example/{wheel.name}"
        self.blobs[url] = data
        entry = {"filename": wheel.name, "url": url, "packagetype": "bdist_wheel", "size": len(data),
                 "digests": {"sha256": sha256 or hashlib.sha256(data).hexdigest()}, "yanked": False, **extra}  # fmt: skip
        self.projects.setdefault(project, {}).setdefault(version, []).append(entry)

    def handler(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        if url in self.blobs:
            return httpx.Response(200, content=self.blobs[url])
        prefix = "https://pypi.org/pypi/"
        if url.startswith(prefix) and url.endswith("/json"):
            project = url[len(prefix) : -len("/json")]
            if project in self.projects:
                releases = self.projects[project]
                latest = max(releases, key=lambda v: tuple(map(int, v.split("."))))
                body = {"info": {"name": project, "version": latest}, "urls": releases[latest], "releases": releases}
                return httpx.Response(200, content=json.dumps(body))
        return httpx.Response(404, json={"message": "Not Found"})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))

    def asked_for(self, project: str) -> bool:
        return any(f"/pypi/{project}/json" in url for url in self.requests)


# -- local wheels ------------------------------------------------------------------------------------------------


def test_a_local_wheel_installs_and_uninstalls(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "plugins"
    wheel, package = plugin_wheel(tmp_path / "dist", "omni-lw", "1.2", files={"lw_data/notes.txt": "x"})
    result = installer(folder).install(str(wheel))
    assert (result.name, result.version, result.plugins) == ("omni-lw", "1.2", ["lw"])
    assert (folder / package / "plugin.py").is_file() and (folder / "lw_data" / "notes.txt").is_file()
    # importlib.metadata finds it there, entry points and all (that is how the plugin loader finds it)
    [dist] = [d for d in metadata.distributions(path=[str(folder)]) if d.metadata["Name"] == "omni-lw"]
    assert [(ep.group, ep.name, ep.value) for ep in dist.entry_points] == [("omni", "lw", f"{package}.plugin")]
    assert (folder / "omni_lw-1.2.dist-info" / "INSTALLER").read_text() == "omni\n"
    recorded = {str(f) for f in dist.files or []}
    assert f"{package}/plugin.py" in recorded and "omni_lw-1.2.dist-info/RECORD" in recorded
    assert not list(tmp_path.joinpath("data").glob(".plugins-staging-*"))  # staging is cleaned up

    removed = uninstall("lw", folder)  # by plugin name
    assert [(r.name, r.version, r.plugins) for r in removed] == [("omni-lw", "1.2", ["lw"])]
    assert files_in(folder) == set() and list(folder.iterdir()) == []


def test_an_upgrade_replaces_the_old_version(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    package = unique("upg")
    old = build_wheel(tmp_path / "v1", "omni-upg", "1.0", {f"{package}/__init__.py": "", f"{package}/old.py": "",
                                                          f"{package}/plugin.py": "V = 1\n"},
                      plugins={"upg": f"{package}.plugin"})  # fmt: skip
    new = build_wheel(tmp_path / "v2", "omni-upg", "2.0", {f"{package}/__init__.py": "",
                                                          f"{package}/plugin.py": "V = 2\n"},
                      plugins={"upg": f"{package}.plugin"})  # fmt: skip
    installer(folder).install(str(old))
    result = installer(folder).install(str(new))
    assert result.replaced == ["omni-upg 1.0"]
    assert [d.version for _i, d in folder_dists(folder)] == ["2.0"]
    assert not (folder / package / "old.py").exists() and (folder / package / "plugin.py").read_text() == "V = 2\n"


def test_a_tampered_wheel_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    package = unique("tamp")
    wheel = build_wheel(tmp_path, "omni-tamp", "1.0", {f"{package}/__init__.py": "X = 1\n"},
                        tamper=f"{package}/__init__.py")  # fmt: skip
    with pytest.raises(InstallError, match="does not match the wheel's RECORD"):
        installer(folder).install(str(wheel))
    assert files_in(folder) == set()


def test_a_platform_wheel_is_refused(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path, "omni-native", "1.0", {"native/__init__.py": ""},
                        tag="cp311-cp311-manylinux_2_17_x86_64")  # fmt: skip
    with pytest.raises(InstallError, match=r"platform-specific wheel .*pure-Python"):
        installer(tmp_path / "plugins").install(str(wheel))


def test_an_unsafe_path_is_refused(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path, "omni-evil", "1.0", {"evil/__init__.py": "", "../escape.py": "boom"})
    with pytest.raises(InstallError, match="unsafe path"):
        installer(tmp_path / "data" / "plugins").install(str(wheel))
    assert not (tmp_path / "data" / "escape.py").exists()


def test_a_wheel_without_record_is_refused(tmp_path: Path) -> None:
    wheel = tmp_path / "omni_norec-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("norec/__init__.py", "")
        zf.writestr("omni_norec-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: omni-norec\nVersion: 1.0\n")
        zf.writestr("omni_norec-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
    with pytest.raises(InstallError, match=re.escape("missing omni_norec-1.0.dist-info/RECORD")):
        installer(tmp_path / "plugins").install(str(wheel))


def test_what_the_binary_cannot_install_is_explained(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '1'\n")
    with pytest.raises(InstallError, match=r"is a project to build.*without pip.*pip wheel"):
        installer(tmp_path / "plugins").install(str(project))
    with pytest.raises(InstallError, match="no such file"):
        installer(tmp_path / "plugins").install(str(tmp_path / "missing.whl"))
    with pytest.raises(InstallError, match=r"https://example.com/x.whl: without pip .*from source"):
        installer(tmp_path / "plugins").install("https://example.com/x.whl")
    with pytest.raises(InstallError, match=r"x.tar.gz is a source distribution; without pip"):
        installer(tmp_path / "plugins").install(str(build_wheel(tmp_path, "x", "1", {}).rename(tmp_path / "x.tar.gz")))
    with pytest.raises(InstallError, match="omni itself"):
        installer(tmp_path / "plugins").install(str(build_wheel(tmp_path, "omni", "9.0", {"omni_fake/x.py": ""})))


# -- PyPI ----------------------------------------------------------------------------------------------------------


def test_pypi_with_dependencies_omni_already_provides_skipped(tmp_path: Path) -> None:
    pypi = FakePyPI()
    dep_pkg = unique("depx")
    dep = build_wheel(tmp_path / "w", "omni-test-depx", "1.4", {f"{dep_pkg}/__init__.py": ""})
    pypi.add("omni-test-depx", "1.4", dep)
    old_dep = build_wheel(tmp_path / "w0", "omni-test-depx", "0.9", {f"{dep_pkg}/__init__.py": ""})
    pypi.add("omni-test-depx", "0.9", old_dep)
    top, package = plugin_wheel(tmp_path / "w", "omni-test-top", "3.0", requires=(
        "omni-test-depx>=1", "pydantic>=2", "omni", "httpx; python_version >= '3'",
        "never-installed; python_version < '3'", "only-with-extra; extra == 'fancy'"))  # fmt: skip
    pypi.add("omni-test-top", "3.0", top)
    folder = tmp_path / "plugins"
    with pypi.client() as client:
        result = installer(folder, client).install("omni-test-top")
    assert (result.name, result.version) == ("omni-test-top", "3.0")
    assert [(d.name, d.version) for d in result.dependencies] == [("omni-test-depx", "1.4")]
    assert {d.metadata["Name"] for _i, d in folder_dists(folder)} == {"omni-test-top", "omni-test-depx"}
    assert (folder / package / "plugin.py").is_file() and (folder / dep_pkg / "__init__.py").is_file()
    for provided in ("pydantic", "omni", "httpx", "never-installed", "only-with-extra"):
        assert not pypi.asked_for(provided), provided

    # the dependency is already in the folder now: a second plugin needing it does not fetch it again
    other, _ = plugin_wheel(tmp_path / "w2", "omni-test-other", "1.0", requires=("omni-test-depx>=1.2",))
    pypi.add("omni-test-other", "1.0", other)
    pypi.requests.clear()
    with pypi.client() as client:
        result = installer(folder, client).install("omni-test-other")
    assert result.dependencies == [] and not pypi.asked_for("omni-test-depx")


def test_pypi_picks_the_newest_fitting_pure_wheel(tmp_path: Path) -> None:
    pypi = FakePyPI()
    for version in ("1.0", "1.5", "2.0"):
        wheel, _ = plugin_wheel(tmp_path / version, "omni-test-pick", version)
        pypi.add("omni-test-pick", version, wheel)
    native = build_wheel(tmp_path / "n", "omni-test-pick", "2.1", {"x/__init__.py": ""}, tag="cp311-cp311-win_amd64")
    pypi.add("omni-test-pick", "2.1", native)
    with pypi.client() as client:
        assert installer(tmp_path / "a", client).install("omni-test-pick<2").version == "1.5"
        assert installer(tmp_path / "b", client).install("omni-test-pick").version == "2.0"  # 2.1 has no pure wheel
        assert installer(tmp_path / "c", client).install("omni-test-pick==1.0").version == "1.0"


def test_pypi_sha256_mismatch_is_refused(tmp_path: Path) -> None:
    pypi = FakePyPI()
    wheel, _ = plugin_wheel(tmp_path / "w", "omni-test-sha", "1.0")
    pypi.add("omni-test-sha", "1.0", wheel, sha256="0" * 64)
    folder = tmp_path / "plugins"
    with pypi.client() as client, pytest.raises(InstallError, match=r"sha256 .*PyPI says 0000"):
        installer(folder, client).install("omni-test-sha")
    assert files_in(folder) == set()


def test_pypi_platform_only_release_is_refused_clearly(tmp_path: Path) -> None:
    pypi = FakePyPI()
    native = build_wheel(tmp_path, "omni-test-native", "1.0", {"n/__init__.py": ""},
                         tag="cp311-cp311-manylinux_2_17_x86_64")  # fmt: skip
    pypi.add("omni-test-native", "1.0", native)
    with pypi.client() as client, pytest.raises(InstallError) as caught:
        installer(tmp_path / "plugins", client).install("omni-test-native")
    message = str(caught.value)
    assert "no pure-Python (py3-none-any) wheel" in message and native.name in message and "from source" in message


def test_pypi_unknown_project_and_failing_dependency(tmp_path: Path) -> None:
    pypi = FakePyPI()
    top, _ = plugin_wheel(tmp_path, "omni-test-needs", "1.0", requires=("omni-test-missing-dep",))
    pypi.add("omni-test-needs", "1.0", top)
    folder = tmp_path / "plugins"
    with pypi.client() as client:
        with pytest.raises(InstallError, match="no project named 'omni-test-nope'"):
            installer(folder, client).install("omni-test-nope")
        with pytest.raises(InstallError, match="omni-test-missing-dep"):
            installer(folder, client).install("omni-test-needs")
    assert files_in(folder) == set()  # nothing is moved in unless everything installed


def test_a_conflict_with_omnis_own_copy_is_a_note(tmp_path: Path) -> None:
    pypi = FakePyPI()
    top, _ = plugin_wheel(tmp_path, "omni-test-greedy", "1.0", requires=("pydantic>=99",))
    pypi.add("omni-test-greedy", "1.0", top)
    with pypi.client() as client:
        result = installer(tmp_path / "plugins", client).install("omni-test-greedy")
    assert result.dependencies == [] and not pypi.asked_for("pydantic")
    assert any("pydantic>=99" in note and "omni has pydantic" in note for note in result.notes)


# -- uninstall -----------------------------------------------------------------------------------------------------


def test_uninstall_explains_what_it_cannot_remove(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    wheel, _ = plugin_wheel(tmp_path, "omni-keep", "1.0")
    installer(folder).install(str(wheel))
    with pytest.raises(InstallError, match=r"no plugin or distribution named 'nothing'.*omni-keep 1.0"):
        uninstall("nothing", folder)
    with pytest.raises(InstallError, match="built into omni"):
        uninstall("loopback", folder)
    with pytest.raises(InstallError, match="pip uninstall pluggy"):
        uninstall("pluggy", folder)  # in omni's environment, not in the folder
    assert [r.name for r in uninstall("omni-keep", folder)] == ["omni-keep"]


def test_uninstall_without_record_removes_only_its_own_packages(tmp_path: Path) -> None:
    from tests.plugin_helpers import make_dist

    folder = tmp_path / "plugins"
    mine, theirs = unique("mine"), unique("theirs")
    make_dist(folder, "mine-dist", {mine: "X = 1\n"}, {"mine": mine})
    make_dist(folder, "theirs-dist", {theirs: "Y = 1\n"}, {"theirs": theirs})
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / f"{mine}.cpython-311.pyc").write_bytes(b"")
    removed = uninstall("mine", folder)
    assert removed[0].name == "mine-dist"
    assert files_in(folder) == {f"{theirs}.py", "theirs_dist-1.0.dist-info/METADATA",
                                "theirs_dist-1.0.dist-info/entry_points.txt"}  # fmt: skip
