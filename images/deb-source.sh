#!/usr/bin/env bash
# Unpacks a Debian source package (apt-get source, patches applied) into DEST,
# enabling deb-src for the configured mirrors first when none is set up.
#   deb-source.sh PACKAGE DEST
set -euo pipefail
pkg=$1 dest=$2
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
if ! apt-get indextargets --format '$(IDENTIFIER)' 2>/dev/null | grep -qx Sources; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && grep -q '^Types: deb$' "$f" || continue
    sed 's/^Types: deb$/Types: deb-src/' "$f" | $sudo tee "/etc/apt/sources.list.d/dind-src-$(basename "$f")" >/dev/null
  done
  if [ -f /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | $sudo tee /etc/apt/sources.list.d/dind-src.list >/dev/null
  fi
  $sudo apt-get update -qq
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get source -qq "$pkg" >/dev/null 2>&1) || { echo "deb-source: apt-get source $pkg failed" >&2; exit 1; }
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
rm -rf "$dest"
mv "$src" "$dest"
