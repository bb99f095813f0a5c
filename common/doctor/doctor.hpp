#pragma once
#include "cluster/config.hpp"
#include "docker/client.hpp"
#include "doctor/checks.hpp"

#include <vector>

namespace dind::doctor {

// Every check of the host for this configuration, in the order doctor prints
// them. Host facts (sysctls, kernel, devices, disk, ports) are only read when
// Docker is local: for a remote engine they say so and are skipped.
// DIND_DOCTOR_INOTIFY_INSTANCES / DIND_DOCTOR_INOTIFY_WATCHES replace the
// sysctls (tests on hosts that cannot change them).
std::vector<Check> run(docker::Client& docker, const cluster::Config& config);

// The checks that can block `up` (Docker, inotify, kernel features and
// devices the mode needs, disk, the API server port, network clashes), all
// cheap: `up` runs them first. Throws dind::Error with the failing checks'
// lines, the words doctor prints.
void preflight(docker::Client& docker, const cluster::Config& config);

} // namespace dind::doctor
