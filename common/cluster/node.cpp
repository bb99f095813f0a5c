#include "cluster/node.hpp"

#include "cluster/docker_provider.hpp"
#include "cluster/lxcfs.hpp"
#include "cluster/store.hpp"
#include "docker/exec.hpp"
#include "docker/networks.hpp"
#include "docker/volumes.hpp"
#include "registry/hosts.hpp"
#include "registry/local.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dind::cluster {

bool privileged_nodes() {
  if (auto v = util::env("DIND_PRIVILEGED")) return *v == "1" || *v == "true" || *v == "y";
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (util::starts_with(line, "CapBnd:")) {
      unsigned long long caps = std::stoull(util::trim(line.substr(7)), nullptr, 16);
      return caps & (1ULL << 24);  // CAP_SYS_RESOURCE
    }
  }
  return true;
}

void give_node_rights(docker::ContainerSpec& spec) {
  if (privileged_nodes()) {
    spec.privileged = true;
  } else {
    spec.cap_add = {"ALL"};
    spec.cap_drop = {"SYS_RESOURCE"};
    spec.security_opt = {"seccomp=unconfined", "apparmor=unconfined"};
    spec.unmask_paths = true;
    spec.device_cgroup_rules = {"a *:* rwm"};
  }
  spec.security_opt.push_back("label=disable");
}

void make_node_spec(docker::ContainerSpec& spec, const std::string& var_volume, const std::string& etc_volume,
                    bool empty_volumes) {
  give_node_rights(spec);
  spec.cgroupns_mode = "private";
  spec.tmpfs = {{"/run", "rw,nosuid,nodev,exec"}, {"/tmp", "rw,nosuid,nodev,exec"}};
  spec.mounts.push_back({"volume", var_volume, "/var", false, "", empty_volumes});
  if (!etc_volume.empty()) spec.mounts.push_back({"volume", etc_volume, "/etc/kubernetes", false, "", empty_volumes});
  // kube-proxy and kubelet look for modules; monolithic kernels have none.
  if (std::filesystem::exists("/lib/modules")) spec.mounts.push_back({"bind", "/lib/modules", "/lib/modules", true, ""});
  spec.env.push_back("container=docker");
  spec.stop_signal = "SIGRTMIN+3";
}

docker::PortBinding apiserver_binding(const Context& ctx) {
  const auto& port = ctx.spec.apiserver_port;
  return {apiserver_port_key, ctx.spec.apiserver_address, port ? std::to_string(*port) : ""};
}

docker::ContainerSpec node_spec(const Context& ctx, size_t index, const docker::Mount& image_store, bool empty_volumes) {
  const auto& node = ctx.layout.nodes.at(index);
  bool master = ctx.layout.is_control_plane(index);
  docker::ContainerSpec spec;
  spec.name = node.container;
  spec.hostname = node.container;
  spec.image = ctx.spec.image;
  spec.labels = ctx.layout.labels;
  spec.labels[role_label] = master ? "master" : "worker";
  spec.env.push_back(std::string("DIND_ROLE=") + (master ? "master" : "worker"));
  spec.network = ctx.layout.network;
  spec.ipv4 = node.ipv4;
  spec.ipv6 = node.ipv6;
  if (ctx.layout.has_v6()) {
    spec.sysctls = {{"net.ipv6.conf.all.disable_ipv6", "0"}, {"net.ipv6.conf.all.forwarding", "1"}};
  }
  if (index == 0 && !ctx.layout.lb) spec.ports.push_back(apiserver_binding(ctx));
  make_node_spec(spec, var_volume(node), etc_volume(node), empty_volumes);
  spec.mounts.push_back(image_store);
  // a kind config's extraPortMappings and extraMounts, node by node
  if (const auto& settings = ctx.spec.kind.nodes; index < settings.size()) {
    spec.ports.insert(spec.ports.end(), settings[index].ports.begin(), settings[index].ports.end());
    spec.mounts.insert(spec.mounts.end(), settings[index].mounts.begin(), settings[index].mounts.end());
  }
  // the seed's master options: the first control plane's only (host ports are unique)
  if (index == 0) {
    const auto& extra = ctx.spec.node_options;
    spec.ports.insert(spec.ports.end(), extra.master_ports.begin(), extra.master_ports.end());
    spec.env.insert(spec.env.end(), extra.master_env.begin(), extra.master_env.end());
    spec.mounts.insert(spec.mounts.end(), extra.master_mounts.begin(), extra.master_mounts.end());
  }
  if (node.limited()) {
    spec.nano_cpus = node.nano_cpus;
    spec.memory_bytes = node.memory_bytes;
    for (auto& m : lxcfs::node_mounts()) spec.mounts.push_back(m);
    spec.labels[lxcfs::label] = "1";
  }
  return spec;
}

