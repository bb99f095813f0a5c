# Shared by the time-to-k8s benches (time-to-k8s, vs-kind): clocks, retries,
# CPU of containers, statistics, and the phases after the cluster command.
# Needs $K (kubectl) from tests/system/lib.sh.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
until_ok() { for _ in $(seq 1200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
step_secs() { # seconds of the step line matching $1 in file $2 (0 when absent)
  grep -F "$1" "$2" | tail -1 | sed -E 's/.*\(([0-9.]+)(ms|s)\)$/\1 \2/; s/.*\(([0-9]+)m([0-9]+)s\)$/\1 m \2/' |
    awk '{ if ($2 == "ms") print $1 / 1000; else if ($2 == "m") print $1 * 60 + $3; else print $1 } END { if (NR == 0) print 0 }'
}
# CPU seconds the containers given by full id used (cgroup v1 cpuacct, or v2 cpu.stat)
containers_cpu() {
  local total=0 id
  for id in "$@"; do
    local f=/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage
    if [ -r "$f" ]; then total=$(awk -v t="$total" -v n="$(cat "$f")" 'BEGIN { print t + n / 1e9 }')
    elif [ -r "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat" ]; then
      total=$(awk -v t="$total" '/^usage_usec/ { print t + $2 / 1e6 }' "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat")
    fi
  done
  echo "$total"
}
# Where a node's CPU seconds went: each pod (its cgroup), each process still
# running outside the pods (with the children it waited for: the shims' are
# left out, as their containers are their pods'), and the rest, what exited
# unwaited (docker exec'd kubeadm, kubectl and probes; runc; CNI; iptables).
# A pod removed during the run can count twice: in its cgroup, and in the
# time of its shim, which systemd reaped.
#   cpu_by_component CONTAINER -> "component seconds" lines, largest first
cpu_by_component() {
  docker exec -i "$1" bash -s <<'EOF' | sort -k2 -rn
if [ -r /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then
  root=/sys/fs/cgroup/cpuacct; usage() { awk '{ printf "%.2f", $1 / 1e9 }' "$1/cpuacct.usage"; }
else
  root=/sys/fs/cgroup; usage() { awk '/^usage_usec/ { printf "%.2f", $2 / 1e6 }' "$1/cpu.stat"; }
fi
total=$(usage $root)
pods=$(for id in $(crictl pods -q); do
  crictl inspectp -o go-template --template '{{.status.metadata.uid}} {{.status.metadata.name}}{{"\n"}}' "$id"
done | sort -u | while read -r uid name; do
  d=$(ls -d $root/kubepods*.slice/*pod"${uid//-/_}".slice $root/kubepods*.slice/*/*pod"${uid//-/_}".slice 2>/dev/null | head -1)
  # one line per workload: kube-apiserver, coredns (its pods summed), ...
  name=$(echo "${name%-$(hostname)}" | sed -E 's/-[a-z0-9]{5}$//; s/-[a-f0-9]{8,10}$//')
  if [ -n "$d" ]; then echo "pod:$name $(usage "$d")"; fi
done)
live=$(for p in /proc/[0-9]*; do
  [ "${p#/proc/}" = $$ ] && continue  # this script (and below, its subshells)
  grep -q kubepods "$p/cgroup" 2>/dev/null && continue
  s=$(cat "$p/stat" 2>/dev/null) || continue
  comm=${s#*\(}; comm=${comm%%)*}
  echo "${comm// /_} ${s##*) }"  # then state, ppid, ...: utime is the 12th field after comm
done | awk -v hz="$(getconf CLK_TCK)" -v self=$$ '$3 != self { t[$1] += ($13 + $14 + ($1 ~ /^containerd-shim/ ? 0 : $15 + $16)) / hz }
  END { for (c in t) if (t[c] >= 0.01) printf "%s %.2f\n", c, t[c] }')
printf '%s\n%s\n' "$pods" "$live" | awk -v t="$total" 'NF == 2 { c[$1] += $2; s += $2 }
  END { for (k in c) printf "%s %.2f\n", k, c[k]; printf "exited-processes %.2f\n", t - s }'
EOF
}
# The phases after the cluster command returned, in seconds since $2:
#   k8s_phases CONTEXT T0 LOAD-COMMAND... -> "api k8ssvc dnssvc app dns"
# The app's image comes from the host (there is no registry): the load command is its pull.
k8s_phases() { # (every step || return: a command substitution does not inherit set -e)
  local ctx=$1 t0=$2 api svc dnssvc app dns pod; shift 2
  until_ok "$K" --context "$ctx" get --raw /readyz || return; api=$(since "$t0")
  until_ok "$K" --context "$ctx" get svc kubernetes || return; svc=$(since "$t0")
  until_ok "$K" --context "$ctx" -n kube-system get svc kube-dns || return; dnssvc=$(since "$t0")
  "$@" || return
  "$K" --context "$ctx" create deployment app --image=docker.io/library/dind-test-pod:1 -- httpd -f -p 8080 -h /www >/dev/null || return
  "$K" --context "$ctx" wait --for=condition=Available deployment/app --timeout=120s >/dev/null || return; app=$(since "$t0")
  pod=$("$K" --context "$ctx" get pods -l app=app -o jsonpath='{.items[0].metadata.name}') || return
  until_ok "$K" --context "$ctx" exec "$pod" -- nslookup kubernetes.default.svc.cluster.local || return; dns=$(since "$t0")
  echo "$api $svc $dnssvc $app $dns"
}
stats() { # column values -> "min median max"
  sort -n | awk '{ v[NR] = $1 } END { printf "%.1f %.1f %.1f", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'
}
median() { stats | cut -d' ' -f2; }
