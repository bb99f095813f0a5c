#pragma once
#include <string>
#include <vector>

namespace dind::cluster {

// How a joining node finds and trusts the API server. Empty fields are
// dind's: the master's address, a bootstrap token, the pinned CA.
struct Discovery {
  std::string endpoint;                     // host:port
  std::string token;                        // also the TLS bootstrap token unless tls_token
  std::string tls_token;
  std::vector<std::string> ca_cert_hashes;  // "sha256:<hex>"
  bool unsafe_skip_ca = false;
};

// What a user gives `init` or `join` for kubeadm (after `--`). kubeadm takes
// only a few flags beside --config: those pass through; join's discovery
// flags and endpoint, which it refuses there, go into the JoinConfiguration.
struct KubeadmArgs {
  std::vector<std::string> pass;  // after dind's --config
  Discovery discovery;            // join only
};

// command is "init" or "join". Anything else kubeadm would refuse beside
// --config, or that dind sets itself (--node-name, --cri-socket, ...), is a
// UsageError naming it, before anything is made.
KubeadmArgs parse_kubeadm_args(const std::string& command, const std::vector<std::string>& args);

} // namespace dind::cluster
