#include "cluster/store.hpp"

#include "cluster/node.hpp"
#include "docker/images.hpp"
#include "docker/volumes.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/lock.hpp"
#include "util/strings.hpp"

#include <algorithm>

namespace dind::cluster::store {

namespace {

// the maker first: it holds the volume
void remove_store(docker::Client& docker, const std::string& name) {
  docker::remove_container(docker, name);
  docker::remove_volume(docker, name);
}

// Nodes mount a store only once it is whole (ensure returns before they are made).
bool mounted_by_nodes(docker::Client& docker, const std::string& name) {
  auto users = docker::containers_using_volume(docker, name);
  return std::any_of(users.begin(), users.end(), [&](const docker::ContainerSummary& c) { return c.name != name; });
}

// Stores of node images the engine no longer has, unless a node still mounts one.
void drop_stale(docker::Client& docker) {
  for (auto& v : docker::list_volumes(docker, {label})) {
    auto info = docker::inspect_volume(docker, v);
    if (!info || docker::inspect_image(docker, json::str(*info, {"Labels", label})) || mounted_by_nodes(docker, v)) continue;
    remove_store(docker, v);
  }
}

std::string last_line(const std::string& text) {
  auto lines = util::split(util::trim(text), '\n');
  return lines.empty() ? "" : lines.back();
}

} // namespace

docker::Mount ensure(docker::Client& docker, const std::string& image) {
  auto info = docker::inspect_image(docker, image);
  if (!info) throw Error("there is no node image " + image);
  std::string id = json::str(*info, {"Id"});
  std::string name = "dind-store-" + id.substr(id.find(':') + 1, 12);
  docker::Mount mount{"volume", name, mount_point, true, ""};
  util::FileLock lock(util::endpoint_lock_path(docker.endpoint().text, name), "image store " + name, true);
  auto maker = docker::inspect_container(docker, name);
  if (maker && json::str(*maker, {"State", "Status"}) == "exited" && json::num(*maker, {"State", "ExitCode"}, -1) == 0) return mount;
  // its maker pruned (`docker container prune`) while nodes use it: whole, and never to be made again under them
  if (!maker && docker::inspect_volume(docker, name) && mounted_by_nodes(docker, name)) return mount;
  if (maker) docker::remove_container(docker, name);  // a run that did not finish
  drop_stale(docker);
  docker::ContainerSpec spec;
  spec.name = name;
  spec.image = id;
  spec.entrypoint = {"/usr/local/bin/dind-preload", "--store"};
  spec.labels = {{label, id}};
  spec.network = "none";
  give_node_rights(spec);  // containerd unpacks overlay whiteouts and opaque directories
  spec.mounts = {{"volume", name, mount_point, false, ""}};
  docker::create_volume(docker, name, spec.labels);
  try {
    docker::create_container(docker, spec);
    docker::start_container(docker, name);
    if (docker::wait_container(docker, name) != 0) {
      throw Error("making the image store " + name + " failed: " + last_line(docker::container_logs(docker, name).err));
    }
  } catch (...) {
    util::interrupt::Cleanup cleanup;
    try {
      remove_store(docker, name);
    } catch (const Error&) {  // the first error is the one to report
    }
    throw;
  }
  return mount;
}

} // namespace dind::cluster::store
