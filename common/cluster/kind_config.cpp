#include "cluster/kind_config.hpp"

#include "cluster/layout.hpp"
#include "util/error.hpp"
#include "util/quantity.hpp"
#include "util/strings.hpp"
#include "util/toml_merge.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

namespace dind::cluster {

namespace {

const std::set<std::string> kubeadm_kinds = {"InitConfiguration", "ClusterConfiguration", "JoinConfiguration",
                                             "KubeletConfiguration", "KubeProxyConfiguration"};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One field of the file, named as a user reads it (nodes[1].extraMounts[0].hostPath).
class Field {
public:
  Field(const YAML::Node& node, std::string path, const std::string& file) : node_(node), path_(std::move(path)), file_(file) {}

  [[noreturn]] void fail(const std::string& why) const { throw UsageError(file_ + ": " + path_ + ": " + why); }

  bool has(const char* key) const { return node_[key].IsDefined() && !node_[key].IsNull(); }
  Field operator[](const char* key) const { return Field(node_[key], path_ + (path_.empty() ? "" : ".") + key, file_); }
  Field at(size_t i) const { return Field(node_[i], path_ + "[" + std::to_string(i) + "]", file_); }

  // a map whose keys must all be among `known`
  void only(const std::set<std::string>& known, const std::map<std::string, std::string>& refused = {}) const {
    if (!node_.IsMap()) fail("a map expected");
    for (const auto& kv : node_) {
      std::string key = kv.first.Scalar();
      std::string where = path_ + (path_.empty() ? "" : ".") + key;
      if (auto r = refused.find(key); r != refused.end()) throw UsageError(file_ + ": " + where + " is not supported: " + r->second);
      if (!known.count(key)) throw UsageError(file_ + ": " + where + " is not a kind v1alpha4 field dind knows");
    }
  }
  size_t size() const {
    if (!node_.IsSequence()) fail("a list expected");
    return node_.size();
  }
  std::string str() const {
    if (!node_.IsScalar()) fail("a string expected");
    return node_.Scalar();
  }
  bool boolean() const {
    try {
      return node_.as<bool>();
    } catch (const YAML::Exception&) {
      fail("true or false expected");
    }
  }
  int integer(int lo, int hi) const {
    try {
      int v = node_.as<int>();
      if (v >= lo && v <= hi) return v;
    } catch (const YAML::Exception&) {
    }
    fail("a number from " + std::to_string(lo) + " to " + std::to_string(hi) + " expected");
  }
  std::map<std::string, std::string> string_map() const {
    if (!node_.IsMap()) fail("a map expected");
    std::map<std::string, std::string> m;
    for (const auto& kv : node_) {
      if (!kv.second.IsScalar()) Field(kv.second, path_ + "." + kv.first.Scalar(), file_).fail("a string expected");
      m[kv.first.Scalar()] = kv.second.Scalar();
    }
    return m;
  }
  const std::string& path() const { return path_; }
  std::string where() const { return file_ + ": " + path_; }

private:
  YAML::Node node_;
  std::string path_;
  const std::string& file_;
};

std::vector<std::string> kubeadm_patches(const Field& f) {
  std::vector<std::string> out;
  for (size_t i = 0; i < f.size(); ++i) {
    std::string text = f.at(i).str();
    std::string kind;
    try {
      kind = util::yaml::patch_kind(text, f.at(i).where());
    } catch (const Error& e) {
      throw UsageError(e.what());
    }
    if (!kubeadm_kinds.count(kind)) {
      f.at(i).fail("a patch for kind '" + kind + "': one of InitConfiguration, ClusterConfiguration, JoinConfiguration, "
                   "KubeletConfiguration, KubeProxyConfiguration");
    }
    out.push_back(text);
  }
  return out;
}

std::vector<util::yaml::Json6902> json6902_patches(const Field& f) {
  std::vector<util::yaml::Json6902> out;
  for (size_t i = 0; i < f.size(); ++i) {
    Field p = f.at(i);
    p.only({"group", "version", "kind", "patch"});
    util::yaml::Json6902 j;
    if (p.has("group")) j.group = p["group"].str();
    if (p.has("version")) j.version = p["version"].str();
    j.kind = p.has("kind") ? p["kind"].str() : "";
    if (!kubeadm_kinds.count(j.kind)) p["kind"].fail("one of InitConfiguration, ClusterConfiguration, JoinConfiguration, "
                                                     "KubeletConfiguration, KubeProxyConfiguration");
    if (!p.has("patch")) p.fail("patch is missing");
    j.ops = p["patch"].str();
    try {
      util::yaml::check_json6902(j.ops, p["patch"].where());
    } catch (const Error& e) {
      throw UsageError(e.what());
    }
    out.push_back(j);
  }
  return out;
}

docker::PortBinding port_mapping(const Field& f) {
  f.only({"containerPort", "hostPort", "listenAddress", "protocol"});
  if (!f.has("containerPort")) f.fail("containerPort is missing");
  int container = f["containerPort"].integer(1, 65535);
  int host = f.has("hostPort") ? f["hostPort"].integer(-1, 65535) : 0;
  std::string protocol = f.has("protocol") ? lower(f["protocol"].str()) : "tcp";
  if (protocol != "tcp" && protocol != "udp" && protocol != "sctp") f["protocol"].fail("TCP, UDP or SCTP expected");
  docker::PortBinding b;
  b.container_port = std::to_string(container) + "/" + protocol;
  b.host_ip = f.has("listenAddress") ? f["listenAddress"].str() : "0.0.0.0";
  b.host_port = host > 0 ? std::to_string(host) : "";  // 0 or -1: a free one, as in kind
  return b;
}

docker::Mount extra_mount(const Field& f) {
  f.only({"hostPath", "containerPath", "readOnly", "selinuxRelabel", "propagation"});
  if (!f.has("hostPath")) f.fail("hostPath is missing");
  if (!f.has("containerPath")) f.fail("containerPath is missing");
  docker::Mount m;
  m.type = "bind";
  // kind reads relative host paths from where it runs
  std::error_code ec;
  auto host = std::filesystem::absolute(f["hostPath"].str(), ec);
  if (ec || !std::filesystem::exists(host, ec)) f["hostPath"].fail(f["hostPath"].str() + " does not exist");
  m.source = host.lexically_normal().string();
  m.target = f["containerPath"].str();
  if (m.target.empty() || m.target[0] != '/') f["containerPath"].fail("an absolute path expected");
  if (f.has("readOnly")) m.read_only = f["readOnly"].boolean();
  // no SELinux on the hosts dind runs on: the relabel has nothing to do
  if (f.has("selinuxRelabel")) f["selinuxRelabel"].boolean();
  if (f.has("propagation")) {
    std::string p = f["propagation"].str();
    if (p == "HostToContainer") m.propagation = "rslave";
    else if (p == "Bidirectional") m.propagation = "rshared";
    else if (p != "None") f["propagation"].fail("None, HostToContainer or Bidirectional expected");
  }
  return m;
}

NodeSettings node_settings(const Field& f) {
  NodeSettings n;
  if (f.has("labels")) n.labels = f["labels"].string_map();
  if (f.has("extraPortMappings")) {
    for (size_t i = 0; i < f["extraPortMappings"].size(); ++i) n.ports.push_back(port_mapping(f["extraPortMappings"].at(i)));
  }
  if (f.has("extraMounts")) {
    for (size_t i = 0; i < f["extraMounts"].size(); ++i) n.mounts.push_back(extra_mount(f["extraMounts"].at(i)));
  }
  if (f.has("kubeadmConfigPatches")) n.kubeadm_patches = kubeadm_patches(f["kubeadmConfigPatches"]);
  if (f.has("kubeadmConfigPatchesJSON6902")) n.kubeadm_json6902 = json6902_patches(f["kubeadmConfigPatchesJSON6902"]);
  if (f.has("cpus")) n.nano_cpus = util::parse_cpus(f["cpus"].str(), f["cpus"].where());
  if (f.has("memory")) n.memory_bytes = util::parse_memory(f["memory"].str(), f["memory"].where(), min_node_memory);
  if (f.has("host")) {  // matched against DIND_HOSTS by Config::layout()
    n.host = f["host"].str();
    n.host_field = f["host"].where();
  }
  return n;
}

std::string gates(const std::map<std::string, std::string>& m, const Field& f) {
  std::vector<std::string> out;
  for (auto& [name, v] : m) {
    std::string b = lower(v);
    if (b != "true" && b != "false") f.fail(name + ": true or false expected");
    out.push_back(name + "=" + b);
  }
  return util::join(out, ",");
}

void networking(const Field& f, KindConfig& k) {
  f.only({"ipFamily", "podSubnet", "serviceSubnet", "apiServerAddress", "apiServerPort", "kubeProxyMode",
          "disableDefaultCNI", "dnsSearch"},
         {{"dnsSearch", "nodes and pods resolve through Docker's DNS and CoreDNS with the cluster's own search list"}});
  if (f.has("ipFamily")) {
    std::string fam = f["ipFamily"].str();
    if (fam == "ipv4" || fam == "ipv6") k.variables["IP_MODE"] = fam;
    else if (fam == "dual") k.variables["IP_MODE"] = "dual-stack";
    else f["ipFamily"].fail("ipv4, ipv6 or dual expected");
  }
  if (f.has("podSubnet")) k.variables["POD_NETWORK_CIDR"] = f["podSubnet"].str();
  if (f.has("serviceSubnet")) k.variables["SERVICE_CIDR"] = f["serviceSubnet"].str();
  if (f.has("apiServerPort")) {
    int port = f["apiServerPort"].integer(-1, 65535);
    if (port > 0) k.variables["APISERVER_PORT"] = std::to_string(port);
  }
  if (f.has("apiServerAddress")) {
    k.apiserver_address = f["apiServerAddress"].str();
    if (k.apiserver_address != "127.0.0.1" && k.apiserver_address != "0.0.0.0") {
      f["apiServerAddress"].fail("127.0.0.1 or 0.0.0.0 (all of the host's addresses; kubectl uses 127.0.0.1)");
    }
  }
  if (f.has("kubeProxyMode")) {
    std::string mode = f["kubeProxyMode"].str();
    if (mode == "none") f["kubeProxyMode"].fail("none is not supported: services need kube-proxy (iptables or nftables)");
    k.variables["KUBE_PROXY_MODE"] = mode;  // checked with the variable
  }
  if (f.has("disableDefaultCNI") && f["disableDefaultCNI"].boolean()) {
    f["disableDefaultCNI"].fail("true is not supported: dind's pod network (CNI_PLUGIN bridge, ptp or flannel) routes the "
                                "pod CIDRs it plans itself");
  }
}

// kind names the Kubernetes version by its node image (kindest/node:v1.35.0,
// maybe @sha256:...): dind runs its own image of that minor version, the
// same on every node
void node_image_version(const Field& f, KindConfig& k) {
  std::smatch m;
  std::string image = f.str();
  if (!std::regex_match(image, m, std::regex(R"((?:docker\.io/)?kindest/node:(v1\.[0-9]+)\.[0-9]+(?:@sha256:[0-9a-f]{64})?)"))) {
    f.fail("kindest/node:vX.Y.Z expected: dind runs its own node image of that Kubernetes version (DIND_IMAGE for another)");
  }
  auto [it, first] = k.variables.emplace("DIND_K8S_VERSION", m[1]);
  if (!first && it->second != m[1]) f.fail("every node runs one Kubernetes version in dind, " + it->second + " above");
}

} // namespace

bool is_kind_config(const std::string& text) {
  try {
    for (const auto& doc : YAML::LoadAll(text)) {
      if (!doc.IsMap()) return false;
      return doc["kind"].IsScalar() && doc["kind"].Scalar() == "Cluster" && doc["apiVersion"].IsScalar() &&
             util::starts_with(doc["apiVersion"].Scalar(), "kind.x-k8s.io/");
    }
  } catch (const YAML::Exception&) {
  }
  return false;
}

KindConfig parse_kind_config(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    auto docs = YAML::LoadAll(text);
    if (docs.size() != 1) throw UsageError(file + ": one YAML document expected");
    root = docs[0];
  } catch (const YAML::Exception& e) {
    throw UsageError(file + ": not valid YAML (" + e.msg + " at line " + std::to_string(e.mark.line + 1) + ")");
  }
  Field top(root, "", file);
  top.only({"kind", "apiVersion", "name", "nodes", "networking", "featureGates", "runtimeConfig", "kubeadmConfigPatches",
            "kubeadmConfigPatchesJSON6902", "containerdConfigPatches", "containerdConfigPatchesJSON6902"},
           {{"containerdConfigPatchesJSON6902", "give the change as a TOML merge patch in containerdConfigPatches"}});
  if (top["apiVersion"].str() != "kind.x-k8s.io/v1alpha4") top["apiVersion"].fail("kind.x-k8s.io/v1alpha4 expected");
  KindConfig k;
  if (top.has("name")) k.variables["DIND_LABEL"] = top["name"].str();

