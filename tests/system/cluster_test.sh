#!/usr/bin/env bash
# Issue 4's contract on the real engine: a 3-node cluster that works from
# the host and between pods, two clusters side by side, fast restarts, and
# no leftovers after up/down/clean cycles or refused input.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/planted_secrets.sh"
# A cluster of its own: the default one, which ./setup.sh brings up for its
# user, is left alone (the default names are the same code with no suffix).
export CLUSTER_ID=12
CTX=dind-cluster-12; export SUF=-cluster-12
# a volume labelled as the default cluster's stands for the user's: clean of
# the default cluster would remove it
canary=dind-cluster-test-default-canary
docker volume create --label io.dind.cluster=default "$canary" >/dev/null
trap 'CLUSTER_ID=10 "$KD" clean -q || true; "$KD" clean -q || true; docker volume rm "$canary" >/dev/null 2>&1 || true' EXIT
ensure_busybox
"$KD" clean -q

log "up: cluster-12, NUM_NODES=2"
NUM_NODES=2 "$KD" up
check "3 nodes Ready from the host (kubectl --context $CTX)" \
  test "$("$K" --context $CTX get nodes --no-headers | awk '$2=="Ready"' | wc -l)" = 3
"$KD" load -q "$BUSYBOX"
pod a kube-node-1$SUF $CTX sh -c 'httpd -f -p 8080 -h /www'
pod b kube-node-2$SUF $CTX sh -c 'httpd -f -p 8080 -h /www'
wait_pod a $CTX; wait_pod b $CTX
A=$(pod_ip a $CTX); B=$(pod_ip b $CTX)
check "pods on the two workers have addresses from their nodes' pod CIDRs" \
  bash -c "[[ $A == 10.244.3.* && $B == 10.244.4.* ]]"
check "pod on kube-node-1$SUF pings pod on kube-node-2$SUF" bash -c "'$K' --context $CTX exec a -- ping -c 1 -W 3 $B >/dev/null"
check "TCP from pod a to pod b" bash -c "'$K' --context $CTX exec a -- wget -q -O - http://$B:8080/ | grep -q 'hello from dind'"
check "kubernetes.default resolves from a pod" \
  bash -c "'$K' --context $CTX exec a -- nslookup kubernetes.default.svc.cluster.local | grep -q 10.96.0.1"
# (names outside the cluster go CoreDNS -> node resolv.conf -> Docker's DNS, DNATed to 127.0.0.11)
check "nodes drop packets for 127.0.0.0/8 from elsewhere (CVE-2020-8558), pods still reach Docker's DNS" \
  bash -c "docker exec kube-node-1$SUF iptables -w -S INPUT | grep -q dind-block-incoming-localnet && '$K' --context $CTX exec a -- nslookup deb.debian.org | grep -q '^Address: '"
"$K" --context $CTX expose pod b --port 80 --target-port 8080 --name web >/dev/null
WEB=$("$K" --context $CTX get svc web -o jsonpath='{.spec.clusterIP}')
check "service name resolves to its ClusterIP $WEB" \
  bash -c "'$K' --context $CTX exec a -- nslookup web.default.svc.cluster.local | grep -q 'Address: $WEB'"
# (busybox-static's wget cannot resolve names itself: glibc NSS in a static binary)
check "ClusterIP service on kube-node-2$SUF answers a pod on kube-node-1$SUF" \
  bash -c "for i in 1 2 3 4 5; do '$K' --context $CTX exec a -- wget -q -O - http://$WEB/ | grep -q 'hello from dind' && exit 0; sleep 1; done; exit 1"
# (busybox-static's wget segfaults on a refused connection: nc says it)
check "a port service web does not have is refused at once (dind-net's guard)" \
  bash -c "'$K' --context $CTX exec a -- nc -w 3 $WEB 81 </dev/null 2>&1 | grep -q 'Connection refused'"
check "status --json says up" bash -c "'$KD' status --json | grep -q '\"up\": true'"

log "dump64 of the live cluster, split back out of a CI-style log"
"$KD" dump64 > /tmp/dind-dump64.txt
size=$(stat -c %s /tmp/dind-dump64.txt)
check "dump64 fits Travis' 4 MB log ($size bytes)" test "$size" -lt 4000000
rm -rf /tmp/dind-split
sed 's/^/[ci] /' /tmp/dind-dump64.txt | "$KD" split64 -o /tmp/dind-split 2>/tmp/dind-split.log
want=$(grep -o 'files=[0-9]*' /tmp/dind-dump64.txt | cut -d= -f2)
check "split64 restores all $want files, sha256 verified" \
  bash -c "[ \$(find /tmp/dind-split -type f | wc -l) = $want ] && grep -q 'sha256 ok' /tmp/dind-split.log"
check "the dump has kubelet journals, pod logs and cluster objects" \
  test -s /tmp/dind-split/nodes/kube-node-1$SUF/kubelet.journal -a -s /tmp/dind-split/cluster/get-all -a -d /tmp/dind-split/pods/kube-system
