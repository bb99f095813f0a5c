#include "doctor/doctor.hpp"

#include "cluster/context.hpp"
#include "cluster/docker_provider.hpp"
#include "cluster/lxcfs.hpp"
#include "cluster/node.hpp"
#include "docker/containers.hpp"
#include "docker/networks.hpp"
#include "docker/volumes.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace dind::doctor {

namespace fs = std::filesystem;

namespace {

// A sysctl (or its DIND_DOCTOR_* stand-in); -1 when unreadable.
int64_t sysctl(const std::string& path, const char* override_var) {
  if (auto v = util::env(override_var)) return util::parse_int(*v, 0, INT64_MAX >> 1, override_var);
  std::ifstream in(path);
  int64_t v = -1;
  in >> v;
  return in ? v : -1;
}

// Whether the running kernel has a feature: loaded (/sys/module, or a file it
// makes), built in or loadable (modules.builtin / modules.dep), or configured
// (/boot/config-*); nullopt when none of those exist to tell.
std::optional<bool> kernel_has(const std::string& module, const std::string& config_key, const std::vector<std::string>& marks) {
  for (auto& m : marks) {
    if (fs::exists(m)) return true;
  }
  if (fs::exists("/sys/module/" + module)) return true;
  utsname u{};
  ::uname(&u);
  std::string release = u.release;
  bool could_tell = false;
  for (auto* list : {"modules.builtin", "modules.dep"}) {
    std::ifstream in("/lib/modules/" + release + "/" + list);
    if (!in) continue;
    could_tell = true;
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("/" + module + ".ko") != std::string::npos) return true;
    }
  }
  std::ifstream config("/boot/config-" + release);
  std::string line;
  while (config && std::getline(config, line)) {
    could_tell = true;
    if (util::starts_with(line, config_key + "=")) return true;
  }
  if (could_tell) return false;
  return std::nullopt;
}

bool port_in_use(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // TIME_WAIT is not "in use"
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool taken = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno == EADDRINUSE;
  ::close(fd);
  return taken;
}

uint64_t mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit) {
    if (key == "MemAvailable:") return kb * 1024;
  }
  return 0;
}

Check skipped(const std::string& name, const std::string& why) { return {name, Status::info, "skipped: " + why, ""}; }

