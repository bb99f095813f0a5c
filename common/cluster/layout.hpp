#pragma once
#include "net/cidr.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dind::cluster {

// The seed's variables, as strings, before any rule is applied.
struct LayoutInput {
  std::string ip_mode = "ipv4";
  std::string cluster_id;  // "" or "0": the default cluster
  std::string dind_label;
  std::string mgmt_cidrs;  // comma separated
  std::string dind_subnet, dind_subnet_size;  // legacy spelling of MGMT_CIDRS
  std::string pod_network_cidr;  // comma separated in dual-stack
  std::string service_cidr;
  std::string num_nodes = "2";
  std::string num_control_planes = "1";
  std::string dns64_prefix;
  std::string nat64_v4_subnet_prefix;
  std::string node_cpus, node_memory;      // every node's limits, Docker's spelling
  std::string master_cpus, master_memory;  // the master's, instead of the above

  // Fills every field that lookup(NAME) knows (NAME as the seed spells it).
  static LayoutInput from(const std::function<std::optional<std::string>(const std::string&)>& lookup);
};

struct NodeLayout {
  // kube-master, kube-master-2, kube-node-1, ...: the node in any cluster
  // (plan.json's "role", as the nodes' dind-net reads it)
  std::string name;
  std::string container;  // name + the cluster suffix: the container's and the Kubernetes node's name
  std::string ipv4, ipv6;
  std::vector<std::string> pod_cidrs;
  // The container's limits, which the node reports as its capacity; 0: none.
  int64_t nano_cpus = 0;
  int64_t memory_bytes = 0;
  bool limited() const { return nano_cpus || memory_bytes; }
  // Which of DIND_HOSTS' engines runs it: 0, the first (or the only one).
  size_t host = 0;
};

// A cluster's identity (name, suffix, context, labels) and layout (its
// networks, nodes with their addresses and limits, the load balancer and the
// IPv6 helpers), from the seed's variables: what every command and node
// computes alike (nodes read it from /etc/dind/plan.json).
struct Layout {
  net::IpMode mode = net::IpMode::ipv4;
  int cluster_id = 0;
  std::string label;    // DIND_LABEL
  std::string name;     // "default", "cluster-10", "foo": the value of the cluster label
  std::string suffix;   // "", "-cluster-10", "-foo", "-foo-10"
  std::string context;  // dind, dind-cluster-10, dind-foo
  std::string network;  // the management network's name
  std::vector<net::Cidr> mgmt;      // v4 first
  std::vector<std::string> gateways;
  std::vector<net::Cidr> pods;      // the cluster-wide pod ranges
  std::vector<net::Cidr> services;
  std::vector<NodeLayout> nodes;  // the control planes first, kube-master the one kubeadm init runs on
  int control_planes = 1;
  // With several control planes: the API servers' load balancer (kube-lb),
  // at the last address but one of each management network.
  std::optional<NodeLayout> lb;
  std::string dns64_prefix;    // ipv6 only
  std::string nat64_v4_subnet; // ipv6 only
  // ipv6 only: the IPv4 subnet Docker 20.10 needs beside an IPv6 one on the
  // management network (10.193.<id>.0/24; nothing is addressed in it), and the
  // DNS64 and NAT64 helpers' addresses there (::100, ::200)
  std::optional<net::Cidr> v4_standin;
  std::string dns64_ip;
  std::string nat64_ip;
  std::map<std::string, std::string> labels;

  bool is_control_plane(size_t index) const { return index < static_cast<size_t>(control_planes); }
  size_t workers() const { return nodes.size() - static_cast<size_t>(control_planes); }
  // The container that publishes the API server on the host: kube-lb or kube-master.
  const std::string& api_container() const { return lb ? lb->container : nodes.at(0).container; }
  bool has_v4() const { return mode != net::IpMode::ipv6; }
  bool has_v6() const { return mode != net::IpMode::ipv4; }
  std::string mode_name() const;
  std::string to_json(bool pretty = true) const;
  std::string to_table() const;
};

// The label every dind resource carries, and its value for this cluster.
constexpr const char* cluster_label = "io.dind.cluster";
constexpr const char* seed_label = "mirantis.kubeadm_dind_cluster";

// A node below this cannot run kubelet, containerd and the 100Mi eviction reserve.
constexpr int64_t min_node_memory = int64_t(256) << 20;

// Applies the seed's rules; every refusal is a UsageError naming the variable.
Layout make_layout(const LayoutInput& in);

// Across several engines, the part of management network i where the swarm
// picks addresses itself: it gives each engine one on the overlay (its
// load-balancer endpoint), the next free one, which took a node's planned
// address (measured). The /24's third quarter: the nodes (at most 107) end
// below it, the load balancer is above.
net::Cidr swarm_range(const Layout& plan, size_t i);

} // namespace dind::cluster
