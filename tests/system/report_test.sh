#!/usr/bin/env bash
# Issue 18's report on a REAL cluster dump, looked at in a real browser: a
# 1+1 cluster (CLUSTER_ID=42) with a pod planted to crash-loop, reported live
# (kubectl dind report), from a CI log (dind-dump report < log) and from a
# split directory; headless Chromium renders the page to a non-empty
# screenshot and its DOM names the nodes, the planted pod and its reason.
# Run it under the machine's cluster lock:
#   flock /tmp/dind-cluster.lock meson test -C build --suite report
# DIND_REPORT_KEEP=DIR keeps the pages and the screenshot there.
. "$(dirname "$0")/lib.sh"
DD="$DIND_BUILD/tools/dind-dump"
export CLUSTER_ID=42 NUM_NODES=1
CTX=dind-cluster-42
w=$(mktemp -d)
mkdir "$w/tmp"  # TMPDIR of the reports, to see their temporary directories gone
trap '"$KD" clean -q || true; rm -rf "$w"' EXIT
command -v chromium >/dev/null || { echo "chromium is missing (./setup.sh installs it)" >&2; exit 1; }
ensure_busybox
"$KD" clean -q
"$KD" up -q
"$KD" load -q "$BUSYBOX"
"$K" --context "$CTX" run crasher --image="docker.io/library/$BUSYBOX" --image-pull-policy=Never --restart=Always \
  -- sh -c 'echo "planted failure: no config"; exit 1' >/dev/null
log "waiting for the planted pod to crash-loop"
# dind caps kubelet's back-off at 2 s: the pod shows CrashLoopBackOff for those
# 2 s of each ~15 s restart cycle and Error the rest (a 2 s poll once missed it
# 90 times in a row), so the loop is told by its restarts and exit code
crash_looping() { [ "${state%% *}" -ge 2 ] 2>/dev/null && [ "${state#* }" = 1 ]; }
for _ in $(seq 90); do
  state=$("$K" --context "$CTX" get pod crasher -o jsonpath='{.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].lastState.terminated.exitCode}' 2>/dev/null || true)
  crash_looping && break
  sleep 2
done
check "the planted pod crash-loops (restarts, last exit code: $state)" crash_looping

log "report: live, from a CI log, from a split directory"
TMPDIR="$w/tmp" "$KD" report -q -o "$w/live.html"
{ echo "CI noise before"; "$KD" dump64; echo "CI noise after"; } > "$w/ci.log"
TMPDIR="$w/tmp" "$DD" report -o "$w/log.html" < "$w/ci.log" 2> "$w/log.err"
check "the verdict is printed and names the pod: $(cat "$w/log.err")" grep -qE "Unhealthy: .*default/crasher \((CrashLoopBackOff|Error)\)" "$w/log.err"
check "no temporary directory is left behind" test -z "$(ls -A "$w/tmp")"
"$DD" split64 -q -o "$w/cluster-dump" < "$w/ci.log"
"$DD" report "$w/cluster-dump" -o "$w/dir.html" 2>/dev/null
for page in live log dir; do
  check "$page.html has nodes.json, pods.json and events.json data" \
    grep -q 'f-cluster-2fpods-2ejson' "$w/$page.html"
done
check "the directory report links full files" grep -q 'href="cluster-dump/cluster/pods.json"' "$w/dir.html"

log "headless Chromium"
chrome() { chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "$@" 2>/dev/null; }
chrome --window-size=1280,1600 --screenshot="$w/report.png" "file://$w/log.html" >/dev/null
size=$(stat -c %s "$w/report.png" 2>/dev/null || echo 0)
check "the screenshot is a non-empty PNG ($size bytes)" bash -c "[ $size -gt 20000 ] && file '$w/report.png' | grep -q 'PNG image data, 1280 x 1600'"
chrome --dump-dom "file://$w/log.html" > "$w/dom.html"
for text in kube-master-cluster-42 kube-node-1-cluster-42 crasher CrashLoopBackOff "planted failure: no config"; do
  check "the DOM contains $text" grep -q "$text" "$w/dom.html"
done
check "the DOM has the timeline SVG" grep -q '<svg' "$w/dom.html"
check "the page has no script" bash -c "! grep -qi '<script' '$w/log.html'"
[ -n "${DIND_REPORT_KEEP:-}" ] && mkdir -p "$DIND_REPORT_KEEP" && cp "$w"/*.html "$w/report.png" "$DIND_REPORT_KEEP/"
"$KD" clean -q
check "nothing of cluster 42 is left" test "$(labelled io.dind.cluster=cluster-42)" = 0
finish
