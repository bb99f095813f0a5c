#include "cluster/docker_provider.hpp"

#include "cluster/context.hpp"
#include "cluster/flannel.hpp"
#include "cluster/load_balancer.hpp"
#include "cluster/lxcfs.hpp"
#include "cluster/nat64.hpp"
#include "cluster/node.hpp"
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "docker/networks.hpp"
#include "docker/volumes.hpp"
#include "registry/local.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace dind::cluster {

std::string var_volume(const NodeLayout& node) { return "kubeadm-dind-" + node.container; }
std::string etc_volume(const NodeLayout& node) { return "kubeadm-dind-" + node.container + "-etc"; }
std::string cluster_filter(const Layout& plan) { return std::string(cluster_label) + "=" + plan.name; }

std::string apiserver_host_port(const json::Value& info) {
  const auto* ports = json::find(info, {"NetworkSettings", "Ports", apiserver_port_key});
  if (!ports || !ports->IsArray() || ports->Empty()) return "";
  return json::str((*ports)[0], {"HostPort"});
}

namespace {

// A cluster counts as made once `up` finished it: a run that died half-way
// (SIGKILL, a crash, a reboot) leaves no mark, and the next `up` starts over
// instead of restarting what never worked.
constexpr const char* complete_label = "io.dind.complete";
std::string complete_volume(const Layout& plan) { return "kubeadm-dind-complete" + plan.suffix; }

// The node image's label; a node container has its image's labels.
constexpr const char* kubernetes_version_label = "io.dind.kubernetes-version";

// A command in a node, its stdin through the engine's hijacked connection.
class DockerStream : public NodeStream {
public:
  DockerStream(docker::Client& docker, const std::string& node, const std::vector<std::string>& cmd)
      : exec_(docker, node, cmd, docker::ExecOptions{}) {}
  void write(std::string_view data) override { exec_.write(data); }
  docker::ExecResult finish() override { return exec_.finish(); }

private:
  docker::ExecStream exec_;
};

} // namespace

std::string DockerProvider::endpoint() const { return docker_.endpoint().text; }

std::optional<Image> DockerProvider::image(const std::string& reference) {
  auto info = docker::inspect_image(docker_, reference);
  if (!info) return std::nullopt;
  return Image{json::str(*info, {"Id"}), json::str(*info, {"Config", "Labels", kubernetes_version_label}),
               static_cast<double>(json::num(*info, {"Size"}))};
}

Image DockerProvider::node_image(const std::string& node) {
  auto info = docker::inspect_container(docker_, node);
  if (!info) throw Error(node + " is gone");
  return Image{json::str(*info, {"Image"}), json::str(*info, {"Config", "Labels", kubernetes_version_label}), 0};
}

std::string DockerProvider::helper_image(Helper helper, util::Steps& steps) {
  switch (helper) {
  case Helper::load_balancer: return load_balancer_image(docker_, steps);
  case Helper::flannel: return flannel_image(docker_, steps);
  }
  throw Error("unknown helper image");
}

void DockerProvider::save_images(const std::vector<std::string>& references, const Sink& sink) {
  docker::save_images_stream(docker_, references, sink);
}

void DockerProvider::provision(Context& ctx, const std::function<void(size_t)>& fill) {
  create_node_containers(docker_, ctx);
  // a created container's volumes take an archive put: the state is in
  // place before systemd starts
  if (fill) {
    size_t first = ctx.first_new;
    parallel(ctx.layout.nodes.size() - first, [&](size_t i) { fill(first + i); });
  }
  ctx.since = std::chrono::system_clock::now();
  start_nodes(docker_, ctx);
}

