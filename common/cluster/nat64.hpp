#pragma once
#include "cluster/context.hpp"
#include "docker/client.hpp"

namespace dind::cluster {

// The seed's IPv6-only helpers as Docker containers of the cluster: bind9
// (DNS64) and tayga (NAT64) at dns64_ip and nat64_ip, made from an image
// derived once from dind-base, or started when they stopped.
void start_nat64_containers(docker::Client& docker, const Context& ctx);

} // namespace dind::cluster
