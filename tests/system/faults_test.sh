#!/usr/bin/env bash
# Issue 12 on the real engine: faults, concurrency and interruption. Every
# failure is one line and a non-zero exit within its deadline, and leaves
# nothing of the cluster behind; a second caller never destroys the first's
# cluster; a Docker daemon restart is survived.
. "$(dirname "$0")/lib.sh"
FAKE="$(dirname "$0")/../faults/fake_dockerd.py"
CLIENT_TESTS="$DIND_BUILD/tests/faults-client-tests"
work=$(mktemp -d)
ids="51 52 53 54 55 56 57"
cleanup() {
  for id in $ids; do CLUSTER_ID=$id "$KD" clean -q || true; done
  docker volume rm -f kubeadm-dind-kube-master-cluster-51 >/dev/null 2>&1 || true
  docker rmi -f dind-node:broken-entrypoint >/dev/null 2>&1 || true
  [ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ensure_busybox
# the test's own kubeconfig: the user's is never touched
export KUBECONFIG="$work/kubeconfig"
since() { echo $(( $(date +%s) - $1 )); }
one_line() { test "$(grep -c . "$1")" = 1; }

log "a daemon that misbehaves: one line, non-zero exit, within the deadline"
sock="$work/fake.sock"
for mode in truncate chunk-cut hang close-upload new-api old-api; do
  rm -f "$sock"  # the last fake's socket must not pass for this one's
  python3 "$FAKE" "$mode" "$sock" & fake_pid=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  check "$mode: client tests" env DOCKER_HOST="unix://$sock" DIND_DOCKER_TIMEOUT=3 "$CLIENT_TESTS" "[$mode]"
  t=$(date +%s)
  set +e
  DOCKER_HOST="unix://$sock" DIND_DOCKER_TIMEOUT=3 "$KD" version >"$work/out" 2>"$work/err"; rc=$?
  set -e
  case $mode in
    new-api) check "new-api: version speaks 1.47 ($(tail -1 "$work/out"))" bash -c "[ $rc = 0 ] && grep -q 'dind speaks 1.47' '$work/out'" ;;
    close-upload) ;;  # version uploads nothing
    *) check "$mode: kubectl dind version fails in one line after $(since "$t")s ($(cat "$work/err"))" \
         bash -c "[ $rc = 1 ] && [ $(since "$t") -lt 15 ] && [ \$(grep -c . '$work/err') = 1 ]" ;;
  esac
  kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=
done

