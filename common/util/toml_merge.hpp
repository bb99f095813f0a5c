#pragma once
#include <map>
#include <string>
#include <vector>

namespace dind::util::toml {

// `patch` merged into `base` as kind merges containerdConfigPatches: tables
// merge key by key, anything else (values, arrays) replaces. Throws Error
// naming `what` when either is not valid TOML.
std::string merge(const std::string& base, const std::string& patch, const std::string& what);

// Removes the table at `path` (its keys, outermost first) from `text` and
// returns, for each of its subtables, the strings of its array `key`
// ({"docker.io": ["http://mirror:5000"]} for containerd's registry.mirrors).
std::map<std::string, std::vector<std::string>> take_arrays(std::string& text, const std::vector<std::string>& path,
                                                            const std::string& key, const std::string& what);

// Throws Error naming `what` when `text` is not valid TOML.
void check(const std::string& text, const std::string& what);

} // namespace dind::util::toml
