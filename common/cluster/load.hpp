#pragma once
#include "cluster/config.hpp"
#include "docker/client.hpp"
#include "util/steps.hpp"

#include <string>
#include <vector>

namespace dind::cluster {

// Copies images from the host's Docker into every node's containerd (k8s.io
// namespace), like `kind load docker-image`: the offline way to give pods
// an image.
void load_images(docker::Client& docker, util::Steps& steps, const Config& config, const std::vector<std::string>& images);

} // namespace dind::cluster
