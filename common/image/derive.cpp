#include "image/derive.hpp"

#include "docker/containers.hpp"
#include "docker/images.hpp"
#include "util/json.hpp"

namespace dind::image {

void derive_image(docker::Client& docker, const std::string& from, const std::string& ref,
                  const std::function<void(const std::string& id)>& prepare, const std::vector<std::string>& changes) {
  // commit keeps the container's own entrypoint (sleep): give back the
  // image's unless the caller sets one (and its CMD: setting ENTRYPOINT
  // clears it). An image without entrypoint cannot get "none" back this way.
  std::vector<std::string> all = changes;
  bool sets_entrypoint = false, sets_cmd = false;
  for (auto& c : changes) {
    sets_entrypoint = sets_entrypoint || c.rfind("ENTRYPOINT", 0) == 0;
    sets_cmd = sets_cmd || c.rfind("CMD", 0) == 0;
  }
  if (!sets_entrypoint) {
    auto img = docker::inspect_image(docker, from);
    const auto* ep = img ? json::find(*img, {"Config", "Entrypoint"}) : nullptr;
    const auto* cmd = img ? json::find(*img, {"Config", "Cmd"}) : nullptr;
    all.push_back("ENTRYPOINT " + (ep && ep->IsArray() ? json::dump(*ep) : std::string("[]")));
    if (!sets_cmd && cmd && cmd->IsArray()) all.push_back("CMD " + json::dump(*cmd));
  }
  docker::ContainerSpec spec;
  spec.image = from;
  spec.entrypoint = {"sleep", "infinity"};
  spec.labels = {{"io.dind.build", "1"}};
  std::string id = docker::create_container(docker, spec);
  try {
    docker::start_container(docker, id);
    prepare(id);
    docker::kill_container(docker, id);
    docker::commit_container(docker, id, ref, all);
  } catch (...) {
    docker::remove_container(docker, id);
    throw;
  }
  docker::remove_container(docker, id);
}

} // namespace dind::image
