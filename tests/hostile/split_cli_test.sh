#!/usr/bin/env bash
# dind-dump split/split64 as a user runs them: never over existing files,
# cluster-dump-N, bounds refused with one line, partial files named.
set -euo pipefail
: "${DIND_BUILD:?DIND_BUILD must point at the meson build dir}"
DD="$DIND_BUILD/tools/dind-dump"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w"
failures=0
check() { local what=$1; shift; if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failures=$((failures + 1)); fi; }
mkdir -p src/.ssh src/a
echo theirs > src/.ssh/x; head -c 300000 /dev/urandom | base64 > src/a/big
"$DD" pack64 src > d.txt

"$DD" split64 < d.txt 2>/dev/null; "$DD" split64 < d.txt 2>/dev/null
check "a second split goes to cluster-dump-2, the first stays" bash -c "cmp -s cluster-dump/a/big src/a/big && cmp -s cluster-dump-2/a/big src/a/big"

mkdir -p home/.ssh; echo mine > home/.ssh/x; echo keep > home/keep
set +e; "$DD" split64 -o home < d.txt 2> err; rc=$?; set -e
check "existing files are kept: exit 1, named, --force suggested" \
  bash -c "[ $rc = 1 ] && [ \"\$(cat home/.ssh/x)\" = mine ] && [ -f home/keep ] && grep -q -- '--force' err && [ -f home/dump-1/.ssh/x ]"
rm -rf home/dump-1
"$DD" split64 -o home --force < d.txt 2>/dev/null
check "--force replaces them, and only them" bash -c "[ \"\$(cat home/.ssh/x)\" = theirs ] && [ -f home/keep ]"

set +e; "$DD" split64 -o bounded --max-bytes 100k < d.txt 2> err; rc=$?; set -e
check "--max-bytes: exit 1, one line naming the flag" bash -c "[ $rc = 1 ] && grep -c -- '--max-bytes' err | grep -qx 1"
set +e; "$DD" split64 -o x --max-bytes lots < d.txt 2>/dev/null; rc=$?; set -e
check "a bad --max-bytes is bad usage (exit 2)" test "$rc" = 2

head -c $(( $(stat -c %s d.txt) / 2 )) d.txt > cut.txt
set +e; "$DD" split64 -o cut --json < cut.txt > out.json 2>/dev/null; rc=$?; set -e
check "a cut dump names its partial file in --json" bash -c "[ $rc = 1 ] && grep -q '\"partial\": \"a/big\"' out.json"
sed 's/^/\x1b[36m/; s/$/\x1b[0m\x1b[K/' d.txt > colour.txt
"$DD" split64 -o colour < colour.txt 2> err
check "colour codes around every line: sha256 ok" grep -q 'sha256 ok' err
[ "$failures" = 0 ]
