#include "e2e/run.hpp"

#include "util/error.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

namespace dind::e2e {

const std::vector<Skip>& environment_skips() {
  static const std::vector<Skip> skips = {
      {"IPVS", "the kernel has no IP_VS"},
      {"\\[Feature:", "feature-gated tests are not part of conformance"},
      {"\\[Disruptive\\]", "disrupts the cluster for other tests"},
      {"\\[Flaky\\]", "known flaky upstream"},
  };
  return skips;
}

void read_json_report(const std::string& path, RunReport& report) {
  if (!std::filesystem::exists(path)) {
    report.verdict = "no JSON report: the run did not finish (e2e exit " + std::to_string(report.exit_code) + ")";
    return;
  }
  auto doc = json::parse(util::read_file(path), "ginkgo JSON report");
  if (!doc.IsArray()) throw Error(path + ": not a ginkgo JSON report");
  int passed = 0, failed = 0, skipped = 0;
  bool succeeded = doc.Size() > 0;
  for (auto& suite : doc.GetArray()) {
    succeeded = succeeded && json::flag(suite, {"SuiteSucceeded"});
    auto* specs = json::find(suite, {"SpecReports"});
    if (!specs || !specs->IsArray()) continue;
    for (auto& spec : specs->GetArray()) {
      // setup nodes (SynchronizedBeforeSuite, ...) are reported too: count only the tests
      if (json::str(spec, {"LeafNodeType"}) != "It") continue;
      std::string state = json::str(spec, {"State"});
      if (state == "passed") ++passed;
      else if (state == "skipped" || state == "pending") ++skipped;
      else ++failed;  // failed, panicked, interrupted, aborted, timedout
    }
  }
  report.passed = passed, report.failed = failed, report.skipped = skipped;
  if (!succeeded) report.verdict = "the suite did not succeed (e2e exit " + std::to_string(report.exit_code) + ")";
  else if (report.exit_code != 0) report.verdict = "e2e exited " + std::to_string(report.exit_code);
}

RunReport run(util::Steps& steps, const RunOptions& options) {
  namespace fs = std::filesystem;
  fs::create_directories(options.out_dir);
  RunReport report;
  report.log = options.out_dir + "/e2e.log";
  std::vector<std::string> skip;
  if (!options.serial) skip.push_back("\\[Serial\\]");
  for (auto& s : environment_skips()) skip.push_back(s.pattern);
  std::string focus = options.serial ? "\\[Serial\\].*" + options.focus : options.focus;
  std::vector<std::string> e2e_args = {"--kubeconfig=" + options.kubeconfig, "--provider=skeleton",
                                       "--kubectl-path=" + options.kubectl, "--report-dir=" + options.out_dir};
  if (!options.context.empty()) e2e_args.push_back("--context=" + options.context);
  std::vector<std::string> cmd;
  if (options.parallel > 1) {
    std::string ginkgo = fs::path(options.e2e_test).parent_path().string() + "/ginkgo";
    // with several processes only the ginkgo CLI sees every result: it writes the JUnit
    cmd = {ginkgo, "--procs=" + std::to_string(options.parallel), "--focus=" + focus, "--skip=" + util::join(skip, "|"),
           "--no-color", "-v", "--output-dir=" + options.out_dir, "--junit-report=junit_01.xml",
           "--json-report=report.json", options.e2e_test, "--"};
  } else {
    cmd = {options.e2e_test, "--ginkgo.focus=" + focus, "--ginkgo.skip=" + util::join(skip, "|"), "--ginkgo.no-color", "--ginkgo.v",
           "--ginkgo.json-report=" + fs::absolute(options.out_dir).string() + "/report.json"};
  }
  // a report left by an earlier run must not speak for this one
  fs::remove(options.out_dir + "/report.json");
  cmd.insert(cmd.end(), e2e_args.begin(), e2e_args.end());
  std::ofstream log_file(report.log);
  std::regex will_run(R"(Will run (\d+) of (\d+) specs)"), done(R"(• \[([0-9.]+) seconds\])"),
      failed(R"(• \[FAILED\])"), summary(R"((\d+) Passed \| (\d+) Failed \| \d+ Pending \| (\d+) Skipped)"),
      ran(R"(Ran \d+ of \d+ Specs in ([0-9.]+) seconds)"), spec_fail(R"(^\s*\[FAIL\] (.*))");
  util::ProcessOptions po;
  po.on_line = [&](const std::string& line) {
    log_file << line << "\n";
    log::debug("e2e: {}", line);
    std::smatch m;
    if (std::regex_search(line, m, will_run)) {
      report.will_run = std::stoi(m[1]);
      report.total = std::stoi(m[2]);
    } else if (std::regex_search(line, m, failed)) {
      ++report.failed;
    } else if (std::regex_search(line, m, done)) {
      ++report.passed;
    } else if (std::regex_search(line, m, summary)) {
      report.passed = std::stoi(m[1]);
      report.failed = std::stoi(m[2]);
      report.skipped = std::stoi(m[3]);
    } else if (std::regex_search(line, m, ran)) {
      report.seconds = std::stod(m[1]);
    } else if (std::regex_search(line, m, spec_fail)) {
      report.failures.push_back(util::trim(m.str(1)));
      return;
    } else {
      return;
    }
    steps.status(std::to_string(report.passed + report.failed) + "/" + std::to_string(report.will_run) + " done, " +
                 std::to_string(report.failed) + " failed");
  };
  util::ProcessResult r;
  steps.run("Running e2e: " + focus, [&] {
    r = util::run(cmd, po);
    if (report.will_run == 0 && r.exit_code != 0) {
      throw Error("e2e.test failed before running tests: " + util::trim(util::split(r.err + r.out, '\n').empty() ? "" : util::split(r.err + r.out, '\n').back()));
    }
  });
  for (auto& e : fs::directory_iterator(options.out_dir)) {
    if (util::starts_with(e.path().filename().string(), "junit")) report.junit = e.path().string();
  }
  if (report.will_run == 0) throw Error("no test matches focus '" + focus + "'");
  report.exit_code = r.exit_code;
  read_json_report(options.out_dir + "/report.json", report);
  return report;
}

} // namespace dind::e2e
