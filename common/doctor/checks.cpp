#include "doctor/checks.hpp"

#include "util/error.hpp"
#include "util/json.hpp"
#include "util/quantity.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cstdio>
#include <regex>

namespace dind::doctor {

namespace {

constexpr uint64_t GiB = 1ULL << 30;

// kind's recommendation, which its users' "too many open files" answers give
constexpr int64_t good_instances = 512, good_watches = 524288;
// A node of a running 3-node cluster holds 15 inotify instances and 124-250
// watches (measured, DEVELOPERS.md); with room for pods, below this many per
// node its units fail to start.
constexpr int64_t instances_per_node = 20, watches_per_node = 2048;

std::string gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / GiB);
  return buf;
}

Check make(std::string name, Status s, std::string message, std::string fix = "") {
  return {std::move(name), s, std::move(message), std::move(fix)};
}

} // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::info: return "info";
    case Status::warn: return "warn";
    case Status::fail: return "fail";
  }
  return "";
}

std::string line(const Check& c) {
  static const char* marks[] = {"✓", "·", "!", "✗"};
  return std::string(marks[static_cast<int>(c.status)]) + " " + c.name + ": " + c.message + (c.fix.empty() ? "" : " — fix: " + c.fix);
}

std::string to_json(const std::vector<Check>& checks) {
  json::Writer w(true);
  bool blocked = false;
  w.begin_object().key("checks").begin_array();
  for (auto& c : checks) {
    blocked = blocked || c.status == Status::fail;
    w.begin_object().kv("name", c.name).kv("status", status_name(c.status)).kv("message", c.message).kv("fix", c.fix).end_object();
  }
  w.end_array().kv("blocksUp", blocked).end_object();
  return w.str();
}

Check inotify(int64_t instances, int64_t watches, size_t nodes) {
  std::string found = "fs.inotify.max_user_instances=" + std::to_string(instances) + ", max_user_watches=" + std::to_string(watches);
  std::string fix = "sudo sysctl -w fs.inotify.max_user_instances=" + std::to_string(good_instances) +
                    " fs.inotify.max_user_watches=" + std::to_string(good_watches) + " (and in /etc/sysctl.d/ to keep it)";
  auto n = static_cast<int64_t>(nodes);
  if (instances < instances_per_node * n || watches < watches_per_node * n) {
    return make("inotify", Status::fail, found + ": too low for " + std::to_string(nodes) + " nodes (systemd and kubelet fail with \"too many open files\")", fix);
  }
  if (instances < good_instances || watches < good_watches) {
    return make("inotify", Status::warn, found + ": enough for one cluster, low for several or for busy pods", fix);
  }
  return make("inotify", Status::ok, found);
}

Check cgroup(int version, const std::string& driver, const std::string& image) {
  std::smatch m;
  int minor = std::regex_search(image, m, std::regex(":v1\\.([0-9]+)")) ? std::stoi(m[1]) : 0;
  std::string found = "cgroup v" + std::to_string(version) + " (" + (driver.empty() ? "unknown driver" : driver + " driver") + ")";
  if (version == 1) {
    // kubelet 1.35+ refuses cgroup v1 by default; dind's KubeletConfiguration
    // says failCgroupV1: false, upstream's way to keep such hosts running
    if (minor >= 35) {
      return make("cgroup", Status::warn, found + ": the kubelet of " + image + " runs on it only because dind sets " +
                  "failCgroupV1: false (cgroup v1 is in maintenance upstream)",
                  "boot the host with cgroup v2 (systemd.unified_cgroup_hierarchy=1)");
    }
    return make("cgroup", Status::info, found + ": Kubernetes up to 1.34 runs on it as is; 1.35+ with failCgroupV1: false, which dind sets");
  }
  return make("cgroup", Status::ok, found + ": every Kubernetes version dind builds runs on it");
}

Check storage(const std::string& driver, const std::string& backing) {
  std::string found = driver + (backing.empty() ? "" : " on " + backing);
  if (driver == "vfs") {
    return make("storage", Status::warn, found + ": every layer is a full copy (slow, several GB per node)",
                "configure overlay2 in /etc/docker/daemon.json (\"storage-driver\")");
  }
  if (driver == "devicemapper" || driver == "aufs") {
    return make("storage", Status::warn, found + ": deprecated by Docker", "configure overlay2 in /etc/docker/daemon.json");
  }
  return make("storage", Status::ok, found);
}

Check privileged(bool ok) {
  if (ok) return make("privileged", Status::ok, "CAP_SYS_RESOURCE is in the bounding set: nodes run --privileged");
  return make("privileged", Status::info,
              "CAP_SYS_RESOURCE is not in the bounding set (--privileged would fail): nodes use the restricted recipe "
              "(all capabilities but SYS_RESOURCE, unconfined seccomp/apparmor)");
}

