#pragma once
#include "cluster/components.hpp"
#include "cluster/kind_config.hpp"
#include "cluster/node_options.hpp"
#include "registry/hosts.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace dind::cluster {

struct Config;

enum class CniPlugin { bridge, ptp, flannel };
enum class ProxyMode { iptables, nftables };
// As the variables, dind-net and kubeadm spell them.
std::string to_string(CniPlugin cni);
std::string to_string(ProxyMode mode);

// What up, reup, init and join make beyond the plan (the nodes and their
// addresses), read once from the layered variables and checked there: the
// actions read its fields, never a variable.
struct ClusterSpec {
  std::string image;                           // DIND_IMAGE
  std::string k8s_version;                     // DIND_K8S_VERSION, which named the image ("" = the default)
  CniPlugin cni = CniPlugin::bridge;           // CNI_PLUGIN
  ProxyMode kube_proxy = ProxyMode::iptables;  // KUBE_PROXY_MODE
  std::chrono::seconds wait{300};              // DIND_WAIT: for the nodes Ready and CoreDNS
  std::optional<int> apiserver_port;           // APISERVER_PORT on the host; nullopt: a free one
  std::string apiserver_address = "127.0.0.1"; // where it is published (a kind config's apiServerAddress)
  std::string port_forwarder;                  // DIND_PORT_FORWARDER: run with the port once up
  ComponentSettings components;                // FEATURE_GATES, APISERVER_<flag>, ...
  NodeOptions node_options;                    // EXTRA_PORTS, MASTER_EXTRA_OPTS, proxies, networks
  registry::Settings registries;               // DIND_REGISTRY_MIRROR, DIND_INSECURE_REGISTRIES, DIND_CA_CERT
  KindConfig kind;                             // per-node ports and mounts, node labels, patches
};

// Throws UsageError for a value dind cannot take, naming the variable.
ClusterSpec cluster_spec(const Config& config);

} // namespace dind::cluster