check "no private key material in the dump" bash -c "! grep -rq 'BEGIN RSA PRIVATE KEY' /tmp/dind-split || grep -rA1 'PRIVATE KEY' /tmp/dind-split | grep -q redacted"
log "secrets planted in the cluster stay out of dump64"
planted_secrets_check $CTX

log "second cluster side by side: CLUSTER_ID=10"
CLUSTER_ID=10 NUM_NODES=1 "$KD" up
check "cluster-10 nodes Ready" test "$("$K" --context dind-cluster-10 get nodes --no-headers | awk '$2=="Ready"' | wc -l)" = 2
check "cluster-12 still answers" "$K" --context $CTX get nodes
planned=$(CLUSTER_ID=10 NUM_NODES=1 "$NET" plan --json | grep -o '"ipv4": "[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
actual=$(for n in kube-master-cluster-10 kube-node-1-cluster-10; do docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' $n; done | tr '\n' ' ')
check "docker inspect matches dind-net plan ($planned)" test "$planned" = "$actual"
check "cluster-10 carries its seed label" test "$(docker ps -q --filter label=cluster-10 | wc -l)" = 2
CLUSTER_ID=10 "$KD" clean -q
check "clean of cluster-10 leaves nothing of it" test "$(labelled io.dind.cluster=cluster-10)" = 0
check "and leaves cluster-12 up" bash -c "'$KD' status -q >/dev/null"
check "and its context" "$K" --context $CTX get nodes

log "reup and down/up keep the cluster without kubeadm init"
docker stop -t 1 kube-node-2$SUF >/dev/null
"$KD" dump > /tmp/dind-dump.txt
check "a stopped node is reported in the dump, not fatal" grep -q "^@@@ nodes/kube-node-2$SUF/DOWN @@@" /tmp/dind-dump.txt
"$KD" reup
check "reup brought the stopped node back" test "$(docker inspect -f '{{.State.Running}}' kube-node-2$SUF)" = true
docker restart -t 1 kube-node-2$SUF >/dev/null
check "dind-net on a node restarted behind dind's back puts its routes back" bash -c \
  'for i in $(seq 60); do docker exec kube-node-2$SUF ip route 2>/dev/null | grep -q "10.244.3.0/24 via 10.192.12.3" && exit 0; sleep 1; done; exit 1'
check "dind-net wrote the node's CNI config from the plan" \
  bash -c "docker exec kube-node-2$SUF cat /etc/cni/net.d/10-dind.conflist | grep -q '10.244.4.0/24'"
check "pod a survived reup (same cluster state)" "$K" --context $CTX get pod a
"$KD" down
check "down keeps volumes (6 of the nodes, the completion mark)" test "$(docker volume ls -q --filter label=io.dind.cluster=cluster-12 | wc -l)" = 7
check "down removes node containers" test "$(docker ps -aq --filter label=io.dind.cluster=cluster-12 | wc -l)" = 0
set +e
NUM_NODES=3 "$KD" up -q 2>/tmp/dind-err; rc=$?
set -e
check "up with another NUM_NODES than the cluster's: exit 1, said so ($(cat /tmp/dind-err))" \
  bash -c "[ $rc = 1 ] && grep -q 'NUM_NODES or NUM_CONTROL_PLANES differs' /tmp/dind-err && [ \$(docker ps -aq --filter label=io.dind.cluster=cluster-12 | wc -l) = 0 ]"
"$KD" up
check "up after down: 3 nodes Ready" test "$("$K" --context $CTX get nodes --no-headers | awk '$2=="Ready"' | wc -l)" = 3
"$KD" clean -q
check "clean removes context $CTX" bash -c "! '$K' config get-contexts $CTX >/dev/null 2>&1"

log "refused input leaves nothing behind"
set +e
POD_NETWORK_CIDR=10.244.0.0/20 "$KD" up -q 2>/tmp/dind-err; rc=$?
set -e
check "invalid CIDR: exit 2 ($(cat /tmp/dind-err))" test "$rc" = 2
check "invalid CIDR: one line" test "$(wc -l < /tmp/dind-err)" = 1
python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",36443)); s.listen(1); time.sleep(120)' &
holder=$!
sleep 0.5
set +e
APISERVER_PORT=36443 NUM_NODES=1 "$KD" up -q 2>/tmp/dind-err; rc=$?
set -e
kill $holder
check "port taken: exit 1 ($(cat /tmp/dind-err))" test "$rc" = 1
check "port taken: no container, volume or network left" test "$(labelled io.dind.cluster=cluster-12)" = 0
set +e
DIND_IMAGE=dind-node:no-such "$KD" up -q 2>/tmp/dind-err; rc=$?
set -e
check "missing image: exit 1, one line ($(cat /tmp/dind-err))" bash -c "[ $rc = 1 ] && [ \$(wc -l < /tmp/dind-err) = 1 ]"
# leftovers after failures once containers exist, and up/down cycles: the faults suite
check "the default cluster was left alone (its volume is still there)" docker volume inspect "$canary"

finish
