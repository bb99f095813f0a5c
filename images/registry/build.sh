#!/usr/bin/env bash
# The local registry's root filesystem: Debian's docker-registry (the CNCF
# distribution registry 2.8) with the C library it links, and our config.
#   build.sh OUTDIR  -> OUTDIR/rootfs.tar
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
work=$(mktemp -d /var/tmp/dind-registry.XXXXXX)
trap 'rm -rf "$work"' EXIT
# _apt cannot write into a private temporary directory: the download then runs as us
(cd "$work" && apt-get download -qq docker-registry libc6)
dpkg-deb -x "$work"/docker-registry_*.deb "$work/registry"
dpkg-deb -x "$work"/libc6_*.deb "$work/libc"
root=$work/root
mkdir -p "$root/usr/bin" "$root/etc/docker/registry" "$root/var/lib/docker-registry" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$work/registry/usr/bin/docker-registry" "$root/usr/bin/"
# the loader and libc6's libraries, wherever this architecture keeps them
for d in lib lib64; do [ ! -d "$work/libc/$d" ] || cp -a "$work/libc/$d" "$root/"; done
install -m 0644 "$here/config.yml" "$root/etc/docker/registry/config.yml"
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$out/rootfs.tar" .
