#!/usr/bin/env bash
# flannel for CNI_PLUGIN=flannel, from Go modules: flanneld and the flannel CNI
# plugin (the one that reads flanneld's subnet.env and hands the pod to bridge).
#   build.sh OUTDIR  -> OUTDIR/rootfs.tar: /opt/bin/flanneld, /opt/bin/flannel,
#   and what they and the DaemonSet's commands run: the host's iptables (nf_tables,
#   as the nodes'), sh, cp and sleep, each with the libraries it loads
# The pins live here, not in images/versions: the node image does not carry flannel.
set -euo pipefail
FLANNEL_VERSION=v0.28.10
# flannel-io/cni-plugin is not served by the module proxy; the plugin's last
# release inside containernetworking/plugins is
CNI_PLUGINS_VERSION=v0.9.1
out=$(mkdir -p "$1" && cd "$1" && pwd)
work="$out/.module"
root="$out/.root"
export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local

build() { # build MODULE VERSION CGO OUTPUT PACKAGE [go.mod lines...]
  local module=$1 version=$2 cgo=$3 output=$4 package=$5; shift 5
  rm -rf "$work" && mkdir -p "$work"
  printf 'module dind.local/build/flannel\n\ngo 1.24.0\n\nrequire %s %s\n' "$module" "$version" > "$work/go.mod"
  for line in "$@"; do echo "$line" >> "$work/go.mod"; done
  echo "dind-progress: $(cd "$work" && go list -deps "$package" | wc -l) Go packages" >&2
  # static either way: flanneld's udp backend is cgo, and both run on nodes
  # and in an image whose libc is not the host's
  (cd "$work" && CGO_ENABLED=$cgo go build -v -trimpath -tags netgo,osusergo \
     -ldflags="-s -w -X github.com/flannel-io/flannel/pkg/version.Version=$version -extldflags -static" -o "$output" "$package")
}

# tencentcloud's vpc module is refused by the proxy past v1.0.800
rm -rf "$root" && mkdir -p "$root/opt/bin" "$root/usr/sbin" "$root/bin" "$root/tmp" "$root/run"
chmod 1777 "$root/tmp"
build github.com/flannel-io/flannel "$FLANNEL_VERSION" 1 "$root/opt/bin/flanneld" github.com/flannel-io/flannel \
  "replace github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc => github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc v1.0.800"
build github.com/containernetworking/plugins "$CNI_PLUGINS_VERSION" 0 "$root/opt/bin/flannel" github.com/containernetworking/plugins/plugins/meta/flannel
rm -rf "$work"

# a small image: the nodes load it on every up (dind-base under it was 280 MB, 15 s)
cp /usr/sbin/xtables-nft-multi "$root/usr/sbin/"
for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -s xtables-nft-multi "$root/usr/sbin/$t"
done
cp /bin/dash "$root/bin/sh"
cp /bin/cp /bin/sleep "$root/bin/"
# iptables' matches and targets, loaded by name from its compiled-in directory
xt=/usr/lib/$(basename "$(dirname "$(ldd /usr/sbin/xtables-nft-multi | awk '/libxtables/ {print $3}')")")/xtables
mkdir -p "$root$xt" && cp "$xt"/*.so "$root$xt/"
ldd /usr/sbin/xtables-nft-multi /bin/dash /bin/cp /bin/sleep | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | sort -u |
  while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
"$root"/lib64/ld-linux-*.so.* --library-path "$(find "$root" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)" \
  "$root/usr/sbin/xtables-nft-multi" iptables -V
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$out/rootfs.tar" .
rm -rf "$root"
