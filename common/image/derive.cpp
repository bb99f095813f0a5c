#include "image/derive.hpp"

#include "docker/containers.hpp"
#include "docker/images.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"

namespace dind::image {

void derive_image(docker::Client& docker, const std::string& from, const std::string& ref,
                  const std::function<void(const std::string& id)>& prepare, const std::vector<std::string>& changes) {
  // The throwaway container must idle. An image without an entrypoint idles
  // through CMD, so the commit keeps "no entrypoint"; one with an entrypoint
  // gets sleep as entrypoint, and the image's own is given back at commit
  // unless the caller sets one (with its CMD: setting ENTRYPOINT clears it).
  auto img = docker::inspect_image(docker, from);
  const auto* ep = img ? json::find(*img, {"Config", "Entrypoint"}) : nullptr;
  const auto* cmd = img ? json::find(*img, {"Config", "Cmd"}) : nullptr;
  bool has_entrypoint = ep && ep->IsArray() && !ep->Empty();
  std::vector<std::string> all = changes;
  bool sets_entrypoint = false, sets_cmd = false;
  for (auto& c : changes) {
    sets_entrypoint = sets_entrypoint || c.rfind("ENTRYPOINT", 0) == 0;
    sets_cmd = sets_cmd || c.rfind("CMD", 0) == 0;
  }
  if (has_entrypoint && !sets_entrypoint) all.push_back("ENTRYPOINT " + json::dump(*ep));
  if (!sets_cmd) all.push_back("CMD " + (cmd && cmd->IsArray() ? json::dump(*cmd) : std::string("[]")));
  docker::ContainerSpec spec;
  spec.image = from;
  if (has_entrypoint) spec.entrypoint = {"sleep", "infinity"};
  else spec.cmd = {"sleep", "infinity"};
  std::string id = docker::create_container(docker, spec);
  try {
    docker::start_container(docker, id);
    prepare(id);
    docker::kill_container(docker, id);
    docker::commit_container(docker, id, ref, all);
  } catch (...) {
    util::interrupt::Cleanup cleaning;  // also after Ctrl-C
    docker::remove_container(docker, id);
    throw;
  }
  docker::remove_container(docker, id);
}

} // namespace dind::image
