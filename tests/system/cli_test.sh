#!/usr/bin/env bash
# Every tool, as a Makefile would call it: --help and --version exit 0, an
# unknown flag or subcommand is one line on stderr and exit 2.
. "$(dirname "$0")/lib.sh"
ERR=$(mktemp /tmp/dind-cli-err.XXXXXX)
trap 'rm -f "$ERR"' EXIT
for tool in kubectl-dind dind-net dind-dump dind-e2e; do
  exe="$DIND_BUILD/tools/$tool"
  check "$tool --help exits 0" "$exe" --help
  check "$tool --version names itself" bash -c "'$exe' --version | grep -q '^$tool [0-9]'"
  set +e
  "$exe" --no-such-flag >/dev/null 2>$ERR; rc=$?
  set -e
  check "$tool --no-such-flag: exit 2 ($rc)" test "$rc" = 2
  check "$tool --no-such-flag: one line" test "$(wc -l < $ERR)" = 1
  check "$tool --generate bash is valid bash" bash -c "'$exe' --generate bash | bash -n"
  check "$tool --generate zsh is valid zsh" bash -c "'$exe' --generate zsh | zsh -n"
  check "$tool --generate man has NAME and OPTIONS" bash -c "'$exe' --generate man | grep -q '^.SH OPTIONS' && '$exe' --generate man | grep -q '^.SH NAME'"
done
set +e
"$KD" --generate fish >/dev/null 2>&1; rc=$?
set -e
check "--generate fish: usage error ($rc)" test "$rc" = 2
complete_kd() { # the words bash completion offers for a kubectl-dind command line
  bash -c "source <('$KD' --generate bash); COMP_WORDS=($*); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); _kubectl_dind; echo \"\${COMPREPLY[*]}\""
}
check "completion: 'kubectl-dind st' offers status" test "$(complete_kd kubectl-dind st)" = status
check "completion: 'kubectl-dind up --re' offers --retain" test "$(complete_kd kubectl-dind up --re)" = --retain
set +e
DOCKER_HOST=unix:///nonexistent.sock "$KD" version >/dev/null 2>$ERR; rc=$?
set -e
check "missing socket: exit 1, one line naming it" \
  bash -c "[ $rc = 1 ] && [ \$(wc -l < $ERR) = 1 ] && grep -q '/nonexistent.sock' $ERR"
# issue 16: a seed variable dind does not carry over, or a bad knob, is one
# line naming it, exit 2, before anything is made
refused() { # refused WORD VAR=VALUE...: up refuses with one line naming WORD
  local word=$1 rc; shift
  set +e
  env CLUSTER_ID=84 "$@" "$KD" up -q 2>$ERR; rc=$?
  set -e
  check "up with $*: exit 2, one line naming $word ($rc: $(head -c 200 $ERR))" \
    bash -c "[ $rc = 2 ] && [ \$(wc -l < $ERR) = 1 ] && grep -qF -- '$word' $ERR"
}
refused "kube-dns left Kubernetes" DNS_SERVICE=kube-dns
refused dockershim DIND_CRI=docker
refused "no Docker daemon" DIND_STORAGE_DRIVER=overlay2
refused "no Docker daemon" DIND_DAEMON_JSON_FILE=/etc/docker/daemon.json
refused "Ceph" ENABLE_CEPH=y
refused "DOCKER_HOST" GCE_HOSTED=y
refused "--k8s-source" BUILD_KUBEADM=y
refused "FEATURE_GATES: " FEATURE_GATES=Foo
refused "KUBELET_FEATURE_GATES: " KUBELET_FEATURE_GATES=Foo=on
refused "KubeProxyConfiguration" KUBE_PROXY_v=4
refused "dind sets --node-ip itself" KUBELET_node_ip=1.2.3.4
refused "EXTRA_PORTS: 80/icmp" EXTRA_PORTS=80/icmp
refused "--privileged is not supported" "MASTER_EXTRA_OPTS=-e A=1 --privileged"
refused "DIND_HTTP_PROXY" "DIND_HTTP_PROXY=http://a b"
refused "DIND_PROPAGATE_HTTP_PROXY" DIND_PROPAGATE_HTTP_PROXY=maybe
refused "DIND_HOSTS" DIND_HOSTS=http://x
refused "is listed twice" DIND_HOSTS=unix:///a.sock,unix:///a.sock
refused "IPv4 only" DIND_HOSTS=unix:///a.sock,unix:///b.sock IP_MODE=dual-stack
check "... and none of them made anything" test "$(labelled io.dind.cluster=cluster-84)" = 0
printf 'DNS_SERVICE=coredns\nSKIP_DASHBOARD=y\nAPISERVER_audit_log_maxage=3\n' > /tmp/dind-cli-config.sh
check "config accepts the seed's no-ops and APISERVER_<flag> from a file" \
  bash -c "'$KD' config --config /tmp/dind-cli-config.sh | grep -qx 'APISERVER_audit_log_maxage=3  # file'"
check "version prints the engine's API" bash -c "'$KD' version | grep -q 'Docker engine .* (API 1\.'"
check "dind-net plan --json parses" bash -c "'$NET' plan --json | python3 -m json.tool >/dev/null"
check "kubectl dind split64 runs dind-dump" bash -c "echo | '$KD' split64 -o /tmp/dind-cli-split 2>&1 | grep -q 'no %%% start-base64'"
check "hosts --help names init, status and leave" bash -c "'$KD' hosts --help | grep -q '^  init' && '$KD' hosts --help | grep -q '^  status' && '$KD' hosts --help | grep -q '^  leave'"
set +e
DIND_HOSTS= "$KD" hosts status >/dev/null 2>$ERR; rc=$?
set -e
check "hosts status without engines: exit 2, one line naming DIND_HOSTS ($rc)" \
  bash -c "[ $rc = 2 ] && [ \$(wc -l < $ERR) = 1 ] && grep -q 'DIND_HOSTS' $ERR"
DD="$DIND_BUILD/tools/dind-dump"
# the flags that pick a cluster are one helper in every tool: a bad id is refused
# in the same words, exit 2, before Docker is asked anything
for cmd in "$KD status" "$DD dump" "$DIND_BUILD/tools/dind-e2e e2e"; do
  set +e
  DOCKER_HOST=unix:///nonexistent.sock $cmd --cluster-id 999 >/dev/null 2>$ERR; rc=$?
  set -e
  check "${cmd##*/} --cluster-id 999: exit 2, one line naming CLUSTER_ID ($rc)" \
    bash -c "[ $rc = 2 ] && [ \$(wc -l < $ERR) = 1 ] && grep -q \"CLUSTER_ID: '999' is not a number\" $ERR"
done
rm -rf /tmp/dind-cli-dump && mkdir -p /tmp/dind-cli-dump/cluster
echo "the master kube-master is not running" > /tmp/dind-cli-dump/cluster/UNAVAILABLE
check "dind-dump report of a dump64 in a log names the verdict" \
  bash -c "'$DD' pack64 /tmp/dind-cli-dump | '$DD' report -o /tmp/dind-cli-report.html 2>&1 | grep -q 'Unhealthy: the master kube-master is not running'"
check "... and writes the page" grep -q '<section id="verdict" class="verdict unhealthy">' /tmp/dind-cli-report.html
set +e
echo "no dump here" | "$DD" report -o /tmp/dind-cli-report.html 2>$ERR; rc=$?
set -e
check "dind-dump report without a dump: exit 1, one line ($rc)" bash -c "[ $rc = 1 ] && [ \$(wc -l < $ERR) = 1 ]"
finish
