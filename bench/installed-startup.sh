#!/usr/bin/env bash
# Start-up of the installed image beside the build tree's (issue 13 item 3, issue 15 row 2):
# installs the tarball with its own bin/ccflare-install into a temporary prefix (which records the
# AOT cache there), extracts it a second time elsewhere without a cache, and runs
# bench/startup.sh on the three, alternating: the build tree (cache recorded by the build), the
# tarball extracted by hand (no cache) and the installed image (cache recorded by the install).
#
# usage: bench/installed-startup.sh [BUILD_IMAGE_DIR] [RUNS]   (defaults: packaging/target/ccflare-0.1.0, 7)
# env:   KEEP=1 keeps the temporary prefix.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd -P)
img=$(cd "${1:-$here/packaging/target/ccflare-0.1.0}" && pwd -P)
runs=${2:-7}
read -r version <"$img/VERSION"
tarball=$(dirname "$img")/ccflare-$version.tar.gz
[ -f "$tarball" ] || { echo "no tarball $tarball beside $img" >&2; exit 2; }
w=$(mktemp -d /tmp/ccflare-installed.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$w"' EXIT
mkdir -p "$w/extracted"
tar -xzf "$tarball" -C "$w/extracted"
"$img/bin/ccflare-install" --system --prefix "$w/root" --no-start "$tarball" | sed 's/^/  /'
installed=$(cd "$w/root/opt/ccflare/current" && pwd -P)
echo "build tree: $img; extracted without a cache: $w/extracted/ccflare-$version; installed: $installed"
"$here/bench/startup.sh" "$img,$w/extracted/ccflare-$version,$installed" "$runs"