  // kind's default: one control-plane node that also runs the pods. The
  // plan puts the control planes first, whatever their order in the file.
  std::vector<NodeSettings> control_planes, workers;
  if (top.has("nodes")) {
    Field nodes = top["nodes"];
    for (size_t i = 0; i < nodes.size(); ++i) {
      Field n = nodes.at(i);
      // cpus and memory: dind's own, as NODE_CPUS and NODE_MEMORY for this
      // node; host: dind's own, the DIND_HOSTS engine it runs on
      n.only({"role", "labels", "extraPortMappings", "extraMounts", "kubeadmConfigPatches", "kubeadmConfigPatchesJSON6902",
              "image", "cpus", "memory", "host"});
      if (n.has("image")) node_image_version(n["image"], k);
      std::string role = n.has("role") ? n["role"].str() : "control-plane";
      if (role == "control-plane") control_planes.push_back(node_settings(n));
      else if (role == "worker") workers.push_back(node_settings(n));
      else n["role"].fail("control-plane or worker expected");
    }
    if (control_planes.empty()) nodes.fail("one node with role control-plane is needed");
  } else {
    control_planes.emplace_back();
  }
  k.nodes = control_planes;
  k.nodes.insert(k.nodes.end(), workers.begin(), workers.end());
  k.variables["NUM_CONTROL_PLANES"] = std::to_string(control_planes.size());
  k.variables["NUM_NODES"] = std::to_string(workers.size());
  if (top.has("networking")) networking(top["networking"], k);
  if (top.has("featureGates")) {
    // kind turns a gate on in every component
    std::string g = gates(top["featureGates"].string_map(), top["featureGates"]);
    k.variables["FEATURE_GATES"] = g;
    k.variables["KUBELET_FEATURE_GATES"] = g;
  }
  if (top.has("runtimeConfig")) {
    std::vector<std::string> rc;
    for (auto& [api, v] : top["runtimeConfig"].string_map()) rc.push_back(api + "=" + v);
    k.variables["APISERVER_runtime_config"] = util::join(rc, ",");
  }
  if (top.has("kubeadmConfigPatches")) k.kubeadm_patches = kubeadm_patches(top["kubeadmConfigPatches"]);
  if (top.has("kubeadmConfigPatchesJSON6902")) k.kubeadm_json6902 = json6902_patches(top["kubeadmConfigPatchesJSON6902"]);
  if (top.has("containerdConfigPatches")) {
    Field f = top["containerdConfigPatches"];
    for (size_t i = 0; i < f.size(); ++i) {
      try {
        util::toml::check(f.at(i).str(), f.at(i).where());
      } catch (const Error& e) {
        throw UsageError(e.what());
      }
      k.containerd_patches.push_back(f.at(i).str());
    }
  }
  return k;
}