void DockerProvider::restart(Context& ctx) {
  // limited nodes bind-mount lxcfs's files: it must run before they start
  auto lxcfs = use_lxcfs(docker_, ctx);
  parallel(ctx.layout.nodes.size(), [&](size_t i) {
    const auto& node = ctx.layout.nodes[i];
    auto info = docker::inspect_container(docker_, node.container);
    if (info) {
      // no graceful shutdown: etcd and kubelet are crash-safe, and waiting
      // for systemd to stop every unit was a third of reup's time
      if (json::flag(*info, {"State", "Running"})) docker::stop_container(docker_, node.container, 0);
    } else {
      create_node_container(docker_, ctx, i);
    }
  });
  ctx.since = std::chrono::system_clock::now();
  start_nodes(docker_, ctx);
}

void DockerProvider::start_load_balancer(Context& ctx, const std::string& image) {
  start_load_balancer_container(docker_, ctx, image);
}

void DockerProvider::start_nat64(Context& ctx) { start_nat64_containers(docker_, ctx); }

void DockerProvider::check_state(const Layout& plan) {
  auto volumes = docker::list_volumes(docker_, {cluster_filter(plan)});
  std::sort(volumes.begin(), volumes.end());  // the first extra node named is the lowest
  std::set<std::string> planned = {complete_volume(plan)};
  const std::string fix = ": NUM_NODES or NUM_CONTROL_PLANES differs from when it was made (give those, or `kubectl dind clean` first)";
  for (auto& node : plan.nodes) {
    if (std::find(volumes.begin(), volumes.end(), var_volume(node)) == volumes.end()) {
      throw Error("cluster " + plan.name + " has no " + node.container + fix);
    }
    planned.insert(var_volume(node));
    planned.insert(etc_volume(node));
  }
  for (auto& v : volumes) {
    if (planned.count(v)) continue;
    std::string node = v.substr(v.rfind("kubeadm-dind-", 0) == 0 ? 13 : 0);
    if (util::ends_with(node, "-etc")) node.resize(node.size() - 4);
    throw Error("cluster " + plan.name + " has " + node + ", which the plan has not" + fix);
  }
}

std::vector<NodeInfo> DockerProvider::list(const Layout& plan) {
  std::vector<NodeInfo> out;
  for (auto& c : docker::list_containers(docker_, {cluster_filter(plan)})) {
    auto role = c.labels.find(role_label);
    out.push_back({c.name, role == c.labels.end() ? "" : role->second, c.state});
  }
  return out;
}

NodeAddresses DockerProvider::addresses(const Layout& plan, const std::string& node) {
  NodeAddresses a;
  auto info = docker::inspect_container(docker_, node);
  if (!info) return a;
  if (auto* nets = json::find(*info, {"NetworkSettings", "Networks", plan.network.c_str()})) {
    a.ipv4 = json::str(*nets, {"IPAddress"});
    a.ipv6 = json::str(*nets, {"GlobalIPv6Address"});
  }
  return a;
}

ApiServer DockerProvider::apiserver(const Layout& plan) {
  auto info = docker::inspect_container(docker_, plan.api_container());
  if (!info) return {"absent", ""};
  return {json::str(*info, {"State", "Status"}), apiserver_host_port(*info)};
}

docker::ExecResult DockerProvider::exec(const std::string& node, const std::vector<std::string>& cmd,
                                        const docker::ExecOptions& options) {
  return docker::exec(docker_, node, cmd, options);
}

std::unique_ptr<NodeStream> DockerProvider::exec_stream(const std::string& node, const std::vector<std::string>& cmd) {
  return std::make_unique<DockerStream>(docker_, node, cmd);
}

std::string DockerProvider::read_file(const std::string& node, const std::string& path) {
  return docker::read_container_file(docker_, node, path);
}

void DockerProvider::write_file(const std::string& node, const std::string& path, const std::string& content) {
  auto slash = path.rfind('/');
  std::ostringstream tar;
  util::tar::Writer w(tar);
  w.add_data(path.substr(slash + 1), content, 0600);
  w.finish();
  docker::exec_check(docker_, node, {"mkdir", "-p", path.substr(0, slash)});
  docker::put_archive(docker_, node, path.substr(0, slash), tar.str());
}

