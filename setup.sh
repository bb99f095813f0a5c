#!/usr/bin/env bash
# One command from a fresh clone to a running cluster:
#   installs Debian packages, builds the tools (meson), builds the node image
#   offline (cached by content hash), then `kubectl dind up`.
#   --no-up stops after the image (what the test command uses).
set -euo pipefail
cd "$(dirname "$0")"
up=1
[ "${1:-}" = --no-up ] && up=0
export PATH="/usr/local/go/bin:$PATH"
# ccache shares objects between clones (CI builds in a fresh one): not keyed by the directory
export CCACHE_NOHASHDIR=1
step() { printf '\n==> %s\n' "$*"; }

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
packages=(meson ninja-build pkg-config g++ libpoco-dev rapidjson-dev libspdlog-dev libcli11-dev catch2
          libzstd-dev liblzma-dev libssl-dev libyaml-cpp-dev libtomlplusplus-dev debootstrap busybox-static make zsh openssh-server openssh-client
          socat ccache python3 lxcfs ca-certificates curl time clang-14 libfuzzer-14-dev openssl chromium
          docker-registry)  # docker-registry: the load test pushes once for a RepoDigest
command -v docker >/dev/null || packages+=(docker.io)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  step "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v go >/dev/null || { echo "setup: Go (>= 1.24) is needed to build Kubernetes; put it on PATH" >&2; exit 1; }

if ! docker info >/dev/null 2>&1; then
  step "Starting the Docker daemon"
  $sudo service docker start >/dev/null 2>&1 || ($sudo dockerd >/var/log/dockerd.log 2>&1 &)
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "setup: the Docker daemon does not answer (see /var/log/dockerd.log)" >&2; exit 1; }
fi

# Every node's systemd, containerd and kubelet hold inotify instances: the
# default 128 per user runs out with two 3-node clusters (kube-proxy then
# crash-loops with "too many open files"). kind asks for the same values.
if [ "$(sysctl -n fs.inotify.max_user_instances)" -lt 512 ] || [ "$(sysctl -n fs.inotify.max_user_watches)" -lt 524288 ]; then
  step "Raising the inotify limits (fs.inotify.max_user_instances=512, max_user_watches=524288)"
  $sudo sysctl -qw fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288
fi

step "Building the tools"
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null

step "Building krew (the package suite installs the plugin with it)"
packaging/krew/krew-tool.sh >/dev/null

step "Building the node image (kubectl dind build-image)"
./build/tools/kubectl-dind build-image

if [ "$up" = 1 ]; then
  step "Starting a cluster (kubectl dind up)"
  ./build/tools/kubectl-dind up
  echo
  echo "kubectl is in ~/.kubeadm-dind-cluster: export PATH=\"\$HOME/.kubeadm-dind-cluster:\$PATH\""
fi