std::string KindConfig::key() const {
  std::ostringstream o;
  auto patches = [&](const std::vector<std::string>& p, const std::vector<util::yaml::Json6902>& j) {
    for (auto& s : p) o << "patch " << s << "\n";
    for (auto& s : j) o << "json6902 " << s.group << "/" << s.version << "/" << s.kind << " " << s.ops << "\n";
  };
  patches(kubeadm_patches, kubeadm_json6902);
  for (auto& c : containerd_patches) o << "containerd " << c << "\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    o << "node " << i << "\n";
    for (auto& [k, v] : nodes[i].labels) o << "label " << k << "=" << v << "\n";
    patches(nodes[i].kubeadm_patches, nodes[i].kubeadm_json6902);
  }
  return o.str();
}

std::string patch_kubeadm(const KindConfig& kind, size_t index, const std::string& config) {
  std::vector<std::string> merge = kind.kubeadm_patches;
  std::vector<util::yaml::Json6902> json = kind.kubeadm_json6902;
  if (index < kind.nodes.size()) {
    auto& n = kind.nodes[index];
    merge.insert(merge.end(), n.kubeadm_patches.begin(), n.kubeadm_patches.end());
    json.insert(json.end(), n.kubeadm_json6902.begin(), n.kubeadm_json6902.end());
  }
  if (merge.empty() && json.empty()) return config;
  return util::yaml::patch_documents(config, merge, json, "kubeadmConfigPatches");
}

std::string patch_containerd(const KindConfig& kind, const std::string& config,
                             std::map<std::string, std::vector<std::string>>& mirrors) {
  std::string out = config;
  for (size_t i = 0; i < kind.containerd_patches.size(); ++i) {
    out = util::toml::merge(out, kind.containerd_patches[i], "containerdConfigPatches[" + std::to_string(i) + "]");
  }
  mirrors = util::toml::take_arrays(out, {"plugins", "io.containerd.grpc.v1.cri", "registry", "mirrors"}, "endpoint",
                                    "containerdConfigPatches");
  return out;
}

} // namespace dind::cluster
