#!/usr/bin/env bash
# flannel for CNI_PLUGIN=flannel, from Go modules: flanneld and the flannel CNI
# plugin (the one that reads flanneld's subnet.env and hands the pod to bridge).
#   build.sh OUTDIR  -> OUTDIR/flanneld, OUTDIR/flannel
# The pins live here, not in images/versions: the node image does not carry flannel.
set -euo pipefail
FLANNEL_VERSION=v0.28.10
# flannel-io/cni-plugin is not served by the module proxy; the plugin's last
# release inside containernetworking/plugins is
CNI_PLUGINS_VERSION=v0.9.1
out=$(mkdir -p "$1" && cd "$1" && pwd)
work="$out/.module"
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
build github.com/flannel-io/flannel "$FLANNEL_VERSION" 1 "$out/flanneld" github.com/flannel-io/flannel \
  "replace github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc => github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc v1.0.800"
build github.com/containernetworking/plugins "$CNI_PLUGINS_VERSION" 0 "$out/flannel" github.com/containernetworking/plugins/plugins/meta/flannel
rm -rf "$work"
