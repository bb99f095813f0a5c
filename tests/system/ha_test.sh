#!/usr/bin/env bash
# Issue 15's HA control planes on ONE real cluster (CLUSTER_ID=95): 3 control
# planes (stacked etcd) behind kube-lb (haproxy) and 2 workers, from a kind
# config that lists a worker first (the control planes still come first, each
# with its own labels). The API
# server keeps answering through the load balancer, and etcd keeps quorum
# (writes succeed), while kube-master (the node kubeadm init ran on) is
# stopped; reup brings it back; so does `up` after a Docker daemon restart
# (what kind's HA cannot); dump has every control plane and the load
# balancer. Bad counts and snapshots are refused in one line.
# Run it under the machine's cluster lock:
#   flock /tmp/dind-cluster.lock meson test -C build --suite ha
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=95
CTX=dind-cluster-95 SFX=-cluster-95
M1=kube-master$SFX M2=kube-master-2$SFX M3=kube-master-3$SFX LB=kube-lb$SFX
T=$(mktemp -d /tmp/dind-ha-test.XXXXXX)
cleanup() {
  docker start "$M1" >/dev/null 2>&1 || true
  "$KD" clean -q || true
  CLUSTER_ID=96 "$KD" clean -q || true
  rm -rf "$T"
}
trap cleanup EXIT
"$KD" clean -q

log "bad control-plane counts: one line, exit 2, nothing made"
for n in 0 8 two; do
  set +e; CLUSTER_ID=96 "$KD" up -q --control-planes "$n" 2>"$T/err"; rc=$?; set -e
  check "--control-planes $n: exit 2, one line ($rc: $(cat "$T/err"))" one_line_file "$rc" 2 "$T/err" NUM_CONTROL_PLANES
done
check "... and nothing of cluster-96 exists" test "$(labelled io.dind.cluster=cluster-96)" = 0

ready() { "$K" --context "$CTX" get nodes --no-headers 2>/dev/null | awk '$2=="Ready"' | wc -l; }
etcds() { "$K" --context "$CTX" -n kube-system get pods -l component=etcd --no-headers | awk '$3=="Running"' | wc -l; }
# the last joined control plane's etcd mirror pod shows up a moment after its join: up to 30 s
etcds_3() { for _ in $(seq 60); do [ "$(etcds)" = 3 ] && return; sleep 0.5; done; return 1; }
log "up: 3 control planes + 2 workers, from a kind config"
cat > "$T/kind.yaml" <<'YAML'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: worker
  labels: {tier: first-worker}
- role: control-plane
- role: control-plane
  labels: {tier: second-control-plane}
- role: worker
- role: control-plane
YAML
start=$SECONDS
"$KD" up -q --config "$T/kind.yaml"
export NUM_CONTROL_PLANES=3 NUM_NODES=2  # what the file says, for the commands below without --config
log "up (3 control planes + 2 workers) took $((SECONDS - start)) s"
check "5 nodes Ready" test "$(ready)" = 5
check "3 of them are control planes" \
  test "$("$K" --context "$CTX" get nodes -l node-role.kubernetes.io/control-plane --no-headers | wc -l)" = 3
check "kubeadm's configs (token, certificate key) are root's only" bash -c \
  "[ \$(docker exec '$M1' stat -c %a /etc/dind/kubeadm.yaml) = 600 ] && [ \$(docker exec '$M2' stat -c %a /etc/dind/kubeadm-join.yaml) = 600 ]"
check "the kind config's labels are on the nodes they name" bash -c \
  "'$K' --context '$CTX' get node '$M2' -L tier --no-headers | grep -q second-control-plane &&
   '$K' --context '$CTX' get node kube-node-1$SFX -L tier --no-headers | grep -q first-worker"
check "3 etcd members run, one per control plane" etcds_3
lbport=$(docker port "$LB" 6443/tcp | head -1 | sed 's/.*://')
check "the context and apiserver-port point at $LB ($lbport)" bash -c \
  "[ \"\$('$KD' apiserver-port)\" = '$lbport' ] && '$K' config view -o jsonpath='{.clusters[?(@.name==\"$CTX\")].cluster.server}' | grep -q ':$lbport\$'"
check "the control planes publish no API server port of their own" test -z "$(docker port "$M1")"
check "status is up and names $LB's endpoint" bash -c "'$KD' status | head -1 | grep -q 'up, API server https://127.0.0.1:$lbport'"

