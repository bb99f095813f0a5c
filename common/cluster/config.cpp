#include "cluster/config.hpp"

#include "cluster/spec.hpp"
#include "image/build.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cstring>
#include <unistd.h>

namespace dind::cluster {

const std::map<std::string, std::string>& known_variables() {
  static const std::map<std::string, std::string> vars = {
      {"NUM_NODES", "2"},        {"CLUSTER_ID", ""},          {"DIND_LABEL", ""},
      {"IP_MODE", "ipv4"},       {"MGMT_CIDRS", ""},          {"DIND_SUBNET", ""},
      {"DIND_SUBNET_SIZE", ""},  {"POD_NETWORK_CIDR", ""},    {"SERVICE_CIDR", ""},
      {"DNS64_PREFIX", ""},      {"NAT64_V4_SUBNET_PREFIX", ""}, {"DIND_IMAGE", ""},
      {"DIND_K8S_VERSION", ""},
      {"APISERVER_PORT", ""},    {"DIND_PORT_FORWARDER", ""}, {"DIND_HOSTS", ""}, {"CNI_PLUGIN", "bridge"},
      {"KUBE_PROXY_MODE", "iptables"}, {"DIND_WAIT", "300"},
      // several control planes behind a load balancer (the seed had one)
      {"NUM_CONTROL_PLANES", "1"},
      // issue 16: the rest of the seed's knobs
      {"FEATURE_GATES", ""},     {"KUBELET_FEATURE_GATES", ""}, {"EXTRA_PORTS", ""},
      {"MASTER_EXTRA_OPTS", ""}, {"DIND_CUSTOM_NETWORKS", ""}, {"DIND_HTTP_PROXY", ""},
      {"DIND_HTTPS_PROXY", ""},  {"DIND_NO_PROXY", ""},        {"DIND_PROPAGATE_HTTP_PROXY", ""},
      {"DNS_SERVICE", "coredns"}, {"DIND_CRI", "containerd"}, {"SKIP_SNAPSHOT", ""},
      {"DIND_REGISTRY_MIRROR", ""}, {"DIND_INSECURE_REGISTRIES", ""}, {"DIND_CA_CERT", ""},
      // accepted, and nothing to do: no dashboard, kubectl is always
      // installed, nothing is pulled, btrfs hosts are not refused, e2e runs
      // one process unless -p
      {"SKIP_DASHBOARD", ""},    {"DOWNLOAD_KUBECTL", ""}, {"DIND_SKIP_PULL", ""},
      {"RUN_ON_BTRFS_ANYWAY", ""}, {"DIND_NO_PARALLEL_E2E", ""},
      // where `e2e` writes e2e.log and the JUnit XML unless -o says
      {"E2E_REPORT_DIR", ""},
      // node container limits, reported by the nodes as their capacity
      {"NODE_CPUS", ""}, {"NODE_MEMORY", ""}, {"MASTER_CPUS", ""}, {"MASTER_MEMORY", ""},
  };
  return vars;
}

namespace {

// Seed variables dind does not carry over, each with why; `accepted` is the
// one value that asks for what dind does anyway ("" = none).
struct Refused {
  const char* name;
  const char* accepted;
  const char* why;
};

const Refused refused_variables[] = {
    {"DNS_SERVICE", "coredns", "kube-dns left Kubernetes in v1.13: coredns only"},
    {"DIND_CRI", "containerd", "nodes run containerd; Kubernetes removed dockershim in v1.24"},
    {"DIND_STORAGE_DRIVER", "", "nodes run no Docker daemon (containerd stores images on the node's /var volume)"},
    {"DIND_DAEMON_JSON_FILE", "/dev/null", "nodes run no Docker daemon to configure"},
    {"ENABLE_CEPH", "", "Ceph RBD needed the host's /dev and Docker socket inside the nodes: not carried over"},
    {"GCE_HOSTED", "", "use a remote engine through DOCKER_HOST (README: Remote Docker); the GCE scripts are not carried over"},
    {"BUILD_KUBEADM", "", "Kubernetes comes from `kubectl dind build-image`; your own binaries: build-image --k8s-source DIR"},
    {"BUILD_HYPERKUBE", "", "Kubernetes comes from `kubectl dind build-image`; your own binaries: build-image --k8s-source DIR"},
    {"DIND_K8S_BIN_DIR", "", "use `kubectl dind build-image --k8s-source DIR`, then DIND_IMAGE"},
    {"KUBEADM_DIND_LOCAL", "", "there is no dockerized build to opt out of: build-image builds offline"},
    {"DIND_IMAGE_DIGEST", "", "node images are built here, not pulled: give DIND_IMAGE"},
    {"DIND_IMAGE_BASE", "", "node images are built here, not pulled: give DIND_IMAGE"},
    {"DASHBOARD_URL", "", "no dashboard is installed"},
    {"KUBE_RSYNC_PORT", "", "there is no remote build container to rsync from"},
    {"KUBE_RSYNC_ADDR", "", "there is no remote build container to rsync from"},
    {"DIND_ALLOW_AAAA_USE", "", "IPv6-only clusters always resolve through DNS64 (the outside is IPv4 through NAT64)"},
    {"REMOTE_DNS64_V4SERVER", "", "DNS64 forwards to Docker's embedded DNS, which uses the host's resolvers"},
    {"USE_HAIRPIN", "", "the bridge and ptp CNI configs set hairpin mode themselves"},
    {"KUBE_ROUTER_VERSION", "", "CNI_PLUGIN is bridge, ptp or flannel (kube-router needs IP_VS)"},
    {"CALICO_VERSION", "", "CNI_PLUGIN is bridge, ptp or flannel (calico is not built here)"},
    {"LOCAL_KUBECTL_VERSION", "", "up installs the node image's own kubectl into ~/.kubeadm-dind-cluster"},
    {"KUBECTL_DIR", "", "kubectl goes to ~/.kubeadm-dind-cluster"},
    {"DIND_CA_CERT_URL", "", "fetching it needs a network: download the file and give DIND_CA_CERT"},
};


} // namespace

Config load_config(const std::map<std::string, std::string>& flags, const std::string& file) {
  Config c;
  const auto& known = known_variables();
  std::map<std::string, std::string> from_file;
  if (!file.empty()) {
    std::string text = util::read_file(file);
    if (is_kind_config(text)) {
      c.kind = parse_kind_config(text, file);
      from_file = c.kind.variables;
    } else {
      from_file = util::parse_key_values(text, file);
    }
  }
  auto is_refused = [](const std::string& k) {
    return std::any_of(std::begin(refused_variables), std::end(refused_variables), [&](auto& r) { return k == r.name; });
  };
  for (auto& [k, v] : from_file) {
    if (!known.count(k) && !is_refused(k) && !is_component_variable(k)) throw UsageError(file + ": unknown variable " + k);
  }
  // flags, then env, then the file; false when none sets it
  auto layer = [&](const std::string& key) {
    if (auto f = flags.find(key); f != flags.end() && !f->second.empty()) {
      c.values[key] = f->second, c.sources[key] = "flag";
    } else if (auto e = util::env(key.c_str())) {
      c.values[key] = *e, c.sources[key] = "env";
    } else if (auto ff = from_file.find(key); ff != from_file.end() && !ff->second.empty()) {
      c.values[key] = ff->second, c.sources[key] = "file";
    } else {
      return false;
    }
    return true;
  };
  for (auto& [key, def] : known) {
    if (!layer(key)) c.values[key] = def, c.sources[key] = "default";
  }
  // a kind config's nodes are matched to the plan's by position, control
  // planes first: another count would hand one node's settings to another
  if (auto n = c.kind.variables.find("NUM_CONTROL_PLANES"); n != c.kind.variables.end() && c.values["NUM_CONTROL_PLANES"] != n->second) {
    throw UsageError("NUM_CONTROL_PLANES=" + c.values["NUM_CONTROL_PLANES"] + " (" + c.sources["NUM_CONTROL_PLANES"] + ") but " + file +
                     " has " + n->second + " control-plane nodes: the file says which node is which");
  }
  // APISERVER_<flag> and the like are open-ended: by prefix, from env and file
  for (char** e = environ; *e; ++e) {
    std::string name(*e, std::strcspn(*e, "="));
    if (is_component_variable(name)) layer(name);
  }
  for (auto& [k, v] : from_file) {
    if (is_component_variable(k)) layer(k);
  }
  for (auto& r : refused_variables) {
    if (!known.count(r.name) && !layer(r.name)) continue;
    const std::string& v = c.values[r.name];
    if (!v.empty() && v != r.accepted) throw UsageError(std::string(r.name) + "=" + v + " is not supported: " + r.why);
  }
  // the image names its Kubernetes version; a version asks for its image
  if (!c.values["DIND_IMAGE"].empty() && !c.values["DIND_K8S_VERSION"].empty()) {
    throw UsageError("DIND_K8S_VERSION and DIND_IMAGE both given: the node image carries its Kubernetes version, give one");
  }
  if (c.values["DIND_IMAGE"].empty()) c.values["DIND_IMAGE"] = image::default_node_image(c.values["DIND_K8S_VERSION"]);
  // every value checked before anything runs
  cluster_spec(c);
  c.num_nodes();
  c.layout();  // the node limits' spelling
  return c;
}

std::string image_missing(const std::string& image, const std::string& k8s_version) {
  return "node image " + image + " not found: run `kubectl dind build-image" +
         (k8s_version.empty() ? "" : " --k8s-version " + k8s_version) + "` first";
}

std::string Config::get(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? "" : it->second;
}

LayoutInput Config::layout_input() const {
  return LayoutInput::from([this](const std::string& k) -> std::optional<std::string> {
    std::string v = get(k);
    if (v.empty()) return std::nullopt;
    return v;
  });
}

std::vector<hosts::Host> Config::hosts() const {
  if (get("DIND_HOSTS").empty()) return {};
  return hosts::parse_hosts(get("DIND_HOSTS"), docker::tls_env_from_env());
}

namespace {

// Every node's engine: the first control plane on the first (it publishes
// the API server; the load balancer and the IPv6 helpers are there too),
// the others round-robin by index, or where the kind config's host says.
void place_nodes(Layout& plan, const std::vector<hosts::Host>& hosts, const std::vector<NodeSettings>& settings) {
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    plan.nodes[i].host = hosts.empty() ? 0 : i % hosts.size();
    if (i >= settings.size() || settings[i].host.empty()) continue;
    const auto& s = settings[i];
    if (hosts.empty()) throw UsageError(s.host_field + ": " + s.host + " names an engine of DIND_HOSTS, which is not set");
    bool by_index = s.host.find_first_not_of("0123456789") == std::string::npos;
    size_t host = hosts.size();
    for (size_t h = 0; h < hosts.size(); ++h) {
      if ((by_index ? std::to_string(h) : hosts[h].endpoint.text) == s.host) host = h;
    }
    if (host == hosts.size()) {
      throw UsageError(s.host_field + ": " + s.host +
                       (by_index ? " is not an index of DIND_HOSTS' " + std::to_string(hosts.size()) + " engines (0.." +
                                       std::to_string(hosts.size() - 1) + ")"
                                 : " is not one of DIND_HOSTS' engines"));
    }
    if (i == 0 && host != 0) {
      throw UsageError(s.host_field + ": the first control plane runs on DIND_HOSTS' first engine, where the API server is published");
    }
    plan.nodes[i].host = host;
  }
  if (hosts.size() > 1 && plan.has_v6()) {
    throw UsageError("DIND_HOSTS with IP_MODE=" + plan.mode_name() + ": Docker's overlay network between the engines carries no "
                     "IPv6 here (each engine gives out the same addresses); a cluster across hosts is IPv4 only");
  }
}

} // namespace

