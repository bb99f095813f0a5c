#!/usr/bin/env bash
# The seed's manual bring-up on ONE cluster (CLUSTER_ID=60): `init` with an
# extra kubeadm argument (--upload-certs: the kubeadm-certs Secret exists),
# `join` with dind's own discovery (token and CA pin), `join` with the kubeadm
# arguments init printed, all three nodes Ready and routed; bad kubeadm
# arguments are one line, exit 2, and make nothing; a join pinning another CA
# fails and removes its node; clean leaves nothing labelled.
# Run it under the machine's cluster lock:
#   flock /tmp/dind-cluster.lock meson test -C build --suite initjoin
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=60
unset NUM_NODES
CTX=dind-cluster-60 SFX=-cluster-60 LABEL=io.dind.cluster=cluster-60
MASTER=kube-master$SFX N1=kube-node-1$SFX N2=kube-node-2$SFX N3=kube-node-3$SFX
T=$(mktemp -d /tmp/dind-initjoin-test.XXXXXX)
cleanup() {
  "$KD" clean -q || true
  rm -rf "$T"
}
trap cleanup EXIT
"$KD" clean -q
suite=$SECONDS

refused() { # refused RC WORD CMD...: exit RC, one line naming WORD, nothing labelled made or removed
  local want=$1 word=$2 before rc; shift 2
  before=$(labelled "$LABEL") || return 1
  set +e; "$@" 2>"$T/err"; rc=$?; set -e
  check "$* (exit $rc: $(cat "$T/err"))" one_line_file "$rc" "$want" "$T/err" "$word"
  check "... made nothing" test "$(labelled "$LABEL")" = "$before"
}

log "bad kubeadm arguments before there is a cluster"
refused 2 --pod-network-cidr "$KD" init -q -- --pod-network-cidr=10.0.0.0/8
refused 2 10.0.0.1:6443 "$KD" init -q -- 10.0.0.1:6443

log "init -- --upload-certs"
start=$SECONDS
"$KD" init -- --upload-certs 2>"$T/init"
log "init took $((SECONDS - start)) s"
check "kubeadm init ran with --upload-certs: the kubeadm-certs Secret exists" \
  "$K" --context "$CTX" -n kube-system get secret kubeadm-certs -o name
check "the cluster is the master alone" test "$("$K" --context "$CTX" get nodes -o name)" = "node/$MASTER"
join_args=$(sed -n 's/.*kubectl dind join -- //p' "$T/init")
check "init printed kubeadm's join arguments ($join_args)" grep -qE -- '^--token [a-z0-9.]{23} --discovery-token-ca-cert-hash sha256:[0-9a-f]{64} 10\.192\.60\.2:6443$' <<<"$join_args"
token=$(awk '{print $2}' <<<"$join_args")
check "init's token expires within a day, as kubeadm's ($(docker exec "$MASTER" kubeadm token list --kubeconfig /etc/kubernetes/admin.conf | grep "^$token"))" \
  bash -c "docker exec '$MASTER' kubeadm token list --kubeconfig /etc/kubernetes/admin.conf | awk '\$1 == \"$token\" { print \$2 }' | grep -qE '^(2[0-3]|1?[0-9])h\$'"
refused 1 exists "$KD" init -q

log "join (dind's discovery)"
start=$SECONDS
"$KD" join -q
log "join took $((SECONDS - start)) s"
check "$N1 pins the cluster's CA" grep -qF -- "$(grep -oE 'sha256:[0-9a-f]{64}' <<<"$join_args")" <(docker exec "$N1" cat /etc/dind/kubeadm-join.yaml)

log "join -- <init's arguments> -v=1"
# shellcheck disable=SC2086 # the arguments as init printed them, word by word
"$KD" join -q -- $join_args -v=1
check "$N2 joined with init's token" grep -qF -- "token: \"$(awk '{print $2}' <<<"$join_args")\"" <(docker exec "$N2" cat /etc/dind/kubeadm-join.yaml)
ready=$("$K" --context "$CTX" get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}')
check "three nodes Ready ($ready)" test "$ready" = "$MASTER=True $N1=True $N2=True "
read -r pods2 ip2 < <(docker exec "$N2" cat /etc/dind/plan.json | python3 -c 'import json, sys
n = [n for n in json.load(sys.stdin)["nodes"] if n["container"] == sys.argv[1]][0]
print(n["podCidrs"][0], n["ipv4"])' "$N2")
check "the master routes $N2's pods ($pods2 via $ip2)" bash -c "docker exec $MASTER ip route | grep -q '^$pods2 via $ip2 '"

log "bad and failing joins leave no node"
refused 2 --control-plane "$KD" join -q -- --control-plane
refused 2 --discovery-file "$KD" join -q -- --discovery-file /tmp/x
before=$(labelled "$LABEL")
set +e; "$KD" join -q -- --discovery-token-ca-cert-hash "sha256:$(printf '0%.0s' {1..64})" 2>"$T/err"; rc=$?; set -e
check "a join pinning another CA fails: exit 1 ($rc: $(tail -1 "$T/err"))" bash -c "test $rc = 1 && grep -q pinned '$T/err'"
check "... $N3 and its volumes are gone" test "$(labelled "$LABEL")" = "$before"
check "... and no node object of it" test "$("$K" --context "$CTX" get nodes -o name | wc -l)" = 3

"$KD" clean -q
check "clean leaves nothing labelled $LABEL" test "$(labelled "$LABEL")" = 0
log "suite took $((SECONDS - suite)) s"
finish
