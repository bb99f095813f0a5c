#pragma once
#include "net/plan.hpp"

#include <map>
#include <optional>
#include <string>

namespace dind::test {

// The plan the seed's variables vars make (all others at their defaults).
inline net::Plan plan_of(const std::map<std::string, std::string>& vars) {
  return net::make_plan(net::PlanInput::from([&](const std::string& k) -> std::optional<std::string> {
    if (auto it = vars.find(k); it != vars.end()) return it->second;
    return std::nullopt;
  }));
}

} // namespace dind::test
