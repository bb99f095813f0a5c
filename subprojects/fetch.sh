#!/usr/bin/env bash
# Puts the sources of the static build's subprojects in place from Debian's
# source packages (apt-get source; enables deb-src for the configured mirrors
# when needed), then Meson's overlay from packagefiles/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

# subproject directory (as in its .wrap) : Debian source package : overlay
wanted=("poco-1.11.0:poco:poco" "fmtlib-9.1.0:fmtlib:fmt" "spdlog-1.10.0:spdlog:spdlog")

enable_deb_src() {
  [ -n "$(apt-get indextargets --format '$(IDENTIFIER)' 2>/dev/null | grep -x Sources || true)" ] && return
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    grep -q '^Types: deb$' "$f" || continue
    sed 's/^Types: deb$/Types: deb-src/' "$f" | $sudo tee "/etc/apt/sources.list.d/dind-src-$(basename "$f")" >/dev/null
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | $sudo tee /etc/apt/sources.list.d/dind-src.list >/dev/null
  fi
  $sudo apt-get update -qq
}

for w in "${wanted[@]}"; do
  IFS=: read -r dir pkg overlay <<<"$w"
  if [ ! -d "$dir" ]; then
    enable_deb_src
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get source -qq "$pkg" >/dev/null 2>&1) || { rm -rf "$tmp"; echo "fetch: apt-get source $pkg failed" >&2; exit 1; }
    src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -1)
    rm -rf "$dir"
    mv "$src" "$dir"
    rm -rf "$tmp"
    echo "fetch: $dir from Debian's $pkg source package"
  fi
  # the overlay is copied every time: edits to packagefiles/ take effect
  cp -r "packagefiles/$overlay/." "$dir/"
done
