#!/usr/bin/env bash
# A kind cluster config (kind.x-k8s.io/v1alpha4) as `up --config`, on ONE
# real 1+1 cluster: its name, roles and labels, an extraPortMapping answered
# on the host, an extraMount seen by a pod, featureGates and runtimeConfig in
# the running API server, kubeadm merge and JSON 6902 patches in effect, a
# containerd TOML patch merged into the node's config, pod and service
# subnets, a per-node CPU limit (dind's extension field). Fields kind does not
# have, or dind cannot do, are one line and exit 2 with nothing left.
# Run it under the machine's cluster lock:
#   flock /tmp/dind-cluster.lock meson test -C build --suite kindconfig
. "$(dirname "$0")/lib.sh"
export CLUSTER_ID=75
unset NUM_NODES
NAME=kindtest-75 CTX=dind-kindtest-75
MASTER=kube-master-$NAME WORKER=kube-node-1-$NAME
HOSTPORT=18091 NODEPORT=18090
T=$(mktemp -d /tmp/dind-kindconfig-test.XXXXXX)
cleanup() {
  "$KD" clean -q --config "$T/kind.yaml" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
ensure_busybox
mkdir "$T/share" && echo "mounted from the host" > "$T/share/hello"

cat > "$T/kind.yaml" <<EOF
# as in kind's documentation
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: kindtest
featureGates:
  InPlacePodVerticalScaling: true
runtimeConfig:
  "api/alpha": "false"
networking:
  podSubnet: "10.245.0.0/16"
  serviceSubnet: "10.97.0.0/16"
  apiServerAddress: "127.0.0.1"
nodes:
- role: control-plane
  extraPortMappings:
  - containerPort: $NODEPORT
    hostPort: $HOSTPORT
    listenAddress: "127.0.0.1"
  kubeadmConfigPatches:
  - |
    kind: InitConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        node-labels: "ingress-ready=true"
- role: worker
  labels:
    tier: web
  cpus: "1"
  extraMounts:
  - hostPath: $T/share
    containerPath: /mnt/shared
    readOnly: true
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      event-ttl: 45m
- |
  kind: KubeletConfiguration
  maxPods: 42
kubeadmConfigPatchesJSON6902:
- group: kubeadm.k8s.io
  version: v1beta3
  kind: ClusterConfiguration
  patch: |
    - op: add
      path: /apiServer/certSANs/-
      value: kind-test.example
containerdConfigPatches:
- |-
  [plugins."io.containerd.grpc.v1.cri"]
    max_concurrent_downloads = 4
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."registry.kind-test:5000"]
    endpoint = ["http://registry.kind-test:5000"]
EOF

log "fields kind does not have, or dind cannot do: one line, exit 2, nothing made"
refuse() { # refuse WORD YAML-LINES...
  local word=$1; shift
  printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: kindtest\n' > "$T/bad.yaml"
  printf '%s\n' "$@" >> "$T/bad.yaml"
  local rc=0
  "$KD" up --config "$T/bad.yaml" 2>"$T/err" || rc=$?
  check "refused: $word ($rc: $(cat "$T/err"))" one_line_file "$rc" 2 "$T/err" "$word"
}
refuse "nodes[0].extraPortMapping is not a kind v1alpha4 field" "nodes:" "- role: control-plane" "  extraPortMapping: []"
refuse "one node with role control-plane is needed" "nodes:" "- role: worker"
refuse "Kubernetes v1.29 is not supported" "nodes:" "- role: control-plane" "  image: kindest/node:v1.29.0"
refuse "nodes[0].image: kindest/node:vX.Y.Z expected" "nodes:" "- role: control-plane" "  image: myorg/node:dev"
refuse "networking.disableDefaultCNI: true is not supported" "networking:" "  disableDefaultCNI: true"
refuse "kubeadmConfigPatches[0]: a patch for kind 'Pod'" "kubeadmConfigPatches:" "- |" "  kind: Pod"
check "nothing of $NAME was made by the refused configs" test "$(labelled io.dind.cluster=$NAME)" = 0

