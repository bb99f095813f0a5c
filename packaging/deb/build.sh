#!/usr/bin/env bash
# One command for the Debian package: dist/dind_<version>_<arch>.deb with the
# static tools under /usr, their man pages and completion, and the images/
# recipes (dpkg-deb; no debhelper needed).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$("$root/packaging/static-build.sh" "${1:-}")
version=$(sed -n "s/^ *version : '\(.*\)',$/\1/p" "$root/meson.build")
arch=$(dpkg --print-architecture)
stage=$(mktemp -d) && chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
DESTDIR="$stage" meson install -C "$build" --strip --no-rebuild --quiet
mkdir -p "$stage/DEBIAN" "$root/dist"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: dind
Version: $version
Architecture: $arch
Maintainer: dind developers <dind@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Recommends: docker.io | docker-ce
Suggests: golang-go, debootstrap, busybox-static
Section: devel
Priority: optional
Description: multi-node Kubernetes test clusters in Docker
 kubectl-dind (run as "kubectl dind up|reup|down|clean|status|...") starts
 real Kubernetes clusters whose nodes are Docker containers running systemd,
 containerd and kubelet, joined with kubeadm. dind-net plans networks (IPv4,
 IPv6, dual-stack), dind-dump writes cluster state into CI logs and reads it
 back, dind-e2e runs the conformance tests. The tools are statically linked.
CONTROL
out="$root/dist/dind_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "$out"
