#pragma once
#include "cluster/layout.hpp"

#include <string>

namespace dind::net {

// What dind-net reads on a node (its flags' defaults are the node's paths).
struct NodeOptions {
  std::string plan = "/etc/dind/plan.json";  // the cluster's plan, as `dind-net plan --json` writes it
  std::string node;                          // this node's container name
  int interval = 2;                          // seconds between watch_routes' passes
};

// This node's entry in the plan; a name the plan lacks throws dind::Error.
const cluster::NodeLayout& find_node(const cluster::Layout& plan, const NodeOptions& options);

// One pass: the service guard, and every other planned node's pod CIDRs
// routed via its address (the plan is rewritten on every up, reup and join).
// A route to a node not yet made sends nothing astray: its address answers nobody.
void route_once(const NodeOptions& options);

// The node daemon: once the plan is there, keeps the service guard and the
// routes (a node restarted behind dind's back gets them back). A pass runs
// only ip and iptables, no kubectl: starting one every 2 s on every node was
// CPU a coming-up cluster needs. A failed pass is a warning; the next one tries again.
[[noreturn]] void watch_routes(const NodeOptions& options);

// This node's CNI config (plugin "bridge" or "ptp") written to out.
void write_cni_config(const NodeOptions& options, const std::string& plugin, const std::string& out);

} // namespace dind::net
