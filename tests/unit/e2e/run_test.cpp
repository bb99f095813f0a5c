#include "e2e/run.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace dind;

namespace {

std::string report_file(const std::string& json) {
  std::string path = std::filesystem::temp_directory_path().string() + "/dind-report-test.json";
  util::write_file(path, json);
  return path;
}

const char* spec(const char* state) {
  static std::string s;
  s = std::string(R"({"LeafNodeType":"It","State":")") + state + "\"}";
  return s.c_str();
}

} // namespace

TEST_CASE("the e2e verdict needs a JSON report") {
  e2e::RunReport r;
  r.passed = 3;  // what the log said before the run was killed
  r.exit_code = 137;
  e2e::read_json_report("/nonexistent/report.json", r);
  CHECK_FALSE(r.succeeded());
  CHECK_THAT(r.verdict, Catch::Contains("did not finish"));
}

TEST_CASE("the e2e verdict counts the report's specs") {
  e2e::RunReport r;
  r.exit_code = 0;
  std::string passed = spec("passed");
  std::string json = R"([{"SuiteSucceeded":true,"SpecReports":[)" + passed + "," + spec("skipped") +
                     R"(,{"LeafNodeType":"SynchronizedBeforeSuite","State":"passed"}]}])";
  e2e::read_json_report(report_file(json), r);
  CHECK(r.succeeded());
  CHECK(r.passed == 1);
  CHECK(r.skipped == 1);

  e2e::RunReport interrupted;
  interrupted.exit_code = 1;
  e2e::read_json_report(report_file(R"([{"SuiteSucceeded":false,"SpecReports":[)" + passed + "," + spec("interrupted") + "]}]"),
                        interrupted);
  CHECK_FALSE(interrupted.succeeded());
  CHECK(interrupted.failed == 1);

  e2e::RunReport nonzero;
  nonzero.exit_code = 2;
  e2e::read_json_report(report_file(R"([{"SuiteSucceeded":true,"SpecReports":[)" + passed + "]}]"), nonzero);
  CHECK_FALSE(nonzero.succeeded());
}
