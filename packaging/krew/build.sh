#!/usr/bin/env bash
# The krew plugin: dist/dind-<version>-linux-<arch>.tar.gz (the static tools,
# dind-pause and images/ side by side, as build-image looks for them) and
# dist/dind.yaml, its manifest with the archive's sha256.
#   build.sh URI_BASE   where the archive will be downloaded from; the
#                       manifest's uri is URI_BASE/<archive name>
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: packaging/krew/build.sh URI_BASE" >&2; exit 2; }
uri_base=${1%/}
build=$("$root/packaging/static-build.sh")
version=v$(sed -n "s/^ *version : '\(.*\)',$/\1/p" "$root/meson.build")
arch=$(dpkg --print-architecture)
name="dind-$version-linux-$arch.tar.gz"
stage=$(mktemp -d) && chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
for t in kubectl-dind dind-net dind-dump dind-e2e dind-pause; do
  install -m 0755 -s "$build/tools/$t" "$stage/$t"
done
cp -r "$root/images" "$stage/images"
cp "$root/LICENSE" "$root/README.md" "$stage/"
mkdir -p "$root/dist"
tar -C "$stage" --sort=name --owner=0 --group=0 --mtime=@0 -czf "$root/dist/$name" .
sha=$(sha256sum "$root/dist/$name" | cut -d' ' -f1)
cat > "$root/dist/dind.yaml" <<MANIFEST
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: dind
spec:
  version: $version
  shortDescription: Multi-node Kubernetes test clusters in Docker
  description: |
    Starts real multi-node Kubernetes clusters whose nodes are Docker
    containers running systemd, containerd and kubelet, joined with kubeadm:
    kubectl dind up | reup | down | clean | status | dump | e2e.
    Builds its node image offline (Go and debootstrap on the machine).
  caveats: |
    Needs a Docker engine. Build the node image once with
    "kubectl dind build-image", then "kubectl dind up".
  platforms:
  - selector:
      matchLabels:
        os: linux
        arch: $arch
    uri: $uri_base/$name
    sha256: $sha
    files:
    - from: "*"
      to: "."
    bin: kubectl-dind
MANIFEST
echo "$root/dist/$name"
echo "$root/dist/dind.yaml"
