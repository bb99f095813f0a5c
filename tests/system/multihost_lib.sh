# Several Docker engines on this one machine, as if on several hosts: each
# dockerd runs in a network namespace of its own (dmh-<engine>), with a veth
# to a bridge in a third namespace (dmh-sw) on 10.251.0.0/24. All their
# traffic (swarm, VXLAN) stays inside these namespaces. Sourced after lib.sh;
# everything made here is named dmh-* and mh_down removes it.
#
# dockerd is started with `nsenter --net`, not `ip netns exec`: the latter
# also gives it a mount namespace with a fresh /sys, and the cgroup v1
# hierarchies under /sys/fs/cgroup are gone there (dockerd cannot start).
MH_SUBNET=10.251.0
MH_ENGINES=()

mh_sock() { echo "unix:///tmp/dmh-$1/docker.sock"; }
# the engine's address on the test subnet: .11 for the first started, .12, ...
mh_addr() { cat "/tmp/dmh-$1/addr"; }
mh_docker() { local e=$1; shift; docker -H "$(mh_sock "$e")" "$@"; }

mh_switch() {
  ip netns list | grep -qw dmh-sw && return
  ip netns add dmh-sw
  ip -n dmh-sw link set lo up
  ip -n dmh-sw link add br0 type bridge
  ip -n dmh-sw link set br0 up
}

# mh_engine NAME INDEX: the namespace, its link and a dockerd with its own
# data root, exec root, socket, config file and default bridge (docker0 of
# its own namespace: the main daemon's docker0 is not seen from there).
mh_engine() {
  local e=$1 i=$2 d=/tmp/dmh-$1 addr=$MH_SUBNET.$((10 + $2))
  mkdir -p "$d" "/var/lib/dmh-$e"
  echo "$addr" > "$d/addr"
  ip netns add "dmh-$e"
  ip -n "dmh-$e" link set lo up
  ip link add "dmh-$e-0" type veth peer name "dmh-$e-1"
  ip link set "dmh-$e-0" netns "dmh-$e"
  ip link set "dmh-$e-1" netns dmh-sw
  ip -n "dmh-$e" link set "dmh-$e-0" name eth0
  ip -n "dmh-$e" addr add "$addr/24" dev eth0
  ip -n "dmh-$e" link set eth0 up
  ip -n dmh-sw link set "dmh-$e-1" master br0 up
  printf '{"storage-driver": "%s"}\n' "${MH_STORAGE:-overlay2}" > "$d/daemon.json"
  nsenter --net="/run/netns/dmh-$e" dockerd --config-file "$d/daemon.json" --data-root "/var/lib/dmh-$e" \
    --exec-root "$d/exec" --pidfile "$d/dockerd.pid" -H "$(mh_sock "$e")" >"$d/dockerd.log" 2>&1 </dev/null &
  echo $! > "$d/pid"
  MH_ENGINES+=("$e")
}

# mh_up NAME...: engines started and answering (fails after 60 s, with the log's tail)
mh_up() {
  local i=$((${#MH_ENGINES[@]} + 1)) e
  mh_switch
  for e in "$@"; do mh_engine "$e" "$i"; i=$((i + 1)); done
  for e in "$@"; do
    for _ in $(seq 60); do mh_docker "$e" version >/dev/null 2>&1 && break; sleep 1; done
    mh_docker "$e" version >/dev/null 2>&1 || { tail -5 "/tmp/dmh-$e/dockerd.log" >&2; return 1; }
  done
}

# an image of busybox-static (lib.sh's) made on ENGINE without the main daemon
mh_busybox() {
  local d; d=$(mktemp -d /tmp/dmh-img-XXXXXX)
  mkdir -p "$d/bin" "$d/etc"
  cp /bin/busybox "$d/bin/busybox"
  for t in sh cat echo sleep ip ping nc hostname wget httpd true; do ln -s busybox "$d/bin/$t"; done
  echo 'root:x:0:0:root:/:/bin/sh' > "$d/etc/passwd"
  tar -C "$d" -c . | mh_docker "$1" import -c 'ENV PATH=/bin' -c 'CMD ["sleep","3600"]' - "$BUSYBOX" >/dev/null
  rm -rf "$d"
}

# stops every engine (the swarm state goes with its data root), removes the
# namespaces and the directories
mh_down() {
  local d p m
  for d in /tmp/dmh-*/; do
    [ -f "$d/pid" ] || continue
    p=$(cat "$d/pid")
    kill "$p" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 1; done
    kill -9 "$p" 2>/dev/null || true
  done
  # what a killed daemon left mounted (network namespaces, layers), deepest first
  for m in $(awk '$2 ~ "^(/tmp|/var/lib|/run/docker/netns)/dmh-" {print $2}' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  for n in $(ip netns list | awk '$1 ~ /^dmh-/ {print $1}'); do ip netns del "$n" 2>/dev/null || true; done
  rm -rf /tmp/dmh-* /var/lib/dmh-*
  MH_ENGINES=()
}

# what mh_down should have removed, one line each; nothing when clean
mh_leftovers() {
  ip netns list | awk '$1 ~ /^dmh-/ {print "netns " $1}'
  ip -o link show | awk -F': ' '$2 ~ /^dmh-/ {print "link " $2}'
  awk '$2 ~ "^(/tmp|/var/lib)/dmh-" {print "mount " $2}' /proc/mounts
  ls -d /tmp/dmh-* /var/lib/dmh-* 2>/dev/null | sed 's/^/dir /'
  pgrep -a dockerd | grep -- '--data-root /var/lib/dmh-' | sed 's/^/process /' || true
}
