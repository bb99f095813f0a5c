#include "image/cache.hpp"

#include <filesystem>
#include <fstream>

namespace dind::image {

namespace fs = std::filesystem;

Cache::Cache(std::string root) : root_(std::move(root)) { fs::create_directories(root_); }

std::string Cache::dir(const std::string& name, const std::string& key) const {
  return root_ + "/" + name + "-" + key.substr(0, 16);
}

bool Cache::has(const std::string& name, const std::string& key) const {
  return fs::exists(dir(name, key) + "/.complete");
}

std::string Cache::ensure(const std::string& name, const std::string& key,
                          const std::function<void(const std::string&)>& fill) {
  std::string d = dir(name, key);
  if (has(name, key)) return d;
  std::string tmp = d + ".partial";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  fill(tmp);
  std::ofstream(tmp + "/.complete") << key << "\n";
  fs::remove_all(d);
  fs::rename(tmp, d);
  return d;
}

} // namespace dind::image
