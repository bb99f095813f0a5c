#pragma once
#include <map>
#include <string>
#include <vector>

namespace dind::cluster {

// One command-line flag, without its "--".
struct Flag {
  std::string name, value;
};

struct FeatureGate {
  std::string name;
  bool enabled = false;
};

// What FEATURE_GATES, KUBELET_FEATURE_GATES and the seed's open-ended
// APISERVER_<flag>, CONTROLLER_MANAGER_<flag>, SCHEDULER_<flag> and
// KUBELET_<flag> variables add to kubeadm's configuration.
struct ComponentSettings {
  std::vector<Flag> apiserver, controller_manager, scheduler, kubelet;
  std::vector<FeatureGate> kubelet_gates;  // KubeletConfiguration featureGates
  // Canonical text of all of it: a snapshot made with other settings is another cluster.
  std::string key() const;
};

// "Foo=true,Bar=false" ("none": no gates, as in the seed); throws UsageError naming var.
std::vector<FeatureGate> parse_feature_gates(const std::string& value, const std::string& var);

// A component flag variable: one of the prefixes, then the flag in lower case
// with '_' for '-' (APISERVER_audit_log_maxage). KUBE_PROXY_<flag> counts, to be refused.
bool is_component_variable(const std::string& name);

// From the layered variables (by the seed's names); throws UsageError naming the variable.
ComponentSettings component_settings(const std::map<std::string, std::string>& values);

} // namespace dind::cluster