Layout Config::layout() const {
  auto plan = make_layout(layout_input());
  place_nodes(plan, hosts(), kind.nodes);
  // a node's own cpus/memory in a kind config, unless a flag or the
  // environment sets that node's limit (they win over the file)
  auto from_file = [this](const char* var) {
    auto s = sources.find(var);
    return s == sources.end() || s->second == "file" || s->second == "default";
  };
  for (size_t i = 0; i < plan.nodes.size() && i < kind.nodes.size(); ++i) {
    bool master = plan.is_control_plane(i);
    if (kind.nodes[i].nano_cpus && from_file("NODE_CPUS") && (!master || from_file("MASTER_CPUS"))) {
      plan.nodes[i].nano_cpus = kind.nodes[i].nano_cpus;
    }
    if (kind.nodes[i].memory_bytes && from_file("NODE_MEMORY") && (!master || from_file("MASTER_MEMORY"))) {
      plan.nodes[i].memory_bytes = kind.nodes[i].memory_bytes;
    }
  }
  return plan;
}

int Config::num_nodes() const { return static_cast<int>(util::parse_int(get("NUM_NODES"), 0, 100, "NUM_NODES")); }

std::optional<int> Config::apiserver_port() const {
  if (get("APISERVER_PORT").empty()) return std::nullopt;
  return static_cast<int>(util::parse_int(get("APISERVER_PORT"), 1, 65535, "APISERVER_PORT"));
}

ComponentSettings Config::components() const { return component_settings(values); }

NodeOptions Config::node_options() const { return cluster::node_options(values); }

registry::Settings Config::registries() const { return registry::settings(values); }

std::chrono::seconds Config::wait_timeout() const {
  return std::chrono::seconds(util::parse_int(get("DIND_WAIT"), 1, 86400, "DIND_WAIT"));
}

std::string Config::to_json() const {
  json::Writer w(true);
  w.begin_object();
  for (auto& [k, v] : values) {
    w.key(k).begin_object().kv("value", v).kv("source", sources.at(k)).end_object();
  }
  w.end_object();
  return w.str();
}

} // namespace dind::cluster
