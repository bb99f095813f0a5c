#pragma once
#include "docker/containers.hpp"
#include "cluster/layout.hpp"

#include <map>
#include <string>
#include <vector>

namespace dind::cluster {

// HTTP_PROXY, HTTPS_PROXY and NO_PROXY for containerd and kubelet in the nodes.
struct NodeProxy {
  std::string http, https, no;
  bool empty() const { return http.empty() && https.empty() && no.empty(); }
};

// What the seed's EXTRA_PORTS, MASTER_EXTRA_OPTS, DIND_CUSTOM_NETWORKS and
// DIND_*_PROXY variables add to the node containers.
struct NodeOptions {
  std::vector<docker::PortBinding> master_ports;  // EXTRA_PORTS and MASTER_EXTRA_OPTS' -p
  std::vector<std::string> master_env;            // -e K=V
  std::vector<docker::Mount> master_mounts;       // -v src:dst[:ro]
  std::vector<std::string> networks;              // joined by every node
  NodeProxy proxy;
};

// Docker's -p forms: [ip:][hostPort:]containerPort[/tcp|udp|sctp], comma
// (or, as the seed wrote them, ';') separated. Throws UsageError naming var.
std::vector<docker::PortBinding> parse_ports(const std::string& value, const std::string& var);

// The `docker run` options that make sense for a node: -e/--env, -v/--volume,
// -p/--publish; anything else is refused with its name.
void parse_master_opts(const std::string& value, NodeOptions& into);

// From the layered variables; DIND_PROPAGATE_HTTP_PROXY takes the host's
// HTTP_PROXY, HTTPS_PROXY and NO_PROXY where the DIND_ ones are unset.
NodeOptions node_options(const std::map<std::string, std::string>& values);

// The systemd drop-in for containerd and kubelet ("" when there is no proxy);
// NO_PROXY gets the cluster's own addresses and names, which must never go
// through the proxy.
std::string proxy_dropin(const NodeProxy& proxy, const Layout& plan);

} // namespace dind::cluster
