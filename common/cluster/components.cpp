#include "cluster/components.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>

namespace dind::cluster {

namespace {

struct Prefix {
  const char* prefix;
  std::vector<Flag> ComponentSettings::*flags;  // nullptr: refused
  std::vector<std::string> dind_sets;           // flags dind sets itself
};

const std::vector<Prefix>& prefixes() {
  static const std::vector<Prefix> p = {
      {"APISERVER_", &ComponentSettings::apiserver, {"feature-gates"}},
      {"CONTROLLER_MANAGER_", &ComponentSettings::controller_manager, {"feature-gates", "allocate-node-cidrs"}},
      {"SCHEDULER_", &ComponentSettings::scheduler, {"feature-gates"}},
      {"KUBELET_", &ComponentSettings::kubelet, {"node-ip"}},
      {"KUBE_PROXY_", nullptr, {}},
  };
  return p;
}

bool flag_suffix(const std::string& s) {
  return !s.empty() && std::islower(static_cast<unsigned char>(s[0])) && std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

const Prefix* prefix_of(const std::string& name) {
  // KUBE_PROXY_MODE and APISERVER_PORT are dind's own: the seed's flag names are lower case
  for (auto& p : prefixes()) {
    if (util::starts_with(name, p.prefix) && flag_suffix(name.substr(std::string(p.prefix).size()))) return &p;
  }
  return nullptr;
}

} // namespace

std::vector<FeatureGate> parse_feature_gates(const std::string& value, const std::string& var) {
  std::vector<FeatureGate> gates;
  if (value == "none") return gates;
  for (auto& item : util::split(value, ',')) {
    std::string g = util::trim(item);
    if (g.empty()) continue;
    auto eq = g.find('=');
    std::string name = util::trim(g.substr(0, eq)), on = eq == std::string::npos ? "" : util::trim(g.substr(eq + 1));
    bool alnum = !name.empty() && std::isupper(static_cast<unsigned char>(name[0])) &&
                 std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    if (!alnum || (on != "true" && on != "false")) {
      throw UsageError(var + ": '" + g + "' is not Name=true or Name=false (a comma-separated list, e.g. Foo=true,Bar=false)");
    }
    if (std::any_of(gates.begin(), gates.end(), [&](auto& x) { return x.name == name; })) {
      throw UsageError(var + ": " + name + " is given twice");
    }
    gates.push_back({name, on == "true"});
  }
  return gates;
}

bool is_component_variable(const std::string& name) { return prefix_of(name) != nullptr; }

ComponentSettings component_settings(const std::map<std::string, std::string>& values) {
  ComponentSettings s;
  for (auto& [name, value] : values) {
    const Prefix* p = prefix_of(name);
    if (!p || value.empty()) continue;
    if (!p->flags) {
      throw UsageError(name + ": kube-proxy runs from the KubeProxyConfiguration kubeadm writes, which overrides its flags"
                              " (KUBE_PROXY_MODE sets the mode)");
    }
    std::string flag = name.substr(std::string(p->prefix).size());
    std::replace(flag.begin(), flag.end(), '_', '-');
    if (std::find(p->dind_sets.begin(), p->dind_sets.end(), flag) != p->dind_sets.end()) {
      throw UsageError(name + ": dind sets --" + flag + " itself" +
                       (flag == "feature-gates" ? std::string(" (use FEATURE_GATES or KUBELET_FEATURE_GATES)") : ""));
    }
    if (std::any_of(value.begin(), value.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); })) {
      throw UsageError(name + ": the value has a control character");
    }
    (s.*(p->flags)).push_back({flag, value});
  }
  // the seed passed FEATURE_GATES to the control plane's three components
  if (auto it = values.find("FEATURE_GATES"); it != values.end()) {
    std::vector<std::string> gates;
    for (auto& g : parse_feature_gates(it->second, "FEATURE_GATES")) gates.push_back(g.name + (g.enabled ? "=true" : "=false"));
    if (!gates.empty()) {
      for (auto* flags : {&s.apiserver, &s.controller_manager, &s.scheduler}) flags->push_back({"feature-gates", util::join(gates, ",")});
    }
  }
  if (auto it = values.find("KUBELET_FEATURE_GATES"); it != values.end()) {
    s.kubelet_gates = parse_feature_gates(it->second, "KUBELET_FEATURE_GATES");
  }
  return s;
}

std::string ComponentSettings::key() const {
  std::string k;
  auto add = [&](const char* what, const std::vector<Flag>& flags) {
    for (auto& f : flags) k += std::string(what) + " --" + f.name + "=" + f.value + "\n";
  };
  add("kube-apiserver", apiserver);
  add("kube-controller-manager", controller_manager);
  add("kube-scheduler", scheduler);
  add("kubelet", kubelet);
  for (auto& g : kubelet_gates) k += "kubelet gate " + g.name + "=" + (g.enabled ? "true" : "false") + "\n";
  return k;
}

} // namespace dind::cluster
