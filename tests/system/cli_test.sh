#!/usr/bin/env bash
# Every tool, as a Makefile would call it: --help and --version exit 0, an
# unknown flag or subcommand is one line on stderr and exit 2.
. "$(dirname "$0")/lib.sh"
for tool in kubectl-dind dind-net dind-dump dind-e2e; do
  exe="$DIND_BUILD/tools/$tool"
  check "$tool --help exits 0" "$exe" --help
  check "$tool --version names itself" bash -c "'$exe' --version | grep -q '^$tool [0-9]'"
  set +e
  "$exe" --no-such-flag >/dev/null 2>/tmp/dind-cli-err; rc=$?
  set -e
  check "$tool --no-such-flag: exit 2 ($rc)" test "$rc" = 2
  check "$tool --no-such-flag: one line" test "$(wc -l < /tmp/dind-cli-err)" = 1
done
set +e
DOCKER_HOST=unix:///nonexistent.sock "$KD" version >/dev/null 2>/tmp/dind-cli-err; rc=$?
set -e
check "missing socket: exit 1, one line naming it" \
  bash -c "[ $rc = 1 ] && [ \$(wc -l < /tmp/dind-cli-err) = 1 ] && grep -q '/nonexistent.sock' /tmp/dind-cli-err"
check "version prints the engine's API" bash -c "'$KD' version | grep -q 'Docker engine .* (API 1\.'"
check "dind-net plan --json parses" bash -c "'$NET' plan --json | python3 -m json.tool >/dev/null"
check "kubectl dind split64 runs dind-dump" bash -c "echo | '$KD' split64 -o /tmp/dind-cli-split 2>&1 | grep -q 'no %%% start-base64'"
finish
