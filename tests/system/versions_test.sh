#!/usr/bin/env bash
# Every Kubernetes minor version images/versions.d adds beside the default
# (which every other suite runs): a 1+1 cluster of each (CLUSTER_ID=62), its
# nodes Ready at that version, the API server and the kubectl dind leaves of
# the same version, a pod on the worker resolving a service; then clean.
# A version whose node image is not built here is reported as skipped with
# the reason (a cold build takes minutes: CI on a fresh machine would pay them
# all). Versions dind does not build are one line, exit 2.
# Run it under the machine's cluster lock:
#   flock /tmp/dind-cluster.lock meson test -C build --suite versions
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=62 NUM_NODES=1
CTX=dind-cluster-62 SFX=-cluster-62 LABEL=io.dind.cluster=cluster-62
IMAGES=$(cd "$(dirname "$0")/../../images" && pwd)
T=$(mktemp -d /tmp/dind-versions-test.XXXXXX)
cleanup() {
  "$KD" clean -q || true
  rm -rf "$T"
}
trap cleanup EXIT
"$KD" clean -q
ensure_busybox

log "versions dind does not build are refused"
for bad in v1.20 v1.35.1 latest; do
  set +e; "$KD" up -q --k8s-version "$bad" 2>"$T/err"; rc=$?; set -e
  check "up --k8s-version $bad: exit 2, one line ($(cat "$T/err"))" one_line_file "$rc" 2 "$T/err" "$bad"
done
set +e; DIND_K8S_VERSION=v1.35 "$KD" up -q --image dind-node:x 2>"$T/err"; rc=$?; set -e
check "a version and an image both: exit 2, one line ($(cat "$T/err"))" one_line_file "$rc" 2 "$T/err" DIND_IMAGE
check "... nothing made" test "$(labelled "$LABEL")" = 0

ran=0
for file in "$IMAGES"/versions.d/v1.*; do
  minor=$(basename "$file")
  version=$(sed -n 's/^KUBERNETES_VERSION=//p' "$file")
  if ! docker image inspect "dind-node:$version" >/dev/null 2>&1; then
    log "SKIP $minor: dind-node:$version is not built here (a cold build takes about 9 min on 2 cores: kubectl dind build-image --k8s-version $minor)"
    continue
  fi
  log "$minor: up a 1+1 cluster of dind-node:$version"
  start=$SECONDS
  "$KD" up -q --k8s-version "$minor"
  log "$minor: up took $((SECONDS - start)) s"
  "$KD" load -q "$BUSYBOX"
  kubectl="$HOME/.kubeadm-dind-cluster/kubectl-$version"
  check "$minor: kubectl $version left beside the default one" \
    bash -c "'$kubectl' version --client -o json | grep -qF '\"gitVersion\": \"$version\"'"
  check "$minor: the API server is $version" \
    bash -c "'$kubectl' --context $CTX version -o json | python3 -c 'import json, sys; sys.exit(json.load(sys.stdin)[\"serverVersion\"][\"gitVersion\"] != \"$version\")'"
  kubelets=$("$kubectl" --context "$CTX" get nodes -o jsonpath='{range .items[*]}{.status.nodeInfo.kubeletVersion}={.status.conditions[?(@.type=="Ready")].status} {end}')
  check "$minor: both kubelets $version and Ready ($kubelets)" test "$kubelets" = "$version=True $version=True "
  "$kubectl" --context "$CTX" run dns --image="docker.io/library/$BUSYBOX" --image-pull-policy=Never --restart=Never \
    --overrides="{\"spec\":{\"nodeName\":\"kube-node-1$SFX\"}}" -- sleep 600 >/dev/null
  check "$minor: a pod runs on the worker" "$kubectl" --context "$CTX" wait --for=condition=Ready pod/dns --timeout=90s
  check "$minor: it resolves the kubernetes service" \
    bash -c "'$kubectl' --context $CTX exec dns -- nslookup kubernetes.default.svc.cluster.local | grep -q 10.96.0.1"
  "$KD" clean -q
  check "$minor: clean leaves nothing labelled" test "$(labelled "$LABEL")" = 0
  ran=$((ran + 1))
done
if [ "$ran" = 0 ] && [ "$failures" = 0 ]; then
  log "no other version's node image is built here: skipped"
  exit 77
fi
finish
