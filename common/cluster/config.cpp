#include "cluster/config.hpp"

#include "image/build.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

namespace dind::cluster {

const std::map<std::string, std::string>& known_variables() {
  static const std::map<std::string, std::string> vars = {
      {"NUM_NODES", "2"},        {"CLUSTER_ID", ""},          {"DIND_LABEL", ""},
      {"IP_MODE", "ipv4"},       {"MGMT_CIDRS", ""},          {"DIND_SUBNET", ""},
      {"DIND_SUBNET_SIZE", ""},  {"POD_NETWORK_CIDR", ""},    {"SERVICE_CIDR", ""},
      {"DNS64_PREFIX", ""},      {"NAT64_V4_SUBNET_PREFIX", ""}, {"DIND_IMAGE", ""},
      {"APISERVER_PORT", ""},    {"DIND_PORT_FORWARDER", ""}, {"CNI_PLUGIN", "bridge"},
      {"KUBE_PROXY_MODE", "iptables"}, {"DIND_WAIT", "300"},
      // node container limits, reported by the nodes as their capacity
      {"NODE_CPUS", ""}, {"NODE_MEMORY", ""}, {"MASTER_CPUS", ""}, {"MASTER_MEMORY", ""},
  };
  return vars;
}

Config load_config(const std::map<std::string, std::string>& flags, const std::string& file) {
  Config c;
  const auto& known = known_variables();
  std::map<std::string, std::string> from_file;
  if (!file.empty()) from_file = util::read_key_values(file);
  for (auto& [k, v] : from_file) {
    if (!known.count(k)) throw UsageError(file + ": unknown variable " + k);
  }
  for (auto& [key, def] : known) {
    if (auto f = flags.find(key); f != flags.end() && !f->second.empty()) {
      c.values[key] = f->second, c.sources[key] = "flag";
    } else if (auto e = util::env(key.c_str())) {
      c.values[key] = *e, c.sources[key] = "env";
    } else if (auto ff = from_file.find(key); ff != from_file.end() && !ff->second.empty()) {
      c.values[key] = ff->second, c.sources[key] = "file";
    } else {
      c.values[key] = def, c.sources[key] = "default";
    }
  }
  if (c.values["DIND_IMAGE"].empty()) c.values["DIND_IMAGE"] = image::default_node_image();
  std::string cni = c.values["CNI_PLUGIN"];
  if (cni != "bridge" && cni != "ptp") {
    throw UsageError("CNI_PLUGIN: '" + cni + "' is not supported: bridge or ptp" +
                     (cni == "kube-router" ? " (kube-router needs IP_VS, which this kernel lacks)" : ""));
  }
  std::string proxy = c.values["KUBE_PROXY_MODE"];
  if (proxy != "iptables" && proxy != "nftables") {
    throw UsageError("KUBE_PROXY_MODE: '" + proxy + "' is not supported: iptables or nftables" +
                     (proxy == "ipvs" ? " (the kernel has no IP_VS)" : ""));
  }
  c.num_nodes();
  net::make_plan(c.plan_input());  // the node limits' spelling, before anything runs
  c.apiserver_port();
  c.wait_timeout();
  return c;
}

std::string Config::get(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? "" : it->second;
}

net::PlanInput Config::plan_input() const {
  return net::PlanInput::from([this](const std::string& k) -> std::optional<std::string> {
    std::string v = get(k);
    if (v.empty()) return std::nullopt;
    return v;
  });
}

int Config::num_nodes() const { return static_cast<int>(util::parse_int(get("NUM_NODES"), 0, 100, "NUM_NODES")); }

std::optional<int> Config::apiserver_port() const {
  if (get("APISERVER_PORT").empty()) return std::nullopt;
  return static_cast<int>(util::parse_int(get("APISERVER_PORT"), 1, 65535, "APISERVER_PORT"));
}

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
