#!/usr/bin/env bash
# The local registry and the registry knobs on ONE real 1+1 cluster
# (CLUSTER_ID=90): `registry up` (twice), an image pushed from the host to
# localhost:5001 runs in a pod with imagePullPolicy Always; DIND_REGISTRY_MIRROR
# pointed at the registry serves docker.io/library/... (Docker Hub is out of
# reach here, so only the mirror can); DIND_INSECURE_REGISTRIES reaches the
# plain-HTTP registry by its own name; DIND_CA_CERT (a CA made here) is in
# every node's trust store; clean keeps the registry, `registry down` leaves
# nothing. Bad values: one line, exit 2. DIND_IMAGE picks the node image.
# Run it under the machine's cluster lock:
#   flock /tmp/dind-cluster.lock meson test -C build --suite registry
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=90 NUM_NODES=1
CTX=dind-cluster-90 SFX=-cluster-90 NET=kubeadm-dind-net-cluster-90
MASTER=kube-master$SFX WORKER=kube-node-1$SFX NODES=(kube-master$SFX kube-node-1$SFX)
LOCAL=localhost:5001/dind-test/busybox:1 MIRRORED=localhost:5001/library/dind-mirrored:1
T=$(mktemp -d /tmp/dind-registry-test.XXXXXX)
cleanup() {
  # the registry first: a network it is on cannot be removed
  "$KD" registry down -q || true
  "$KD" clean -q || true
  docker rmi "$LOCAL" "$MIRRORED" >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
one_line() { # one_line RC WANT-RC FILE WORD: a refusal is one line naming WORD
  [ "$1" = "$2" ] && [ "$(wc -l < "$3")" = 1 ] && grep -qF -- "$4" "$3"
}
refused() { # refused WORD VAR=VALUE...: up refuses in one line, exit 2
  local word=$1 rc; shift
  set +e
  env "$@" "$KD" up -q 2>"$T/err"; rc=$?
  set -e
  check "up with $*: exit 2, one line ($rc: $(cat "$T/err"))" one_line "$rc" 2 "$T/err" "$word"
}
ensure_busybox
"$KD" clean -q
"$KD" registry down -q

log "bad values are refused before anything is made"
echo "not a certificate" > "$T/not.pem"
refused DIND_REGISTRY_MIRROR DIND_REGISTRY_MIRROR=mirror.corp:5000
refused DIND_INSECURE_REGISTRIES "DIND_INSECURE_REGISTRIES=ok:5000,not ok"
refused "$T/not.pem" DIND_CA_CERT="$T/not.pem"
refused "$T/missing.pem" DIND_CA_CERT="$T/missing.pem"
refused "needs a network" DIND_CA_CERT_URL=https://example.com/ca.pem
check "... and nothing of cluster-90 is left" test "$(labelled io.dind.cluster=cluster-90)" = 0

log "registry up with 127.0.0.1:5001 taken: one line, nothing left"
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 5001)); s.listen(); time.sleep(10)" &
taker=$!
sleep 0.5
set +e
"$KD" registry up -q 2>"$T/err"; rc=$?
set -e
kill "$taker" 2>/dev/null || true; wait "$taker" 2>/dev/null || true
check "registry up with the port taken: exit 1, one line ($rc: $(cat "$T/err"))" one_line "$rc" 1 "$T/err" 5001
check "... and nothing labelled io.dind.registry is left" test "$(labelled io.dind.registry)" = 0

log "registry up, twice"
start=$SECONDS
"$KD" registry up -q
"$KD" registry up -q
check "registry up twice: one container, one volume" test "$(labelled io.dind.registry)" = 2
check "registry status: up" bash -c "'$KD' registry status >/dev/null"
"$KD" registry status --json > "$T/status.json"
check "registry status --json: up, 127.0.0.1:5001" python3 -c "
import json,sys; s=json.load(open('$T/status.json')); sys.exit(0 if s['up'] and s['hostAddress'] == '127.0.0.1:5001' else 1)"
docker tag "$BUSYBOX" "$LOCAL"
docker tag "$BUSYBOX" "$MIRRORED"
check "docker push $LOCAL from the host" bash -c "docker push -q $LOCAL >/dev/null"
check "docker push $MIRRORED from the host" bash -c "docker push -q $MIRRORED >/dev/null"
log "registry up and pushes took $((SECONDS - start)) s"

log "a CA made here for DIND_CA_CERT, and a certificate it signed"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" -days 1 -subj /CN=dind-test-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$T/leaf.key" -out "$T/leaf.csr" -subj /CN=registry.dind.test 2>/dev/null
openssl x509 -req -in "$T/leaf.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -out "$T/leaf.pem" -days 1 2>/dev/null