std::string DockerProvider::logs(const std::string& container, int tail) {
  auto r = docker::container_logs(docker_, container, std::to_string(tail));
  return r.out + r.err;
}

void DockerProvider::set_paused(const std::string& node, bool paused) {
  if (paused) docker::pause_container(docker_, node);
  else docker::unpause_container(docker_, node);
}

void DockerProvider::stop_nodes(const std::vector<std::string>& nodes) {
  parallel(nodes.size(), [&](size_t i) { docker::stop_container(docker_, nodes[i], 10); });
}

std::vector<std::string> DockerProvider::mounts(const std::string& node) {
  auto info = docker::inspect_container(docker_, node);
  if (!info) throw Error(node + " is gone");
  std::vector<std::string> out;
  const auto* mounts = json::find(*info, {"Mounts"});
  if (!mounts || !mounts->IsArray()) return out;
  for (auto& m : mounts->GetArray()) {
    std::string dest = json::str(m, {"Destination"});
    // the node's two volumes, and the host's modules every node has
    if (dest != "/var" && dest != "/etc/kubernetes" && dest != "/lib/modules") out.push_back(dest);
  }
  return out;
}

std::vector<std::pair<std::string, int>> DockerProvider::changes(const std::string& node) {
  return docker::container_changes(docker_, node);
}

void DockerProvider::archive_from(const std::string& node, const std::string& path, const Sink& sink) {
  docker::get_archive_stream(docker_, node, path, sink);
}

void DockerProvider::archive_into(const std::string& node, const std::string& dir, std::istream& tar, int64_t size) {
  docker::put_archive_stream(docker_, node, dir, tar, size);
}

bool DockerProvider::has_state(const Layout& plan) {
  return !docker::list_containers(docker_, {cluster_filter(plan)}).empty() ||
         !docker::list_volumes(docker_, {cluster_filter(plan)}).empty();
}

bool DockerProvider::is_complete(const Layout& plan) {
  return !docker::list_volumes(docker_, {cluster_filter(plan), std::string(complete_label) + "=1"}).empty();
}

void DockerProvider::mark_complete(const Layout& plan) {
  auto labels = plan.labels;
  labels[complete_label] = "1";
  docker::create_volume(docker_, complete_volume(plan), labels);
}

void DockerProvider::remove_nodes(const std::vector<std::string>& nodes) {
  parallel(nodes.size(), [&](size_t i) {
    // a clean shutdown lets etcd and kubelet close their files
    try {
      docker::stop_container(docker_, nodes[i], 3);
    } catch (const docker::DockerError&) {
    }
    docker::remove_container(docker_, nodes[i]);
  });
  lxcfs::release(docker_);
}

void DockerProvider::remove_node(const NodeLayout& node) {
  if (docker::inspect_container(docker_, node.container)) docker::remove_container(docker_, node.container);
  for (auto& v : {var_volume(node), etc_volume(node)}) {
    if (docker::inspect_volume(docker_, v)) docker::remove_volume(docker_, v);
  }
  lxcfs::release(docker_);
}

void DockerProvider::remove_cluster(const Layout& plan) {
  auto containers = docker::list_containers(docker_, {cluster_filter(plan)});
  parallel(containers.size(), [&](size_t i) { docker::remove_container(docker_, containers[i].id); });
  auto volumes = docker::list_volumes(docker_, {cluster_filter(plan)});
  parallel(volumes.size(), [&](size_t i) { docker::remove_volume(docker_, volumes[i]); });
  for (auto& n : docker::list_networks(docker_, {cluster_filter(plan)})) {
    registry::detach(docker_, n.name);  // the registry outlives clusters; Docker keeps a network with endpoints
    docker::remove_network(docker_, n.id);
  }
  lxcfs::release(docker_);
}

} // namespace dind::cluster
