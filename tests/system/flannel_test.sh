#!/usr/bin/env bash
# Issue 16's CNI part on a real 1+2 cluster: CNI_PLUGIN=flannel (VXLAN) gives
# Ready nodes with their planned pod CIDRs, pod-to-pod across nodes, a
# ClusterIP service from the other node and DNS, over flannel.1; the plugins
# that are not carried are refused in one line (exit 2) before anything runs.
. "$(dirname "$0")/lib.sh"
ID=75 SFX=-cluster-75 CTX=dind-cluster-75
export CLUSTER_ID=$ID
trap '"$KD" clean -q || true; rm -rf "$T"' EXIT
T=$(mktemp -d)
ensure_busybox

for cni in calico calico-kdd weave kube-router; do
  rc=0; CNI_PLUGIN=$cni "$KD" up -q 2>"$T/err" || rc=$?
  check "CNI_PLUGIN=$cni refused: exit 2, one line ($rc: $(cat "$T/err"))" one_line_file "$rc" 2 "$T/err" "CNI_PLUGIN: '$cni' is not supported"
done
rc=0; CNI_PLUGIN=flannel IP_MODE=dual-stack "$KD" up -q 2>"$T/err" || rc=$?
check "flannel with dual-stack refused: exit 2, one line ($rc: $(cat "$T/err"))" one_line_file "$rc" 2 "$T/err" "IP_MODE=ipv4 only"
check "the refusals made nothing" test "$(labelled io.dind.cluster=cluster-$ID)" = 0

log "CNI_PLUGIN=flannel, CLUSTER_ID=$ID, 1+2 nodes"
CNI_PLUGIN=flannel NUM_NODES=2 "$KD" up -q
check "every node Ready" bash -c "'$K' --context $CTX get nodes --no-headers | awk '\$2 != \"Ready\" {bad=1} END {exit bad || NR != 3}'"
planned=$(NUM_NODES=2 "$NET" plan --json | grep -A1 '"podCidrs"' | grep -o '[0-9.]*/24' | tr '\n' ' ')
actual=$(for n in kube-master kube-node-1 kube-node-2; do "$K" --context $CTX get node "$n$SFX" -o jsonpath='{.spec.podCIDR} '; done)
check "each node's podCIDR is its planned one ($actual)" test "$planned" = "$actual"
check "the flannel DaemonSet runs on all 3 nodes" \
  bash -c "'$K' --context $CTX -n kube-flannel rollout status ds/kube-flannel-ds --timeout=60s >/dev/null"

"$KD" load -q "$BUSYBOX"
"$K" --context $CTX run a --labels app=web --image="docker.io/library/$BUSYBOX" --image-pull-policy=Never --restart=Never \
  --overrides="{\"spec\":{\"nodeName\":\"kube-node-1$SFX\"}}" -- httpd -f -p 8080 -h /www >/dev/null
pod b "kube-node-2$SFX" $CTX sleep 3600
wait_pod a $CTX; wait_pod b $CTX
ip=$(pod_ip a $CTX)
cidr1=$("$K" --context $CTX get node "kube-node-1$SFX" -o jsonpath='{.spec.podCIDR}')
check "pod a ($ip) has an address of kube-node-1's podCIDR ($cidr1)" test "${ip%.*}" = "${cidr1%.*}"
check "kube-node-2 has the VXLAN device flannel.1" bash -c "docker exec kube-node-2$SFX ip -d link show flannel.1 | grep -q 'vxlan id 1'"
check "kube-node-2 routes kube-node-1's pods through flannel.1" \
  bash -c "docker exec kube-node-2$SFX ip route get $ip | grep -q 'dev flannel.1'"
check "ping kube-node-2 -> kube-node-1 pod $ip" bash -c "'$K' --context $CTX exec b -- ping -c 1 -W 3 $ip >/dev/null"
check "TCP kube-node-2 -> kube-node-1 pod" bash -c "'$K' --context $CTX exec b -- wget -q -O - http://$ip:8080/ | grep -q 'hello from dind'"
"$K" --context $CTX expose pod a --name web --port 80 --target-port 8080 >/dev/null
sip=$("$K" --context $CTX get svc web -o jsonpath='{.spec.clusterIP}')
check "ClusterIP $sip answers from the other node" \
  bash -c "for i in 1 2 3 4 5; do '$K' --context $CTX exec b -- wget -q -O - http://$sip/ | grep -q 'hello from dind' && exit 0; sleep 1; done; exit 1"
check "DNS: kubernetes.default from a pod" bash -c "'$K' --context $CTX exec b -- nslookup kubernetes.default.svc.cluster.local | grep -q 'Address: 10.96.0.1'"
check "DNS: web.default -> $sip" bash -c "'$K' --context $CTX exec b -- nslookup web.default.svc.cluster.local | grep -q 'Address: $sip'"
"$KD" clean -q
check "clean leaves nothing of the cluster" test "$(labelled io.dind.cluster=cluster-$ID)" = 0
finish
