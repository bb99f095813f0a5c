#include "cluster/node.hpp"

#include "util/env.hpp"
#include "util/strings.hpp"

#include <filesystem>
#include <fstream>

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

void make_node_spec(docker::ContainerSpec& spec, const std::string& var_volume, const std::string& etc_volume) {
  if (privileged_nodes()) {
    spec.privileged = true;
  } else {
    spec.cap_add = {"ALL"};
    spec.cap_drop = {"SYS_RESOURCE"};
    spec.security_opt = {"seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"};
    spec.device_cgroup_rules = {"a *:* rwm"};
  }
  spec.security_opt.push_back("label=disable");
  spec.cgroupns_mode = "private";
  spec.tmpfs = {{"/run", "rw,nosuid,nodev,exec"}, {"/tmp", "rw,nosuid,nodev,exec"}};
  spec.mounts.push_back({"volume", var_volume, "/var", false});
  if (!etc_volume.empty()) spec.mounts.push_back({"volume", etc_volume, "/etc/kubernetes", false});
  // kube-proxy and kubelet look for modules; monolithic kernels have none.
  if (std::filesystem::exists("/lib/modules")) spec.mounts.push_back({"bind", "/lib/modules", "/lib/modules", true});
  spec.env.push_back("container=docker");
  spec.stop_signal = "SIGRTMIN+3";
}

} // namespace dind::cluster
