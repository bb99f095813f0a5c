#include "cluster/kubeadm.hpp"

#include "cluster/context.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sstream>

namespace dind::cluster {

namespace {

std::string cidrs(const std::vector<net::Cidr>& list) {
  std::vector<std::string> s;
  for (auto& c : list) s.push_back(c.str());
  return util::join(s, ",");
}

// A YAML double-quoted scalar (the values come from users).
std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

// kubeadm v1beta4's extraArgs list entries, at `indent`.
void extra_args(std::ostringstream& y, const std::string& indent, const std::vector<Flag>& flags) {
  for (auto& f : flags) y << indent << "- name: " << f.name << "\n" << indent << "  value: " << quoted(f.value) << "\n";
}

void node_registration(std::ostringstream& y, const NodeLayout& node, const ComponentSettings& components,
                       const std::map<std::string, std::string>& labels) {
  y << "nodeRegistration:\n"
       "  name: " << node.container << "\n"
       "  criSocket: unix:///run/containerd/containerd.sock\n"
       "  ignorePreflightErrors: [all]\n"
       "  kubeletExtraArgs:\n";
  extra_args(y, "  ", {{"node-ip", node_ips(node)}});
  // lxcfs shows a fractional CPU limit rounded up to whole CPUs (the capacity
  // kubelet reads); reserving the rest makes allocatable the limit itself
  if (int64_t part = node.nano_cpus % 1000000000) {
    extra_args(y, "  ", {{"system-reserved", "cpu=" + std::to_string((1000000000 - part) / 1000000) + "m"}});
  }
  extra_args(y, "  ", components.kubelet);
  std::vector<std::string> l;
  for (auto& [k, v] : labels) l.push_back(k + "=" + v);
  if (!l.empty()) extra_args(y, "  ", {{"node-labels", util::join(l, ",")}});
}

const std::map<std::string, std::string>& labels_of(const KubeadmInput& in, size_t index) {
  static const std::map<std::string, std::string> none;
  return index < in.kind.nodes.size() ? in.kind.nodes[index].labels : none;
}

} // namespace

std::string host_port(const std::string& ip, int port) {
  return (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

std::string node_ips(const NodeLayout& node) {
  std::vector<std::string> ips;
  if (!node.ipv4.empty()) ips.push_back(node.ipv4);
  if (!node.ipv6.empty()) ips.push_back(node.ipv6);
  return util::join(ips, ",");
}

std::string primary_ip(const Layout& plan, const NodeLayout& node) {
  return plan.mode == net::IpMode::ipv6 ? node.ipv6 : node.ipv4;
}

std::string api_endpoint(const Layout& plan) {
  return host_port(primary_ip(plan, plan.lb ? *plan.lb : plan.nodes.at(0)), 6443);
}

// CoreDNS's readiness is probed every 10 s, and a kubelet that just started
// waits up to a period before its first probe: that wait was most of `up`'s
// and `reup`'s last seconds. And CoreDNS reaches the API server through the
// kubernetes service, which answers only once kube-proxy has synced on its
// node (after a restart its client backed off 3-4 s more): the API server's
// own address instead, as kube-proxy itself has.
std::string coredns_patch(const Layout& plan) {
  json::Writer p;
  p.begin_object().key("spec").begin_object().key("template").begin_object().key("spec").begin_object();
  p.key("containers").begin_array().begin_object().kv("name", "coredns");
  p.key("readinessProbe").begin_object().kv("periodSeconds", 1).end_object();
  p.key("env").begin_array();
  p.begin_object().kv("name", "KUBERNETES_SERVICE_HOST").kv("value", primary_ip(plan, plan.lb ? *plan.lb : plan.nodes.at(0))).end_object();
  p.begin_object().kv("name", "KUBERNETES_SERVICE_PORT").kv("value", "6443").end_object();
  p.end_array().end_object().end_array().end_object().end_object().end_object().end_object();
  return p.str();
}

std::string init_config(const KubeadmInput& in) {
  const auto& master = in.plan.nodes.at(0);
  std::string ip = primary_ip(in.plan, master);
  std::ostringstream y;
  y << "apiVersion: kubeadm.k8s.io/v1beta4\n"
       "kind: InitConfiguration\n"
       "bootstrapTokens:\n"
       // kubeadm's own lifetime: the joins of `up` come within minutes, and a
       // later `kubectl dind join` or restore makes a fresh token
       "- token: " << in.token << "\n"
       "  ttl: 24h\n";
  if (!in.certificate_key.empty()) y << "certificateKey: " << in.certificate_key << "\n";
  y << "localAPIEndpoint:\n"
       "  advertiseAddress: \"" << ip << "\"\n"
       "  bindPort: 6443\n";
  node_registration(y, master, in.components, labels_of(in, 0));
  // NUM_NODES=0: masters without their NoSchedule taint run the pods, as in the seed
  if (in.plan.workers() == 0) y << "  taints: []\n";
  y << "patches:\n"
       "  directory: " << patches_dir << "\n"
       "---\n"
       "apiVersion: kubeadm.k8s.io/v1beta4\n"
       "kind: ClusterConfiguration\n"
       "clusterName: " << in.plan.context << "\n"
       "kubernetesVersion: " << in.kubernetes_version << "\n"
       "controlPlaneEndpoint: \"" << api_endpoint(in.plan) << "\"\n"
       // kubeadm init made its ~15 RSA-2048 keys in 1.2-1.6 s; P-256 in milliseconds
       "encryptionAlgorithm: ECDSA-P256\n"
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
  // each API server's certificate is its own (kubeadm makes one per control
  // plane); all of them answer for the load balancer's name and addresses
  if (const auto& lb = in.plan.lb) {
    y << ", " << lb->container;
    if (!lb->ipv4.empty()) y << ", \"" << lb->ipv4 << "\"";
    if (!lb->ipv6.empty()) y << ", \"" << lb->ipv6 << "\"";
  }
  y << "]\n";
  if (!in.components.apiserver.empty()) y << "  extraArgs:\n";
  extra_args(y, "  ", in.components.apiserver);
  // dind routes each node's planned pod CIDR itself; the allocator would
  // hand out different ones (and refuses IPv6 /72 clusters).
  y << "controllerManager:\n"
       "  extraArgs:\n";
  extra_args(y, "  ", {{"allocate-node-cidrs", "false"}});
  // Each controller starts with its own service account's client, a few
  // calls each: at the default 20 calls/s the ~45 controllers took 4-5 s
  // to start, and none syncs before all have (CoreDNS's pods came ~5 s
  // after kubeadm init returned).
  extra_args(y, "  ", {{"kube-api-qps", "500"}, {"kube-api-burst", "1000"}});
  // One control plane has nobody to elect. A restarted controller manager or
  // scheduler would otherwise wait out its predecessor's 15 s lease (the
  // container died holding it) before the endpoints of restarted CoreDNS pods
  // are written: most of reup's wait. The user's flags come after and win.
  const bool single = in.plan.control_planes == 1;
  if (single) extra_args(y, "  ", {{"leader-elect", "false"}});
  extra_args(y, "  ", in.components.controller_manager);
  if (single || !in.components.scheduler.empty()) y << "scheduler:\n  extraArgs:\n";
  if (single) extra_args(y, "  ", {{"leader-elect", "false"}});
  extra_args(y, "  ", in.components.scheduler);
  y << "---\n"
       "apiVersion: kubelet.config.k8s.io/v1beta1\n"
       "kind: KubeletConfiguration\n"
       "cgroupDriver: systemd\n"
       "failSwapOn: false\n"
       // kubelet 1.35 and later refuse a cgroup v1 host unless told (this VM family is v1)
       "failCgroupV1: false\n"
       // the node's disk is the host's: never evict for it; memory keeps
       // kubelet's default (the map replaces all defaults), which a node with
       // NODE_MEMORY reaches as a small machine would
       "imageGCHighThresholdPercent: 100\n"
       "evictionHard:\n"
       "  memory.available: \"100Mi\"\n"
       "  nodefs.available: \"0%\"\n"
       "  nodefs.inodesFree: \"0%\"\n"
       "  imagefs.available: \"0%\"\n";
  // A controller manager exits when the API server is not healthy 10 s after
  // it started, as after a restart of a loaded node; kubelet's crash-loop
  // back-off then held it 10 s and more (a reup waited 20-48 s). A test
  // cluster recovers in seconds: restarts at most 2 s apart. The user's
  // KUBELET_FEATURE_GATES can turn it off.
  std::vector<FeatureGate> gates = {{"KubeletCrashLoopBackOffMax", true}};
  for (auto& g : in.components.kubelet_gates) {
    auto same = std::find_if(gates.begin(), gates.end(), [&](auto& mine) { return mine.name == g.name; });
    if (same != gates.end()) same->enabled = g.enabled;
    else gates.push_back(g);
  }
  if (gates.front().enabled) y << "crashLoopBackOff:\n  maxContainerRestartPeriod: 2s\n";
  y << "featureGates:\n";
  for (auto& g : gates) y << "  " << g.name << ": " << (g.enabled ? "true" : "false") << "\n";
  y << "---\n"
       "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
       "kind: KubeProxyConfiguration\n"
       "mode: " << in.proxy_mode << "\n"
       "clusterCIDR: \"" << cidrs(in.plan.pods) << "\"\n"
       // nf_conntrack_max cannot be set from inside a node container
       "conntrack:\n"
       "  maxPerCore: 0\n";
  return patch_kubeadm(in.kind, 0, y.str());
}

std::string join_config(const KubeadmInput& in, size_t index, const Discovery& discovery) {
  const auto& node = in.plan.nodes.at(index);
  std::ostringstream y;
  y << "apiVersion: kubeadm.k8s.io/v1beta4\n"
       "kind: JoinConfiguration\n"
       "discovery:\n"
       "  bootstrapToken:\n"
       "    apiServerEndpoint: " << quoted(discovery.endpoint) << "\n"
       "    token: " << quoted(discovery.token) << "\n";
  if (!discovery.ca_cert_hashes.empty()) y << "    caCertHashes:\n";
  for (auto& h : discovery.ca_cert_hashes) y << "    - " << quoted(h) << "\n";
  if (discovery.unsafe_skip_ca) y << "    unsafeSkipCAVerification: true\n";
  if (!discovery.tls_token.empty()) y << "  tlsBootstrapToken: " << quoted(discovery.tls_token) << "\n";
  if (in.plan.is_control_plane(index)) {
    y << "controlPlane:\n"
         "  localAPIEndpoint:\n"
         "    advertiseAddress: \"" << primary_ip(in.plan, node) << "\"\n"
         "    bindPort: 6443\n"
         "  certificateKey: " << in.certificate_key << "\n";
  }
  node_registration(y, node, in.components, labels_of(in, index));
  if (in.plan.is_control_plane(index) && in.plan.workers() == 0) y << "  taints: []\n";
  return patch_kubeadm(in.kind, index, y.str());
}

Discovery dind_discovery(const KubeadmInput& in, Discovery user, const std::string& ca_cert_hash) {
  if (user.endpoint.empty()) user.endpoint = api_endpoint(in.plan);
  if (user.token.empty()) user.token = in.token;
  if (user.ca_cert_hashes.empty() && !user.unsafe_skip_ca) user.ca_cert_hashes = {ca_cert_hash};
  return user;
}

std::string ca_cert_hash(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr,
                                                   X509_free);
  if (!cert) throw Error("the cluster's CA certificate is not PEM");
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(X509_get0_pubkey(cert.get()), &der);
  if (n <= 0) throw Error("the cluster's CA certificate has no readable public key");
  std::string spki(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return "sha256:" + util::sha256_hex(spki);
}

namespace {

std::string random_bytes(size_t n) {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string raw(n, '\0');
  if (!urandom.read(raw.data(), static_cast<std::streamsize>(raw.size()))) throw Error("cannot read /dev/urandom");
  return raw;
}

} // namespace

std::string random_certificate_key() { return util::sha256_hex(random_bytes(32)); }

KubeadmInput kubeadm_input(const Context& ctx) {
  return {ctx.layout, ctx.kubernetes_version, ctx.token, to_string(ctx.spec.kube_proxy), ctx.spec.components,
          ctx.spec.kind, ctx.certificate_key};
}

Discovery join_discovery(Context& ctx) {
  const auto& user = ctx.kubeadm_args.discovery;
  // kubeadm checks the API server's CA against this pin before it trusts it
  std::string pin;
  if (user.ca_cert_hashes.empty() && !user.unsafe_skip_ca) {
    pin = ca_cert_hash(ctx.provider.read_file(ctx.layout.nodes.at(0).container, "/etc/kubernetes/pki/ca.crt"));
  }
  return dind_discovery(kubeadm_input(ctx), user, pin);
}

std::string random_token() {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string raw = random_bytes(22);
  std::string t;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (i == 6) t += '.';
    t += alphabet[static_cast<unsigned char>(raw[i]) % 36];
  }
  return t;
}

} // namespace dind::cluster
