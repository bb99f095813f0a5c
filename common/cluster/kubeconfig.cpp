#include "cluster/kubeconfig.hpp"

#include "util/env.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/strings.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace dind::cluster {

namespace {

namespace fs = std::filesystem;

// kubectl (client-go) locks a kubeconfig by creating "<file>.lock" with
// O_EXCL and removing it afterwards; dind takes the same lock, so neither
// loses the other's entries.
class KubeconfigLock {
public:
  explicit KubeconfigLock(const std::string& file) : path_(file + ".lock") {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0) {
        ::close(fd);
        return;
      }
      if (errno != EEXIST) throw Error("cannot lock " + file + ": " + std::strerror(errno));
      if (std::chrono::steady_clock::now() > until) {
        throw Error(path_ + " has existed for 10s: another kubectl is writing " + file + ", or it is stale (remove it)");
      }
      util::interrupt::check();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~KubeconfigLock() { ::unlink(path_.c_str()); }
  KubeconfigLock(const KubeconfigLock&) = delete;
  KubeconfigLock& operator=(const KubeconfigLock&) = delete;

private:
  std::string path_;
};

// The host kubeconfig, or an empty one; a file that is not YAML is never overwritten.
YAML::Node load(const std::string& path) {
  if (!fs::exists(path) || fs::file_size(path) == 0) {
    YAML::Node c;
    c["apiVersion"] = "v1";
    c["kind"] = "Config";
    c["preferences"] = YAML::Node(YAML::NodeType::Map);
    return c;
  }
  try {
    YAML::Node c = YAML::Load(util::read_file(path));
    if (!c.IsMap()) throw Error(path + " is not a kubeconfig (not a YAML map): leaving it alone");
    return c;
  } catch (const YAML::Exception& e) {
    throw Error(path + " is not valid YAML (" + e.what() + "): leaving it alone");
  }
}

void save(const std::string& path, const YAML::Node& config) {
  YAML::Emitter out;
  out << config;
  util::write_file(path, std::string(out.c_str()) + "\n", 0600);
}

// Replaces (or adds) the entry `name` of a kubeconfig list (clusters, users,
// contexts); a null value removes it. True when an entry of that name was there.
bool upsert(YAML::Node config, const char* list, const std::string& name, const char* field, const YAML::Node& value) {
  YAML::Node entries = config[list];
  YAML::Node kept(YAML::NodeType::Sequence);
  bool found = false;
  if (entries && entries.IsSequence()) {
    for (const auto& e : entries) {
      bool same = e.IsMap() && e["name"] && e["name"].IsScalar() && e["name"].as<std::string>() == name;
      found = found || same;
      if (!same) kept.push_back(e);
    }
  }
  if (!value.IsNull()) {
    YAML::Node entry;
    entry["name"] = name;
    entry[field] = value;
    kept.push_back(entry);
  }
  config[list] = kept;
  return found;
}

std::string admin_field(const YAML::Node& admin, const char* list, const char* field, const char* key) {
  try {
    return admin[list][0][field][key].as<std::string>();
  } catch (const YAML::Exception&) {
    throw Error(std::string("the master's admin.conf has no ") + list + "[0]." + field + "." + key);
  }
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
  std::string path = host_kubeconfig();
  fs::create_directories(fs::path(path).parent_path());
  YAML::Node admin;
  try {
    admin = YAML::Load(admin_conf);
  } catch (const YAML::Exception& e) {
    throw Error(std::string("the master's admin.conf is not YAML: ") + e.what());
  }
  YAML::Node cluster;
  cluster["server"] = "https://127.0.0.1:" + std::to_string(port);
  cluster["certificate-authority-data"] = admin_field(admin, "clusters", "cluster", "certificate-authority-data");
  YAML::Node user;
  user["client-certificate-data"] = admin_field(admin, "users", "user", "client-certificate-data");
  user["client-key-data"] = admin_field(admin, "users", "user", "client-key-data");
  YAML::Node ctx;
  ctx["cluster"] = context;
  ctx["user"] = context;

  KubeconfigLock lock(path);
  YAML::Node config = load(path);
  upsert(config, "clusters", context, "cluster", cluster);
  upsert(config, "users", context, "user", user);
  upsert(config, "contexts", context, "context", ctx);
  // the seed made the new cluster current; so do we
  config["current-context"] = context;
  save(path, config);
}

void remove_context(const std::string& context) {
  std::string path = host_kubeconfig();
  if (!fs::exists(path)) return;
  KubeconfigLock lock(path);
  YAML::Node config = load(path);
  bool changed = false;
  for (const char* list : {"clusters", "users", "contexts"}) changed = upsert(config, list, context, "", YAML::Node()) || changed;
  if (config["current-context"] && config["current-context"].IsScalar() && config["current-context"].as<std::string>() == context) {
    config["current-context"] = "";
    changed = true;
  }
  // a kubeconfig without this cluster stays as its owner wrote it
  if (changed) save(path, config);
}

} // namespace dind::cluster