std::vector<Check> gather(docker::Client& docker, const cluster::Config& config, bool preflight) {
  std::vector<Check> out;
  auto plan = config.layout();
  size_t nodes = plan.nodes.size();
  std::string kube_proxy = config.get("KUBE_PROXY_MODE");

  std::optional<json::Document> info;
  try {
    const std::string& api = docker.api_version();
    docker::Request r;
    r.path = "/info";
    info = json::parse(docker.call(r), "docker info");
    out.push_back({"docker", Status::ok, "Docker " + json::str(*info, {"ServerVersion"}) + " at " + docker.endpoint().text + ", API " + api, ""});
  } catch (const Error& e) {
    out.push_back({"docker", Status::fail, "cannot reach Docker at " + docker.endpoint().text + ": " + e.what(),
                   "start the Docker daemon (sudo systemctl start docker), check its socket's permissions, or set DOCKER_HOST"});
  }
  bool local = docker.endpoint().kind == docker::Endpoint::Kind::unix_socket;
  std::string remote = "Docker at " + docker.endpoint().text + " is not on this host";

  if (info) {
    std::string backing;
    if (auto* st = json::find(*info, {"DriverStatus"}); st && st->IsArray()) {
      for (auto& kv : st->GetArray()) {
        if (kv.IsArray() && kv.Size() == 2 && kv[0].IsString() && kv[1].IsString() && std::string(kv[0].GetString()) == "Backing Filesystem") {
          backing = kv[1].GetString();
        }
      }
    }
    if (!preflight) out.push_back(storage(json::str(*info, {"Driver"}), backing));
    auto version = json::str(*info, {"CgroupVersion"}, "1");
    out.push_back(cgroup(version == "2" ? 2 : 1, json::str(*info, {"CgroupDriver"}), config.image()));
  }
  if (!preflight) out.push_back(local ? privileged(cluster::privileged_nodes()) : skipped("privileged", remote));
  {
    auto p = cluster::lxcfs::problem(docker);
    out.push_back(limits(plan, info ? json::num(*info, {"NCPU"}) : 0, p ? p->what : "", p ? p->fix : ""));
  }

  if (local) {
    int64_t instances = sysctl("/proc/sys/fs/inotify/max_user_instances", "DIND_DOCTOR_INOTIFY_INSTANCES");
    int64_t watches = sysctl("/proc/sys/fs/inotify/max_user_watches", "DIND_DOCTOR_INOTIFY_WATCHES");
    out.push_back(instances < 0 || watches < 0 ? skipped("inotify", "/proc/sys/fs/inotify is not readable") : inotify(instances, watches, nodes));
    std::vector<std::pair<std::string, std::string>> devices = {
        {"/dev/kmsg", "kubelet's OOM watcher; the node entrypoint makes a stand-in"},
        {"/dev/fuse", "FUSE file systems in pods"},
        {"/dev/net/tun", "NAT64 (tayga) of IP_MODE=ipv6"}};
    for (auto& [path, what] : devices) {
      bool needed = path == "/dev/net/tun" && plan.mode == net::IpMode::ipv6;
      if (preflight && !needed) continue;
      out.push_back(device(path, fs::exists(path), needed, what, "sudo modprobe tun, or use IP_MODE=ipv4/dual-stack"));
    }
    struct Feature {
      std::string name, module, config, what, fix;
      std::vector<std::string> marks;
      bool needed;
    };
    std::vector<Feature> features = {
        {"br_netfilter", "br_netfilter", "CONFIG_BRIDGE_NETFILTER", "service traffic between pods on a node's bridge",
         "sudo modprobe br_netfilter", {"/proc/sys/net/bridge/bridge-nf-call-iptables"}, true},
        {"vxlan", "vxlan", "CONFIG_VXLAN", "multi-host clusters and flannel", "sudo modprobe vxlan", {}, false},
        {"ipvs", "ip_vs", "CONFIG_IP_VS", "kube-proxy's ipvs mode", "sudo modprobe ip_vs", {"/proc/net/ip_vs"}, kube_proxy == "ipvs"},
        {"nf_tables", "nf_tables", "CONFIG_NF_TABLES", "KUBE_PROXY_MODE=nftables", "sudo modprobe nf_tables", {}, kube_proxy == "nftables"},
    };
    for (auto& f : features) {
      if (preflight && !f.needed) continue;
      out.push_back(kernel(f.name, kernel_has(f.module, f.config, f.marks), f.needed, f.what, f.fix));
    }
    std::string root = info ? json::str(*info, {"DockerRootDir"}) : "";
    struct statvfs st{};
    if (!root.empty() && ::statvfs(root.c_str(), &st) == 0) {
      out.push_back(disk(root, static_cast<uint64_t>(st.f_bavail) * st.f_frsize, nodes));
    } else if (!preflight) {
      out.push_back(skipped("disk", root.empty() ? "Docker's data directory is unknown" : root + " is not readable here"));
    }
    if (!preflight) out.push_back(memory(mem_available(), nodes));
  } else if (!preflight) {
    for (auto* name : {"inotify", "kernel", "devices", "disk"}) out.push_back(skipped(name, remote));
    if (info) out.push_back(memory(static_cast<uint64_t>(json::num(*info, {"MemTotal"})), nodes));
  }

  if (!info && !preflight) {
    for (auto* name : {"storage", "cgroup", "apiserver-port", "networks", "leftovers"}) out.push_back(skipped(name, "Docker is unreachable"));
  }
  if (info) {
    // the cluster's own: its master's port, or its load balancer's (which `down` leaves)
    auto containers = docker::list_containers(docker, {cluster::cluster_filter(plan)});
    auto port_number = config.apiserver_port();
    if (local) out.push_back(port(port_number, port_number && port_in_use(*port_number), !containers.empty()));
    std::vector<Network> existing;
    for (auto& n : docker::list_networks(docker, {})) existing.push_back({n.name, n.subnets});
    out.push_back(networks(plan, existing));
    if (!preflight) {
      auto volumes = docker::list_volumes(docker, {cluster::cluster_filter(plan)});
      out.push_back(leftovers(plan, containers.size(), volumes.size()));
    }
  }
  return out;
}

} // namespace

std::vector<Check> run(docker::Client& docker, const cluster::Config& config) { return gather(docker, config, false); }

void preflight(docker::Client& docker, const cluster::Config& config) {
  std::vector<std::string> blocking;
  for (auto& c : gather(docker, config, true)) {
    if (c.status == Status::fail) blocking.push_back(line(c));
  }
  if (!blocking.empty()) throw Error("the host cannot run this cluster (kubectl dind doctor says more):\n" + util::join(blocking, "\n"));
}

} // namespace dind::doctor
