#!/usr/bin/env bash
# Issue 3's contract: the node image built offline boots systemd, holds every
# image kubeadm names for the pinned version, and a single-node kubeadm init
# in it gives a working node.
. "$(dirname "$0")/lib.sh"
trap '"$KD" clean -q --label imgtest || true' EXIT
"$KD" build-image -q
want_version=$(grep '^KUBERNETES_VERSION=' "$(dirname "$0")/../../images/versions" | cut -d= -f2)
NUM_NODES=0 "$KD" up -q --label imgtest
node=kube-master-imgtest
state=$(docker exec $node systemctl is-system-running || true)
check "systemd is running or degraded ($state)" bash -c "[[ '$state' == running || '$state' == degraded ]]"
check "containerd and kubelet units are active" docker exec $node systemctl is-active containerd kubelet
check "kubeadm version -o short = $want_version" test "$(docker exec $node kubeadm version -o short)" = "$want_version"
have=$(docker exec $node crictl images -o json | grep -o '"registry.k8s.io/[^"]*"' | tr -d '"' | sort)
want=$(docker exec $node kubeadm config images list --kubernetes-version "$want_version" | sort)
check "crictl images lists every image kubeadm names" test "$have" = "$want"
check "containerd's sandbox image is our pause" bash -c "docker exec $node crictl info | grep -q '\"sandboxImage\": \"registry.k8s.io/pause'"
check "the node's own kubectl reports the node Ready" \
  bash -c "docker exec $node kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes --no-headers | grep -q '^$node *Ready'"
finish
