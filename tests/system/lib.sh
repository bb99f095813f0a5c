# Shared by the system tests: real Docker, real clusters, nothing mocked.
# Every cluster a test makes is cleaned on exit, pass or fail.
set -euo pipefail
: "${DIND_BUILD:?DIND_BUILD must point at the meson build dir}"
KD="$DIND_BUILD/tools/kubectl-dind"
NET="$DIND_BUILD/tools/dind-net"
K="$HOME/.kubeadm-dind-cluster/kubectl"
BUSYBOX=dind-test-pod:1
failures=0

log() { printf '== %s\n' "$*" >&2; }
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
check() { # check "what" cmd...
  local what=$1; shift
  if "$@"; then printf 'ok: %s\n' "$what" >&2; else fail "$what"; fi
}
finish() {
  if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
  echo "all checks passed" >&2
}

# A registry-free image for test pods: Debian's busybox-static.
ensure_busybox() {
  docker image inspect "$BUSYBOX" >/dev/null 2>&1 && return
  local d; d=$(mktemp -d)
  mkdir -p "$d/bin" "$d/etc" "$d/tmp" "$d/www"
  cp /bin/busybox "$d/bin/busybox"
  for t in sh cat echo sleep ip ls hostname wget nc ping nslookup httpd true false grep; do ln -s busybox "$d/bin/$t"; done
  echo 'root:x:0:0:root:/:/bin/sh' > "$d/etc/passwd"
  echo 'hello from dind' > "$d/www/index.html"
  tar -C "$d" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sleep","3600"]' - "$BUSYBOX" >/dev/null
  rm -rf "$d"
}

# count of containers, volumes and networks carrying a label; prints nothing
# and fails when Docker does not answer (so "0 left" can never pass by accident)
labelled() {
  local f="label=$1" c v n
  c=$(docker ps -aq --filter "$f") && v=$(docker volume ls -q --filter "$f") && n=$(docker network ls -q --filter "$f") ||
    { echo "labelled: Docker did not answer" >&2; return 1; }
  echo $(( $(grep -c . <<<"$c") + $(grep -c . <<<"$v") + $(grep -c . <<<"$n") ))
}

# run a pod on a node: pod NAME NODE CMD...
pod() {
  local name=$1 node=$2 ctx=$3; shift 3
  "$K" --context "$ctx" run "$name" --image="docker.io/library/$BUSYBOX" --image-pull-policy=Never --restart=Never \
    --overrides="{\"spec\":{\"nodeName\":\"$node\"}}" -- "$@" >/dev/null
}
wait_pod() { "$K" --context "$2" wait --for=condition=Ready "pod/$1" --timeout=90s >/dev/null; }
pod_ip() { "$K" --context "$2" get pod "$1" -o jsonpath='{.status.podIP}'; }

# a refusal is one line in FILE naming WORD, with exit WANT-RC: one_line_file RC WANT-RC FILE WORD
one_line_file() { [ "$1" = "$2" ] && [ "$(wc -l < "$3")" = 1 ] && grep -qF -- "$4" "$3"; }

# the command lines of a node's processes called NAME: node_cmdline NODE NAME
node_cmdline() {
  docker exec "$1" sh -c 'for p in /proc/[0-9]*; do c=$(tr "\0" " " < $p/cmdline 2>/dev/null) || continue;
    case "$c" in "'"$2"' "*|*/"'"$2"' "*) echo "$c";; esac; done'
}

# A hostNetwork busybox httpd pod POD on NODE listening on PORT; prints what
# the host gets from http://127.0.0.1:HOSTPORT/ (a published port of NODE):
# host_port_answer POD NODE CTX PORT HOSTPORT
host_port_answer() {
  "$K" --context "$3" run "$1" --image="docker.io/library/$BUSYBOX" --image-pull-policy=Never --restart=Never \
    --overrides="{\"spec\":{\"nodeName\":\"$2\",\"hostNetwork\":true}}" -- httpd -f -p "$4" -h /www >/dev/null
  wait_pod "$1" "$3"
  local answer=
  for _ in $(seq 20); do answer=$(curl -s --max-time 2 "http://127.0.0.1:$5/" || true); [ -n "$answer" ] && break; sleep 0.5; done
  echo "$answer"
}

# Restarts the host's Docker daemon as an init script would (kill, wait, start;
# this VM's dockerd is not the init script's); prints the old pid.
restart_dockerd() {
  local old; old=$(cat /var/run/docker.pid)
  kill "$old"
  for _ in $(seq 60); do kill -0 "$old" 2>/dev/null || break; sleep 1; done
  setsid /usr/sbin/dockerd >>/var/log/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  echo "$old"
}
