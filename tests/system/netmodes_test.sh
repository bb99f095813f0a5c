#!/usr/bin/env bash
# Issue 5 on real clusters: IPv6-only and dual-stack clusters come up with the
# planned addresses; pod-to-pod across nodes (ping and TCP), pod -> ClusterIP
# service on another node, and in-cluster DNS work in each family.
. "$(dirname "$0")/lib.sh"
trap 'for id in 31 32; do CLUSTER_ID=$id "$KD" clean -q || true; done; docker rmi -f dind-base:000000000000 >/dev/null 2>&1 || true' EXIT
# An older base image beside the one the node image is built on (the newest
# in Docker's list): the DNS64/NAT64 helpers must derive from the right one.
docker import - dind-base:000000000000 < <(tar -cf - -T /dev/null) >/dev/null
ensure_busybox

svc_for() { # svc_for CTX NAME FAMILY-POLICY
  "$K" --context "$1" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: $2}
spec:
  ipFamilyPolicy: $3
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
YAML
}

run_mode() { # run_mode MODE ID
  local mode=$1 id=$2 ctx="dind-cluster-$2" sfx="-cluster-$2"
  log "IP_MODE=$mode, CLUSTER_ID=$id"
  IP_MODE=$mode CLUSTER_ID=$id NUM_NODES=2 "$KD" up -q
  CLUSTER_ID=$id "$KD" load -q "$BUSYBOX"
  "$K" --context "$ctx" run a --labels app=web --image="docker.io/library/$BUSYBOX" --image-pull-policy=Never --restart=Never \
    --overrides="{\"spec\":{\"nodeName\":\"kube-node-1$sfx\"}}" -- httpd -f -p 8080 -h /www >/dev/null
  pod b "kube-node-2$sfx" "$ctx" sleep 3600
  wait_pod a "$ctx"; wait_pod b "$ctx"
  local ips; ips=$("$K" --context "$ctx" get pod a -o jsonpath='{range .status.podIPs[*]}{.ip} {end}')
  planned=$(IP_MODE=$mode CLUSTER_ID=$id NUM_NODES=2 "$NET" plan --json | grep -o '"ipv[46]": "[^"]*"' | cut -d'"' -f4 | sort | tr '\n' ' ')
  actual=$(for n in kube-master$sfx kube-node-1$sfx kube-node-2$sfx; do
             docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.GlobalIPv6Address}}{{end}}' $n; done |
           tr ' ' '\n' | grep -v '^$' | { if [ "$mode" = ipv6 ]; then grep ':'; else cat; fi; } | sort | tr '\n' ' ')
  check "$mode: node addresses match dind-net plan ($planned)" test "$planned" = "$actual"
  for ip in $ips; do
    local fam=IPv4 url="http://$ip:8080/"
    [[ $ip == *:* ]] && fam=IPv6 url="http://[$ip]:8080/"
    check "$mode: $fam ping kube-node-2 -> kube-node-1 pod $ip" bash -c "'$K' --context $ctx exec b -- ping -c 1 -W 3 $ip >/dev/null"
    check "$mode: $fam TCP kube-node-2 -> kube-node-1 pod" bash -c "'$K' --context $ctx exec b -- wget -q -O - '$url' | grep -q 'hello from dind'"
  done
  local policy=SingleStack; [ "$mode" = dual-stack ] && policy=RequireDualStack
  svc_for "$ctx" web $policy
  for sip in $("$K" --context "$ctx" get svc web -o jsonpath='{range .spec.clusterIPs[*]}{@} {end}'); do
    local url="http://$sip/"; [[ $sip == *:* ]] && url="http://[$sip]/"
    check "$mode: ClusterIP $sip answers from the other node" \
      bash -c "for i in 1 2 3 4 5; do '$K' --context $ctx exec b -- wget -q -O - '$url' | grep -q 'hello from dind' && exit 0; sleep 1; done; exit 1"
    local qtype=A; [[ $sip == *:* ]] && qtype=AAAA
    check "$mode: DNS $qtype web.default -> $sip" \
      bash -c "'$K' --context $ctx exec b -- nslookup -type=$qtype web.default.svc.cluster.local | grep -q 'Address: $sip'"
  done
  if [ "$mode" = ipv6 ]; then
    check "ipv6: bind9 and tayga helpers run" test "$(docker ps -q --filter name=bind9$sfx --filter name=tayga$sfx | wc -l)" = 2
    helper=$(docker inspect -f '{{.Config.Image}}' "$(docker ps -q --filter name=tayga$sfx | head -1)")
    base=$(docker inspect -f '{{.Config.Image}}' "$(docker ps -q --filter name=kube-master$sfx | head -1)" | xargs docker inspect -f '{{index .RootFS.Layers 0}}')
    check "ipv6: the helpers derive from the node image's base ($helper)" \
      bash -c "docker inspect -f '{{index .RootFS.Layers 0}}' $helper | grep -qx '$base'"
    local aaaa; aaaa=$("$K" --context "$ctx" exec b -- nslookup -type=AAAA deb.debian.org | awk '/^Address: fd00:10:64:ff9b::/ {print $2; exit}')
    check "ipv6: a pod resolves an IPv4-only name through DNS64 ($aaaa)" test -n "$aaaa"
    cat > /tmp/dind-nat64-probe <<'PROBE'
printf 'GET / HTTP/1.0\r\nHost: deb.debian.org\r\n\r\n' | nc -w 5 "$1" 80 | head -1
PROBE
    check "ipv6: TCP through NAT64 to that address gets an HTTP answer" \
      bash -c "for i in 1 2 3; do '$K' --context $ctx exec -i b -- sh -s $aaaa < /tmp/dind-nat64-probe | grep -q '^HTTP/' && exit 0; sleep 1; done; exit 1"
    CLUSTER_ID=$id "$KD" down -q
    check "ipv6: down keeps the DNS64/NAT64 helpers" test "$(docker ps -q --filter name=bind9$sfx --filter name=tayga$sfx | wc -l)" = 2
  fi
  CLUSTER_ID=$id "$KD" clean -q
  check "$mode: clean removes the helpers too" test "$(labelled io.dind.cluster=cluster-$id)" = 0
}

run_mode ipv6 31
run_mode dual-stack 32
check "nothing of either cluster remains" test "$(labelled io.dind.cluster=cluster-31)$(labelled io.dind.cluster=cluster-32)" = 00
finish
