#pragma once
#include "cluster/components.hpp"
#include "cluster/kind_config.hpp"
#include "cluster/node_options.hpp"
#include "cluster/layout.hpp"
#include "hosts/list.hpp"
#include "registry/hosts.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dind::cluster {

// Everything `up` and friends read, after layering: flags win, then the
// environment, then the config file (the seed's config.sh, KEY=VALUE).
struct Config {
  std::map<std::string, std::string> values;  // by the seed's variable names
  std::map<std::string, std::string> sources; // "flag", "env", "file", "default"
  KindConfig kind;  // what a kind config file asks beyond the variables (empty otherwise)

  std::string get(const std::string& key) const;
  LayoutInput layout_input() const;
  // The cluster's layout from these variables, with a kind config's per-node
  // limits and every node's engine (DIND_HOSTS, the kind config's host).
  Layout layout() const;
  // DIND_HOSTS' engines; none when it is not set (DOCKER_HOST's engine).
  std::vector<hosts::Host> hosts() const;
  std::string image() const { return get("DIND_IMAGE"); }
  int num_nodes() const;
  std::optional<int> apiserver_port() const;  // nullopt: random
  std::chrono::seconds wait_timeout() const;
  ComponentSettings components() const;  // FEATURE_GATES, APISERVER_<flag>, ...
  NodeOptions node_options() const;       // EXTRA_PORTS, MASTER_EXTRA_OPTS, proxies, networks
  registry::Settings registries() const;  // DIND_REGISTRY_MIRROR, DIND_INSECURE_REGISTRIES, DIND_CA_CERT
  std::string to_json() const;
};

// "node image X not found: run `kubectl dind build-image [--k8s-version V]` first"
std::string image_missing(const std::string& image, const std::string& k8s_version);

// The variables dind knows, with their defaults ("" = unset).
const std::map<std::string, std::string>& known_variables();

// file: KEY=VALUE lines, '#' comments, optional `export ` and quotes; or a
// kind cluster config (kind: Cluster), whose fields set the same variables.
// Unknown keys in the file or flags are refused (a typo must not go unseen);
// so is every seed variable dind does not carry over, with why.
Config load_config(const std::map<std::string, std::string>& flags, const std::string& file);

} // namespace dind::cluster
