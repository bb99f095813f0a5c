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
};

// Runs e2e.test once with progress on the step line; the raw log and the
// JUnit XML go to out_dir.
RunReport run(util::Steps& steps, const RunOptions& options);

} // namespace dind::e2e
