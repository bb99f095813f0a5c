#pragma once
#include "docker/client.hpp"
#include "docker/networks.hpp"

#include <map>
#include <string>
#include <vector>

namespace dind::hosts {

// A cluster's management network across the engines of a swarm: Docker's
// overlay driver (VXLAN between the engines), attachable so plain containers
// (the nodes) join it with their planned addresses.
struct OverlaySpec {
  std::string name;
  std::vector<docker::Subnet> subnets;
  std::map<std::string, std::string> labels;
  // The MTU of the links between the engines; 0 leaves Docker's 1500. The
  // nodes get 50 bytes less (VXLAN's headers).
  int underlay_mtu = 0;
};

// The network create request. UsageError for an IPv6 subnet: on Engine
// 20.10 each engine hands out the overlay's IPv6 addresses by itself (two
// containers got the same; a fixed one is ignored) and neighbour discovery
// does not cross engines (DEVELOPERS.md, measured). UsageError without an
// IPv4 subnet or with an MTU below IPv4's 576 + 50.
docker::NetworkSpec overlay_network_spec(const OverlaySpec& spec);

// Creates it on a manager of the swarm and waits until the swarm has
// allocated it (one it made that is not allocated in time is removed); one
// there already by that name with the same driver and subnets is kept.
// Returns its id.
std::string create_overlay(docker::Client& manager, const OverlaySpec& spec);

// Removes it from the swarm (on a manager); a missing one is fine.
void remove_overlay(docker::Client& manager, const std::string& name);

} // namespace dind::hosts
