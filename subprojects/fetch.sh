#!/usr/bin/env bash
# Puts the sources of the static build's subprojects in place from Debian's
# source packages (images/deb-source.sh), then Meson's overlay from
# packagefiles/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"

# subproject directory (as in its .wrap) : Debian source package : overlay
wanted=("poco-1.11.0:poco:poco" "fmtlib-9.1.0:fmtlib:fmt" "spdlog-1.10.0:spdlog:spdlog")

for w in "${wanted[@]}"; do
  IFS=: read -r dir pkg overlay <<<"$w"
  if [ ! -d "$dir" ]; then
    ../images/deb-source.sh "$pkg" "$dir"
    echo "fetch: $dir from Debian's $pkg source package"
  fi
  # the overlay is copied every time: edits to packagefiles/ take effect
  cp -r "packagefiles/$overlay/." "$dir/"
done
