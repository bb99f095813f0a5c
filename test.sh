#!/usr/bin/env bash
# The test command: sets up what is missing (./setup.sh --no-up), then runs
# every suite against the real engine: unit, docker (+ remote TLS/ssh), image,
# package (static build, .deb, krew), cluster (+ netmodes, flannel), load,
# snapshot, knobs, initjoin, kindconfig, resources, registry, ha, versions
# (other Kubernetes releases, skipped where not built), multihost (engines in
# network namespaces of their own, one swarm, a 1+3 cluster across two), faults,
# report, e2e.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --no-up
export PATH="/usr/local/go/bin:$PATH"
# ccache shares objects between clones (CI builds in a fresh one): not keyed by the directory
export CCACHE_NOHASHDIR=1
meson test -C build --print-errorlogs --num-processes 1 "$@"
