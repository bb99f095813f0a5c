#!/usr/bin/env bash
# Issue 14 on one real 1+2 cluster (CLUSTER_ID=70, a snapshot store of its
# own): snapshot keeps the cluster running, clean keeps the snapshot, plain
# `up` restores it and says so, the restored cluster works (its state, new
# pods, DNS, a ClusterIP service, a new node joining with its bootstrap
# token), --output/--input round trip, snapshot rm; unknown names, other
# plans and corrupt files are one line and exit 1, and leave nothing behind.
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=70 NUM_NODES=2
unset SKIP_SNAPSHOT
CTX=dind-cluster-70 SFX=-cluster-70 NAME=cluster-70
T=$(mktemp -d /tmp/dind-snapshot-test.XXXXXX)
export XDG_CACHE_HOME="$T/cache"   # snapshots (and locks) of this test only
STORE="$XDG_CACHE_HOME/dind/snapshots"
# the node image under a name of this test's own: a retag of DIND_IMAGE
# while it runs must not turn its snapshot into one of another image
docker tag "${DIND_IMAGE:-dind-node:v1.34.4}" dind-snapshot-test:70
export DIND_IMAGE=dind-snapshot-test:70
# a host directory mounted into the master: the host's files, which a
# snapshot must neither save nor write back
mkdir "$T/share" && echo before > "$T/share/f"
export MASTER_EXTRA_OPTS="-v $T/share:/mnt/share"
trap '"$KD" clean -q || true; docker rmi dind-snapshot-test:70 dind-snapshot-test:other >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
ensure_busybox
"$KD" clean -q

one_line() { # one_line RC OUTPUT WORD: a refusal is exit 1 and one line naming WORD
  [ "$1" = 1 ] && [ "$(printf '%s\n' "$2" | wc -l)" = 1 ] && grep -qF -- "$3" <<<"$2"
}
nodes_ready() { test "$("$K" --context "$CTX" get nodes --no-headers | awk '$2=="Ready"' | wc -l)" = 3; }
blobs() { find "$STORE/blobs" -type f | wc -l; }
nothing_left() { test "$(labelled io.dind.cluster=$NAME)" = 0; }
store_clean() { test -z "$(find "$STORE" -name '*.tmp-*')"; }

log "a fresh 1+2 cluster, with a mark of its own"
SKIP_SNAPSHOT=1 "$KD" up -q
"$K" --context "$CTX" create configmap made-before-snapshot --from-literal=k=v >/dev/null
# as if the snapshot were older than a day: kubeadm init's token gone, the
# restore must make the one new joins use
"$K" --context "$CTX" -n kube-system delete secrets --field-selector type=bootstrap.kubernetes.io/token >/dev/null

log "snapshot (with --output) of the running cluster"
"$KD" snapshot --output "$T/cluster.dind" 2>"$T/snap.log"
check "it names the snapshot and its size" grep -q "Snapshot $NAME of cluster $NAME: 3 nodes" "$T/snap.log"
running_again() { "$KD" status >/dev/null && nodes_ready; }
check "the cluster runs again afterwards (status exit 0, 3 nodes Ready)" running_again
check "snapshot ls lists it" bash -c "'$KD' snapshot ls | grep -q '^$NAME '"
check "--output wrote one file" test -s "$T/cluster.dind"
check "no temporary files in the store" store_clean

log "clean removes the cluster, not its snapshot"
"$KD" clean -q
check "nothing labelled $NAME is left" nothing_left
check "the snapshot is still there" bash -c "'$KD' snapshot ls | grep -q '^$NAME '"

echo after > "$T/share/f"

log "plain up restores it"
start=$(date +%s.%N)
"$KD" up 2>"$T/up.log"
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "up from the snapshot took ${secs}s"
check "up says it restored from snapshot $NAME" grep -q "Restoring 3 nodes from snapshot $NAME" "$T/up.log"
check "and its last line says so too" grep -q "is up (restored from snapshot $NAME)" "$T/up.log"
check "3 nodes Ready" nodes_ready
check "the host's mounted file was neither saved nor written back ($(cat "$T/share/f"))" \
  bash -c "grep -qx after '$T/share/f' && docker exec kube-master$SFX grep -qx after /mnt/share/f"
check "the cluster's own state came back (a ConfigMap made before the snapshot)" \
  "$K" --context "$CTX" get configmap made-before-snapshot
"$KD" load -q "$BUSYBOX"
pod a "kube-node-1$SFX" "$CTX" sh -c 'httpd -f -p 8080 -h /www'
pod b "kube-node-2$SFX" "$CTX" sh -c 'httpd -f -p 8080 -h /www'
wait_pod a "$CTX"; wait_pod b "$CTX"
check "new pods run on both workers" test -n "$(pod_ip a "$CTX")$(pod_ip b "$CTX")"
check "DNS answers in a pod" \
  bash -c "for i in 1 2 3 4 5; do '$K' --context $CTX exec a -- nslookup kubernetes.default.svc.cluster.local 2>/dev/null | grep -q 10.96.0.1 && exit 0; sleep 1; done; exit 1"
