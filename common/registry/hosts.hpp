#pragma once
#include "docker/client.hpp"
#include "docker/containers.hpp"

#include <map>
#include <string>
#include <vector>

namespace dind::registry {

// The local registry (`kubectl dind registry up`): one container per Docker
// host, published on the host's 127.0.0.1 and joined to every cluster's
// network, where nodes reach it by its container name.
constexpr const char* local_name = "dind-registry";   // container and volume
constexpr const char* local_label = "io.dind.registry";
constexpr int local_port = 5000;                      // in its container
constexpr int local_host_port = 5001;                 // on the host's 127.0.0.1
constexpr const char* local_alias = "localhost:5001"; // the name images carry, on the host and in nodes

// DIND_REGISTRY_MIRROR, DIND_INSECURE_REGISTRIES and DIND_CA_CERT, checked.
struct Settings {
  std::string mirror;                 // http(s)://host[:port][/path] for docker.io
  std::vector<std::string> insecure;  // host[:port]
  std::string ca_cert;                // the PEM text of DIND_CA_CERT
  // a containerd patch's legacy `registry.mirrors` (kind's local registry
  // docs): endpoints by registry host, written as hosts.toml files, since
  // containerd refuses `mirrors` beside the config_path dind sets
  std::map<std::string, std::vector<std::string>> mirrors;
};

// From the layered variables; a URL that is not http(s)://host[:port][/path],
// an entry that is not host[:port], or a CA file that is missing or holds no
// PEM certificate is a UsageError naming the variable.
Settings settings(const std::map<std::string, std::string>& values);

// containerd's hosts.toml files, by their path under /etc/containerd/certs.d
// ("docker.io/hosts.toml"): always the local registry's, then the mirror's,
// one per insecure registry, and one per legacy mirror (these win).
std::map<std::string, std::string> hosts_files(const Settings& s);

// The CA bundle with DIND_CA_CERT appended (as update-ca-certificates would).
std::string with_ca(const std::string& bundle, const std::string& pem);

// The hosts.toml files and DIND_CA_CERT (the system bundle with it, and
// /usr/local/share/ca-certificates) for a node container that has not
// started (containerd reads both when it starts): paths relative to "/".
docker::Files node_files(docker::Client& docker, const std::string& container, const Settings& s);

} // namespace dind::registry
