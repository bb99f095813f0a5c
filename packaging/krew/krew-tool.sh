#!/usr/bin/env bash
# krew itself, for the package suite's install check: built once from its Go
# module into the cache by setup.sh (which may use the Go module proxy), so
# the test finds it and needs no network.
#   krew-tool.sh          prints the binary's path, building it when missing
#   krew-tool.sh --cached prints the path only if it is built, else fails
set -euo pipefail
version=v0.4.3
krew="${XDG_CACHE_HOME:-$HOME/.cache}/dind/tools/krew-$version/krew"
if [ ! -x "$krew" ]; then
  [ "${1:-}" = --cached ] && { echo "krew $version is not built: ./setup.sh builds it" >&2; exit 1; }
  GOBIN=$(dirname "$krew") GOFLAGS=-mod=mod CGO_ENABLED=0 go install "sigs.k8s.io/krew/cmd/krew@$version" >&2
fi
echo "$krew"
