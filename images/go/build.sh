#!/usr/bin/env bash
# Builds one upstream Go component at the version pinned in images/versions
# (with images/versions.d/MINOR over it when a Kubernetes minor is named).
#   build.sh kubernetes|etcd|coredns|crictl|e2e|agnhost [MINOR] OUTDIR
# Go is a build tool for Kubernetes only: this runs on the host's Go with
# modules from the Go module proxy. Output: static binaries in OUTDIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../versions
. "$here/../versions"
component=$1
if [ $# -eq 3 ]; then
  # shellcheck source=/dev/null
  . "$here/../versions.d/$2"
  shift
fi
out=$(mkdir -p "$2" && cd "$2" && pwd)
work="$out/.module"
rm -rf "$work" && mkdir -p "$work"
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local

# go build with progress dind can count (common/image/go_progress.cpp): the
# package total first, then -v names each package as it is compiled (both on
# stderr, so they arrive in order).
gobuild() { # gobuild LDFLAGS OUTPUT PACKAGE...
  local ldflags=$1 output=$2; shift 2
  echo "dind-progress: $(go list -deps "$@" | wc -l) Go packages" >&2
  go build -v -trimpath -ldflags="$ldflags" -o "$output" "$@"
}

module() { # module PATH VERSION  -> go.mod requiring it
  printf 'module dind.local/build/%s\n\ngo 1.24.0\n\nrequire %s %s\n' "$component" "$1" "$2" > "$work/go.mod"
}

case "$component" in
kubernetes|e2e|agnhost)
  module k8s.io/kubernetes "$KUBERNETES_VERSION"
  # k8s.io/kubernetes points its staging modules at ./staging; as a dependency
  # those replaces are ignored, so map each to its published v0.X.Y release
  # (the list is the release's own: it grows from one minor to the next).
  staging=v0.${KUBERNETES_VERSION#v1.}
  dir=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  for m in $(sed -n 's#^\s*k8s.io/\([a-z-]*\) => ./staging/src/.*#\1#p' "$dir/go.mod"); do
    echo "replace k8s.io/$m => k8s.io/$m $staging" >> "$work/go.mod"
  done
  minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  ver=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ver+=" -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ver+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  cd "$work"
  if [ "$component" = e2e ]; then
    go test -c -trimpath -ldflags="-s -w $ver" -o "$out/e2e.test" k8s.io/kubernetes/test/e2e
    gobuild "-s -w" "$out/" github.com/onsi/ginkgo/v2/ginkgo
  elif [ "$component" = agnhost ]; then
    # the test images' programs: agnhost, nonewprivs' nnp, the aggregator's sample-apiserver
    echo "require k8s.io/sample-apiserver $staging" >> "$work/go.mod"
    gobuild "-s -w" "$out/agnhost" k8s.io/kubernetes/test/images/agnhost
    gobuild "-s -w" "$out/nnp" k8s.io/kubernetes/test/images/nonewprivs
    gobuild "-s -w $ver" "$out/sample-apiserver" k8s.io/sample-apiserver
    # what the e2e images add around their binaries (agnhost's certs, kitten's and nautilus' pages)
    src=$(go list -m -f '{{.Dir}}' k8s.io/kubernetes)/test/images
    mkdir -p "$out/kitten" "$out/nautilus"
    cp "$src"/agnhost/porter/localhost.crt "$src"/agnhost/porter/localhost.key "$out/"
    cp "$src"/kitten/html/* "$out/kitten/"
    cp "$src"/nautilus/html/* "$out/nautilus/"
    chmod -R u+w "$out"
  else
    gobuild "-s -w $ver" "$out/" \
      k8s.io/kubernetes/cmd/kubeadm k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy
  fi ;;
etcd)
  module go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
  cd "$work"
  gobuild "-s -w" "$out/etcd" go.etcd.io/etcd/server/v3 ;;
crictl)
  module sigs.k8s.io/cri-tools "$CRI_TOOLS_VERSION"
  cd "$work"
  gobuild "-s -w" "$out/crictl" sigs.k8s.io/cri-tools/cmd/crictl ;;
coredns)
  module github.com/coredns/coredns "$COREDNS_VERSION"
  cd "$work"
  gobuild "-s -w" "$out/coredns" github.com/coredns/coredns ;;
*) echo "build.sh: unknown component '$component' (kubernetes, etcd, coredns, crictl, e2e, agnhost)" >&2; exit 2 ;;
esac
rm -rf "$work"
