#pragma once
#include "cluster/layout.hpp"

#include <map>
#include <optional>
#include <string>

namespace dind::test {

// The layout the seed's variables vars make (all others at their defaults).
inline cluster::Layout layout_of(const std::map<std::string, std::string>& vars) {
  return cluster::make_layout(cluster::LayoutInput::from([&](const std::string& k) -> std::optional<std::string> {
    if (auto it = vars.find(k); it != vars.end()) return it->second;
    return std::nullopt;
  }));
}

} // namespace dind::test
