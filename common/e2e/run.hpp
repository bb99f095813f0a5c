#pragma once
#include "util/steps.hpp"

#include <string>
#include <vector>

namespace dind::e2e {

struct RunOptions {
  std::string e2e_test;   // the e2e.test binary
  std::string kubeconfig;
  std::string context;
  std::string kubectl = "kubectl";  // what the tests exec pods with
  std::string focus = "\\[Conformance\\]";
  bool serial = false;    // [Serial] conformance tests instead of the parallel-safe ones
  std::string out_dir = "e2e-results";
  int parallel = 1;       // > 1: ginkgo (next to e2e.test) runs that many processes
};

struct Skip {
  std::string pattern;
  std::string reason;
};

// Tests this environment cannot run, by pattern, with the reason printed.
const std::vector<Skip>& environment_skips();

struct RunReport {
  int will_run = 0, total = 0, passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> failures;
  double seconds = 0;
  std::string log, junit;
  int exit_code = -1;   // of e2e.test or ginkgo
  std::string verdict;  // why the run failed besides failed tests; empty when it did not
  bool succeeded() const { return failed == 0 && verdict.empty(); }
};

// The counts from ginkgo's JSON report (truer than the log), and the verdict:
// a run killed mid-way writes no report, or one whose suite did not succeed.
void read_json_report(const std::string& path, RunReport& report);

// Runs e2e.test once with progress on the step line; the raw log and the
// JUnit XML go to out_dir.
RunReport run(util::Steps& steps, const RunOptions& options);

} // namespace dind::e2e
