#!/usr/bin/env bash
# Issue 15 part 4 on one real cluster (1 master + 1 worker, CLUSTER_ID=85):
# NODE_CPUS/NODE_MEMORY limit the worker's container and the worker reports
# them as its capacity (lxcfs), so the scheduler treats it as a small machine;
# MASTER_* give the master its own (a fractional 1.5: capacity 2, allocatable
# 1.5). Bad values are one line and exit 2; more CPUs than Docker has is
# refused before anything is made; `down` stops lxcfs and `up` starts it again
# for the recreated nodes; the last clean stops it, no mount left.
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=85
CTX=dind-cluster-85 SFX=-cluster-85
WORKER=kube-node-1$SFX MASTER=kube-master$SFX
LXCFS=/var/lib/dind-lxcfs
T=$(mktemp -d /tmp/dind-resources-test.XXXXXX)
cleanup() {
  "$KD" clean -q || true
  rm -rf "$T"
}
trap cleanup EXIT
ensure_busybox

one_line() { # one_line RC WANT-RC OUTPUT WORD: a refusal is one line naming WORD
  [ "$1" = "$2" ] && [ "$(printf '%s\n' "$3" | wc -l)" = 1 ] && grep -qF -- "$4" <<<"$3"
}
log "bad values: one line, exit 2"
for bad in NODE_MEMORY=lots NODE_CPUS=0 NODE_CPUS=-1 MASTER_MEMORY=2x NODE_MEMORY=64m; do
  set +e; out=$(env "$bad" "$KD" config 2>&1); rc=$?; set -e
  check "$bad is refused in one line naming it (exit 2)" one_line "$rc" 2 "$out" "${bad%%=*}"
done
set +e; out=$(NODE_CPUS=64 NUM_NODES=1 "$KD" up -q 2>&1); rc=$?; set -e
refused() { [ "$rc" != 0 ] && grep -qF "$1" <<<"$out" && [ "$(labelled io.dind.cluster=cluster-85)" = 0 ]; }
check "NODE_CPUS=64 on a $(nproc)-CPU host is refused before anything is made" refused "a node is to have 64 CPUs, Docker has"
export NODE_CPUS=1 NODE_MEMORY=1g MASTER_CPUS=1.5 MASTER_MEMORY=6g
shown() { "$KD" config | grep -qx 'NODE_MEMORY=1g  # env' && "$KD" config --master-cpus 2 | grep -qx 'MASTER_CPUS=2  # flag'; }
check "kubectl dind config shows the limits and where they came from" shown

log "a 1-CPU, 1g worker beside a 1.5-CPU, 6g master"
"$KD" clean -q
t0=$SECONDS
NUM_NODES=1 "$KD" up -q
log "up took $((SECONDS - t0)) s"
"$KD" load -q "$BUSYBOX"

inspect() { docker inspect -f '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' "$1"; }
check "docker inspect: the worker has 1 CPU and 1g, no swap beyond it" \
  test "$(inspect "$WORKER")" = "1000000000 1073741824 1073741824"
check "docker inspect: the master has its own 1.5 CPUs and 6g" \
  test "$(inspect "$MASTER")" = "1500000000 6442450944 6442450944"

node_field() { "$K" --context "$CTX" get node "$1" -o jsonpath="{.status.$2}"; }
ki() { # ki QUANTITY: a memory quantity in Ki (kubelet prints Ki)
  case $1 in *Ki) echo "${1%Ki}";; *Mi) echo $(( ${1%Mi} * 1024 ));; *Gi) echo $(( ${1%Gi} * 1048576 ));; *) echo $(( $1 / 1024 ));; esac
}
node_field "$WORKER" capacity >"$T/capacity"; node_field "$WORKER" allocatable >"$T/allocatable"
log "worker capacity $(cat "$T/capacity"), allocatable $(cat "$T/allocatable")"
check "the worker's capacity is 1 CPU" test "$(node_field "$WORKER" capacity.cpu)" = 1
check "the worker's allocatable is 1 CPU" test "$(node_field "$WORKER" allocatable.cpu)" = 1
cap=$(ki "$(node_field "$WORKER" capacity.memory)"); alloc=$(ki "$(node_field "$WORKER" allocatable.memory)")
check "the worker's memory capacity is 1Gi (to the MiB): ${cap}Ki" test "$cap" -gt $((1048576 - 1024)) -a "$cap" -le 1048576
check "allocatable is capacity less kubelet's 100Mi eviction reserve: ${alloc}Ki" test "$alloc" = $((cap - 102400))
check "the master's capacity is 6Gi and 2 CPUs (lxcfs rounds 1.5 up), allocatable 1.5 CPUs" \
  test "$(ki "$(node_field "$MASTER" capacity.memory)") $(node_field "$MASTER" capacity.cpu) $(node_field "$MASTER" allocatable.cpu)" = "6291456 2 1500m"
