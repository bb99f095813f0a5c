#pragma once
#include <optional>
#include <string>

namespace dind::util {

// The variable's value, or nothing when unset or empty (the seed treats both alike).
std::optional<std::string> env(const char* name);
std::string home_dir();
// $XDG_CACHE_HOME/dind or ~/.cache/dind, created on demand.
std::string cache_dir();

} // namespace dind::util
