#pragma once
#include "cluster/config.hpp"
#include "docker/client.hpp"
#include "e2e/run.hpp"
#include "util/steps.hpp"

#include <string>
#include <vector>

namespace dind::e2e {

// e2e.test (ginkgo beside it), built from the pinned Kubernetes version (cached).
std::string build_e2e_test(util::Steps& steps);

struct Built {
  std::string e2e_test;
  std::vector<std::string> images;  // the test images' references in the host's Docker
};

// e2e.test, ginkgo and the test images in the host's Docker (cached): what a
// run needs, built before any cluster exists when asked to.
Built build_all(docker::Client& docker, util::Steps& steps);

// A run on config's dind cluster: what it needs built, the test images loaded
// into its nodes, and options pointed at it (kubeconfig, context, kubectl);
// the report goes to the seed's E2E_REPORT_DIR unless out_dir_given.
void prepare_dind_run(util::Steps& steps, const cluster::Config& config, RunOptions& options, bool out_dir_given);

} // namespace dind::e2e