log "up with the registry knobs"
start=$SECONDS
DIND_REGISTRY_MIRROR=http://dind-registry:5000 DIND_INSECURE_REGISTRIES=dind-registry:5000 DIND_CA_CERT="$T/ca.pem" \
  "$KD" up -q
log "up took $((SECONDS - start)) s"
joined() { docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" dind-registry 2>/dev/null; }
check "the registry joined $NET at its last address ($(joined))" test "$(joined)" = 10.192.90.254
docker network disconnect -f "$NET" dind-registry
"$KD" registry up -q
check "registry up joins the network of a cluster that is up ($(joined))" test "$(joined)" = 10.192.90.254
for n in "${NODES[@]}"; do
  d=/etc/containerd/certs.d
  check "$n: containerd reads $d" bash -c "docker exec $n containerd config dump | grep -q 'config_path = \"$d\"'"
  check "$n: localhost:5001 goes to http://dind-registry:5000" \
    bash -c "docker exec $n cat $d/localhost:5001/hosts.toml | grep -qxF '[host.\"http://dind-registry:5000\"]'"
  check "$n: docker.io goes to the mirror first" \
    bash -c "docker exec $n cat $d/docker.io/hosts.toml | grep -qxF '[host.\"http://dind-registry:5000\"]'"
  check "$n: dind-registry:5000 is insecure" bash -c "docker exec $n cat $d/dind-registry:5000/hosts.toml > '$T/insecure' &&
    grep -qxF 'server = \"http://dind-registry:5000\"' '$T/insecure' && grep -qxF '  skip_verify = true' '$T/insecure'"
  docker cp "$T/leaf.pem" "$n:/etc/dind/leaf.pem"
  check "$n: the system trust store verifies a certificate DIND_CA_CERT signed" \
    bash -c "docker exec $n openssl verify -CAfile /etc/ssl/certs/ca-certificates.crt /etc/dind/leaf.pem >/dev/null"
  docker exec "$n" cat /usr/local/share/ca-certificates/dind-ca.crt > "$T/node-ca.pem" || true
  check "$n: /usr/local/share/ca-certificates/dind-ca.crt is DIND_CA_CERT" cmp -s "$T/ca.pem" "$T/node-ca.pem"
done

log "pods pull (imagePullPolicy Always) from the registry three ways"
run() { # run NAME IMAGE NODE
  "$K" --context "$CTX" run "$1" --image="$2" --image-pull-policy=Always --restart=Never \
    --overrides="{\"spec\":{\"nodeName\":\"$3\"}}" -- sleep 3600 >/dev/null
}
start=$SECONDS
run local "$LOCAL" "$MASTER"
run mirrored docker.io/library/dind-mirrored:1 "$WORKER"
run insecure dind-registry:5000/dind-test/busybox:1 "$WORKER"
for p in local mirrored insecure; do
  check "pod $p runs ($("$K" --context "$CTX" get pod $p -o jsonpath='{.spec.containers[0].image}'))" wait_pod $p "$CTX"
done
log "the three pods took $((SECONDS - start)) s"
# the access log: client address, then the request; containerd resolves a
# tag with HEAD and names the registry it wanted in ?ns= when it asks another
docker logs dind-registry > "$T/registry.log" 2>&1
served() { # served WHAT REQUEST: a node of cluster-90 asked for it
  check "the registry served $1 ($2)" grep -qE "^10\.192\.90\.[0-9]+ .*\"HEAD $2 HTTP" "$T/registry.log"
}
served "localhost:5001/dind-test/busybox:1 by its alias" "/v2/dind-test/busybox/manifests/1\?ns=localhost%3A5001"
served "docker.io/library/dind-mirrored:1 as docker.io's mirror" "/v2/library/dind-mirrored/manifests/1\?ns=docker.io"
served "dind-registry:5000/dind-test/busybox:1 as itself, over plain HTTP" "/v2/dind-test/busybox/manifests/1"
check "the pods' images were pulled, not preloaded" bash -c \
  "docker exec $WORKER crictl images -o json | grep -q 'docker.io/library/dind-mirrored:1'"

log "clean keeps the registry; registry down leaves nothing"
"$KD" clean -q
check "clean of cluster-90 leaves nothing of it" test "$(labelled io.dind.cluster=cluster-90)" = 0
check "... and the registry still runs" bash -c "'$KD' registry status >/dev/null"
"$KD" registry down -q
"$KD" registry down -q
check "registry down (twice): nothing labelled io.dind.registry" test "$(labelled io.dind.registry)" = 0
set +e
"$KD" registry status >/dev/null; rc=$?
set -e
check "registry status after down: exit 3 ($rc)" test "$rc" = 3
finish
