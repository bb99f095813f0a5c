#pragma once
#include "cluster/components.hpp"
#include "cluster/kind_config.hpp"
#include "cluster/kubeadm_args.hpp"
#include "cluster/layout.hpp"

#include <string>

namespace dind::cluster {

struct KubeadmInput {
  const Layout& plan;
  std::string kubernetes_version;
  std::string token;  // [a-z0-9]{6}.[a-z0-9]{16}
  std::string proxy_mode = "iptables";
  ComponentSettings components = {};  // FEATURE_GATES, APISERVER_<flag>, ...
  KindConfig kind = {};               // node labels, kubeadmConfigPatches
  // several control planes: encrypts the certificates kubeadm init uploads
  // for the others' joins (64 hex digits)
  std::string certificate_key = {};
};

struct Context;
// What this run's context says.
KubeadmInput kubeadm_input(const Context& ctx);
// The discovery of this run's joins: the user's (join's arguments), dind's
// where they gave none, the CA read from the master and pinned.
Discovery join_discovery(Context& ctx);

// kubeadm init's configuration: InitConfiguration, ClusterConfiguration,
// KubeletConfiguration and KubeProxyConfiguration, with what this kernel
// needs (no CAP_SYS_RESOURCE, no conntrack sysctl, no swap accounting).
std::string init_config(const KubeadmInput& in);
// Where init_config points kubeadm for its patches; kubeadm_init writes
// CoreDNS's there, so its Deployment is made as dind wants it (no rollout).
inline constexpr const char* patches_dir = "/etc/dind/patches";
// The strategic-merge patch of CoreDNS's Deployment (a JSON object).
std::string coredns_patch(const Layout& plan);
// The JoinConfiguration for node `index` of the plan (a control plane below
// plan.control_planes, a worker from there); every field of discovery must
// be filled (see dind_discovery).
std::string join_config(const KubeadmInput& in, size_t index, const Discovery& discovery);
// The user's discovery with dind's own where they gave none: api_endpoint,
// token (in.token), the CA pinned by ca_cert_hash unless they skip
// verification.
Discovery dind_discovery(const KubeadmInput& in, Discovery user, const std::string& ca_cert_hash);
// kubeadm's CA pin of a PEM certificate: "sha256:" and the hex SHA-256 of
// its DER SubjectPublicKeyInfo (--discovery-token-ca-cert-hash).
std::string ca_cert_hash(const std::string& pem);
std::string random_token();
std::string random_certificate_key();
// Where kubelets, joins and kubectl in the nodes reach the API server: the
// load balancer with several control planes, else the master (host:port).
std::string api_endpoint(const Layout& plan);

// "ip" or "[ip]" for host:port strings.
std::string host_port(const std::string& ip, int port);
// The addresses kubelet registers with: v4, v6 or both, comma separated.
std::string node_ips(const NodeLayout& node);
// The address the API server advertises: IPv4 unless the cluster is IPv6-only.
std::string primary_ip(const Layout& plan, const NodeLayout& node);

} // namespace dind::cluster
