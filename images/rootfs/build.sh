#!/usr/bin/env bash
# Debian base root filesystem of a node, as a tar on stdout's path:
#   build.sh OUT.tar
# Everything a kubeadm node needs from Debian: systemd as PID 1, containerd,
# runc, CNI plugins and the networking tools kubelet, kube-proxy and kubeadm's
# preflight look for.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../versions"
out=$1
root=$(mktemp -d /var/tmp/dind-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
pkgs=systemd,systemd-sysv,dbus,containerd,runc,containernetworking-plugins,iptables,nftables
pkgs+=,conntrack,socat,ethtool,iproute2,kmod,util-linux,mount,ca-certificates,procps
pkgs+=,iputils-ping,ebtables,ipset,netcat-openbsd,less,findutils,tar,zstd
# what our dynamically linked dind-net needs on the node (same suite as the build host)
pkgs+=,libpocofoundation80,libpoconet80,libspdlog1.10,libfmt9
debootstrap --variant=minbase --include="$pkgs" "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" >&2
# A node is a container: no getty, no kernel-facing units that cannot work there,
# no first-boot or login chores. Nodes boot together on a few cores: masking
# the module loaders, mounts and chores took three nodes' boot from 12.7-13.3 s
# to 11.7-12.7 s here, one node's from 5.6-5.9 s to 5.3-5.35 s (2026-12-07).
rm -f "$root"/etc/machine-id "$root"/var/lib/dbus/machine-id
touch "$root"/etc/machine-id
for u in getty.target systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
         systemd-modules-load.service modprobe@.service kmod-static-nodes.service systemd-binfmt.service \
         sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount dev-hugepages.mount \
         sys-fs-fuse-connections.mount proc-sys-fs-binfmt_misc.automount systemd-remount-fs.service \
         e2scrub_reap.service systemd-pstore.service systemd-random-seed.service systemd-firstboot.service \
         systemd-machine-id-commit.service systemd-repart.service systemd-update-utmp.service \
         systemd-update-utmp-runlevel.service systemd-initctl.socket systemd-journald-audit.socket \
         systemd-ask-password-console.path systemd-ask-password-wall.path remote-fs.target \
         apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer dpkg-db-backup.timer; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# what a node never runs: CNI plugins dind does not configure (bridge, ptp,
# host-local and portmap are dind-net's, loopback containerd's), containerd's
# load generator and its v1 shims
for f in "$root"/usr/lib/cni/*; do
  case ${f##*/} in bridge|ptp|host-local|portmap|loopback) ;; *) rm -f "$f" ;; esac
done
rm -f "$root"/usr/bin/containerd-stress "$root"/usr/bin/containerd-shim "$root"/usr/bin/containerd-shim-runc-v1
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc \
       "$root"/usr/share/man "$root"/usr/share/locale
tar -C "$root" --numeric-owner -cf "$out" .
