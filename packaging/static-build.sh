#!/usr/bin/env bash
# The release build every package is made from: all four tools fully static
# (Poco, spdlog and fmt compiled from Debian's sources as Meson subprojects,
# see subprojects/fetch.sh), prefix /usr, stripped at install.
#   static-build.sh [BUILDDIR]   (default: build-static) -> prints BUILDDIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-static}
"$root/subprojects/fetch.sh" >&2
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" -Dstatic=true -Dbuildtype=release --prefix=/usr >&2
else
  meson configure "$build" -Dstatic=true -Dbuildtype=release --prefix=/usr >&2
fi
meson compile -C "$build" >&2
echo "$build"
