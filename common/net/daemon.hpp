#pragma once
#include "cluster/layout.hpp"

#include <string>

namespace dind::net {

// What dind-net reads on a node (its flags' defaults are the node's paths).
struct NodeOptions {
  std::string plan = "/etc/dind/plan.json";  // the cluster's plan, as `dind-net plan --json` writes it
  std::string node;                          // this node's container name
  std::string kubeconfig = "/etc/kubernetes/kubelet.conf";  // to list the registered nodes
  int interval = 2;                          // seconds between watch_routes' passes
};

// This node's entry in the plan; a name the plan lacks throws dind::Error.
const cluster::NodeLayout& find_node(const cluster::Layout& plan, const NodeOptions& options);

// One pass: the service guard, and once the kubelet's kubeconfig is there,
// every registered node's pod CIDRs routed via its address.
void route_once(const NodeOptions& options);

// The node daemon: once the plan is there, keeps the service guard, and once
// the kubelet's kubeconfig is, the routes as nodes join or come back. A failed
// pass is a warning; the next one tries again.
[[noreturn]] void watch_routes(const NodeOptions& options);

// This node's CNI config (plugin "bridge" or "ptp") written to out.
void write_cni_config(const NodeOptions& options, const std::string& plugin, const std::string& out);

} // namespace dind::net
