#include "cluster/docker_provider.hpp"

#include "cluster/context.hpp"
#include "cluster/flannel.hpp"
#include "cluster/load_balancer.hpp"
#include "cluster/lxcfs.hpp"
#include "cluster/nat64.hpp"
#include "cluster/store.hpp"
#include "cluster/node.hpp"
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "docker/networks.hpp"
#include "docker/thaw.hpp"
#include "docker/volumes.hpp"
#include "hosts/images.hpp"
#include "hosts/overlay.hpp"
#include "hosts/swarm.hpp"
#include "registry/local.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <algorithm>
#include <functional>
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

// Stops or removes a node container by op, thawing it if a frozen cgroup
// kept it alive (docker/thaw.hpp); a helper left behind goes with its cluster.
void end_node(docker::Client& docker, const std::string& id, const std::function<void()>& op) {
  docker::retry_thawed(docker, id, cluster_label, op);
}

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

DockerProvider::DockerProvider(docker::Client& docker) : engines_{&docker} {}

DockerProvider::DockerProvider(std::vector<docker::Client>& engines, const Layout& plan) : swarm_(&engines) {
  for (auto& e : engines) engines_.push_back(&e);
  for (auto& n : plan.nodes) placed_[n.container] = n.host;
}

docker::Client& DockerProvider::engine_of(const std::string& container) {
  if (!several()) return *engines_[0];
  {
    std::lock_guard<std::mutex> lock(placed_mutex_);
    if (auto it = placed_.find(container); it != placed_.end()) return *engines_[it->second];
  }
  for (size_t e = 0; e < engines_.size(); ++e) {
    if (docker::inspect_container(*engines_[e], container)) {
      std::lock_guard<std::mutex> lock(placed_mutex_);
      placed_[container] = e;
      return *engines_[e];
    }
  }
  return *engines_[0];
}

std::vector<std::vector<size_t>> DockerProvider::nodes_by_engine(const Layout& plan, size_t first) {
  std::vector<std::vector<size_t>> out(engines_.size());
  std::lock_guard<std::mutex> lock(placed_mutex_);
  for (size_t i = first; i < plan.nodes.size(); ++i) {
    size_t e = several() ? plan.nodes[i].host : 0;
    out[e].push_back(i);
    placed_[plan.nodes[i].container] = e;
  }
  return out;
}

void DockerProvider::prepare_engines(Context& ctx) {
  // nodes are made from the image as the first engine has it, on every engine
  hosts::distribute_image(*swarm_, ctx.spec.image, ctx.steps);
  auto& manager = (*swarm_)[hosts::manager_of(hosts::probe_all(*swarm_))];
  refuse_foreign(ctx, "network", ctx.layout.network, docker::inspect_network(manager, ctx.layout.network));
  hosts::OverlaySpec overlay;
  overlay.name = ctx.layout.network;
  overlay.labels = ctx.layout.labels;
  for (size_t i = 0; i < ctx.layout.mgmt.size(); ++i) {
    overlay.subnets.push_back({ctx.layout.mgmt[i].str(), ctx.layout.gateways[i], swarm_range(ctx.layout, i).str()});
  }
  hosts::create_overlay(manager, overlay);
  registry::attach(*engines_[0], ctx.layout.network);
}

std::string DockerProvider::endpoint() const { return engines_[0]->endpoint().text; }

std::optional<Image> DockerProvider::image(const std::string& reference) {
  auto info = docker::inspect_image(*engines_[0], reference);
  if (!info) return std::nullopt;
  return Image{json::str(*info, {"Id"}), json::str(*info, {"Config", "Labels", kubernetes_version_label}),
               static_cast<double>(json::num(*info, {"Size"}))};
}

Image DockerProvider::node_image(const std::string& node) {
  auto info = docker::inspect_container(engine_of(node), node);
  if (!info) throw Error(node + " is gone");
  return Image{json::str(*info, {"Image"}), json::str(*info, {"Config", "Labels", kubernetes_version_label}), 0};
}