std::unique_ptr<lxcfs::Use> use_lxcfs(docker::Client& docker, const Context& ctx) {
  for (auto& node : ctx.layout.nodes) {
    if (node.limited()) return std::make_unique<lxcfs::Use>(docker);
  }
  // containers made with limits keep lxcfs's binds whatever this run's
  // variables say (a plain `up` after a host restart starts them again)
  if (!docker::list_containers(docker, {cluster_filter(ctx.layout), lxcfs::label}).empty()) {
    return std::make_unique<lxcfs::Use>(docker);
  }
  return nullptr;
}

void create_node_container(docker::Client& docker, const Context& ctx, size_t index, const docker::Mount& image_store,
                           bool empty_volumes) {
  const auto& node = ctx.layout.nodes.at(index);
  docker::create_container(docker, node_spec(ctx, index, image_store, empty_volumes));
  const auto& extra = ctx.spec.node_options;
  for (auto& n : extra.networks) docker::connect_network(docker, n, node.container);
  // in place before systemd starts containerd and kubelet: one archive put
  auto registries = ctx.spec.registries;  // a containerd patch's mirrors join them
  docker::Files files;
  if (!ctx.spec.kind.containerd_patches.empty()) {
    std::string base = docker::read_container_file(docker, node.container, "/etc/containerd/config.toml");
    files.emplace_back("etc/containerd/config.toml", patch_containerd(ctx.spec.kind, base, registries.mirrors));
  }
  for (auto& f : registry::node_files(docker, node.container, registries)) files.push_back(f);
  if (std::string dropin = proxy_dropin(extra.proxy, ctx.layout); !dropin.empty()) {
    files.emplace_back("etc/systemd/system/containerd.service.d/50-dind-proxy.conf", dropin);
    files.emplace_back("etc/systemd/system/kubelet.service.d/50-dind-proxy.conf", dropin);
  }
  docker::put_files(docker, node.container, files);
}

void refuse_foreign(const Context& ctx, const char* what, const std::string& name, const std::optional<json::Document>& info) {
  if (!info) return;
  // containers keep their labels in Config, networks and volumes at the top
  std::string owner = std::string(what) == "container" ? json::str(*info, {"Config", "Labels", cluster_label})
                                                       : json::str(*info, {"Labels", cluster_label});
  if (owner == ctx.layout.name) return;
  throw Error("a Docker " + std::string(what) + " named " + name + " exists that dind did not make for cluster " +
              ctx.layout.name + ": remove it, or pick another CLUSTER_ID or DIND_LABEL");
}

void create_network(docker::Client& docker, const Context& ctx) {
  auto network = docker::inspect_network(docker, ctx.layout.network);
  refuse_foreign(ctx, "network", ctx.layout.network, network);
  if (!network) {
    docker::NetworkSpec net;
    net.name = ctx.layout.network;
    net.labels = ctx.layout.labels;
    net.ipv6 = ctx.layout.has_v6();
    // fixed IPv6 addresses need the IPv4 subnet spelled out too
    for (size_t i = 0; i < ctx.layout.mgmt.size(); ++i) net.subnets.push_back({ctx.layout.mgmt[i].str(), ctx.layout.gateways[i]});
    if (ctx.layout.v4_standin) net.subnets.insert(net.subnets.begin(), docker::Subnet{ctx.layout.v4_standin->str(), ""});
    docker::create_network(docker, net);
  }
  registry::attach(docker, ctx.layout.network);
}

