#pragma once
#include "docker/client.hpp"
#include "util/json.hpp"
#include "util/steps.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dind::registry {

// What `registry status` prints.
struct LocalStatus {
  std::string state = "absent";        // Docker's container state, or absent
  std::string image;
  std::vector<std::string> networks;   // the cluster networks it is on
  bool up() const { return state == "running"; }
  std::string to_json() const;
  std::string to_table() const;
};

// dind-registry:<key>, imported from images/registry/build.sh's root
// filesystem (cached by content hash, as the node image's pieces are).
std::string ensure_image(docker::Client& docker, util::Steps& steps);

// Starts the local registry (container and image volume named dind-registry,
// 127.0.0.1:5001 on the host) and joins it to every cluster's network; a
// registry that runs is left alone, one from an older image is recreated
// with its volume kept. Refuses a container of that name dind did not make.
void up(docker::Client& docker, util::Steps& steps);

// Removes the registry's container and its volume (the pushed images); fine
// when there is none.
void down(docker::Client& docker, util::Steps& steps);

LocalStatus status(docker::Client& docker);

// The registry's IPv4 and IPv6 address in a network: the last of each of
// its subnets. Nodes take the first addresses (fixed by the plan), and Docker
// would give a joiner the lowest free one, which a node of a cluster that is
// down wants back at its next up. "" (Docker picks) where there is none.
std::pair<std::string, std::string> addresses_in(const json::Value& network);

// A cluster's network gains the registry when the registry exists, and
// loses it before the network is removed.
void attach(docker::Client& docker, const std::string& network);
void detach(docker::Client& docker, const std::string& network);

} // namespace dind::registry
