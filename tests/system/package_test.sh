#!/usr/bin/env bash
# Shipping, for real: the release build is fully static and runs in an empty
# (scratch-like) container; the .deb installs on a fresh Debian system where
# `kubectl plugin list` finds kubectl-dind, man pages and completion are in
# place, and it removes cleanly; the krew archive installs with krew itself
# (built from its Go module) and `kubectl dind` runs from there.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/dind-package-XXXXXX)
SCRATCH=dind-test-scratch:$$
cleanup() { docker rmi -f "$SCRATCH" >/dev/null 2>&1 || true; rm -rf "$T"; }
trap cleanup EXIT

log "static release build and the .deb (packaging/deb/build.sh)"
deb=$("$ROOT/packaging/deb/build.sh" 2>"$T/build.log" | tail -1) || { cat "$T/build.log" >&2; exit 1; }
build="$ROOT/build-static"
check "the release build has no test executables to compile" bash -c "! ninja -C '$build' -t targets all | grep -q 'unit-tests'"
for t in kubectl-dind dind-net dind-dump dind-e2e; do
  check "$t: file says statically linked" bash -c "file '$build/tools/$t' | grep -q 'statically linked'"
done

log "an image with nothing but the four binaries"
mkdir -p "$T/scratch/tmp"
for t in kubectl-dind dind-net dind-dump dind-e2e; do cp "$build/tools/$t" "$T/scratch/"; done
tar -C "$T/scratch" -c . | docker import - "$SCRATCH" >/dev/null
in_scratch() { docker run --rm -v /var/run/docker.sock:/var/run/docker.sock "$SCRATCH" "$@"; }
for t in kubectl-dind dind-net dind-dump dind-e2e; do
  check "$t --help in an empty container" bash -c "$(declare -f in_scratch); SCRATCH=$SCRATCH in_scratch /$t --help >/dev/null"
done
check "dind-net plan --json in an empty container" bash -c "$(declare -f in_scratch); SCRATCH=$SCRATCH in_scratch /dind-net plan --ip-mode dual-stack --json | python3 -m json.tool >/dev/null"
check "kubectl-dind version reaches the engine from an empty container" \
  bash -c "$(declare -f in_scratch); SCRATCH=$SCRATCH in_scratch /kubectl-dind version | grep -q 'Docker engine'"
set +e
in_scratch /kubectl-dind status --cluster-id 77 >/dev/null 2>&1; rc=$?
set -e
check "kubectl-dind status (no such cluster) from an empty container: exit 3 ($rc)" test "$rc" = 3
mkdir -p "$T/state/nodes" && seq 1 5000 > "$T/state/nodes/log" && echo hello > "$T/state/a.txt"
"$build/tools/dind-dump" pack64 "$T/state" > "$T/blob.txt"
split_in_scratch() {
  docker run --rm -i "$SCRATCH" /dind-dump split64 -o /tmp/out --json < "$T/blob.txt" | tr -d ' \n' |
    grep -q '"files":2,.*"verified":"sha256ok"'
}
check "split64 (zstd) in an empty container restores the files" split_in_scratch

log "the .deb on a fresh Debian (the node base image: bookworm, no dind)"
base=$(docker images --format '{{.Repository}}:{{.Tag}}' dind-base | head -1)
kubectl_bin=$(ls "$HOME"/.cache/dind/go-kubernetes-*/kubectl | head -1)
check "dpkg -i, kubectl plugin list, man, completion, dpkg -r" docker run --rm --entrypoint /bin/bash \
  -v "$deb:/tmp/dind.deb:ro" -v "$kubectl_bin:/usr/local/bin/kubectl:ro" "$base" -c '
  set -e
  dpkg -i /tmp/dind.deb >/dev/null
  kubectl-dind --version | grep -q "^kubectl-dind [0-9]"
  kubectl plugin list 2>/dev/null | grep -q "/usr/bin/kubectl-dind"
  kubectl dind --version | grep -q "^kubectl-dind"
  dind-net plan --json >/dev/null
  test -s /usr/share/man/man1/kubectl-dind.1 && grep -q "^.SH COMMANDS" /usr/share/man/man1/kubectl-dind.1
  test -s /usr/share/zsh/vendor-completions/_kubectl-dind
  source /usr/share/bash-completion/completions/kubectl-dind
  COMP_WORDS=(kubectl-dind reu); COMP_CWORD=1; _kubectl_dind; [ "${COMPREPLY[*]}" = reup ]
  test -f /usr/share/dind/images/versions -a -x /usr/libexec/dind/dind-pause
  dpkg -r dind >/dev/null
  ! command -v kubectl-dind && ! test -e /usr/share/dind'

log "krew: the archive and manifest (packaging/krew/build.sh), installed by krew"
out=$("$ROOT/packaging/krew/build.sh" "https://downloads.invalid/dind" 2>>"$T/build.log")
archive=$(echo "$out" | head -1) manifest=$(echo "$out" | tail -1)
check "manifest sha256 is the archive's" grep -q "sha256: $(sha256sum "$archive" | cut -d' ' -f1)" "$manifest"
krew=$("$ROOT/packaging/krew/krew-tool.sh" --cached)  # ./setup.sh built it: no network here
mkdir -p "$T/kbin" && ln -sf "$kubectl_bin" "$T/kbin/kubectl" && ln -sf "$krew" "$T/kbin/kubectl-krew"
krewenv() { env KREW_ROOT="$T/krew" PATH="$T/krew/bin:$T/kbin:/usr/bin:/bin" "$@"; }
check "kubectl krew install --manifest --archive" \
  bash -c "$(declare -f krewenv); T=$T krewenv kubectl krew install --manifest='$manifest' --archive='$archive' </dev/null >/dev/null 2>&1"
check "kubectl plugin list finds the krew-installed kubectl-dind" \
  bash -c "$(declare -f krewenv); T=$T krewenv kubectl plugin list 2>/dev/null | grep -q '$T/krew/bin/kubectl-dind'"
check "kubectl dind from krew reaches the engine" bash -c "$(declare -f krewenv); T=$T krewenv kubectl dind version | grep -q 'Docker engine'"
check "krew's copy finds its images/ recipes" bash -c "$(declare -f krewenv); T=$T krewenv kubectl dind config >/dev/null"
finish
