#include "report/junit.hpp"

#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

// The shape ginkgo v2 writes (--junit-report).
const char* ginkgo = R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="4" disabled="0" errors="0" failures="1" time="12.5">
  <testsuite name="Kubernetes e2e suite" package="/e2e" tests="4" failures="1">
    <testcase name="[It] [sig-network] Services should serve a basic endpoint" classname="Kubernetes e2e suite" status="passed" time="3.1"></testcase>
    <testcase name="[It] [sig-apps] Job should fail &amp; retry" classname="Kubernetes e2e suite" status="failed" time="5">
      <failure message="timed out waiting for &quot;job&quot; &lt;done&gt;" type="failed">[FAILED] timed out&#10;In [It] at: test/e2e/apps/job.go:123 &#x40; 13:00</failure>
      <system-err>log of the test</system-err>
    </testcase>
    <testcase name="[It] skipped by focus" classname="Kubernetes e2e suite" status="skipped" time="0"><skipped message="skipped"></skipped></testcase>
    <testcase name="[It] self-closing passes" classname="x"/>
    <testcase name="[It] old style error" classname="x"><error message=""><![CDATA[a <raw> stack
second line]]></error></testcase>
  </testsuite>
</testsuites>
)";

} // namespace

TEST_CASE("junit: counts, failures with decoded messages and bodies") {
  auto r = report::parse_junit(ginkgo, "junit_01.xml");
  CHECK(r.file == "junit_01.xml");
  CHECK(r.passed == 2);
  CHECK(r.failed == 2);
  CHECK(r.skipped == 1);
  REQUIRE(r.failures.size() == 2);
  CHECK(r.failures[0].name == "[It] [sig-apps] Job should fail & retry");
  CHECK(r.failures[0].message == "timed out waiting for \"job\" <done>");
  CHECK(r.failures[0].text == "[FAILED] timed out\nIn [It] at: test/e2e/apps/job.go:123 @ 13:00");
  CHECK(r.failures[1].text == "a <raw> stack\nsecond line");
  CHECK(r.failures[1].message == "a <raw> stack");  // no message: the body's first line
}

TEST_CASE("junit: not JUnit is an error") {
  CHECK_THROWS_AS(report::parse_junit("<project><dependency/></project>", "pom.xml"), Error);
}

TEST_CASE("junit: the log lines around a failure") {
  auto r = report::parse_junit(ginkgo, "j.xml");
  std::string log;
  for (int i = 1; i <= 20; ++i) log += "line " + std::to_string(i) + "\n";
  log += "  timed out waiting for \"job\" <done>\n";
  for (int i = 22; i <= 40; ++i) log += "line " + std::to_string(i) + "\n";
  report::add_log_context(r, log, 2);
  CHECK(r.failures[0].log == "line 19\nline 20\n  timed out waiting for \"job\" <done>\nline 22\nline 23");
  CHECK(r.failures[1].log.empty());
}

TEST_CASE("xml_unescape") {
  CHECK(report::xml_unescape("a&lt;b&gt;&amp;&quot;&apos;") == "a<b>&\"'");
  CHECK(report::xml_unescape("&#233;&#x263A;") == "\xC3\xA9\xE2\x98\xBA");
  CHECK(report::xml_unescape("AT&T &unknown; &#xZZ; &") == "AT&T &unknown; &#xZZ; &");
}
