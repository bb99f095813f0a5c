#!/usr/bin/env bash
# Issue 16's knobs on ONE real 1+1 cluster (CLUSTER_ID=80): FEATURE_GATES and
# an APISERVER_ flag in the running kube-apiserver, KUBELET_ flags and gates in
# the running kubelet, an EXTRA_PORTS mapping answered by a hostNetwork pod,
# MASTER_EXTRA_OPTS' env and volume in the master, DIND_*_PROXY in
# containerd's and kubelet's environment (a dead proxy: NO_PROXY must cover
# all the cluster needs), DIND_CUSTOM_NETWORKS joined by every node; pause,
# unpause, status and apiserver-port. A missing custom network leaves nothing.
# Run it under the machine's cluster lock:
#   flock /tmp/dind-cluster.lock meson test -C build --suite knobs
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=80 NUM_NODES=1
CTX=dind-cluster-80 SFX=-cluster-80
MASTER=kube-master$SFX NODES=(kube-master$SFX kube-node-1$SFX)
XNET=dind-knobs-net-80 HOSTPORT=18080
T=$(mktemp -d /tmp/dind-knobs-test.XXXXXX)
cleanup() {
  "$KD" clean -q || true
  CLUSTER_ID=81 "$KD" clean -q || true
  docker network rm "$XNET" >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
ensure_busybox
"$KD" clean -q
docker network rm "$XNET" >/dev/null 2>&1 || true

log "a missing custom network: one line, nothing left"
set +e
CLUSTER_ID=81 DIND_CUSTOM_NETWORKS=dind-knobs-no-such-net "$KD" up -q 2>"$T/err"; rc=$?
set -e
check "up with DIND_CUSTOM_NETWORKS=dind-knobs-no-such-net: exit 1, one line ($rc: $(cat "$T/err"))" \
  one_line_file "$rc" 1 "$T/err" dind-knobs-no-such-net
check "... and nothing of cluster-81 is left" test "$(labelled io.dind.cluster=cluster-81)" = 0

log "up with every knob"
docker network create --label io.dind.test=knobs "$XNET" >/dev/null
mkdir "$T/share" && echo "shared from the host" > "$T/share/hello"
start=$SECONDS
FEATURE_GATES=InPlacePodVerticalScaling=true APISERVER_audit_log_maxage=3 \
KUBELET_max_pods=50 KUBELET_FEATURE_GATES=InPlacePodVerticalScaling=true \
EXTRA_PORTS="$HOSTPORT:$HOSTPORT" MASTER_EXTRA_OPTS="-e DIND_KNOBS=yes -v $T/share:/mnt/knobs:ro" \
DIND_HTTP_PROXY=http://127.0.0.1:3128 DIND_HTTPS_PROXY=http://127.0.0.1:3128 DIND_NO_PROXY=corp.example \
DIND_CUSTOM_NETWORKS=$XNET SKIP_DASHBOARD=y DNS_SERVICE=coredns DIND_CRI=containerd \
  "$KD" up -q
log "up took $((SECONDS - start)) s"

environ() { # environ NODE UNIT: the environment of the unit's main process
  local pid; pid=$(docker exec "$1" systemctl show -p MainPID --value "$2")
  docker exec "$1" sh -c "tr '\0' '\n' < /proc/$pid/environ"
}
node_cmdline "$MASTER" kube-apiserver > "$T/apiserver"
check "kube-apiserver runs with --feature-gates=InPlacePodVerticalScaling=true" grep -q -- '--feature-gates=InPlacePodVerticalScaling=true' "$T/apiserver"
check "kube-apiserver runs with --audit-log-maxage=3 (APISERVER_audit_log_maxage)" grep -q -- '--audit-log-maxage=3' "$T/apiserver"
check "kube-controller-manager and kube-scheduler have the gate too" bash -c \
  "$(declare -f node_cmdline); node_cmdline $MASTER kube-controller-manager | grep -q -- --feature-gates=InPlacePodVerticalScaling=true &&
   node_cmdline $MASTER kube-scheduler | grep -q -- --feature-gates=InPlacePodVerticalScaling=true"
for n in "${NODES[@]}"; do
  check "$n: kubelet runs with --max-pods=50 (KUBELET_max_pods)" bash -c "$(declare -f node_cmdline); node_cmdline $n kubelet | grep -q -- --max-pods=50"
  check "$n: the node offers 50 pods" test "$("$K" --context "$CTX" get node "$n" -o jsonpath='{.status.capacity.pods}')" = 50
  check "$n: kubelet's config has KUBELET_FEATURE_GATES" \
    docker exec "$n" grep -qx '  InPlacePodVerticalScaling: true' /var/lib/kubelet/config.yaml
  for unit in containerd kubelet; do
    environ "$n" $unit > "$T/env"
    check "$n: $unit has HTTP_PROXY and HTTPS_PROXY" \
      bash -c "grep -qx HTTP_PROXY=http://127.0.0.1:3128 '$T/env' && grep -qx HTTPS_PROXY=http://127.0.0.1:3128 '$T/env'"
    no=$(sed -n 's/^NO_PROXY=//p' "$T/env")
    check "$n: $unit's NO_PROXY has DIND_NO_PROXY, the node, pod and service CIDRs, the nodes and the local registry ($no)" bash -c \
      "for w in corp.example 10.192.80.0/24 10.244.0.0/16 10.96.0.0/12 $MASTER kube-node-1$SFX dind-registry; do [[ ,$no, == *,\$w,* ]] || exit 1; done"
  done
  check "$n: joined $XNET" bash -c "docker inspect -f '{{json .NetworkSettings.Networks}}' $n | grep -q '\"$XNET\"'"
done
check "the master has MASTER_EXTRA_OPTS' -e" bash -c "docker exec $MASTER sh -c 'tr \"\\0\" \"\\n\" < /proc/1/environ' | grep -qx DIND_KNOBS=yes"
check "the master has MASTER_EXTRA_OPTS' -v, read-only" bash -c \
  "docker exec $MASTER cat /mnt/knobs/hello | grep -q 'shared from the host' && ! docker exec $MASTER touch /mnt/knobs/x 2>/dev/null"

log "EXTRA_PORTS: a hostNetwork pod on the master answers on the host's port $HOSTPORT"
"$KD" load -q --nodes kube-master "$BUSYBOX"
answer=$(host_port_answer web "$MASTER" "$CTX" "$HOSTPORT" "$HOSTPORT")
check "curl http://127.0.0.1:$HOSTPORT/ on the host reaches the pod ($answer)" test "$answer" = "hello from dind"

log "apiserver-port, pause, status, unpause"
port=$("$KD" apiserver-port)
check "apiserver-port prints the published port ($port)" test "$port" = "$(docker port "$MASTER" 6443/tcp | head -1 | sed 's/.*://')"
"$KD" pause -q
check "every node container is paused" bash -c "for n in ${NODES[*]}; do [ \"\$(docker inspect -f '{{.State.Status}}' \$n)\" = paused ] || exit 1; done"
set +e
"$KD" status > "$T/status"; rc=$?
"$KD" status --json > "$T/status.json"
"$KD" apiserver-port > /dev/null 2>"$T/err"; port_rc=$?
"$KD" pause -q; again=$?
set -e
check "status of a paused cluster: exit 3, says paused ($rc)" bash -c "[ $rc = 3 ] && grep -q '^cluster cluster-80: paused' '$T/status'"
check "status --json: paused true, up false" python3 -c "
import json,sys; s=json.load(open('$T/status.json')); sys.exit(0 if s['paused'] and not s['up'] else 1)"
check "apiserver-port of a paused cluster: exit 3, one line ($port_rc)" one_line_file "$port_rc" 3 "$T/err" paused
check "pausing it again is fine ($again)" test "$again" = 0
"$KD" unpause -q
up=1
for _ in $(seq 30); do "$KD" status >/dev/null && { up=0; break; }; sleep 1; done
check "after unpause the cluster is up again" test "$up" = 0
check "... and answers kubectl" bash -c "'$K' --context $CTX get pod web -o name >/dev/null"

log "pause and apiserver-port of a cluster that is not there"
set +e
CLUSTER_ID=84 "$KD" pause 2>"$T/err"; rc=$?
set -e
check "pause of a missing cluster: exit 1, one line ($rc: $(cat "$T/err"))" one_line_file "$rc" 1 "$T/err" "has no nodes"
set +e
CLUSTER_ID=84 "$KD" apiserver-port 2>"$T/err"; rc=$?
set -e
check "apiserver-port of a missing cluster: exit 3, one line ($rc)" one_line_file "$rc" 3 "$T/err" "is not up"

"$KD" clean -q
check "clean leaves nothing of cluster-80" test "$(labelled io.dind.cluster=cluster-80)" = 0
check "the custom network is still there (it is not dind's)" docker network inspect "$XNET" >/dev/null
log "knobs suite took $SECONDS s"
finish
