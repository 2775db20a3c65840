#!/usr/bin/env bash
# Build the one-dir omni bundle, its release tarball and the SHA256SUMS manifest.
#
#   packaging/build.sh [OUT_DIR]          (default: dist/ in the repository)
#
# Produces OUT_DIR/omni/ (the bundle; run OUT_DIR/omni/omni), OUT_DIR/omni-<version>-linux-<arch>.tar.gz
# (one top folder omni-<version>-linux-<arch>/) and OUT_DIR/SHA256SUMS.
# Python: $PYTHON, else the active virtualenv's, else python3; it needs `pip install -e '.[build]'`.
# PyInstaller's work files go to a temporary folder (or $OMNI_BUILD_WORKDIR, kept) outside the repository.
set -euo pipefail

usage() { sed -n '2,9s/^# \{0,1\}//p' "$0"; }
case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -le 1 ] || { usage >&2; exit 2; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$REPO/dist}"
if [ -z "${PYTHON:-}" ]; then
    if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then PYTHON="$VIRTUAL_ENV/bin/python"; else PYTHON=python3; fi
fi

if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    echo "error: PyInstaller is not installed for $PYTHON: run pip install -e '.[build]'" >&2
    exit 1
fi
PYTHON="$("$PYTHON" -c 'import sys; print(sys.executable)')"  # absolute: PyInstaller runs from another folder
VERSION="$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("omni"))')"
case "$(uname -s)" in Linux) OS=linux ;; *) echo "error: only Linux builds are supported" >&2; exit 1 ;; esac
ARCH="$(uname -m)"
NAME="omni-$VERSION-$OS-$ARCH"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

if [ -n "${OMNI_BUILD_WORKDIR:-}" ]; then
    WORK="$OMNI_BUILD_WORKDIR"
    mkdir -p "$WORK"
else
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/omni-build.XXXXXX")"
    trap 'rm -rf "$WORK"' EXIT
fi

# Files the bundle ships must be readable by the unprivileged postgres user: no restrictive umask leaks in.
umask 022
started=$SECONDS
echo "building $NAME with $PYTHON"
# From the work folder: with the repository as the current folder, its omni.egg-info (left by `pip install -e`)
# would shadow the installed dist-info that copy_metadata("omni") is meant to bundle.
(cd "$WORK" && "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$OUT" --workpath "$WORK/pyinstaller" "$REPO/packaging/omni.spec")

BUNDLE="$OUT/omni"
got="$("$BUNDLE/omni" --version)"
case "$got" in *" $VERSION") ;; *) echo "error: the built binary says '$got', expected version $VERSION" >&2; exit 1 ;; esac

# The tarball holds one versioned folder, so it unpacks beside other versions (/opt/omni/<version> + symlink).
TARBALL="$NAME.tar.gz"
rm -f "$OUT/$TARBALL" "$OUT/SHA256SUMS"
tar -C "$OUT" --owner=0 --group=0 --numeric-owner --sort=name \
    --transform "flags=r;s,^omni,$NAME," -czf "$OUT/$TARBALL.partial" omni
mv "$OUT/$TARBALL.partial" "$OUT/$TARBALL"
(cd "$OUT" && sha256sum "$TARBALL" >SHA256SUMS)

echo "built $BUNDLE ($(du -sh "$BUNDLE" | cut -f1)) in $((SECONDS - started))s"
echo "      $OUT/$TARBALL ($(du -h "$OUT/$TARBALL" | cut -f1))"
echo "      $OUT/SHA256SUMS"