std::string DockerProvider::helper_image(Helper helper, util::Steps& steps) {
  switch (helper) {
  case Helper::load_balancer: return load_balancer_image(*engines_[0], steps);
  case Helper::flannel: return flannel_image(*engines_[0], steps);
  }
  throw Error("unknown helper image");
}

void DockerProvider::save_images(const std::vector<std::string>& references, const Sink& sink) {
  docker::save_images_stream(*engines_[0], references, sink);
}

void DockerProvider::provision(Context& ctx, const std::function<void(size_t)>& fill) {
  auto nodes = nodes_by_engine(ctx.layout, ctx.first_new);
  if (several()) prepare_engines(ctx);
  else create_network(*engines_[0], ctx);
  util::parallel(engines_.size(), [&](size_t e) {
    if (!nodes[e].empty()) create_node_containers(*engines_[e], ctx, nodes[e], static_cast<bool>(fill));
  });
  // a created container's volumes take an archive put: the state is in
  // place before systemd starts. The volumes start empty then: copying the
  // image's /var into them (~850 files), only for fill to replace each, took
  // the engine 0.6 s of a 3-node restore
  if (fill) {
    size_t first = ctx.first_new;
    util::parallel(ctx.layout.nodes.size() - first, [&](size_t i) { fill(first + i); });
  }
  ctx.since = std::chrono::system_clock::now();
  util::parallel(engines_.size(), [&](size_t e) {
    if (!nodes[e].empty()) start_nodes(*engines_[e], ctx, nodes[e]);
  });
  if (!ctx.layout.lb) ctx.apiserver_port = published_port(*engines_[0], ctx);
}

void DockerProvider::restart(Context& ctx) {
  auto nodes = nodes_by_engine(ctx.layout, 0);
  if (several()) prepare_engines(ctx);
  // limited nodes bind-mount lxcfs's files: it must run before they start
  std::vector<std::unique_ptr<lxcfs::Use>> lxcfs(engines_.size());
  util::parallel(engines_.size(), [&](size_t e) {
    auto& docker = *engines_[e];
    if (nodes[e].empty()) return;
    lxcfs[e] = use_lxcfs(docker, ctx);
    util::parallel(nodes[e].size(), [&](size_t k) {
      size_t i = nodes[e][k];
      const auto& node = ctx.layout.nodes[i];
      auto info = docker::inspect_container(docker, node.container);
      if (info) {
        // no graceful shutdown: etcd and kubelet are crash-safe, and waiting
        // for systemd to stop every unit was a third of reup's time
        if (json::flag(*info, {"State", "Running"})) {
          end_node(docker, node.container, [&] { docker::stop_container(docker, node.container, 0); });
        }
      } else {
        create_node_container(docker, ctx, i, store::ensure(docker, ctx.spec.image));
      }
    });
  });
  ctx.since = std::chrono::system_clock::now();
  util::parallel(engines_.size(), [&](size_t e) {
    if (!nodes[e].empty()) start_nodes(*engines_[e], ctx, nodes[e]);
  });
  if (!ctx.layout.lb) ctx.apiserver_port = published_port(*engines_[0], ctx);
}

void DockerProvider::start_load_balancer(Context& ctx, const std::string& image) {
  start_load_balancer_container(*engines_[0], ctx, image);
}

void DockerProvider::start_nat64(Context& ctx) { start_nat64_containers(*engines_[0], ctx); }

