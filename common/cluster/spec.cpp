#include "cluster/spec.hpp"

#include "cluster/config.hpp"
#include "util/error.hpp"

namespace dind::cluster {

std::string to_string(CniPlugin cni) {
  return cni == CniPlugin::ptp ? "ptp" : cni == CniPlugin::flannel ? "flannel" : "bridge";
}

std::string to_string(ProxyMode mode) { return mode == ProxyMode::nftables ? "nftables" : "iptables"; }

namespace {

// Why CNI_PLUGIN cannot be used ("" when it can), each plugin the seed offered
// named with its reason.
std::string cni_refusal(const std::string& cni, const std::string& ip_mode) {
  if (cni == "bridge" || cni == "ptp") return "";
  if (cni == "flannel") return ip_mode == "ipv4" ? "" : "flannel is set up for IP_MODE=ipv4 only (use bridge or ptp for " + ip_mode + ")";
  if (cni == "kube-router") return "kube-router needs IP_VS, which this kernel lacks";
  if (cni == "weave") return "weave is archived upstream (weaveworks/weave, unmaintained since 2024)";
  if (cni == "calico" || cni == "calico-kdd") {
    return "calico is not built here: the Go module proxy lists no calico release (github.com/projectcalico/calico has only "
           "untagged commits, github.com/projectcalico/felix is refused); for VXLAN use flannel";
  }
  return "bridge, ptp or flannel";
}

} // namespace

ClusterSpec cluster_spec(const Config& config) {
  ClusterSpec s;
  s.image = config.image();
  s.k8s_version = config.get("DIND_K8S_VERSION");
  std::string cni = config.get("CNI_PLUGIN");
  if (auto why = cni_refusal(cni, config.get("IP_MODE")); !why.empty()) {
    throw UsageError("CNI_PLUGIN: '" + cni + "' is not supported: " + why);
  }
  s.cni = cni == "ptp" ? CniPlugin::ptp : cni == "flannel" ? CniPlugin::flannel : CniPlugin::bridge;
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
