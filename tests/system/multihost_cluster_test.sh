#!/usr/bin/env bash
# Issue 17: one cluster across two Docker engines (multihost_lib.sh: each in
# a network namespace of its own, joined by a bridge in a third). `up` forms
# the swarm, sends the node image from the first engine to the second, puts
# the nodes on an overlay network (master and kube-node-2 on a, kube-node-1
# and kube-node-3 on b) and publishes the API server on a; the host reaches
# it through DIND_PORT_FORWARDER (socat into a's namespace, on loopback).
# Pods talk across engines, a service answers from the other engine, DNS
# resolves; load, dump64/split64, status and a restart of b's nodes work;
# clean leaves nothing on either engine; an unreachable engine is refused
# before anything is made.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/multihost_lib.sh"
T=$(mktemp -d /tmp/dind-mhc-XXXXXX)
export CLUSTER_ID=86 NUM_NODES=3 DIND_WAIT=300
CTX=dind-cluster-86 NETWORK=kubeadm-dind-net-cluster-86
cleanup() {
  set +e
  [ -n "${DIND_HOSTS:-}" ] && "$KD" clean -q 2>/dev/null
  [ -f "$T/forward.pids" ] && xargs -r kill < "$T/forward.pids" 2>/dev/null
  mh_down
  rm -rf "$T" /tmp/dind-mhc-split
  local left; left=$(mh_leftovers)
  if [ -n "$left" ]; then printf 'FAIL: left behind:\n%s\n' "$left" >&2; exit 1; fi
}
trap cleanup EXIT

# kd_rc FILE ARGS...: kubectl-dind's exit code, its stderr in FILE
kd_rc() { local f=$1; shift; set +e; "$KD" "$@" >"$T/out" 2>"$f"; local rc=$?; set -e; echo "$rc"; }
# what cluster-86 has on an engine: containers, volumes, networks (one line
# each); fails when the engine does not answer, so "nothing" cannot pass by accident
on_engine() {
  local e=$1 f=label=io.dind.cluster=cluster-86 c v n
  c=$(mh_docker "$e" ps -a --filter "$f" --format 'container {{.Names}}') &&
    v=$(mh_docker "$e" volume ls --filter "$f" --format 'volume {{.Name}}') &&
    n=$(mh_docker "$e" network ls --filter "$f" --format 'network {{.Name}}') || { echo "engine $e did not answer"; return 1; }
  printf '%s\n' "$c" "$v" "$n" | grep . || true
}
nothing_on() { local left; left=$(on_engine "$1") && [ -z "$left" ] || { echo "on $1: $left" >&2; return 1; }; }
ready_nodes() { "$K" --context "$CTX" get nodes --no-headers 2>/dev/null | awk '$2=="Ready"' | wc -l; }

log "two engines; the node image and the test pod image on the first only"
IMAGE=$("$KD" config --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["DIND_IMAGE"]["value"])')
ensure_busybox
mh_up a b
docker save "$IMAGE" "$BUSYBOX" | mh_docker a load >/dev/null
echo "the images loaded into a" >&2
A="$(mh_sock a)=$(mh_addr a)" B=$(mh_sock b)

# the API server is published on a's 127.0.0.1: the forwarder the seed's
# DIND_PORT_FORWARDER names makes it the host's 127.0.0.1 too
cat > "$T/forward" <<EOF
#!/bin/sh
setsid socat TCP-LISTEN:\$1,bind=127.0.0.1,reuseaddr,fork "EXEC:nsenter --net=/run/netns/dmh-a socat STDIO TCP\\:127.0.0.1\\:\$1" \
  </dev/null >/dev/null 2>&1 &
echo \$! >> "$T/forward.pids"  # every one: a second call for a port already forwarded must not hide the first
EOF
chmod +x "$T/forward"
export DIND_PORT_FORWARDER="$T/forward"

