#pragma once
#include "cluster/config.hpp"
#include "cluster/kubeadm_args.hpp"
#include "cluster/provider.hpp"
#include "cluster/spec.hpp"
#include "cluster/layout.hpp"
#include "util/steps.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace dind::snapshot {
class Store;
struct Manifest;
} // namespace dind::snapshot

namespace dind::cluster {

// What every action of up/reup works with.
struct Context {
  Provider& provider;
  util::Steps& steps;
  const ClusterSpec& spec;
  const Layout& layout;
  std::string kubernetes_version;  // from the node image's label
  std::string token;               // kubeadm bootstrap token of this run
  int apiserver_port = 0;          // on 127.0.0.1, known once the master runs
  // Nodes count as Ready only with a heartbeat after this (a restarted node
  // still shows its old Ready condition for a while).
  std::chrono::system_clock::time_point since = std::chrono::system_clock::now();
  // snapshot and restore: where blobs go, and the manifest save_nodes fills
  // (its nodes) or restore_nodes reads
  const snapshot::Store* store = nullptr;
  snapshot::Manifest* snapshot = nullptr;
  // several control planes: the key of the certificates kubeadm init uploads for their joins
  std::string certificate_key = {};
  // init and join: the user's kubeadm arguments
  KubeadmArgs kubeadm_args = {};
  // The first node of the plan this run makes: 0, or join's new worker
  // (create_nodes, kubeadm_join and wait_ready leave the others alone).
  size_t first_new = 0;
};

// Runs cmd in the node, output to the -v log; throws with the last stderr line.
std::string node_exec(Context& ctx, const NodeLayout& node, const std::vector<std::string>& cmd,
                      const std::string& input = "");
// Writes a file (mode 0600) into a node (never into its tmpfs /run or /tmp).
void node_write(Context& ctx, const NodeLayout& node, const std::string& path, const std::string& content);
// kubectl on the master with the admin kubeconfig.
std::string master_kubectl(Context& ctx, const std::vector<std::string>& args, const std::string& input = "");

} // namespace dind::cluster