Check networks(const cluster::Layout& plan, const std::vector<Network>& existing) {
  std::vector<std::string> clashes;
  std::vector<std::string> names;
  auto ranges = [&](const std::vector<net::Cidr>& cidrs, const char* what) {
    std::vector<std::pair<net::Cidr, std::string>> out;
    for (auto& c : cidrs) out.emplace_back(c, what);
    return out;
  };
  auto mine = ranges(plan.mgmt, "the management network");
  for (auto& r : ranges(plan.pods, "the pod network")) mine.push_back(r);
  for (auto& r : ranges(plan.services, "the service network")) mine.push_back(r);
  for (auto& n : existing) {
    if (n.name == plan.network) continue;
    for (auto& s : n.subnets) {
      std::optional<net::Cidr> theirs;
      try {
        theirs = net::Cidr::parse(s);
      } catch (const Error&) {
        continue;
      }
      for (auto& [cidr, what] : mine) {
        if (!cidr.overlaps(*theirs)) continue;
        clashes.push_back("Docker network " + n.name + " (" + s + ") overlaps " + what + " " + cidr.str());
        names.push_back(n.name);
      }
    }
  }
  if (clashes.empty()) return make("networks", Status::ok, "no Docker network overlaps the plan's ranges");
  return make("networks", Status::fail, util::join(clashes, "; "),
              "docker network rm " + util::join(names, " ") + ", or pick other ranges (CLUSTER_ID, MGMT_CIDRS, POD_NETWORK_CIDR, SERVICE_CIDR)");
}

Check port(std::optional<int> port, bool in_use, bool cluster_exists) {
  if (!port) return make("apiserver-port", Status::ok, "APISERVER_PORT not set: Docker picks a free port");
  std::string p = "127.0.0.1:" + std::to_string(*port);
  if (!in_use) return make("apiserver-port", Status::ok, p + " is free");
  if (cluster_exists) return make("apiserver-port", Status::ok, p + " is in use, by this cluster's master");
  return make("apiserver-port", Status::fail, p + " (APISERVER_PORT) is in use by another program",
              "stop what listens there (ss -ltnp 'sport = :" + std::to_string(*port) + "'), or choose another APISERVER_PORT");
}

Check disk(const std::string& path, uint64_t free_bytes, size_t nodes) {
  // a node's /var (containerd's images, logs) ~1 GiB, plus the node image
  uint64_t need = (nodes + 2) * GiB;
  std::string found = gib(free_bytes) + " free in " + path;
  std::string fix = "free space in " + path + " (docker system prune removes unused images and build cache)";
  if (free_bytes < need) return make("disk", Status::fail, found + ", " + std::to_string(nodes) + " nodes need about " + gib(need), fix);
  if (free_bytes < 2 * need) return make("disk", Status::warn, found + ", tight for " + std::to_string(nodes) + " nodes (about " + gib(need) + ")", fix);
  return make("disk", Status::ok, found);
}

Check memory(uint64_t available, size_t nodes) {
  // kubeadm wants 1.7 GB for a control plane; a worker idles at ~300 MB
  uint64_t need = 2 * GiB + (nodes > 1 ? (nodes - 1) : 0) * GiB / 2;
  std::string found = gib(available) + " of memory available";
  if (available < need) {
    return make("memory", Status::warn, found + ", " + std::to_string(nodes) + " nodes want about " + gib(need),
                "stop other work or use fewer nodes (NUM_NODES)");
  }
  return make("memory", Status::ok, found);
}

Check leftovers(const cluster::Layout& plan, size_t containers, size_t volumes) {
  if (containers == 0 && volumes == 0) return make("leftovers", Status::ok, "no containers or volumes of cluster " + plan.name);
  return make("leftovers", Status::info,
              "cluster " + plan.name + " already has " + std::to_string(containers) + " containers and " + std::to_string(volumes) +
                  " volumes: up restarts it",
              "kubectl dind clean" + std::string(plan.cluster_id ? " --cluster-id " + std::to_string(plan.cluster_id) : "") +
                  " for a fresh one");
}

Check kernel(const std::string& feature, std::optional<bool> present, bool needed, const std::string& what_needs_it,
             const std::string& fix) {
  std::string name = "kernel " + feature;
  if (present && *present) return make(name, Status::ok, "present (" + what_needs_it + ")");
  if (!present) {
    return make(name, needed ? Status::warn : Status::info, "cannot tell whether the kernel has it (" + what_needs_it + ")",
                needed ? fix : "");
  }
  if (needed) return make(name, Status::fail, "missing: " + what_needs_it, fix);
  return make(name, Status::info, "missing: only " + what_needs_it);
}

Check device(const std::string& path, bool present, bool needed, const std::string& what_needs_it, const std::string& fix) {
  if (present) return make(path, Status::ok, "present (" + what_needs_it + ")");
  if (needed) return make(path, Status::fail, "missing: " + what_needs_it, fix);
  return make(path, Status::info, "missing: " + what_needs_it);
}

Check limits(const cluster::Layout& plan, int64_t host_cpus, const std::string& problem, const std::string& fix) {
  int64_t most = 0;
  bool any = false;
  for (auto& n : plan.nodes) most = std::max(most, n.nano_cpus), any = any || n.limited();
  if (!any) return make("limits", Status::ok, "no NODE_CPUS or NODE_MEMORY: nodes report the host's CPUs and memory");
  if (host_cpus > 0 && most > host_cpus * 1000000000) {
    return make("limits", Status::fail,
                "a node is to have " + util::format_cpus(most) + " CPUs, Docker has " + std::to_string(host_cpus),
                "NODE_CPUS/MASTER_CPUS of at most " + std::to_string(host_cpus));
  }
  if (!problem.empty()) return make("limits", Status::fail, problem, fix);
  return make("limits", Status::ok, "limited nodes report their limits as capacity (lxcfs)");
}

} // namespace dind::doctor
