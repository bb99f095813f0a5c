#pragma once
#include "hosts/swarm.hpp"

#include <string>
#include <vector>

namespace dind::hosts {

// What `hosts status` prints: each engine's endpoint, swarm role,
// reachability, memory and dind node containers.
struct HostsStatus {
  std::vector<EngineInfo> engines;
  bool all_reachable() const;
  std::string to_table() const;
  std::string to_json() const;
};

HostsStatus status(const std::vector<Host>& hosts);

} // namespace dind::hosts