log "the e2e verdict: a run killed mid-way fails, a finished one passes"
cat > "$work/e2e.test" <<'SH'
#!/bin/sh
# a stand-in for e2e.test: FAKE_E2E=killed dies mid-run, FAKE_E2E=ok writes ginkgo's JSON report
for a in "$@"; do case $a in --ginkgo.json-report=*) report=${a#*=} ;; esac; done
echo "Will run 2 of 10 specs"
echo "• [1.0 seconds]"
[ "$FAKE_E2E" = killed ] && kill -9 $$
printf '[{"SuiteSucceeded":true,"SpecReports":[{"LeafNodeType":"It","State":"passed"},{"LeafNodeType":"It","State":"passed"}]}]' > "$report"
echo "Ran 2 of 10 Specs in 1.0 seconds"
SH
chmod +x "$work/e2e.test"
touch "$work/e2e-kubeconfig"
for want in killed:1 ok:0; do
  set +e
  FAKE_E2E=${want%:*} "$DIND_BUILD/tools/dind-e2e" run -q --e2e-test "$work/e2e.test" --kubeconfig "$work/e2e-kubeconfig" \
    -o "$work/e2e" >"$work/out" 2>"$work/err"; rc=$?
  set -e
  check "e2e run ${want%:*}: exit ${want#*:} ($rc: $(tail -1 "$work/err"))" test "$rc" = "${want#*:}"
done

log "names that would collide are refused before anything is made"
for spec in "DIND_LABEL=cluster-10" "DIND_LABEL=default" "DIND_LABEL=cluster CLUSTER_ID=10" "DIND_LABEL=Foo_Bar"; do
  set +e; env $spec "$KD" up -q 2>"$work/err"; rc=$?; set -e
  check "$spec: exit 2, one line ($(cat "$work/err"))" bash -c "[ $rc = 2 ] && grep -q DIND_LABEL '$work/err'"
  one_line "$work/err" || fail "$spec: more than one line"
done
check "a dotted label is a valid cluster name" bash -c "DIND_LABEL=a.b '$NET' plan --json | grep -q '\"context\": \"dind-a.b\"'"

log "a volume dind did not make is neither reused nor removed"
docker volume create kubeadm-dind-kube-master-cluster-51 >/dev/null
set +e; CLUSTER_ID=51 NUM_NODES=0 "$KD" up -q 2>"$work/err"; rc=$?; set -e
check "foreign volume: exit 1, named ($(cat "$work/err"))" \
  bash -c "[ $rc = 1 ] && grep -q 'kubeadm-dind-kube-master-cluster-51 exists that dind did not make' '$work/err'"
check "foreign volume: still there" docker volume inspect kubeadm-dind-kube-master-cluster-51
check "foreign volume: nothing of cluster-51 left" test "$(labelled io.dind.cluster=cluster-51)" = 0
docker volume rm kubeadm-dind-kube-master-cluster-51 >/dev/null

log "a node that dies after its container exists: the failure cleanup removes it"
img=$("$KD" config --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["DIND_IMAGE"]["value"])')
cid=$(docker create "$img")
docker commit -c 'ENTRYPOINT ["/bin/false"]' "$cid" dind-node:broken-entrypoint >/dev/null
docker rm "$cid" >/dev/null
set +e; CLUSTER_ID=51 NUM_NODES=0 DIND_IMAGE=dind-node:broken-entrypoint "$KD" up -q 2>"$work/err"; rc=$?; set -e
check "broken node: exit 1, one line naming the node and the step ($(cat "$work/err"))" \
  bash -c "[ $rc = 1 ] && grep -q 'creating 1 nodes.*kube-master-cluster-51: container died while booting' '$work/err' && [ \$(grep -c . '$work/err') = 1 ]"
check "broken node: nothing of cluster-51 left" test "$(labelled io.dind.cluster=cluster-51)" = 0

log "two up of one cluster at once: one creates it, the other waits; nothing destroyed"
CLUSTER_ID=52 NUM_NODES=0 "$KD" up >"$work/up1" 2>&1 & p1=$!
sleep 1
CLUSTER_ID=52 NUM_NODES=0 "$KD" up >"$work/up2" 2>&1 & p2=$!
sleep 2
set +e; CLUSTER_ID=52 "$KD" down --no-wait -q 2>"$work/err"; rc=$?; set -e
check "down --no-wait while up runs: exit 1, busy ($(cat "$work/err"))" bash -c "[ $rc = 1 ] && grep -q 'is busy' '$work/err'"
wait $p1; rc1=$?; wait $p2; rc2=$?
check "both up exit 0 ($rc1, $rc2)" test "$rc1$rc2" = 00
check "exactly one created the cluster" test "$(cat "$work/up1" "$work/up2" | grep -c 'Creating 1 nodes')" = 1
check "the other waited for it" grep -q 'Waiting for pid' "$work/up2"
check "cluster-52 Ready after both" \
  bash -c "'$K' --context dind-cluster-52 get nodes --no-headers | grep -q ' Ready '"
CLUSTER_ID=52 "$KD" clean -q

log "three clusters at once: all Ready, three contexts in one intact kubeconfig"
for id in 53 54 55; do CLUSTER_ID=$id NUM_NODES=0 "$KD" up -q 2>"$work/err-$id" & eval "p$id=\$!"; done
for id in 53 54 55; do eval "wait \$p$id" || fail "up of cluster-$id: $(cat "$work/err-$id")"; done
for id in 53 54 55; do
  check "cluster-$id Ready through its context" bash -c "'$K' --context dind-cluster-$id get nodes --no-headers | grep -q ' Ready '"
done
check "the kubeconfig holds the three contexts" \
  test "$("$K" config get-contexts -o name | grep -c '^dind-cluster-5[345]$')" = 3
for id in 53 54 55; do CLUSTER_ID=$id "$KD" clean -q & eval "p$id=\$!"; done
for id in 53 54 55; do eval "wait \$p$id" || fail "clean of cluster-$id"; done
check "clean of the three: no context left" test "$("$K" config get-contexts -o name | grep -c dind-cluster-5 || true)" = 0
check "clean of the three: nothing labelled left" \
  test "$(labelled io.dind.cluster=cluster-53)$(labelled io.dind.cluster=cluster-54)$(labelled io.dind.cluster=cluster-55)" = 000

# kill_during PHASE PROBE VICTIM: up of a 1+1 cluster, VICTIM killed once PROBE succeeds
kill_during() {
  local phase=$1 probe=$2 victim=$3 t rc
  t=$(date +%s)
  CLUSTER_ID=56 NUM_NODES=1 DIND_WAIT=120 "$KD" up -q 2>"$work/err" & local p=$!
  for _ in $(seq 600); do bash -c "$probe" >/dev/null 2>&1 && break; sleep 0.1; done
  docker kill "$victim" >/dev/null 2>&1 || fail "$phase: $victim was not there to kill"
  set +e; wait $p; rc=$?; set -e
  check "killed in $phase: exit 1 after $(since "$t")s, one line naming $victim ($(tail -1 "$work/err"))" \
    bash -c "[ $rc = 1 ] && [ $(since "$t") -lt 150 ] && grep -q '$victim' '$work/err' && [ \$(grep -c . '$work/err') = 1 ]"
  check "killed in $phase: nothing of cluster-56 left" test "$(labelled io.dind.cluster=cluster-56)" = 0
  check "killed in $phase: no context left" bash -c "! '$K' config get-contexts dind-cluster-56 >/dev/null 2>&1"
}
log "a node container killed during each phase of up"
M=kube-master-cluster-56 W=kube-node-1-cluster-56
kill_during "node boot" "docker inspect -f '{{.State.Running}}' $M | grep -q true" $M
kill_during "kubeadm init" "docker exec $M pgrep -f 'kubeadm init'" $M
kill_during "kubeadm join" "docker exec $W pgrep -f 'kubeadm join'" $W
kill_during "wait ready" "docker exec $W test -f /etc/kubernetes/kubelet.conf && ! docker exec $W pgrep -f 'kubeadm join'" $W

log "SIGINT and SIGTERM during up: exit 130/143, nothing left (--retain keeps it)"
for sig in INT TERM; do
  CLUSTER_ID=56 NUM_NODES=0 "$KD" up -q 2>"$work/err" & p=$!
  for _ in $(seq 600); do docker exec $M pgrep -f 'kubeadm init' >/dev/null 2>&1 && break; sleep 0.1; done
  t=$(date +%s)
  kill -$sig $p
  set +e; wait $p; rc=$?; set -e
  want=$([ $sig = INT ] && echo 130 || echo 143)
  check "SIG$sig: exit $want ($rc) after $(since "$t")s ($(tail -1 "$work/err"))" \
    bash -c "[ $rc = $want ] && [ $(since "$t") -lt 30 ] && grep -q 'interrupted by SIG$sig' '$work/err'"
  check "SIG$sig: nothing of cluster-56 left" test "$(labelled io.dind.cluster=cluster-56)" = 0
done
CLUSTER_ID=56 NUM_NODES=0 "$KD" up -q --retain 2>"$work/err" & p=$!
for _ in $(seq 600); do docker exec $M pgrep -f 'kubeadm init' >/dev/null 2>&1 && break; sleep 0.1; done
kill -INT $p; set +e; wait $p; rc=$?; set -e
check "SIGINT with --retain: exit 130, the master kept" bash -c "[ $rc = 130 ] && docker inspect $M >/dev/null"
CLUSTER_ID=56 "$KD" clean -q

log "after all that, up succeeds; a Docker daemon restart is survived"
CLUSTER_ID=56 NUM_NODES=1 "$KD" up -q
check "cluster-56 up: 2 nodes Ready" \
  test "$("$K" --context dind-cluster-56 get nodes --no-headers | awk '$2=="Ready"' | wc -l)" = 2
CLUSTER_ID=56 "$KD" load -q "$BUSYBOX"
# restartPolicy Always: kubelet brings it back after its node restarted
"$K" --context dind-cluster-56 run p --image="docker.io/library/$BUSYBOX" --image-pull-policy=Never --restart=Always \
  --overrides="{\"spec\":{\"nodeName\":\"$W\"}}" -- sleep 3600 >/dev/null
wait_pod p dind-cluster-56
ip_before=$(pod_ip p dind-cluster-56)
if [ "${DIND_FAULTS_DOCKER_RESTART:-1}" = 1 ]; then
  old=$(restart_dockerd)
  check "the Docker daemon restarted (pid $old -> $(cat /var/run/docker.pid))" bash -c "docker info >/dev/null && [ \$(cat /var/run/docker.pid) != $old ]"
  CLUSTER_ID=56 NUM_NODES=1 "$KD" up -q
  check "after the daemon restart: 2 nodes Ready" \
    test "$("$K" --context dind-cluster-56 get nodes --no-headers | awk '$2=="Ready"' | wc -l)" = 2
  check "pod p runs again on $W" bash -c "'$K' --context dind-cluster-56 wait --for=condition=Ready pod/p --timeout=120s >/dev/null"
  ip_after=$(pod_ip p dind-cluster-56)
  check "pod p keeps its node's pod CIDR ($ip_before -> $ip_after)" test "${ip_before%.*}" = "${ip_after%.*}"
fi
CLUSTER_ID=56 "$KD" clean -q

# freeze_in NODE: a process in a cgroup frozen inside the node, as a nested
# runc leaves one when its node is killed while it sets a container up: a
# frozen task cannot die, so the engine's kill of the node never ends
freeze_in() {
  docker exec "$1" sh -c 'if [ -d /sys/fs/cgroup/freezer ]; then d=/sys/fs/cgroup/freezer/dind-faults f=freezer.state v=FROZEN
    else d=/sys/fs/cgroup/dind-faults f=cgroup.freeze v=1; fi
    mkdir -p $d; sleep 3600 </dev/null >/dev/null 2>&1 & echo $! > $d/cgroup.procs && echo $v > $d/$f && grep -qx $v $d/$f'
}

log "5 cycles of up/down/up/clean leave nothing, the first with a frozen cgroup in the node at down and clean"
tmp_before=$(ls -A /tmp | grep -c '^dind' || true)
for i in 1 2 3 4 5; do
  CLUSTER_ID=57 NUM_NODES=0 "$KD" up -q || fail "cycle $i: up"
  [ "$i" = 1 ] && check "a cgroup frozen in kube-master-cluster-57" freeze_in kube-master-cluster-57
  CLUSTER_ID=57 "$KD" down -q || fail "cycle $i: down"
  CLUSTER_ID=57 NUM_NODES=0 "$KD" up -q || fail "cycle $i: up after down"
  [ "$i" = 1 ] && check "a cgroup frozen in kube-master-cluster-57 again" freeze_in kube-master-cluster-57
  CLUSTER_ID=57 "$KD" clean -q || fail "cycle $i: clean"
done
check "cycles: nothing labelled left" test "$(labelled io.dind.cluster=cluster-57)" = 0
check "cycles: no context, cluster or user entry left" bash -c "! grep -q cluster-57 '$KUBECONFIG'"
check "cycles: no lock or temp file beside the kubeconfig" bash -c "[ \$(ls -A '$work' | grep -c 'kubeconfig\.') = 0 ]"
check "cycles: no dind temp file left in /tmp" test "$(ls -A /tmp | grep -c '^dind' || true)" = "$tmp_before"
finish
