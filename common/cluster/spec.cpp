#include "cluster/spec.hpp"

#include "cluster/config.hpp"
#include "util/error.hpp"

namespace dind::cluster {

std::string to_string(CniPlugin cni) { return cni == CniPlugin::ptp ? "ptp" : "bridge"; }
std::string to_string(ProxyMode mode) { return mode == ProxyMode::nftables ? "nftables" : "iptables"; }

ClusterSpec cluster_spec(const Config& config) {
  ClusterSpec s;
  s.image = config.image();
  s.k8s_version = config.get("DIND_K8S_VERSION");
  std::string cni = config.get("CNI_PLUGIN");
  if (cni == "bridge") s.cni = CniPlugin::bridge;
  else if (cni == "ptp") s.cni = CniPlugin::ptp;
  else {
    throw UsageError("CNI_PLUGIN: '" + cni + "' is not supported: bridge or ptp" +
                     (cni == "kube-router" ? " (kube-router needs IP_VS, which this kernel lacks)" : ""));
  }
  std::string proxy = config.get("KUBE_PROXY_MODE");
  if (proxy == "iptables") s.kube_proxy = ProxyMode::iptables;
  else if (proxy == "nftables") s.kube_proxy = ProxyMode::nftables;
  else {
    throw UsageError("KUBE_PROXY_MODE: '" + proxy + "' is not supported: iptables or nftables" +
                     (proxy == "ipvs" ? " (the kernel has no IP_VS)" : ""));
  }
  s.wait = config.wait_timeout();
  s.apiserver_port = config.apiserver_port();
  if (!config.kind.apiserver_address.empty()) s.apiserver_address = config.kind.apiserver_address;
  s.port_forwarder = config.get("DIND_PORT_FORWARDER");
  s.components = config.components();
  s.node_options = config.node_options();
  s.registries = config.registries();
  s.kind = config.kind;
  return s;
}

} // namespace dind::cluster
