#pragma once
#include "cluster/context.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dind::cluster {

// One step of up/reup, like kind's create actions: a title for its step line
// and one execute.
class Action {
public:
  virtual ~Action() = default;
  virtual std::string title(const Context& ctx) const = 0;
  virtual void execute(Context& ctx) = 0;
};

std::unique_ptr<Action> create_nodes();      // network, volumes, containers, systemd up
std::unique_ptr<Action> restart_nodes();     // existing containers or volumes brought back
std::unique_ptr<Action> load_balancer(const std::string& image);  // several control planes: haproxy before them
std::unique_ptr<Action> kubeadm_init();
std::unique_ptr<Action> join_control_planes();  // the other control planes, one at a time
std::unique_ptr<Action> pod_network();       // CNI config and routes on every node
std::unique_ptr<Action> kubeadm_join();      // workers in parallel
std::unique_ptr<Action> flannel();           // CNI_PLUGIN=flannel: its image, the nodes' pod CIDRs, the DaemonSet
std::unique_ptr<Action> wait_ready();        // nodes Ready, CoreDNS available, DNS answering on each
std::unique_ptr<Action> export_kubeconfig(); // host kubeconfig context, kubectl, port forwarder
std::unique_ptr<Action> dns64_nat64();       // IPv6-only: bind9 (DNS64) and tayga (NAT64) helpers
std::unique_ptr<Action> save_nodes();        // stopped nodes' state into the snapshot store
std::unique_ptr<Action> restore_nodes();     // replaces create_nodes: containers from a snapshot
std::unique_ptr<Action> bootstrap_token();   // a fresh token for new joins (restored master, `join`)

} // namespace dind::cluster
