#!/usr/bin/env bash
# A clang ThreadSanitizer build of the parallel paths' test only
# (tests/integration/parallel_test.cpp), run against the real engine.
set -euo pipefail
: "${DIND_BUILD:?DIND_BUILD must point at the meson build dir}"
src=$(cd "$(dirname "$0")/../.." && pwd)
dir="$DIND_BUILD/tsan"
if [ ! -f "$dir/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 meson setup "$dir" "$src" -Db_sanitize=thread -Db_lundef=false -Dwerror=false >/dev/null
fi
meson compile -C "$dir" parallel-tests >/dev/null
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$src/tests/hostile/tsan.supp" "$dir/tests/parallel-tests"
