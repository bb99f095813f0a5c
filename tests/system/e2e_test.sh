#!/usr/bin/env bash
# Issue 7: offline conformance tests on a fresh 3-node cluster: a Services
# test and DNS tests pass, with JUnit and the raw log written; then the ones
# our own test images once failed (environment variable names, the exact
# read-only-root message, setuid nnp) and the service guard's test.
. "$(dirname "$0")/lib.sh"
trap '"$KD" clean -q --label e2e || true' EXIT
# everything the tests need is built first: no cluster idles through the builds
"$DIND_BUILD/tools/dind-e2e" build -q
"$KD" up -q --label e2e
out=$(mktemp -d)
check "kubectl dind e2e: basic endpoint + DNS conformance tests pass" \
  "$KD" e2e --label e2e -o "$out" 'should serve a basic endpoint from pods|DNS should provide DNS for the cluster|DNS should support configurable pod DNS nameservers'
check "JUnit XML written with 3 passed tests" \
  bash -c "grep -o '<testcase name=\"\[It\][^>]*status=\"passed\"' $out/junit_01.xml | wc -l | grep -qx 3"
check "raw log written" test -s "$out/e2e.log"
check "image-sensitive conformance tests pass (-p 2; the seed's E2E_REPORT_DIR says where)" \
  env E2E_REPORT_DIR="$out/images" "$KD" e2e --label e2e -p 2 'environment variable names|should not write to root filesystem|AllowPrivilegeEscalation|same port and different protocols'
check "JUnit XML written by a parallel run too, into E2E_REPORT_DIR" \
  bash -c "grep -q '<testcase name=\"\[It\][^>]*status=\"passed\"' $out/images/junit_01.xml"
set +e
"$KD" e2e --label e2e -o "$out/none" 'no test is named like this' 2>/tmp/dind-e2e-err; rc=$?
set -e
check "a focus matching nothing: exit 1, said so ($(tail -1 /tmp/dind-e2e-err))" bash -c "[ $rc = 1 ] && grep -q 'no test matches' /tmp/dind-e2e-err"
finish