"$K" --context "$CTX" expose pod b --port 80 --target-port 8080 --name web >/dev/null
WEB=$("$K" --context "$CTX" get svc web -o jsonpath='{.spec.clusterIP}')
check "a ClusterIP service on kube-node-2 answers a pod on kube-node-1" \
  bash -c "for i in 1 2 3 4 5; do '$K' --context $CTX exec a -- wget -q -O - http://$WEB/ | grep -q 'hello from dind' && exit 0; sleep 1; done; exit 1"
# kubeadm token list: TOKEN TTL EXPIRES ...; an expired token shows <invalid>
check "kubeadm token list shows a token valid for about a day" \
  bash -c "docker exec kube-master$SFX kubeadm token list --kubeconfig /etc/kubernetes/admin.conf | awk 'NR > 1 && \$2 ~ /^2[34]h\$/' | grep -q ."
# a kubeadm join is the proof: the token authenticates and cluster-info is
# signed for it (the controller manager's bootstrap signer, restarted too)
token=$(docker exec kube-master$SFX kubeadm token list --kubeconfig /etc/kubernetes/admin.conf | awk 'NR > 1 && $2 ~ /^2[34]h$/ { print $1; exit }')
"$KD" join -q -- --token "${token:-none.given}" 2>"$T/join.log" || true
joined() { "$K" --context "$CTX" get node kube-node-3$SFX --no-headers | grep -qw Ready; }
check "a new node joins the restored cluster with its token ($(tail -1 "$T/join.log"))" joined

log "--input round trip"
"$KD" clean -q
"$KD" snapshot rm "$NAME" 2>/dev/null
removed() { ! "$KD" snapshot ls | grep -q "^$NAME " && test "$(blobs)" = 0; }
check "snapshot rm removed it and its blobs" removed
"$KD" restore --input "$T/cluster.dind" 2>"$T/restore.log"
check "restore --input brings the cluster up" grep -q "is up (restored from snapshot $NAME)" "$T/restore.log"
with_state() { nodes_ready && "$K" --context "$CTX" get configmap made-before-snapshot >/dev/null; }
check "3 nodes Ready, with the state of the snapshot" with_state
out=$("$KD" restore --input "$T/cluster.dind" 2>&1) && rc=0 || rc=$?
check "restore over an existing cluster is refused ($rc: $out)" one_line "$rc" "$out" "exists"

log "bad input leaves nothing behind"
"$KD" clean -q
before=$(blobs)
out=$("$KD" restore nope 2>&1) && rc=0 || rc=$?
check "an unknown snapshot name: one line, exit 1 ($rc: $out)" one_line "$rc" "$out" "no snapshot nope"
size=$(stat -c %s "$T/cluster.dind")
head -c $((size / 2)) "$T/cluster.dind" > "$T/truncated.dind"
out=$("$KD" restore --input "$T/truncated.dind" 2>&1) && rc=0 || rc=$?
check "a truncated --input file: one line, exit 1 ($rc: $out)" one_line "$rc" "$out" "truncated.dind"
# one byte inverted inside the biggest blob's data: the middle of the file
# may be tar padding, which carries nothing to check
cp "$T/cluster.dind" "$T/flipped.dind"
python3 - "$T/flipped.dind" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = max(t.getmembers(), key=lambda m: m.size)
with open(sys.argv[1], "r+b") as f:
    f.seek(m.offset_data + m.size // 2)
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 0xFF]))
PY
out=$("$KD" restore --input "$T/flipped.dind" 2>&1) && rc=0 || rc=$?
check "a corrupt --input file: one line, exit 1 ($rc: $out)" one_line "$rc" "$out" "flipped.dind"
[ "$rc" != 0 ] || "$KD" clean -q  # keep the checks below independent of this one
out=$(NUM_NODES=1 "$KD" restore "$NAME" 2>&1) && rc=0 || rc=$?
check "a snapshot of another plan (NUM_NODES=1): one line, exit 1 ($rc: $out)" one_line "$rc" "$out" "another cluster plan"
docker tag "$BUSYBOX" dind-snapshot-test:other
out=$(DIND_IMAGE=dind-snapshot-test:other "$KD" restore "$NAME" 2>&1) && rc=0 || rc=$?
check "a snapshot of another node image: one line, exit 1 ($rc: $out)" one_line "$rc" "$out" "was made from node image"
check "nothing labelled $NAME was made by the refused restores" nothing_left
kept() { test "$(blobs)" = "$before" && store_clean; }
check "the store kept exactly what it had (no new blobs, no temporary files)" kept
# SKIP_SNAPSHOT=1: up creates afresh although a snapshot matches; stopped
# by SIGINT once it says so (a full create would double this test's time)
SKIP_SNAPSHOT=1 "$KD" up 2>"$T/fresh.log" & up=$!
for _ in $(seq 300); do grep -q "Creating 3 nodes" "$T/fresh.log" && break; sleep 0.1; done
kill -INT "$up"; wait "$up" && rc=0 || rc=$?
check "SKIP_SNAPSHOT=1 up creates the cluster instead of restoring it" \
  bash -c "grep -q 'Creating 3 nodes' '$T/fresh.log' && ! grep -q 'from snapshot' '$T/fresh.log'"
check "... and stopped by SIGINT (exit $rc)" test "$rc" = 130
check "... nothing labelled $NAME at all" nothing_left

"$KD" clean -q
"$KD" snapshot rm --all -q
check "snapshot rm --all empties the store" test "$(blobs)" = 0
check "clean leaves nothing labelled $NAME" nothing_left
finish
