#include "cluster/kubeconfig.hpp"

#include "util/env.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <filesystem>

namespace dind::cluster {

namespace {

// admin.conf is written by kubeadm: one "key: value" per line.
std::string field(const std::string& yaml, const std::string& key) {
  for (auto& line : util::split(yaml, '\n')) {
    std::string t = util::trim(line);
    if (util::starts_with(t, key + ":")) return util::trim(t.substr(key.size() + 1));
  }
  throw Error("admin.conf has no " + key);
}

util::ProcessResult kubectl(const std::vector<std::string>& args) {
  std::vector<std::string> cmd = {kubectl_dir() + "/kubectl", "--kubeconfig", host_kubeconfig()};
  cmd.insert(cmd.end(), args.begin(), args.end());
  return util::run(cmd);
}

} // namespace

std::string kubectl_dir() { return util::home_dir() + "/.kubeadm-dind-cluster"; }

std::string host_kubeconfig() {
  if (auto k = util::env("KUBECONFIG")) {
    auto first = util::split(*k, ':');
    if (!first.empty()) return first[0];
  }
  return util::home_dir() + "/.kube/config";
}

void merge_context(const std::string& context, const std::string& admin_conf, int port) {
  std::filesystem::create_directories(std::filesystem::path(host_kubeconfig()).parent_path());
  std::string server = "https://127.0.0.1:" + std::to_string(port);
  for (auto& args : std::vector<std::vector<std::string>>{
           {"config", "set-cluster", context, "--server", server},
           {"config", "set", "clusters." + context + ".certificate-authority-data", field(admin_conf, "certificate-authority-data")},
           {"config", "set", "users." + context + ".client-certificate-data", field(admin_conf, "client-certificate-data")},
           {"config", "set", "users." + context + ".client-key-data", field(admin_conf, "client-key-data")},
           {"config", "set-context", context, "--cluster", context, "--user", context},
       }) {
    auto r = kubectl(args);
    if (r.exit_code != 0) throw Error("cannot update " + host_kubeconfig() + ": " + util::trim(r.err));
  }
  // the seed made the new cluster current; so do we
  kubectl({"config", "use-context", context});
}

void remove_context(const std::string& context) {
  if (!std::filesystem::exists(kubectl_dir() + "/kubectl") || !std::filesystem::exists(host_kubeconfig())) return;
  kubectl({"config", "delete-context", context});
  kubectl({"config", "delete-cluster", context});
  kubectl({"config", "unset", "users." + context});
}

} // namespace dind::cluster
