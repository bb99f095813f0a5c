#pragma once
#include "docker/client.hpp"
#include "util/steps.hpp"

#include <string>
#include <vector>

namespace dind::e2e {

// What the test images are made of: the e2e binary (it names the images), the
// agnhost component's directory (agnhost, nnp, sample-apiserver, pages,
// certificates), and the CoreDNS and etcd binaries.
struct TestImageInputs {
  std::string e2e_test;
  std::string assets;
  std::string coredns;
  std::string etcd;
  std::string busybox;  // images/busybox/build.sh's
};

// The e2e test images built offline, tagged as the framework names them
// (`e2e.test --list-images`): agnhost, nonewprivs and sample-apiserver from the
// Kubernetes modules on Debian's tools; kitten, nautilus and jessie-dnsutils
// likewise; busybox, httpd and nginx from our busybox build (httpd and nginx
// serve a page with busybox httpd); etcd from our etcd build. Returns the
// references.
std::vector<std::string> build_test_images(docker::Client& docker, util::Steps& steps, const TestImageInputs& in);

} // namespace dind::e2e
