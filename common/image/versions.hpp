#pragma once
#include <map>
#include <string>

namespace dind::image {

// Where images/ (versions, build scripts, node files) is: $DIND_IMAGES_DIR,
// the source tree this binary was built from, or the installed share/dind.
std::string images_dir();

// images/versions as KEY -> VALUE; refuses a missing or malformed file.
std::map<std::string, std::string> load_versions(const std::string& path);
const std::string& version(const std::map<std::string, std::string>& versions, const std::string& key);

} // namespace dind::image