void create_node_containers(docker::Client& docker, const Context& ctx, const std::vector<size_t>& nodes, bool empty_volumes) {
  // what the nodes join or mount must be there: Docker would make a missing
  // volume itself, and nothing that clean could not remove may be left
  const auto& extra = ctx.spec.node_options;
  for (auto& n : extra.networks) {
    if (!docker::inspect_network(docker, n)) throw Error("DIND_CUSTOM_NETWORKS: there is no Docker network " + n);
  }
  bool master_here = std::find(nodes.begin(), nodes.end(), 0) != nodes.end();
  for (auto& m : extra.master_mounts) {
    if (master_here && m.type == "volume" && !docker::inspect_volume(docker, m.source)) {
      throw Error("MASTER_EXTRA_OPTS: there is no Docker volume " + m.source + " (dind makes no volume it does not own)");
    }
  }
  for (size_t i : nodes) {
    const auto& node = ctx.layout.nodes[i];
    for (auto& v : {var_volume(node), etc_volume(node)}) refuse_foreign(ctx, "volume", v, docker::inspect_volume(docker, v));
  }
  auto image_store = store::ensure(docker, ctx.spec.image);
  auto lxcfs = use_lxcfs(docker, ctx);
  // each node's create and files took ~0.45 s of the engine's time, one
  // after the other: 1.4 s of a 1+2 `up` or restore; together as kind does
  util::parallel(nodes.size(), [&](size_t k) {
    const auto& node = ctx.layout.nodes[nodes[k]];
    docker::create_volume(docker, var_volume(node), ctx.layout.labels);
    docker::create_volume(docker, etc_volume(node), ctx.layout.labels);
    create_node_container(docker, ctx, nodes[k], image_store, empty_volumes);
  });
}

namespace {

constexpr std::chrono::seconds boot_deadline{90};

// Until systemd has its bus up, systemctl says "offline" or cannot even ask:
// asked again every 100 ms in the node: a docker exec per ask costs the host
// ~0.1 s of CPU (dockerd, containerd, runc), which the booting nodes were
// short of, 10 asks a second per node in a slow hour. Then --wait
// returns once boot is over: "running", or "degraded" with a failed unit.
const char* const boot_wait = R"(i=0
while :; do
  s=$(systemctl is-system-running --wait 2>&1)
  case "$s" in offline|*"connect to bus"*) ;; *) break ;; esac
  i=$((i + 1)); [ $i -lt 900 ] || break
  sleep 0.1
done
echo "$s")";

} // namespace

void start_nodes(docker::Client& docker, const Context& ctx, const std::vector<size_t>& nodes) {
  util::parallel(nodes.size(), [&](size_t i) { docker::start_container(docker, ctx.layout.nodes[nodes[i]].container); });
  util::parallel(nodes.size(), [&](size_t i) {
    const auto& node = ctx.layout.nodes[nodes[i]];
    auto start = std::chrono::steady_clock::now();
    docker::ExecOptions o;
    o.timeout = boot_deadline;  // the loop is silent until it ends
    docker::ExecResult r;
    try {
      r = docker::exec(docker, node.container, {"sh", "-c", boot_wait}, o);
    } catch (const util::interrupt::Interrupted&) {
      throw;
    } catch (const Error&) {
      // a container that exited answers 409 to exec, or ends it: say it died, below
      auto info = docker::inspect_container(docker, node.container);
      bool running = info && json::flag(*info, {"State", "Running"});
      if (running && std::chrono::steady_clock::now() - start < boot_deadline) throw;
      if (running) throw Error(node.container + ": systemd did not finish booting within 90s (a unit hangs?)");
    }
    std::string state = util::trim(r.out);
    if (state == "running") return;
    if (state == "degraded") {
      auto failed = docker::exec(docker, node.container, {"systemctl", "--failed", "--no-legend", "--plain"});
      std::string units = util::trim(failed.out);
      // preload or containerd failing means no cluster; other units are noise
      if (units.find("containerd") != std::string::npos || units.find("dind-preload") != std::string::npos) {
        throw Error(node.container + ": boot failed: " + util::split(units, '\n').at(0));
      }
      return;
    }
    auto info = docker::inspect_container(docker, node.container);
    bool running = info && json::flag(*info, {"State", "Running"});
    throw Error(node.container + (running ? ": systemd did not boot (" + (state.empty() ? r.err : state) + ")"
                                          : ": container died while booting (exit " +
                                                std::to_string(info ? json::num(*info, {"State", "ExitCode"}) : -1) + ")"));
  });
}

int published_port(docker::Client& docker, const Context& ctx) {
  const std::string& name = ctx.layout.api_container();
  auto info = docker::inspect_container(docker, name);
  if (!info) throw Error(name + " is gone");
  std::string port = apiserver_host_port(*info);
  // a container that exited at once has no ports left to read: say why
  if (port.empty() && !json::flag(*info, {"State", "Running"})) {
    throw Error(name + ": container died while booting (exit " + std::to_string(json::num(*info, {"State", "ExitCode"})) + ")");
  }
  if (port.empty()) throw Error("the API server port of " + name + " is not published");
  return std::stoi(port);
}

} // namespace dind::cluster
