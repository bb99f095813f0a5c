#include "registry/local.hpp"

#include "docker/containers.hpp"
#include "docker/images.hpp"
#include "docker/networks.hpp"
#include "docker/volumes.hpp"
#include "image/build.hpp"
#include "image/versions.hpp"
#include "net/cidr.hpp"
#include "cluster/layout.hpp"
#include "registry/hosts.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/lock.hpp"
#include "util/strings.hpp"

#include <chrono>
#include <sstream>
#include <thread>

namespace dind::registry {

namespace {

std::optional<json::Document> inspect_ours(docker::Client& docker) {
  auto info = docker::inspect_container(docker, local_name);
  if (info && json::str(*info, {"Config", "Labels", local_label}).empty()) {
    throw Error(std::string("a container named ") + local_name + " exists that dind did not make: remove it first");
  }
  return info;
}

// up, down, attach and detach of one Docker endpoint, one at a time
std::string lock_path(docker::Client& docker) {
  return util::endpoint_lock_path(docker.endpoint().text, local_name);
}

util::FileLock lock(docker::Client& docker, util::Steps& steps, const std::string& what) {
  return util::FileLock(lock_path(docker), what, true, [&](const std::string& holder) { steps.note("Waiting for " + holder); });
}

// with the lock held
void connect_to(docker::Client& docker, const std::string& network) {
  auto info = inspect_ours(docker);
  if (!info || json::find(*info, {"NetworkSettings", "Networks", network.c_str()})) return;
  auto net = docker::inspect_network(docker, network);
  if (!net) return;
  auto [v4, v6] = addresses_in(*net);
  docker::connect_network(docker, network, local_name, v4, v6);
}

size_t listening_lines(docker::Client& docker) {
  auto logs = docker::container_logs(docker, local_name);
  size_t n = 0;
  for (auto* text : {&logs.out, &logs.err}) {
    for (auto at = text->find("listening on"); at != std::string::npos; at = text->find("listening on", at + 1)) ++n;
  }
  return n;
}

// Docker publishes the port at start, the registry listens a moment later:
// a push right after `registry up` met a closed connection. Its log says when.
void start_and_wait(docker::Client& docker) {
  size_t before = listening_lines(docker);
  docker::start_container(docker, local_name);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (listening_lines(docker) == before) {
    auto info = docker::inspect_container(docker, local_name);
    if (!info || !json::flag(*info, {"State", "Running"})) {
      auto err = util::split(docker::container_logs(docker, local_name, "1").err, '\n');
      throw Error(std::string(local_name) + " exited" + (err.empty() ? "" : ": " + err.back()));
    }
    if (std::chrono::steady_clock::now() > deadline) throw Error(std::string(local_name) + " does not listen after 30 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

} // namespace

std::string ensure_image(docker::Client& docker, util::Steps& steps) {
  return image::script_image(docker, steps, "registry", {image::images_dir() + "/registry/config.yml"},
                             {R"(ENTRYPOINT ["/usr/bin/docker-registry"])", R"(CMD ["serve", "/etc/docker/registry/config.yml"])"},
                             "Registry root filesystem (Debian's docker-registry)");
}

void up(docker::Client& docker, util::Steps& steps) {
  auto held = lock(docker, steps, "registry up");
  std::string ref = ensure_image(docker, steps);
  auto info = inspect_ours(docker);
  if (info && json::str(*info, {"Config", "Image"}) != ref) {
    steps.run("Replacing " + std::string(local_name) + " (made from an older image; pushed images kept)",
              [&] { docker::remove_container(docker, local_name, true, false); });
    info.reset();
  }
  std::map<std::string, std::string> labels = {{local_label, "local"}};
  if (!info) {
    steps.run("Creating " + std::string(local_name) + " on 127.0.0.1:" + std::to_string(local_host_port), [&] {
      bool made_volume = !docker::inspect_volume(docker, local_name);
      docker::create_volume(docker, local_name, labels);
      docker::ContainerSpec spec;
      spec.name = local_name;
      spec.image = ref;
      spec.labels = labels;
      spec.ports = {{std::to_string(local_port) + "/tcp", "127.0.0.1", std::to_string(local_host_port)}};
      spec.mounts = {{"volume", local_name, "/var/lib/docker-registry", false, ""}};
      spec.restart_policy = "always";  // back with the Docker daemon, as kind's registry
      docker::create_container(docker, spec);
      try {
        start_and_wait(docker);
      } catch (...) {
        // e.g. the port is taken: nothing half-made stays behind
        util::interrupt::Cleanup cleaning;
        docker::remove_container(docker, local_name);
        if (made_volume) docker::remove_volume(docker, local_name);
        throw;
      }
    });
  } else if (!json::flag(*info, {"State", "Running"})) {
    steps.run("Starting " + std::string(local_name), [&] { start_and_wait(docker); });
  }
  auto networks = docker::list_networks(docker, {cluster::cluster_label});
  for (auto& n : networks) connect_to(docker, n.name);
  steps.note("Registry " + std::string(local_name) + " is up: docker push " + local_alias + "/IMAGE here, image " +
             local_alias + "/IMAGE in pods (" + std::to_string(networks.size()) + " cluster networks joined)");
}

void down(docker::Client& docker, util::Steps& steps) {
  auto held = lock(docker, steps, "registry down");
  auto info = inspect_ours(docker);
  auto volume = docker::inspect_volume(docker, local_name);
  bool our_volume = volume && !json::str(*volume, {"Labels", local_label}).empty();
  if (!info && !our_volume) {
    steps.note("Registry " + std::string(local_name) + " is not there");
    return;
  }
  steps.run("Removing " + std::string(local_name) + " (container and the volume of pushed images)", [&] {
    if (info) docker::remove_container(docker, local_name);
    if (our_volume) docker::remove_volume(docker, local_name);
  });
}

LocalStatus status(docker::Client& docker) {
  LocalStatus s;
  auto info = inspect_ours(docker);
  if (!info) return s;
  s.state = json::str(*info, {"State", "Status"});
  s.image = json::str(*info, {"Config", "Image"});
  for (auto& n : docker::list_networks(docker, {cluster::cluster_label})) {
    if (json::find(*info, {"NetworkSettings", "Networks", n.name.c_str()})) s.networks.push_back(n.name);
  }
  return s;
}

std::string last_address(const std::string& subnet) {
  auto cidr = net::Cidr::parse(subnet);
  uint64_t last = cidr.last_host();
  return last ? cidr.nth(last).str() : "";
}

std::pair<std::string, std::string> addresses_in(const json::Value& network) {
  std::pair<std::string, std::string> out;
  const auto* configs = json::find(network, {"IPAM", "Config"});
  if (!configs || !configs->IsArray()) return out;
  for (auto& c : configs->GetArray()) {
    std::string subnet = json::str(c, {"Subnet"});
    if (subnet.empty()) continue;
    auto& slot = subnet.find(':') == std::string::npos ? out.first : out.second;
    if (slot.empty()) slot = last_address(subnet);
  }
  return out;
}

void attach(docker::Client& docker, const std::string& network) {
  // a `registry up` beside this `up` connects the same network: one at a time
  util::FileLock held(lock_path(docker), "attaching the registry", true);
  connect_to(docker, network);
}

void detach(docker::Client& docker, const std::string& network) {
  util::FileLock held(lock_path(docker), "detaching the registry", true);
  auto info = docker::inspect_container(docker, local_name);
  if (!info || !json::find(*info, {"NetworkSettings", "Networks", network.c_str()})) return;
  docker::disconnect_network(docker, network, local_name);
}

std::string LocalStatus::to_json() const {
  json::Writer w(true);
  w.begin_object().kv("name", local_name).kv("state", state).kv("up", up()).kv("image", image)
      .kv("hostAddress", std::string("127.0.0.1:") + std::to_string(local_host_port)).kv("imagePrefix", local_alias)
      .strings("networks", networks).end_object();
  return w.str();
}

std::string LocalStatus::to_table() const {
  std::ostringstream o;
  o << "registry " << local_name << ": " << (up() ? "up" : state);
  if (state != "absent") {
    o << ", 127.0.0.1:" << local_host_port << " (push " << local_alias << "/IMAGE), image " << image << "\n";
    o << "cluster networks: " << (networks.empty() ? "none" : util::join(networks, ", "));
  }
  o << "\n";
  return o.str();
}

} // namespace dind::registry
