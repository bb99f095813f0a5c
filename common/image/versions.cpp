#include "image/versions.hpp"

#include "dind_config.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <filesystem>

namespace dind::image {

std::string images_dir() {
  namespace fs = std::filesystem;
  if (auto d = util::env("DIND_IMAGES_DIR")) return *d;
  // the source tree, the installed prefix, then beside the binary (a krew or
  // tarball install lands wherever its user unpacked it)
  std::string self = fs::read_symlink("/proc/self/exe").parent_path();
  for (std::string d : {std::string(DIND_SOURCE_ROOT) + "/images", std::string(DIND_DATADIR) + "/images",
                        self + "/../share/dind/images", self + "/images"}) {
    if (fs::exists(d + "/versions")) return d;
  }
  throw Error("cannot find the images/ directory (versions, build scripts): set DIND_IMAGES_DIR");
}

std::map<std::string, std::string> load_versions(const std::string& path) { return util::read_key_values(path); }

const std::string& version(const std::map<std::string, std::string>& versions, const std::string& key) {
  auto it = versions.find(key);
  if (it == versions.end() || it->second.empty()) throw Error("images/versions has no " + key);
  return it->second;
}

namespace {

std::string minor_of(const std::string& version) {
  auto second_dot = version.find('.', version.find('.') + 1);
  return version.substr(0, second_dot);
}

// "v1.9" before "v1.10"
bool older(const std::string& a, const std::string& b) {
  auto minor = [](const std::string& m) { return std::stoi(m.substr(m.find('.') + 1)); };
  return minor(a) < minor(b);
}

} // namespace

std::vector<std::string> kubernetes_minors(const std::string& images) {
  namespace fs = std::filesystem;
  std::vector<std::string> minors = {minor_of(version(load_versions(images + "/versions"), "KUBERNETES_VERSION"))};
  if (fs::is_directory(images + "/versions.d")) {
    for (auto& e : fs::directory_iterator(images + "/versions.d")) {
      std::string name = e.path().filename();
      if (util::starts_with(name, "v1.") && name != minors.front()) minors.push_back(name);
    }
  }
  std::sort(minors.begin(), minors.end(), older);
  return minors;
}

Release kubernetes_release(const std::string& images, const std::string& wanted) {
  Release r;
  r.versions = load_versions(images + "/versions");
  r.minor = minor_of(version(r.versions, "KUBERNETES_VERSION"));
  std::string w = wanted.empty() || wanted[0] == 'v' ? wanted : "v" + wanted;
  if (!w.empty() && minor_of(w) != r.minor) {
    auto minors = kubernetes_minors(images);
    if (std::find(minors.begin(), minors.end(), minor_of(w)) == minors.end()) {
      throw UsageError("Kubernetes " + wanted + " is not supported: dind builds " + util::join(minors, ", ") +
                       " (images/versions.d)");
    }
    r.minor = minor_of(w);
    r.override_file = images + "/versions.d/" + r.minor;
    for (auto& [k, v] : load_versions(r.override_file)) r.versions[k] = v;
  }
  // a patch release is pinned per minor: another one would be a different build
  const std::string& pinned = version(r.versions, "KUBERNETES_VERSION");
  if (w.size() > r.minor.size() && w != pinned) {
    throw UsageError("Kubernetes " + wanted + " is not supported: dind builds " + pinned + " of " + r.minor);
  }
  return r;
}

} // namespace dind::image
