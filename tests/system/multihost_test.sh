#!/usr/bin/env bash
# Issue 17's foundation: Docker engines in network namespaces of their own
# (multihost_lib.sh) formed into one swarm by `kubectl dind hosts`; an overlay
# network with fixed addresses across them and the image made present on each
# (tests/integration/hosts_test.cpp); refusals that change nothing; leave; and
# nothing left behind (namespaces, daemons, links, directories).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/multihost_lib.sh"
T=$(mktemp -d /tmp/dind-multihost-XXXXXX)
old_pid=""
cleanup() {
  [ -n "$old_pid" ] && kill "$old_pid" 2>/dev/null || true
  mh_down
  rm -rf "$T"
  local left; left=$(mh_leftovers)
  if [ -n "$left" ]; then printf 'FAIL: left behind:\n%s\n' "$left" >&2; exit 1; fi
  echo "ok: nothing of the engines is left" >&2
}
trap cleanup EXIT

swarm_state() { mh_docker "$1" info -f '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}'; }
# kd_rc FILE ARGS...: kubectl-dind's exit code, its stderr in FILE
kd_rc() { local f=$1; shift; set +e; "$KD" "$@" >"$T/out" 2>"$f"; local rc=$?; set -e; echo "$rc"; }

log "two engines, each in its own network namespace on 10.251.0.0/24"
mh_up a b
mh_busybox a
A="$(mh_sock a)=$(mh_addr a)" B=$(mh_sock b)
export DIND_HOSTS="$A,$B"

rc=$(kd_rc "$T/err" hosts status)
check "status before init: both reachable, not in a swarm, exit 0 ($rc)" \
  bash -c "[ $rc = 0 ] && [ \$(grep -c ' inactive  *yes ' '$T/out') = 2 ]"

rc=$(kd_rc "$T/err" hosts init --hosts "$A,$B,unix:///tmp/dmh-gone.sock")
check "init with an unreachable engine: exit 1, one line naming it ($rc: $(head -c 200 "$T/err"))" \
  one_line_file "$rc" 1 "$T/err" "/tmp/dmh-gone.sock"
check "... and no engine joined a swarm" test "$(swarm_state a) $(swarm_state b)" = "inactive false inactive false"
rc=$(kd_rc "$T/err" hosts status --hosts "$A,unix:///tmp/dmh-gone.sock")
check "status with it: exit 3, the row and its reason ($rc)" \
  bash -c "[ $rc = 3 ] && grep -q '^unix:///tmp/dmh-gone.sock  *-  *no' '$T/out' && grep -q '^cannot connect to the Docker daemon at unix:///tmp/dmh-gone.sock' '$T/out'"
python3 "$(dirname "$0")/../faults/fake_dockerd.py" old-api /tmp/dmh-old.sock &
old_pid=$!
for _ in $(seq 50); do [ -S /tmp/dmh-old.sock ] && break; sleep 0.1; done
rc=$(kd_rc "$T/err" hosts init --hosts "$A,unix:///tmp/dmh-old.sock")
check "init with an engine speaking API 1.38: exit 1, one line naming it, too old ($rc: $(head -c 200 "$T/err"))" \
  one_line_file "$rc" 1 "$T/err" "unix:///tmp/dmh-old.sock speaks API 1.38, too old"
check "... and a is still outside any swarm" test "$(swarm_state a)" = "inactive false"
kill "$old_pid" && old_pid=""
for bad in "http://x" "$A,,$B" "$B,$B"; do
  rc=$(kd_rc "$T/err" hosts init --hosts "$bad")
  check "hosts init --hosts '$bad': exit 2, one line ($rc: $(head -c 200 "$T/err"))" one_line_file "$rc" 2 "$T/err" "DIND_HOSTS"
done
rc=$(DIND_HOSTS= kd_rc "$T/err" hosts status)
check "no engines given: exit 2, one line ($rc)" one_line_file "$rc" 2 "$T/err" "--hosts or DIND_HOSTS"

log "a third engine in a swarm of its own is refused, listed last and first"
mh_up c
mh_docker c swarm init --advertise-addr "$(mh_addr c)" >/dev/null
rc=$(kd_rc "$T/err" hosts init --hosts "$A,$B,$(mh_sock c)")
check "init: exit 1, one line naming the engine in another swarm ($rc: $(head -c 300 "$T/err"))" \
  one_line_file "$rc" 1 "$T/err" "$(mh_sock c) is already in another swarm"
