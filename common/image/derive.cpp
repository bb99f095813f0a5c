#include "image/derive.hpp"

#include "docker/containers.hpp"

namespace dind::image {

void derive_image(docker::Client& docker, const std::string& from, const std::string& ref,
                  const std::function<void(const std::string& id)>& prepare, const std::vector<std::string>& changes) {
  docker::ContainerSpec spec;
  spec.image = from;
  spec.entrypoint = {"sleep", "infinity"};
  spec.labels = {{"io.dind.build", "1"}};
  std::string id = docker::create_container(docker, spec);
  try {
    docker::start_container(docker, id);
    prepare(id);
    docker::kill_container(docker, id);
    docker::commit_container(docker, id, ref, changes);
  } catch (...) {
    docker::remove_container(docker, id);
    throw;
  }
  docker::remove_container(docker, id);
}

} // namespace dind::image
