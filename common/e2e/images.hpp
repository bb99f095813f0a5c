#pragma once
#include "docker/client.hpp"
#include "util/steps.hpp"

#include <string>
#include <vector>

namespace dind::e2e {

// The e2e test images built offline, tagged as the framework names them
// (`e2e.test --list-images`): agnhost (from the Kubernetes module), kitten and
// nautilus on Debian's tools, jessie-dnsutils from Debian; busybox, httpd and
// nginx from busybox-static (httpd and nginx serve a page with busybox httpd).
// assets: the agnhost component's directory. Returns the references.
std::vector<std::string> build_test_images(docker::Client& docker, util::Steps& steps, const std::string& e2e_test,
                                           const std::string& assets, const std::string& coredns);

} // namespace dind::e2e
