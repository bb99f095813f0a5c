#pragma once
#include "cluster/layout.hpp"

#include <string>
#include <vector>

namespace dind::net {

// The node side of a plan, as `dind-net plan --json` writes it. Addresses and
// CIDRs must parse as the CIDR type does and be in canonical form (they become
// ip/iptables arguments); anything else throws dind::Error.
cluster::Layout layout_from_json(const std::string& text);

// `ip` commands that give node `self` a route to every other planned node's
// pod CIDRs via that node's management address, skipping routes that
// `current` (the output of `ip route; ip -6 route`) already has.
std::vector<std::string> route_commands(const cluster::Layout& plan, const std::string& self, const std::string& current);

// Packets from pods to a service address that kube-proxy did not translate
// (a port the service does not have) are refused at once, as kube-proxy's
// nftables mode does: on hosts whose network answers any address (a
// transparent proxy), they would otherwise reach something. Commands for the
// rules `current` (`iptables -S FORWARD; ip6tables -S FORWARD`) lacks.
constexpr const char* service_guard_comment = "dind-unallocated-service-port";
std::vector<std::string> service_guard_commands(const cluster::Layout& plan, const std::string& current);

} // namespace dind::net