check "... and a and b are still outside any swarm" test "$(swarm_state a) $(swarm_state b)" = "inactive false inactive false"
rc=$(kd_rc "$T/err" hosts init --hosts "$(mh_sock c),$A")
check "init with c first: a joins c's swarm ($rc)" test "$rc $(swarm_state a)" = "0 active false"
mh_docker b swarm init --advertise-addr "$(mh_addr b)" >/dev/null
rc=$(kd_rc "$T/err" hosts init --hosts "$(mh_sock c),$A,$B")
check "... then b in a swarm of its own: exit 1, one line naming b ($rc: $(head -c 300 "$T/err"))" \
  one_line_file "$rc" 1 "$T/err" "$B is already in another swarm"
rc=$(kd_rc "$T/err" hosts leave --hosts "$B,$A")
check "leave: a and b out of their swarms ($rc)" test "$rc $(swarm_state a) $(swarm_state b)" = "0 inactive false inactive false"
rc=$(kd_rc "$T/err" hosts leave --hosts "$(mh_sock c)")
check "leave: c's swarm ends ($rc)" test "$rc $(swarm_state c)" = "0 inactive false"

log "a join that fails (b's packets to a's port 2377 dropped): init undoes the swarm it made and b's pending join"
ip netns exec dmh-b iptables -I OUTPUT -p tcp --dport 2377 -j DROP
rc=$(kd_rc "$T/err" hosts init -q)
check "init -q: exit 1, one line naming b ($rc: $(head -c 300 "$T/err"))" one_line_file "$rc" 1 "$T/err" "$B: "
check "... and neither engine is left in a swarm" test "$(swarm_state a) $(swarm_state b)" = "inactive false inactive false"
ip netns exec dmh-b iptables -D OUTPUT -p tcp --dport 2377 -j DROP

log "init: a creates the swarm, b joins"
rc=$(kd_rc "$T/err" hosts init)
check "hosts init: exit 0 ($rc: $(tail -c 300 "$T/err"))" test "$rc" = 0
check "a manages the swarm, b is in it as a worker" test "$(swarm_state a) $(swarm_state b)" = "active true active false"
check "b joined at a's advertised address" test "$(mh_docker b info -f '{{range .Swarm.RemoteManagers}}{{.Addr}}{{end}}')" = "$(mh_addr a):2377"
rc=$(kd_rc "$T/err" hosts init)
check "init again: nothing to do, exit 0 ($rc)" bash -c "[ $rc = 0 ] && grep -q 'in one swarm already' '$T/err'"
log "the overlay network and image distribution (hosts-tests)"
check "hosts-tests against the two engines" env DIND_TEST_IMAGE="$BUSYBOX" "$DIND_BUILD/tests/hosts-tests"
check "... left no test containers or networks" bash -c \
  "[ -z \"\$(docker -H $(mh_sock a) ps -aq --filter label=io.dind.test)\$(docker -H $B ps -aq --filter label=io.dind.test)\" ] &&
   ! docker -H $(mh_sock a) network inspect dmh-overlay >/dev/null 2>&1"

mh_docker b run -d --name dmh-node --label io.dind.cluster=dmh "$BUSYBOX" sleep 600 >/dev/null
rc=$(kd_rc "$T/err" hosts status --json)
check "status --json: a manager, b worker with 1 dind node, memory ($rc)" python3 - "$T/out" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert [e["role"] for e in s] == ["manager", "worker"], s
assert all(e["reachable"] and e["memTotal"] > 0 for e in s), s
assert [e["dindNodes"] for e in s] == [0, 1], s
PY
rc=$(kd_rc "$T/err" hosts leave)
check "leave while b holds a dind node: exit 1, one line naming b ($rc: $(head -c 300 "$T/err"))" \
  one_line_file "$rc" 1 "$T/err" "$B holds 1 dind node container"
check "... and both are still in the swarm" test "$(swarm_state a) $(swarm_state b)" = "active true active false"
mh_docker b rm -f dmh-node >/dev/null
rc=$(kd_rc "$T/err" hosts status)
check "status table: a manager row and a worker row" bash -c "[ $rc = 0 ] && grep -q '^unix:///tmp/dmh-a/docker.sock  *manager  *yes' '$T/out' && grep -q '^unix:///tmp/dmh-b/docker.sock  *worker  *yes' '$T/out'"

log "leave"
rc=$(kd_rc "$T/err" hosts leave)
check "hosts leave: exit 0 ($rc: $(tail -c 300 "$T/err"))" test "$rc" = 0
check "both engines are out of the swarm" test "$(swarm_state a) $(swarm_state b)" = "inactive false inactive false"
rc=$(kd_rc "$T/err" hosts leave)
check "leave again: nothing to do, exit 0 ($rc)" bash -c "[ $rc = 0 ] && grep -q 'None of the listed engines is in a swarm' '$T/err'"
finish