void DockerProvider::check_state(const Layout& plan) {
  std::map<std::string, size_t> volumes;  // volume -> its engine
  for (size_t e = 0; e < engines_.size(); ++e) {
    for (auto& v : docker::list_volumes(*engines_[e], {cluster_filter(plan)})) volumes.emplace(v, e);
  }
  std::set<std::string> planned = {complete_volume(plan)};
  const std::string fix = ": NUM_NODES or NUM_CONTROL_PLANES differs from when it was made (give those, or `kubectl dind clean` first)";
  for (auto& node : plan.nodes) {
    auto v = volumes.find(var_volume(node));
    if (v == volumes.end()) throw Error("cluster " + plan.name + " has no " + node.container + fix);
    if (several() && v->second != node.host) {
      throw Error("cluster " + plan.name + " keeps " + node.container + " on " + engines_[v->second]->endpoint().text +
                  ", where DIND_HOSTS places it on " + engines_[node.host]->endpoint().text +
                  ": list the engines as when it was made, or `kubectl dind clean` first");
    }
    planned.insert(var_volume(node));
    planned.insert(etc_volume(node));
  }
  for (auto& [v, e] : volumes) {  // by name: the first extra node named is the lowest
    if (planned.count(v)) continue;
    std::string node = v.substr(v.rfind("kubeadm-dind-", 0) == 0 ? 13 : 0);
    if (util::ends_with(node, "-etc")) node.resize(node.size() - 4);
    throw Error("cluster " + plan.name + " has " + node + ", which the plan has not" + fix);
  }
}

std::vector<NodeInfo> DockerProvider::list(const Layout& plan) {
  std::vector<NodeInfo> out;
  for (auto* engine : engines_) {
    for (auto& c : docker::list_containers(*engine, {cluster_filter(plan)})) {
      auto role = c.labels.find(role_label);
      out.push_back({c.name, role == c.labels.end() ? "" : role->second, c.state, several() ? engine->endpoint().text : ""});
    }
  }
  return out;
}

NodeAddresses DockerProvider::addresses(const Layout& plan, const std::string& node) {
  NodeAddresses a;
  auto info = docker::inspect_container(engine_of(node), node);
  if (!info) return a;
  if (auto* nets = json::find(*info, {"NetworkSettings", "Networks", plan.network.c_str()})) {
    a.ipv4 = json::str(*nets, {"IPAddress"});
    a.ipv6 = json::str(*nets, {"GlobalIPv6Address"});
  }
  return a;
}

ApiServer DockerProvider::apiserver(const Layout& plan) {
  auto info = docker::inspect_container(*engines_[0], plan.api_container());
  if (!info) return {"absent", ""};
  return {json::str(*info, {"State", "Status"}), apiserver_host_port(*info)};
}

docker::ExecResult DockerProvider::exec(const std::string& node, const std::vector<std::string>& cmd,
                                        const docker::ExecOptions& options) {
  return docker::exec(engine_of(node), node, cmd, options);
}

std::unique_ptr<NodeStream> DockerProvider::exec_stream(const std::string& node, const std::vector<std::string>& cmd) {
  return std::make_unique<DockerStream>(engine_of(node), node, cmd);
}

std::string DockerProvider::read_file(const std::string& node, const std::string& path) {
  return docker::read_container_file(engine_of(node), node, path);
}

void DockerProvider::write_file(const std::string& node, const std::string& path, const std::string& content) {
  auto slash = path.rfind('/');
  std::ostringstream tar;
  util::tar::Writer w(tar);
  w.add_data(path.substr(slash + 1), content, 0600);
  w.finish();
  auto& docker = engine_of(node);
  docker::exec_check(docker, node, {"mkdir", "-p", path.substr(0, slash)});
  docker::put_archive(docker, node, path.substr(0, slash), tar.str());
}

std::string DockerProvider::logs(const std::string& container, int tail) {
  auto r = docker::container_logs(engine_of(container), container, std::to_string(tail));
  return r.out + r.err;
}

void DockerProvider::set_paused(const std::string& node, bool paused) {
  if (paused) docker::pause_container(engine_of(node), node);
  else docker::unpause_container(engine_of(node), node);
}

void DockerProvider::stop_nodes(const std::vector<std::string>& nodes) {
  util::parallel(nodes.size(), [&](size_t i) {
    auto& docker = engine_of(nodes[i]);
    end_node(docker, nodes[i], [&] { docker::stop_container(docker, nodes[i], 10); });
  });
}

