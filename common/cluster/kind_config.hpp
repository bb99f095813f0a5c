#pragma once
#include "docker/containers.hpp"
#include "util/yaml_patch.hpp"

#include <map>
#include <string>
#include <vector>

namespace dind::cluster {

// What a kind config asks of one node beyond the seed's variables.
struct NodeSettings {
  std::map<std::string, std::string> labels;  // kubelet --node-labels
  std::vector<docker::PortBinding> ports;     // extraPortMappings
  std::vector<docker::Mount> mounts;          // extraMounts (binds)
  std::vector<std::string> kubeadm_patches;   // this node's kubeadm config
  std::vector<util::yaml::Json6902> kubeadm_json6902;
  int64_t nano_cpus = 0, memory_bytes = 0;  // dind's extension fields cpus and memory (0: NODE_CPUS, ...)
  // dind's extension field host: the DIND_HOSTS engine that runs the node,
  // by its 0-based index or its endpoint as listed there ("": the default placement)
  std::string host;
  std::string host_field;  // "kind.yaml: nodes[2].host": where it is written, for errors
};

// A kind cluster config (kind.x-k8s.io/v1alpha4) in dind's terms: the seed's
// variables it sets, and what they cannot say.
struct KindConfig {
  std::map<std::string, std::string> variables;  // NUM_NODES, DIND_LABEL, IP_MODE, FEATURE_GATES, ...
  std::vector<NodeSettings> nodes;               // [0] the control plane, then the workers in order
  std::vector<std::string> kubeadm_patches;      // every node's kubeadm config
  std::vector<util::yaml::Json6902> kubeadm_json6902;
  std::vector<std::string> containerd_patches;   // TOML, merged into every node's containerd config
  std::string apiserver_address;                 // where the API server port is published ("": 127.0.0.1)

  // Canonical text of what the variables do not carry: a snapshot made
  // with other settings is another cluster.
  std::string key() const;
};

// True when the file's text is a kind config (`kind: Cluster`, apiVersion
// kind.x-k8s.io/...) rather than the seed's KEY=VALUE config.sh.
bool is_kind_config(const std::string& text);

// Every field kind documents for v1alpha4 is honoured or refused: an unknown
// or unsupported one throws UsageError naming it (file: path.to.field: why).
KindConfig parse_kind_config(const std::string& text, const std::string& file);

// The kubeadm configuration of node `index` with the config's patches applied
// (the text unchanged when there are none).
std::string patch_kubeadm(const KindConfig& kind, size_t index, const std::string& config);

// The node's containerd config with containerdConfigPatches merged in; a
// legacy `registry.mirrors` table moves out of it into `mirrors` (endpoints
// by registry host), for hosts.toml files: containerd 1.6 refuses it beside
// `config_path`.
std::string patch_containerd(const KindConfig& kind, const std::string& config,
                             std::map<std::string, std::vector<std::string>>& mirrors);

} // namespace dind::cluster
