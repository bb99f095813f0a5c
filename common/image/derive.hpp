#pragma once
#include "docker/client.hpp"

#include <functional>
#include <string>
#include <vector>

namespace dind::image {

// A new image made from `from` without a Dockerfile: a throwaway container
// runs `sleep infinity`, prepare(id) changes it (exec, archive put), and it
// is committed as `ref` with Dockerfile-style changes (ENTRYPOINT, CMD, ENV,
// LABEL); the image's ENTRYPOINT and CMD are kept unless changes set them,
// but an empty ENTRYPOINT cannot be restored: set one. The container is
// removed whatever happens.
void derive_image(docker::Client& docker, const std::string& from, const std::string& ref,
                  const std::function<void(const std::string& id)>& prepare, const std::vector<std::string>& changes);

} // namespace dind::image