log "an engine that does not answer: refused before anything is made"
rc=$(DIND_HOSTS="$A,$B,unix:///tmp/dmh-gone.sock" kd_rc "$T/err" up)
check "up: exit 1, one line naming it ($rc: $(head -c 300 "$T/err"))" one_line_file "$rc" 1 "$T/err" "unix:///tmp/dmh-gone.sock"
check "... nothing on a" nothing_on a
check "... nothing on b" nothing_on b
check "... and no swarm was formed" test "$(mh_docker a info -f '{{.Swarm.LocalNodeState}}')" = inactive
rc=$(DIND_HOSTS="$A,$B" IP_MODE=ipv6 kd_rc "$T/err" up)
check "IPv6 across engines: exit 2, one line ($rc: $(head -c 300 "$T/err"))" one_line_file "$rc" 2 "$T/err" "IPv4 only"

export DIND_HOSTS="$A,$B"
log "up: 1+3 over a and b"
start=$(date +%s)
"$KD" up
echo "up took $(($(date +%s) - start)) s" >&2
check "a runs kube-master and kube-node-2" test "$(mh_docker a ps --filter label=io.dind.role --format '{{.Names}}' | sort | tr '\n' ' ')" = \
  "kube-master-cluster-86 kube-node-2-cluster-86 "
check "b runs kube-node-1 and kube-node-3" test "$(mh_docker b ps --filter label=io.dind.role --format '{{.Names}}' | sort | tr '\n' ' ')" = \
  "kube-node-1-cluster-86 kube-node-3-cluster-86 "
