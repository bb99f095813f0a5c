#include "image/versions.hpp"

#include "dind_config.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

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

} // namespace dind::image