log "up --config kind.yaml"
start=$SECONDS
"$KD" up -q --config "$T/kind.yaml"
log "up took $((SECONDS - start)) s"
check "2 nodes Ready in context $CTX" \
  test "$("$K" --context "$CTX" get nodes --no-headers | grep -c ' Ready ')" = 2
check "the worker has its label tier=web" \
  test "$("$K" --context "$CTX" get node "$WORKER" -o jsonpath='{.metadata.labels.tier}')" = web
check "the control plane's InitConfiguration patch labelled it ingress-ready=true" \
  test "$("$K" --context "$CTX" get node "$MASTER" -o jsonpath='{.metadata.labels.ingress-ready}')" = true

node_cmdline "$MASTER" kube-apiserver > "$T/apiserver"
check "featureGates: kube-apiserver runs with --feature-gates=InPlacePodVerticalScaling=true" \
  grep -q -- '--feature-gates=InPlacePodVerticalScaling=true' "$T/apiserver"
check "runtimeConfig: kube-apiserver runs with --runtime-config=api/alpha=false" grep -q -- '--runtime-config=api/alpha=false' "$T/apiserver"
check "the ClusterConfiguration patch (v1beta3's extraArgs map): --event-ttl=45m" grep -q -- '--event-ttl=45m' "$T/apiserver"
check "the patch is in the kubeadm config dind wrote" docker exec "$MASTER" grep -q event-ttl /etc/dind/kubeadm.yaml
check "the JSON 6902 patch: kind-test.example is in the API server's certificate" bash -c \
  "docker exec $MASTER cat /etc/kubernetes/pki/apiserver.crt | openssl x509 -noout -ext subjectAltName | grep -q kind-test.example"
for n in "$MASTER" "$WORKER"; do
  check "the KubeletConfiguration patch: $n offers 42 pods" \
    test "$("$K" --context "$CTX" get node "$n" -o jsonpath='{.status.capacity.pods}')" = 42
  check "the containerd patch is merged into $n's config, the rest kept" bash -c \
    "docker exec $n grep -q 'max_concurrent_downloads = 4' /etc/containerd/config.toml &&
     docker exec $n grep -q 'SystemdCgroup = true' /etc/containerd/config.toml"
  check "its legacy registry.mirrors became a hosts.toml (containerd refuses it beside config_path)" bash -c \
    "docker exec $n grep -q 'http://registry.kind-test:5000' '/etc/containerd/certs.d/registry.kind-test:5000/hosts.toml' &&
     ! docker exec $n grep -q 'mirrors' /etc/containerd/config.toml"
done
check "the worker's cpus: 1 is its capacity" \
  test "$("$K" --context "$CTX" get node "$WORKER" -o jsonpath='{.status.capacity.cpu}')" = 1
check "serviceSubnet: the kubernetes service is 10.97.0.1" \
  test "$("$K" --context "$CTX" get svc kubernetes -o jsonpath='{.spec.clusterIP}')" = 10.97.0.1

log "extraMounts: a pod on the worker reads the host's file"
"$KD" load -q --config "$T/kind.yaml" "$BUSYBOX"
"$K" --context "$CTX" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  nodeName: $WORKER
  restartPolicy: Never
  containers:
  - name: c
    image: docker.io/library/$BUSYBOX
    imagePullPolicy: Never
    command: [sleep, "3600"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    hostPath: {path: /mnt/shared}
EOF
wait_pod reader "$CTX"
check "the pod reads the extraMount" bash -c "'$K' --context $CTX exec reader -- cat /shared/hello | grep -q 'mounted from the host'"
check "podSubnet: the pod's address is in 10.245.0.0/16 ($(pod_ip reader "$CTX"))" bash -c "[[ $(pod_ip reader "$CTX") == 10.245.* ]]"

log "extraPortMappings: a hostNetwork pod on the control plane answers on the host's $HOSTPORT"
answer=$(host_port_answer web "$MASTER" "$CTX" "$NODEPORT" "$HOSTPORT")
check "curl http://127.0.0.1:$HOSTPORT/ on the host reaches the pod ($answer)" test "$answer" = "hello from dind"

"$KD" clean -q --config "$T/kind.yaml"
check "clean leaves nothing of $NAME" test "$(labelled io.dind.cluster=$NAME)" = 0
log "kindconfig suite took $SECONDS s"
finish
