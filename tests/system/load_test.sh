#!/usr/bin/env bash
# Issue 19 on one real cluster (1 master + 2 workers, CLUSTER_ID=41): `load`
# decides by name, retags without re-sending, re-sends what a node lost,
# loads archives, only the nodes asked, images by digest, several at once,
# and two loads side by side; a missing image is one line and exit 1.
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=41
CTX=dind-cluster-41 SFX=-cluster-41
T=$(mktemp -d /tmp/dind-load-test.XXXXXX)
IMAGES=(dind-load-a:1 dind-load-a:2 dind-load-b:1 dind-load-c:1 dind-load-d:1 dind-load-f:1 dind-load-g:1 127.0.0.1:5041/dind-load-e:1)
REGISTRY=
cleanup() {
  [ -n "$REGISTRY" ] && kill "$REGISTRY" 2>/dev/null
  "$KD" clean -q || true
  docker rmi "${IMAGES[@]}" >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
ensure_busybox
# test images sharing busybox's layer; a LABEL makes each its own image ID
for i in a b c d f g; do
  printf 'FROM %s\nLABEL dind-load=%s\n' "$BUSYBOX" "$i" | DOCKER_BUILDKIT=0 docker build -q -t "dind-load-$i:1" - >/dev/null 2>"$T/build.log"
done
"$KD" clean -q
NUM_NODES=2 "$KD" up -q
NODES=(kube-master$SFX kube-node-1$SFX kube-node-2$SFX)

# has NODE NAME: the node's containerd knows the name, where kubelet looks
# (grep reads it all: with pipefail, grep -q stopping early fails the pipe with SIGPIPE)
has() { docker exec "$1" ctr -n k8s.io images ls -q | grep -xF -- "$2" >/dev/null; }
everywhere() { local n i; for i in "$@"; do for n in "${NODES[@]}"; do has "$n" "$i" || return 1; done; done; }
nowhere_but() { # nowhere_but NAME NODE: only NODE has NAME
  local n; for n in "${NODES[@]}"; do if [ "$n" = "$2" ]; then has "$n" "$1" || return 1; else ! has "$n" "$1" || return 1; fi; done
}
running() { # running POD IMAGE: a pod on kube-node-1 with IfNotPresent (no registry: it must be in the node)
  "$K" --context "$CTX" run "$1" --image="$2" --image-pull-policy=IfNotPresent --restart=Never \
    --overrides="{\"spec\":{\"nodeName\":\"kube-node-1$SFX\"}}" -- sleep 3600 >/dev/null
  "$K" --context "$CTX" wait --for=condition=Ready "pod/$1" --timeout=60s >/dev/null
}
one_line() { # one_line RC WANT-RC OUTPUT WORD: a refusal is one line naming WORD
  [ "$1" = "$2" ] && [ "$(printf '%s\n' "$3" | wc -l)" = 1 ] && grep -qF -- "$4" <<<"$3"
}
# load_v ARGS...: load with the debug line saying where it sent and where it only named
load_v() { "$KD" load -v "$@" 2>"$T/load.log"; }
sent_to() { grep -q "sent to $1 node" "$T/load.log"; }

log "two images in one call"
"$KD" load -q dind-load-a:1 dind-load-b:1
check "both images are in every node under their full names" \
  everywhere docker.io/library/dind-load-a:1 docker.io/library/dind-load-b:1
check "the import's own names (import-<date>@sha256:...) are gone" \
  bash -c "docker exec kube-node-1$SFX ctr -n k8s.io images ls -q | grep -c '^import-' | grep -qx 0"
"$KD" load dind-load-a:1 2>"$T/again.log"
check "loading it again sends nothing: all present" grep -q "all present" "$T/again.log"

log "retag on the host, load the new tag"
docker tag dind-load-a:1 dind-load-a:2
load_v dind-load-a:2
check "the new tag is in every node" everywhere docker.io/library/dind-load-a:2
check "and got there without sending a byte (only named)" grep -q "sent to 0 nodes, named in 3 nodes" "$T/load.log"
check "a pod asking for dind-load-a:2 (IfNotPresent) runs" running retag dind-load-a:2

log "an image removed inside a node"
docker exec "kube-node-2$SFX" ctr -n k8s.io images rm docker.io/library/dind-load-b:1 >/dev/null
load_v dind-load-b:1
check "is back in that node" has "kube-node-2$SFX" docker.io/library/dind-load-b:1
check "sent again, to that node only" grep -q "sent to 1 node," "$T/load.log"

log "--archive"
docker save dind-load-c:1 -o "$T/c.tar"
"$KD" load -q --archive "$T/c.tar"
check "a docker-save archive loads into every node" everywhere docker.io/library/dind-load-c:1

log "--nodes"
"$KD" load -q --nodes kube-node-2 dind-load-d:1
check "--nodes kube-node-2 loads only there" nowhere_but docker.io/library/dind-load-d:1 "kube-node-2$SFX"
out=$("$KD" load --nodes kube-node-9 dind-load-d:1 2>&1) && rc=0 || rc=$?
check "an unknown node is one line and exit 2 ($rc: $out)" one_line "$rc" 2 "$out" kube-node-9

log "an image given by digest (pushed to a throwaway local registry for a RepoDigest)"
printf 'version: 0.1\nstorage: {filesystem: {rootdirectory: %s/registry}}\nhttp: {addr: 127.0.0.1:5041}\n' "$T" > "$T/registry.yml"
docker-registry serve "$T/registry.yml" >"$T/registry.log" 2>&1 & REGISTRY=$!
for i in $(seq 50); do curl -fs http://127.0.0.1:5041/v2/ >/dev/null && break; sleep 0.1; done
docker tag dind-load-a:1 127.0.0.1:5041/dind-load-e:1
docker push -q 127.0.0.1:5041/dind-load-e:1 >/dev/null
kill "$REGISTRY"; REGISTRY=
ref=$(docker image inspect -f '{{index .RepoDigests 0}}' 127.0.0.1:5041/dind-load-e:1)
"$KD" load -q "$ref"
check "$ref is named in every node" everywhere "$ref"
check "a pod asking for it by digest (IfNotPresent) runs" running bydigest "$ref"

log "a missing image"
out=$("$KD" load dind-load-missing:1 2>&1) && rc=0 || rc=$?
check "is one line, exit 1, saying to load it first ($rc: $out)" one_line "$rc" 1 "$out" "docker load"

log "two loads side by side"
"$KD" load -q dind-load-f:1 & f=$!
"$KD" load -q dind-load-g:1 & g=$!
wait $f && rc_f=0 || rc_f=$?; wait $g && rc_g=0 || rc_g=$?
check "both succeed ($rc_f, $rc_g)" test "$rc_f$rc_g" = 00
check "both images are in every node" everywhere docker.io/library/dind-load-f:1 docker.io/library/dind-load-g:1

"$KD" clean -q
check "clean leaves nothing labelled cluster-41" test "$(labelled io.dind.cluster=cluster-41)" = 0
finish
