#include "image/cache.hpp"

#include "util/error.hpp"
#include "util/lock.hpp"
#include "util/log.hpp"

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
  // one builder per entry: another run building the same entry is waited for
  util::FileLock lock(d + ".lock", "building " + name, true, [&](const std::string& holder) {
    log::info("waiting for {}: it is building {}", holder, d);
  });
  if (has(name, key)) return d;
  std::string tmp = d + ".partial";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  try {
    fill(tmp);
    std::ofstream complete(tmp + "/.complete");
    complete << key << "\n";
    if (!complete.flush()) throw Error("cannot write " + tmp + "/.complete");
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::remove_all(d);
  fs::rename(tmp, d);
  return d;
}

} // namespace dind::image
