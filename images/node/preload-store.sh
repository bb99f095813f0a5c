#!/bin/sh
# Runs in the node image's build container once containerd there has imported
# the control-plane images (unpacked by its overlayfs snapshotter onto the
# volume at /var/lib/containerd). Keeps what a node needs to have them
# without importing at boot (images/node/files/dind-preload):
#   /usr/local/share/dind/layers/N/fs   the unpacked layers; containerd's
#                                       snapshot directories link here
#   /usr/local/share/dind/containerd    containerd's records (metadata, the
#                                       manifests and configs), without the
#                                       layer tars: the layers are unpacked
#   /usr/local/share/dind/kubernetes    the Kubernetes images' shared layer's
#                                       usr/local/bin, where the node's
#                                       /usr/bin/kubelet, kubeadm, kubectl link
# Usage: preload-store.sh IMAGES_ID   (containerd still running)
set -eu
id=$1
store=/var/lib/containerd
share=/usr/local/share/dind
# the manifests name their layers in containerd's garbage-collection labels
layers=$(ctr -n k8s.io content ls | grep -o 'gc\.ref\.content\.l\.[0-9]*=sha256:[0-9a-f]*' | cut -d: -f2 | sort -u)
[ -n "$layers" ] || { echo "preload-store: containerd's store names no layer" >&2; exit 1; }
kill "$(pidof containerd)"
while pidof containerd >/dev/null; do sleep 0.1; done
snapshots=$store/io.containerd.snapshotter.v1.overlayfs/snapshots
mkdir -p $share/layers
for dir in "$snapshots"/*; do
  n=${dir##*/}
  mv "$dir" $share/layers/"$n"
  ln -s $share/layers/"$n" "$dir"
done
# the Kubernetes binaries are one layer all Kubernetes images share
bins=""
for b in $share/layers/*/fs/usr/local/bin/kubelet; do
  [ -e "$b" ] && bins="$bins ${b%/kubelet}"
done
set -- $bins
[ $# = 1 ] || { echo "preload-store: want one layer with the Kubernetes binaries, found $#:$bins" >&2; exit 1; }
ln -sfn "${1#$share/}" $share/kubernetes
for digest in $layers; do rm "$store/io.containerd.content.v1.content/blobs/sha256/$digest"; done
rm -rf $share/containerd
cp -a $store $share/containerd
echo "$id" > $share/images.id
