#pragma once
#include <string>

namespace dind::util::toml {

// `patch` merged into `base` as kind merges containerdConfigPatches: tables
// merge key by key, anything else (values, arrays) replaces. Throws Error
// naming `what` when either is not valid TOML.
std::string merge(const std::string& base, const std::string& patch, const std::string& what);

// Throws Error naming `what` when `text` is not valid TOML.
void check(const std::string& text, const std::string& what);

} // namespace dind::util::toml
