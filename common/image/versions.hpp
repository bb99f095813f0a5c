#pragma once
#include <map>
#include <string>
#include <vector>

namespace dind::image {

// Where images/ (versions, build scripts, node files) is: $DIND_IMAGES_DIR,
// the source tree this binary was built from, or the installed share/dind.
std::string images_dir();

// images/versions as KEY -> VALUE; refuses a missing or malformed file.
std::map<std::string, std::string> load_versions(const std::string& path);
const std::string& version(const std::map<std::string, std::string>& versions, const std::string& key);

// A Kubernetes minor version node images are built of: images/versions (the
// default), or images/versions.d/<minor> laid over it.
struct Release {
  std::string minor;          // "v1.35"
  std::string override_file;  // "" for the default
  std::map<std::string, std::string> versions;
};

// wanted: "" (the default), "v1.35", "1.35" or the pinned "v1.35.4";
// anything else is refused in one line naming the versions there are.
Release kubernetes_release(const std::string& images, const std::string& wanted);
// Every minor version images/ can build, oldest first.
std::vector<std::string> kubernetes_minors(const std::string& images);

} // namespace dind::image
