#!/usr/bin/env bash
# kubectl dind doctor on the real host, each check both ways where the host
# allows: a taken APISERVER_PORT, a Docker network clashing with the plan of
# CLUSTER_ID=42, a fake low inotify limit, Docker unreachable; and `up`
# failing early with the same words, creating nothing. No cluster comes up
# (the image does not exist, so a missed check fails fast too).
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=42 NUM_NODES=1 DIND_IMAGE=dind-doctor-test-no-such-image:v1.34.4
clash=dind-doctor-test-clash-$$
w=$(mktemp -d)
listener=
# cluster 42 must not exist: the test's `up`s must fail on the checks alone,
# and what a missed check would create is then ours to clean
if [ "$(labelled io.dind.cluster=cluster-42)" != 0 ]; then echo "cluster-42 exists: run under the cluster lock" >&2; exit 1; fi
cleanup() {
  if [ -n "$listener" ]; then kill "$listener" 2>/dev/null || true; fi
  docker network rm "$clash" >/dev/null 2>&1 || true
  if [ "$(labelled io.dind.cluster=cluster-42)" != 0 ]; then "$KD" clean -q || true; fi
  rm -rf "$w"
}
trap cleanup EXIT

doc() { local r=0; "$KD" doctor "$@" > "$w/out" 2>&1 || r=$?; echo "$r" > "$w/rc"; }
rc() { cat "$w/rc"; }
has() { grep -qF -- "$1" "$w/out"; }

doc
check "doctor passes on this host (exit $(rc))" test "$(rc)" = 0
check "one line per check, Docker's version among them" has "✓ docker: Docker "
check "the plan's networks are free" has "✓ networks: no Docker network overlaps"
"$KD" doctor --json > "$w/json"
check "--json parses and says nothing blocks" python3 -c "import json,sys; d=json.load(open('$w/json')); sys.exit(d['blocksUp'] or len(d['checks']) < 10)"

log "inotify via DIND_DOCTOR_INOTIFY_*"
DIND_DOCTOR_INOTIFY_INSTANCES=8 doc
check "a low max_user_instances blocks (exit $(rc))" test "$(rc)" = 1
check "... with its fix" has "✗ inotify: fs.inotify.max_user_instances=8, max_user_watches="
check "... naming the sysctl to set" has "fix: sudo sysctl -w fs.inotify.max_user_instances=512"
DIND_DOCTOR_INOTIFY_INSTANCES=8192 DIND_DOCTOR_INOTIFY_WATCHES=1048576 doc
check "a high limit is fine" has "✓ inotify: fs.inotify.max_user_instances=8192"
DIND_DOCTOR_INOTIFY_INSTANCES=8 "$KD" up > "$w/up" 2>&1 && fail "up ran with a blocking inotify limit"
check "up fails early with doctor's words" grep -qF "✗ inotify: fs.inotify.max_user_instances=8" "$w/up"

log "a taken APISERVER_PORT"
python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(120)' > "$w/port" &
listener=$!
for _ in $(seq 50); do [ -s "$w/port" ] && break; sleep 0.1; done
port=$(cat "$w/port")
APISERVER_PORT=$port doc
check "a port in use blocks (exit $(rc))" test "$(rc)" = 1
check "... named with its fix" has "✗ apiserver-port: 127.0.0.1:$port (APISERVER_PORT) is in use by another program — fix:"
APISERVER_PORT=$port "$KD" up > "$w/up" 2>&1 && fail "up ran with its port taken"
check "up fails early with the same words" grep -qF "✗ apiserver-port: 127.0.0.1:$port (APISERVER_PORT) is in use" "$w/up"
kill "$listener"; wait "$listener" 2>/dev/null || true; listener=
APISERVER_PORT=$port doc
check "the freed port passes" has "✓ apiserver-port: 127.0.0.1:$port is free"

log "a Docker network clashing with the plan (10.192.42.0/24)"
docker network create --subnet 10.192.42.0/25 "$clash" >/dev/null
doc
check "the clash blocks (exit $(rc))" test "$(rc)" = 1
check "... naming the network and the range" has "✗ networks: Docker network $clash (10.192.42.0/25) overlaps the management network 10.192.42.0/24"
"$KD" up > "$w/up" 2>&1 && fail "up ran into a clashing network"
check "up fails early with the same words" grep -qF "✗ networks: Docker network $clash (10.192.42.0/25)" "$w/up"
check "up created nothing" test "$(labelled io.dind.cluster=cluster-42)" = 0
docker network rm "$clash" >/dev/null
doc
check "without it the networks pass" has "✓ networks: no Docker network overlaps"

log "Docker unreachable"
DOCKER_HOST=unix:///nonexistent doc
check "an unreachable Docker blocks (exit $(rc))" test "$(rc)" = 1
check "... with the endpoint and the fix" has "✗ docker: cannot reach Docker at unix:///nonexistent"
check "... and the checks that need it say skipped" has "· networks: skipped: Docker is unreachable"
DOCKER_HOST=unix:///nonexistent "$KD" up > "$w/up" 2>&1 && fail "up ran without Docker"
check "up fails early with the same words" grep -qF "✗ docker: cannot reach Docker at unix:///nonexistent" "$w/up"
finish
