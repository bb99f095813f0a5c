#pragma once
#include "cluster/components.hpp"
#include "cluster/kind_config.hpp"
#include "net/plan.hpp"

#include <string>

namespace dind::cluster {

struct KubeadmInput {
  const net::Plan& plan;
  std::string kubernetes_version;
  std::string token;  // [a-z0-9]{6}.[a-z0-9]{16}
  std::string proxy_mode = "iptables";
  ComponentSettings components = {};  // FEATURE_GATES, APISERVER_<flag>, ...
  KindConfig kind = {};               // node labels, kubeadmConfigPatches
};

// kubeadm init's configuration: InitConfiguration, ClusterConfiguration,
// KubeletConfiguration and KubeProxyConfiguration, with what this kernel
// needs (no CAP_SYS_RESOURCE, no conntrack sysctl, no swap accounting).
std::string init_config(const KubeadmInput& in);
// The JoinConfiguration for worker `index` (1-based) of the plan.
std::string join_config(const KubeadmInput& in, size_t index);
std::string random_token();

// "ip" or "[ip]" for host:port strings.
std::string host_port(const std::string& ip, int port);
// The addresses kubelet registers with: v4, v6 or both, comma separated.
std::string node_ips(const net::NodePlan& node);
// The address the API server advertises: IPv4 unless the cluster is IPv6-only.
std::string primary_ip(const net::Plan& plan, const net::NodePlan& node);

} // namespace dind::cluster
