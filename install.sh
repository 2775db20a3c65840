#!/usr/bin/env bash
# Omni installer: curl -fsSL <url>/install.sh | bash -s -- [options]
#
#   --server            install the binary, then `omni install` and start the server (default)
#   --cli               install the binary only (to talk to a server elsewhere: omni auth login)
#   --from FILE|URL     release tarball to install (default: $OMNI_RELEASE_BASE/<version>/omni-<version>-linux-<arch>.tar.gz)
#   --version V         release version to fetch (default: $OMNI_VERSION, else "latest")
#   --prefix DIR        where versions are unpacked (root: /opt/omni, user: ~/.local/opt/omni)
#   --bin-dir DIR       where the `omni` link goes (root: /usr/local/bin, user: ~/.local/bin)
#   --port N            API port for a new server
#   --systemd           (root) run the server under systemd instead of `omni start`
#   --non-interactive   never prompt
#
# Each version is unpacked into PREFIX/versions/<name>, then PREFIX/current is switched to it in one rename, so an
# interrupted install never leaves a half-written omni behind and older versions stay for rollback.
set -euo pipefail

MODE=server FROM="" VERSION="${OMNI_VERSION:-latest}" PREFIX="" BIN_DIR="" PORT="" SYSTEMD=0 INTERACTIVE=1
while [ $# -gt 0 ]; do
    case "$1" in
        --server) MODE=server ;;
        --cli) MODE=cli ;;
        --from) FROM="$2"; shift ;;
        --version) VERSION="$2"; shift ;;
        --prefix) PREFIX="$2"; shift ;;
        --bin-dir) BIN_DIR="$2"; shift ;;
        --port) PORT="$2"; shift ;;
        --systemd) SYSTEMD=1 ;;
        --non-interactive) INTERACTIVE=0 ;;
        -h | --help) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

[ "$(uname -s)" = Linux ] || die "only Linux is supported"
ARCH="$(uname -m)"
if [ "$(id -u)" = 0 ]; then
    PREFIX="${PREFIX:-/opt/omni}" BIN_DIR="${BIN_DIR:-/usr/local/bin}"
else
    PREFIX="${PREFIX:-$HOME/.local/opt/omni}" BIN_DIR="${BIN_DIR:-$HOME/.local/bin}"
    [ "$SYSTEMD" = 0 ] || die "--systemd needs root"
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

fetch() {  # fetch SOURCE DEST: a local file or a URL
    case "$1" in
        http://* | https://*)
            if command -v curl >/dev/null; then curl -fsSL --retry 3 -o "$2" "$1"
            elif command -v wget >/dev/null; then wget -q -O "$2" "$1"
            else die "need curl or wget to download $1"; fi ;;
        *) [ -f "$1" ] || die "no such file: $1"; cp "$1" "$2" ;;
    esac
}

if [ -z "$FROM" ]; then
    [ -n "${OMNI_RELEASE_BASE:-}" ] || die "no release source: pass --from FILE|URL or set OMNI_RELEASE_BASE"
    [ "$VERSION" != latest ] || VERSION="$(curl -fsSL "$OMNI_RELEASE_BASE/latest/VERSION")"
    FROM="$OMNI_RELEASE_BASE/$VERSION/omni-$VERSION-linux-$ARCH.tar.gz"
fi
TARBALL="$(basename "$FROM")"
NAME="${TARBALL%.tar.gz}"
case "$NAME" in omni-*-linux-"$ARCH") ;; *) die "$TARBALL is not an omni release for linux-$ARCH" ;; esac

say "Fetching $TARBALL"
fetch "$FROM" "$TMP/$TARBALL"
if fetch "$(dirname "$FROM")/SHA256SUMS" "$TMP/SHA256SUMS" 2>/dev/null; then
    (cd "$TMP" && grep " $TARBALL\$" SHA256SUMS | sha256sum -c --quiet -) || die "checksum mismatch for $TARBALL"
    say "Checksum verified"
else
    say "No SHA256SUMS next to the tarball: checksum not verified"
fi

mkdir -p "$PREFIX/versions" "$BIN_DIR"
chmod 755 "$PREFIX" "$PREFIX/versions"  # the unprivileged postgres user runs binaries from here
if [ ! -x "$PREFIX/versions/$NAME/omni" ]; then
    rm -rf "$PREFIX/versions/.$NAME.partial"
    mkdir "$PREFIX/versions/.$NAME.partial"
    tar -xzf "$TMP/$TARBALL" -C "$PREFIX/versions/.$NAME.partial" --strip-components=1 --no-same-owner
    mv "$PREFIX/versions/.$NAME.partial" "$PREFIX/versions/$NAME"
fi
ln -sfn "versions/$NAME" "$PREFIX/current.new" && mv -T "$PREFIX/current.new" "$PREFIX/current"
ln -sfn "$PREFIX/current/omni" "$BIN_DIR/omni"
OMNI="$BIN_DIR/omni"
say "Installed $("$OMNI" --version) at $PREFIX/current (command: $OMNI)"
case ":$PATH:" in *":$BIN_DIR:"*) ;; *) say "Add $BIN_DIR to your PATH to run \`omni\`" ;; esac

[ "$MODE" = server ] || { say "CLI installed. Log in to a server with: omni auth login --api-url URL --api-key KEY"; exit 0; }

args=()
[ -z "$PORT" ] || args+=(--port "$PORT")
[ "$INTERACTIVE" = 1 ] && [ -t 0 ] || args+=(--non-interactive)
if [ "$SYSTEMD" = 1 ]; then
    "$OMNI" install --systemd "${args[@]}"
    systemctl enable --now omni
    say "omni runs under systemd: systemctl status omni, omni status"
else
    "$OMNI" install "${args[@]}"
    "$OMNI" start
fi