check "the nodes' network is a swarm overlay" test "$(mh_docker a network inspect -f '{{.Driver}} {{.Scope}}' $NETWORK)" = "overlay swarm"
planned=$("$NET" plan --json | grep -o '"ipv4": "[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
actual=$(for n in kube-master:a kube-node-1:b kube-node-2:a kube-node-3:b; do
  mh_docker "${n#*:}" inspect -f "{{(index .NetworkSettings.Networks \"$NETWORK\").IPAddress}}" "${n%:*}-cluster-86"; done | tr '\n' ' ')
check "... the nodes at their planned addresses ($planned)" test "$planned" = "$actual"
check "all 4 nodes Ready through the forwarded API server" test "$(ready_nodes)" = 4
rc=$(kd_rc "$T/err" status)
check "status: exit 0, 4 running nodes ($rc)" bash -c "[ $rc = 0 ] && [ \$(grep -c ' running ' '$T/out') = 4 ]"
check "... each with its engine: kube-node-1 on b" grep -q "^kube-node-1-cluster-86 .* $B\$" "$T/out"

rc=$(DIND_HOSTS="$B,$A" kd_rc "$T/err" up)
grep '^kubectl-dind:' "$T/err" > "$T/err1" || true
check "up with the engines listed the other way: exit 1, one error line naming the node and both engines ($rc: $(cat "$T/err1"))" \
  one_line_file "$rc" 1 "$T/err1" "keeps kube-master-cluster-86 on $(mh_sock a), where DIND_HOSTS places it on $B"
check "... and the cluster is still there, all 4 nodes Ready" test "$(ready_nodes)" = 4
rc=$(kd_rc "$T/err" snapshot)
check "snapshot across engines: refused, exit 2, one line ($rc)" one_line_file "$rc" 2 "$T/err" "not supported"

log "load reaches the nodes on both engines"
rc=$(kd_rc "$T/err" load "$BUSYBOX")
check "load $BUSYBOX: exit 0 ($rc: $(tail -c 300 "$T/err"))" test "$rc" = 0
for n in kube-master:a kube-node-1:b kube-node-2:a kube-node-3:b; do
  check "${n%:*} (on ${n#*:}) has it" bash -c \
    "docker -H $(mh_sock "${n#*:}") exec ${n%:*}-cluster-86 ctr -n k8s.io images ls -q | grep -q $BUSYBOX"
done

log "pods across engines: pod-to-pod, a service, DNS"
"$K" --context "$CTX" create deployment web --image="docker.io/library/$BUSYBOX" -- httpd -f -p 80 -h /www >/dev/null
"$K" --context "$CTX" patch deployment web -p \
  '{"spec":{"template":{"spec":{"nodeName":"kube-node-1-cluster-86","containers":[{"name":"dind-test-pod","imagePullPolicy":"Never"}]}}}}' >/dev/null
"$K" --context "$CTX" expose deployment web --port 80 >/dev/null
pod client kube-node-2-cluster-86 "$CTX" sleep 600
"$K" --context "$CTX" rollout status deployment web --timeout=120s >/dev/null
wait_pod client "$CTX"
WEB_POD=$("$K" --context "$CTX" get pods -l app=web -o jsonpath='{.items[0].status.podIP}')
check "pod on a reaches the pod on b ($WEB_POD)" bash -c \
  "'$K' --context $CTX exec client -- wget -qO- http://$WEB_POD/ | grep -q 'hello from dind'"
check "the ClusterIP service answers from b" bash -c \
  "'$K' --context $CTX exec client -- wget -qO- http://\$('$K' --context $CTX get svc web -o jsonpath='{.spec.clusterIP}')/ | grep -q 'hello from dind'"
check "DNS: web.default.svc.cluster.local resolves and answers" bash -c \
  "'$K' --context $CTX exec client -- wget -qO- http://web.default.svc.cluster.local/ | grep -q 'hello from dind'"

log "dump64 -> split64 has every node"
"$KD" dump64 > "$T/dump64.txt"
"$KD" split64 -o /tmp/dind-mhc-split < "$T/dump64.txt" 2>"$T/split.log"
for n in kube-master kube-node-1 kube-node-2 kube-node-3; do
  check "the dump has $n's kubelet journal" test -s "/tmp/dind-mhc-split/nodes/$n-cluster-86/kubelet.journal"
done

log "b's workers stopped; up brings them back"
mh_docker b stop -t 1 kube-node-1-cluster-86 kube-node-3-cluster-86 >/dev/null
"$KD" up -q
check "all 4 nodes Ready again" test "$(ready_nodes)" = 4
check "b runs its two nodes again" test "$(mh_docker b ps -q --filter label=io.dind.role | wc -l)" = 2
# up restarted every node: the client pod (restartPolicy Never) ended with its node
pod client2 kube-node-2-cluster-86 "$CTX" sleep 600
wait_pod client2 "$CTX"
check "the service answers across engines again" bash -c \
  "for i in \$(seq 30); do '$K' --context $CTX exec client2 -- wget -qO- http://web.default.svc.cluster.local/ 2>/dev/null | grep -q 'hello from dind' && exit 0; sleep 2; done; exit 1"

log "down keeps each engine's volumes; up makes the nodes again where they were"
"$KD" down -q
check "down: no node container on a or b" test "$(mh_docker a ps -aq --filter label=io.dind.role)$(mh_docker b ps -aq --filter label=io.dind.role)" = ""
check "... their volumes kept: 4 on a (with the complete mark: 5), 4 on b" \
  test "$(mh_docker a volume ls -q --filter label=io.dind.cluster=cluster-86 | wc -l) $(mh_docker b volume ls -q --filter label=io.dind.cluster=cluster-86 | wc -l)" = "5 4"
"$KD" up -q
check "up after down: all 4 nodes Ready" test "$(ready_nodes)" = 4
check "... kube-node-3 on b again" test "$(mh_docker b ps -q --filter name=kube-node-3-cluster-86 | wc -l)" = 1

log "clean removes everything on both engines"
"$KD" clean -q
check "nothing of cluster-86 on a" nothing_on a
check "nothing of cluster-86 on b" nothing_on b
check "the overlay network is gone from the swarm" bash -c "! docker -H $(mh_sock a) network inspect kubeadm-dind-net-cluster-86 >/dev/null 2>&1"
fails() { ! "$@" 2>/dev/null; }
check "... a check that fails when an engine does not answer" fails nothing_on gone
"$KD" hosts leave -q
finish