check "inside the worker, /proc/meminfo says 1Gi and one CPU is online" \
  test "$(docker exec "$WORKER" sh -c 'head -1 /proc/meminfo; cat /sys/devices/system/cpu/online' | tr -s ' ' | tr '\n' ' ')" = "MemTotal: 1048576 kB 0 "

# want POD CPU MEMORY: a pod for the worker (by label: through the scheduler) requesting that much
want() {
  "$K" --context "$CTX" run "$1" --image="docker.io/library/$BUSYBOX" --image-pull-policy=Never --restart=Never \
    --overrides="{\"spec\":{\"nodeSelector\":{\"kubernetes.io/hostname\":\"$WORKER\"},\"containers\":[{\"name\":\"$1\",
      \"image\":\"docker.io/library/$BUSYBOX\",\"imagePullPolicy\":\"Never\",\"command\":[\"sleep\",\"3600\"],
      \"resources\":{\"requests\":{\"cpu\":\"$2\",\"memory\":\"$3\"}}}]}}" >/dev/null
}
unschedulable() { # unschedulable POD REASON: Pending, and the scheduler says why
  local i
  for i in $(seq 60); do
    "$K" --context "$CTX" get pod "$1" -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}' 2>/dev/null |
      grep -qF "$2" && [ "$("$K" --context "$CTX" get pod "$1" -o jsonpath='{.status.phase}')" = Pending ] && return 0
    sleep 0.5
  done
  return 1
}
want half 500m 64Mi
want too-much-cpu 1500m 64Mi
want too-much-memory 100m 2Gi
check "a pod asking 0.5 of the 1-CPU worker runs there" wait_pod half "$CTX"
check "a pod asking 1.5 CPUs stays Pending: Insufficient cpu" unschedulable too-much-cpu "Insufficient cpu"
check "a pod asking 2Gi stays Pending: Insufficient memory" unschedulable too-much-memory "Insufficient memory"

no_mount() { ! grep -q " $LXCFS " /proc/self/mountinfo; }
no_daemon() { ! pgrep -f "lxcfs .*$LXCFS" >/dev/null; }
stopped() { # lxcfs is gone, unless another cluster's nodes still use it
  if [ "$(labelled io.dind.lxcfs)" = 0 ]; then
    check "$1: no lxcfs mount is left" no_mount
    check "$1: no lxcfs process of dind's is left" no_daemon
  else
    log "another cluster still uses lxcfs: it stays"
  fi
}
log "down stops lxcfs, up starts it again for the recreated nodes"
check "lxcfs serves the nodes while they run" grep -q " $LXCFS .* fuse.lxcfs " /proc/self/mountinfo
"$KD" down -q
stopped "after down"
NUM_NODES=1 "$KD" up -q
check "after up again, the worker still reads 1Gi and one CPU" \
  test "$(docker exec "$WORKER" sh -c 'head -1 /proc/meminfo; cat /sys/devices/system/cpu/online' | tr -s ' ' | tr '\n' ' ')" = "MemTotal: 1048576 kB 0 "

log "the last clean stops lxcfs"
"$KD" clean -q
check "nothing of cluster-85 is left" test "$(labelled io.dind.cluster=cluster-85)" = 0
stopped "after clean"
finish