std::vector<std::string> DockerProvider::mounts(const std::string& node) {
  auto info = docker::inspect_container(engine_of(node), node);
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
  return docker::container_changes(engine_of(node), node);
}

void DockerProvider::archive_from(const std::string& node, const std::string& path, const Sink& sink) {
  docker::get_archive_stream(engine_of(node), node, path, sink);
}

void DockerProvider::archive_into(const std::string& node, const std::string& dir, const Source& tar) {
  docker::put_archive_chunked(engine_of(node), node, dir, tar);
}

bool DockerProvider::has_state(const Layout& plan) {
  return std::any_of(engines_.begin(), engines_.end(), [&](docker::Client* engine) {
    return !docker::list_containers(*engine, {cluster_filter(plan)}).empty() ||
           !docker::list_volumes(*engine, {cluster_filter(plan)}).empty();
  });
}

bool DockerProvider::is_complete(const Layout& plan) {
  // on the engine that was first when it was made: with the engines listed
  // another way, the cluster is whole still (check_state refuses it), not half-made
  return std::any_of(engines_.begin(), engines_.end(), [&](docker::Client* engine) {
    return !docker::list_volumes(*engine, {cluster_filter(plan), std::string(complete_label) + "=1"}).empty();
  });
}

void DockerProvider::mark_complete(const Layout& plan) {
  auto labels = plan.labels;
  labels[complete_label] = "1";
  docker::create_volume(*engines_[0], complete_volume(plan), labels);
}

void DockerProvider::remove_nodes(const std::vector<std::string>& nodes) {
  util::parallel(nodes.size(), [&](size_t i) {
    // killed, as reup's restart kills them: etcd and kubelet are crash-safe
    // (the host's page cache keeps their writes), and systemd's shutdown
    // took the whole 3 s a graceful stop was given, most of down's time
    auto& docker = engine_of(nodes[i]);
    end_node(docker, nodes[i], [&] { docker::remove_container(docker, nodes[i]); });
  });
  for (auto* engine : engines_) lxcfs::release(*engine);
}

void DockerProvider::remove_node(const NodeLayout& node) {
  auto& docker = engine_of(node.container);
  if (docker::inspect_container(docker, node.container)) {
    end_node(docker, node.container, [&] { docker::remove_container(docker, node.container); });
  }
  for (auto& v : {var_volume(node), etc_volume(node)}) {
    if (docker::inspect_volume(docker, v)) docker::remove_volume(docker, v);
  }
  lxcfs::release(docker);
}

void DockerProvider::remove_cluster(const Layout& plan) {
  util::parallel(engines_.size(), [&](size_t e) {
    auto& docker = *engines_[e];
    auto containers = docker::list_containers(docker, {cluster_filter(plan)});
    util::parallel(containers.size(), [&](size_t i) {
      end_node(docker, containers[i].id, [&] { docker::remove_container(docker, containers[i].id); });
    });
    auto volumes = docker::list_volumes(docker, {cluster_filter(plan)});
    util::parallel(volumes.size(), [&](size_t i) { docker::remove_volume(docker, volumes[i]); });
    lxcfs::release(docker);
  });
  // the registry outlives clusters; Docker keeps a network with endpoints
  if (several()) {
    auto& manager = (*swarm_)[hosts::manager_of(hosts::probe_all(*swarm_))];
    for (auto& n : docker::list_networks(manager, {cluster_filter(plan)})) {
      registry::detach(*engines_[0], n.name);
      hosts::remove_overlay(manager, n.id);  // free once the containers are gone (measured)
    }
    return;
  }
  for (auto& n : docker::list_networks(*engines_[0], {cluster_filter(plan)})) {
    registry::detach(*engines_[0], n.name);
    docker::remove_network(*engines_[0], n.id);
  }
}

} // namespace dind::cluster
