#include "cluster/kubeadm.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <fstream>
#include <sstream>

namespace dind::cluster {

namespace {

std::string cidrs(const std::vector<net::Cidr>& list) {
  std::vector<std::string> s;
  for (auto& c : list) s.push_back(c.str());
  return util::join(s, ",");
}

void node_registration(std::ostringstream& y, const net::NodePlan& node) {
  y << "nodeRegistration:\n"
       "  name: " << node.container << "\n"
       "  criSocket: unix:///run/containerd/containerd.sock\n"
       "  ignorePreflightErrors: [all]\n"
       "  kubeletExtraArgs:\n"
       "  - name: node-ip\n"
       "    value: \"" << node_ips(node) << "\"\n";
  // lxcfs shows a fractional CPU limit rounded up to whole CPUs (the capacity
  // kubelet reads); reserving the rest makes allocatable the limit itself
  if (int64_t part = node.nano_cpus % 1000000000) {
    y << "  - name: system-reserved\n"
         "    value: \"cpu=" << (1000000000 - part) / 1000000 << "m\"\n";
  }
}

} // namespace

std::string host_port(const std::string& ip, int port) {
  return (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

std::string node_ips(const net::NodePlan& node) {
  std::vector<std::string> ips;
  if (!node.ipv4.empty()) ips.push_back(node.ipv4);
  if (!node.ipv6.empty()) ips.push_back(node.ipv6);
  return util::join(ips, ",");
}

std::string primary_ip(const net::Plan& plan, const net::NodePlan& node) {
  return plan.mode == net::IpMode::ipv6 ? node.ipv6 : node.ipv4;
}

std::string init_config(const KubeadmInput& in) {
  const auto& master = in.plan.nodes.at(0);
  std::string ip = primary_ip(in.plan, master);
  std::ostringstream y;
  y << "apiVersion: kubeadm.k8s.io/v1beta4\n"
       "kind: InitConfiguration\n"
       "bootstrapTokens:\n"
       "- token: " << in.token << "\n"
       "  ttl: 0s\n"
       "localAPIEndpoint:\n"
       "  advertiseAddress: \"" << ip << "\"\n"
       "  bindPort: 6443\n";
  node_registration(y, master);
  // NUM_NODES=0: a master without its NoSchedule taint runs the pods, as in the seed
  if (in.plan.nodes.size() == 1) y << "  taints: []\n";
  y << "---\n"
       "apiVersion: kubeadm.k8s.io/v1beta4\n"
       "kind: ClusterConfiguration\n"
       "clusterName: " << in.plan.context << "\n"
       "kubernetesVersion: " << in.kubernetes_version << "\n"
       "controlPlaneEndpoint: \"" << host_port(ip, 6443) << "\"\n"
       "networking:\n"
       "  podSubnet: \"" << cidrs(in.plan.pods) << "\"\n"
       "  serviceSubnet: \"" << cidrs(in.plan.services) << "\"\n"
       // a test cluster outlives a crashed node container (the host's page
       // cache keeps etcd's writes), not a crashed host: no fsync per write
       "etcd:\n"
       "  local:\n"
       "    extraArgs:\n"
       "    - name: unsafe-no-fsync\n"
       "      value: \"true\"\n"
       "apiServer:\n"
       "  certSANs: [localhost, \"127.0.0.1\", \"::1\", " << master.container;
  if (!master.ipv4.empty()) y << ", \"" << master.ipv4 << "\"";
  if (!master.ipv6.empty()) y << ", \"" << master.ipv6 << "\"";
  y << "]\n"
       // dind routes each node's planned pod CIDR itself; the allocator would
       // hand out different ones (and refuses IPv6 /72 clusters).
       "controllerManager:\n"
       "  extraArgs:\n"
       "  - name: allocate-node-cidrs\n"
       "    value: \"false\"\n"
       "---\n"
       "apiVersion: kubelet.config.k8s.io/v1beta1\n"
       "kind: KubeletConfiguration\n"
       "cgroupDriver: systemd\n"
       "failSwapOn: false\n"
       // the node's disk is the host's: never evict for it; memory keeps
       // kubelet's default (the map replaces all defaults), which a node with
       // NODE_MEMORY reaches as a small machine would
       "imageGCHighThresholdPercent: 100\n"
       "evictionHard:\n"
       "  memory.available: \"100Mi\"\n"
       "  nodefs.available: \"0%\"\n"
       "  nodefs.inodesFree: \"0%\"\n"
       "  imagefs.available: \"0%\"\n"
       "---\n"
       "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
       "kind: KubeProxyConfiguration\n"
       "mode: " << in.proxy_mode << "\n"
       "clusterCIDR: \"" << cidrs(in.plan.pods) << "\"\n"
       // nf_conntrack_max cannot be set from inside a node container
       "conntrack:\n"
       "  maxPerCore: 0\n";
  return y.str();
}

std::string join_config(const KubeadmInput& in, size_t index) {
  const auto& master = in.plan.nodes.at(0);
  std::ostringstream y;
  y << "apiVersion: kubeadm.k8s.io/v1beta4\n"
       "kind: JoinConfiguration\n"
       "discovery:\n"
       "  bootstrapToken:\n"
       "    apiServerEndpoint: \"" << host_port(primary_ip(in.plan, master), 6443) << "\"\n"
       "    token: " << in.token << "\n"
       // a throwaway test cluster on a private network: no CA pinning
       "    unsafeSkipCAVerification: true\n";
  node_registration(y, in.plan.nodes.at(index));
  return y.str();
}

std::string random_token() {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string raw(22, '\0');
  if (!urandom.read(raw.data(), static_cast<std::streamsize>(raw.size()))) throw Error("cannot read /dev/urandom");
  std::string t;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (i == 6) t += '.';
    t += alphabet[static_cast<unsigned char>(raw[i]) % 36];
  }
  return t;
}

} // namespace dind::cluster
