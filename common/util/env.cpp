#include "util/env.hpp"

#include <cstdlib>
#include <filesystem>
#include <pwd.h>
#include <unistd.h>

namespace dind::util {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::string home_dir() {
  if (auto h = env("HOME")) return *h;
  const passwd* pw = ::getpwuid(::getuid());
  return pw ? pw->pw_dir : "/";
}

std::string cache_dir() {
  std::string dir = env("XDG_CACHE_HOME").value_or(home_dir() + "/.cache") + "/dind";
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace dind::util
