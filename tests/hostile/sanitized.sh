#!/usr/bin/env bash
# One clang build directory, ASan+UBSan, serving two things: the unit,
# hostile and Docker integration tests under the sanitizers, and the
# libFuzzer harnesses (tests/fuzz), each run for FUZZ_RUNS iterations on its
# seed corpus (tests/fuzz/corpus/<name>; new inputs go to a temp dir).
# Only the targets these need are compiled. tests/bench/fuzz runs longer.
set -euo pipefail
: "${DIND_BUILD:?DIND_BUILD must point at the meson build dir}"
src=$(cd "$(dirname "$0")/../.." && pwd)
dir="$DIND_BUILD/sanitized"
runs=${FUZZ_RUNS:-3000}
fuzzers=(split safe_name cidr config docker_json tar demux)
if [ ! -f "$dir/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 meson setup "$dir" "$src" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dfuzz=true -Dwerror=false >/dev/null
fi
targets=(unit-tests hostile-tests docker-tests)
for f in "${fuzzers[@]}"; do targets+=("fuzz-${f//_/-}"); done
meson compile -C "$dir" "${targets[@]}" >/dev/null
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$src/tests/hostile/ubsan.supp"
echo "== unit, hostile and Docker integration tests under ASan+UBSan"
"$dir/tests/unit-tests"
"$dir/tests/hostile-tests"
"$dir/tests/docker-tests"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for f in "${fuzzers[@]}"; do
  mkdir -p "$work/$f"
  echo "== fuzz-${f//_/-}: $runs runs"
  "$dir/tests/fuzz/fuzz-${f//_/-}" -runs="$runs" -max_len=65536 -timeout=20 -rss_limit_mb=1024 \
    -artifact_prefix="$work/" "$work/$f" "$src/tests/fuzz/corpus/$f" 2>&1 | grep -E '^(Done|==|SUMMARY|INFO: Running)|ERROR' || true
  if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* >/dev/null 2>&1; then
    echo "fuzz-${f//_/-} found a problem: $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null)" >&2
    exit 1
  fi
done
echo "all sanitized tests and fuzzers passed"
