#pragma once
#include "docker/client.hpp"
#include "util/steps.hpp"

#include <string>
#include <vector>

namespace dind::e2e {

// The e2e test images built offline, tagged as the framework names them
// (`e2e.test --list-images`): agnhost from the Kubernetes module itself on
// Debian's tools, jessie-dnsutils from Debian, busybox from busybox-static. Returns the references built.
std::vector<std::string> build_test_images(docker::Client& docker, util::Steps& steps, const std::string& e2e_test,
                                           const std::string& agnhost);

} // namespace dind::e2e