log "kube-master stopped: the API answers through $LB, and etcd takes writes"
docker stop -t 3 "$M1" >/dev/null
bad=0
for i in $(seq 15); do
  "$K" --context "$CTX" --request-timeout=10s get --raw /readyz >/dev/null 2>>"$T/ha.err" || bad=$((bad + 1))
  # a write that meets etcd's leader election (kube-master's etcd may have led)
  # fails once with "request timed out": quorum holds if the retry succeeds
  # (or finds the first attempt committed after all)
  write() { "$K" --context "$CTX" --request-timeout=10s create configmap "ha-$i" --from-literal=i="$i" >/dev/null 2>>"$T/ha.err"; }
  write || { sleep 2; write || "$K" --context "$CTX" get configmap "ha-$i" >/dev/null 2>&1; } || bad=$((bad + 1))
  sleep 1
done
check "15 reads and 15 writes (one retry each) over 15 s with kube-master down: all answered ($bad failed: $(head -c 300 "$T/ha.err"))" test "$bad" = 0
check "$LB took kube-master out of the rotation" bash -c "docker logs '$LB' 2>&1 | grep -q 'kube-master is DOWN'"
check "the 2 other control planes are Ready" bash -c \
  "'$K' --context '$CTX' get node '$M2' '$M3' --no-headers | awk '\$2==\"Ready\"' | wc -l | grep -qx 2"

log "dump with a control plane down: every control plane and the load balancer, whatever the variables say"
NUM_CONTROL_PLANES=1 "$KD" dump > "$T/dump.txt"
for n in "$M2" "$M3"; do
  check "dump has $n's kubelet journal" grep -q "^@@@ nodes/$n/kubelet.journal @@@" "$T/dump.txt"
done
check "dump says $M1 is down" grep -q "^@@@ nodes/$M1/DOWN @@@" "$T/dump.txt"
check "dump has $LB's haproxy.cfg and log (not as a node)" bash -c \
  "grep -q '^@@@ lb/$LB/haproxy.cfg @@@' '$T/dump.txt' && grep -q '^@@@ lb/$LB/haproxy.log @@@' '$T/dump.txt' &&
   ! grep -q '^@@@ nodes/$LB/' '$T/dump.txt'"
check "dump has the cluster's objects from another control plane" grep -q "^@@@ cluster/nodes @@@" "$T/dump.txt"

log "reup brings kube-master back"
start=$SECONDS
"$KD" reup -q
log "reup took $((SECONDS - start)) s"
check "5 nodes Ready after reup" test "$(ready)" = 5
check "the 15 configmaps written meanwhile are there" \
  test "$("$K" --context "$CTX" get configmap -o name | grep -c '^configmap/ha-')" = 15

log "up with another control-plane count is refused before anything changes"
before=$(docker ps -aq --filter label=io.dind.cluster=cluster-95 | sort | tr '\n' ' ')
set +e; NUM_CONTROL_PLANES=1 "$KD" up -q 2>"$T/err"; rc=$?; set -e
check "NUM_CONTROL_PLANES=1 on this cluster: exit 1, one line naming it ($rc: $(cat "$T/err"))" \
  one_line_file "$rc" 1 "$T/err" "has kube-master-2$SFX, which the plan has not: NUM_NODES or NUM_CONTROL_PLANES differs"
check "... and its containers are the same" test "$(docker ps -aq --filter label=io.dind.cluster=cluster-95 | sort | tr '\n' ' ')" = "$before"

if [ "${DIND_HA_DOCKER_RESTART:-1}" = 1 ]; then
  log "a Docker daemon restart: up brings the whole HA cluster back"
  old=$(restart_dockerd)
  check "the Docker daemon restarted" bash -c "docker info >/dev/null && [ \$(cat /var/run/docker.pid) != $old ]"
  start=$SECONDS
  "$KD" up -q
  log "up after the daemon restart took $((SECONDS - start)) s"
  check "5 nodes Ready after the daemon restart" test "$(ready)" = 5
  check "3 etcd members run again" etcds_3
  check "the configmaps survived" test "$("$K" --context "$CTX" get configmap -o name | grep -c '^configmap/ha-')" = 15
fi

log "join: one more worker through the load balancer; a wrong control-plane count is refused"
set +e; NUM_CONTROL_PLANES=1 "$KD" join -q 2>"$T/err"; rc=$?; set -e
check "join with NUM_CONTROL_PLANES=1: exit 1, one line ($rc: $(cat "$T/err"))" \
  one_line_file "$rc" 1 "$T/err" "has 3 control planes, NUM_CONTROL_PLANES says 1"
"$KD" join -q
check "kube-node-3 joined: 6 nodes Ready" test "$(ready)" = 6

log "snapshots of an HA cluster are refused"
set +e; "$KD" snapshot -q 2>"$T/err"; rc=$?; set -e
check "snapshot: exit 2, one line ($rc: $(cat "$T/err"))" one_line_file "$rc" 2 "$T/err" "several control planes"

log "clean leaves nothing"
"$KD" clean -q
check "nothing labelled cluster-95 is left (containers, volumes, network)" test "$(labelled io.dind.cluster=cluster-95)" = 0
finish
