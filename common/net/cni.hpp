#pragma once
#include "cluster/layout.hpp"

#include <string>

namespace dind::net {

// A node's CNI config: the bridge (or ptp) plugin with host-local IPAM over
// the node's own pod CIDR(s) (both families in dual-stack), and portmap.
std::string cni_config(const std::string& plugin, const cluster::NodeLayout& node);

} // namespace dind::net
