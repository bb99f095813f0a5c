#pragma once
#include "docker/exec.hpp"
#include "net/plan.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dind::cluster {

struct Context;

// The admin kubeconfig kubeadm init leaves on every control plane.
constexpr const char* admin_conf = "/etc/kubernetes/admin.conf";

// A container of the cluster as its provider sees it.
struct NodeInfo {
  std::string name;
  std::string role;   // master, worker, lb, dns64, nat64
  std::string state;  // running, paused, exited, created, ...
};

struct NodeAddresses {
  std::string ipv4, ipv6;  // on the cluster's network; "" when none
};

// The API server as the host reaches it: through the first control plane,
// or the load balancer.
struct ApiServer {
  std::string state;  // of the container that publishes it; "absent" when there is none
  std::string port;   // on the host; "" when not published
};

// What runs a cluster's nodes (kind's providers.Provider): the actions and
// the lifecycle commands ask it, not the container engine (snapshots and
// `load` still stream archives through the engine). Docker's is the one
// there is (docker_provider.hpp); the unit tests have a fake.
class Provider {
public:
  virtual ~Provider() = default;

  // The Kubernetes version a node image carries ("" when it carries none);
  // nullopt when there is no such image.
  virtual std::optional<std::string> kubernetes_version(const std::string& image) = 0;
  // The plan's nodes from ctx.first_new made (with what they keep their
  // state on) and booted.
  virtual void provision(Context& ctx) = 0;
  // Every node of the plan brought back on its kept state: a running one
  // restarted, a missing one made again, all booted; ctx.since is when they
  // started.
  virtual void restart(Context& ctx) = 0;
  // Several control planes: the load balancer in front of their API servers,
  // made from image or started (one of that image that runs is kept); sets
  // ctx.apiserver_port, which it publishes.
  virtual void start_load_balancer(Context& ctx, const std::string& image) = 0;
  // IPv6-only: the DNS64 and NAT64 helpers (dns64_ip, nat64_ip), made or started.
  virtual void start_nat64(Context& ctx) = 0;
  // Refuses kept state of other nodes than the plan's (another NUM_NODES or
  // NUM_CONTROL_PLANES than when it was made).
  virtual void check_state(const net::Plan& plan) = 0;

  // Every container of the cluster, nodes and helpers.
  virtual std::vector<NodeInfo> list(const net::Plan& plan) = 0;
  virtual NodeAddresses addresses(const net::Plan& plan, const std::string& node) = 0;
  virtual ApiServer apiserver(const net::Plan& plan) = 0;

  // cmd in a running node: the exit code is in the result.
  virtual docker::ExecResult exec(const std::string& node, const std::vector<std::string>& cmd,
                                  const docker::ExecOptions& options = {}) = 0;
  virtual std::string read_file(const std::string& node, const std::string& path) = 0;
  // Root's only (mode 0600): kubeadm's configs carry the token and the certificate key.
  virtual void write_file(const std::string& node, const std::string& path, const std::string& content) = 0;
  // What a container wrote on its stdout and stderr, the last `tail` lines.
  virtual std::string logs(const std::string& container, int tail) = 0;
  virtual void set_paused(const std::string& node, bool paused) = 0;

  // Anything of the cluster is there (nodes or their kept state).
  virtual bool has_state(const net::Plan& plan) = 0;
  // `up` finished it (a run that died half-way leaves no mark).
  virtual bool is_complete(const net::Plan& plan) = 0;
  virtual void mark_complete(const net::Plan& plan) = 0;

  // Stops (cleanly, briefly) and removes these nodes; their state is kept.
  virtual void remove_nodes(const std::vector<std::string>& nodes) = 0;
  // One node with its kept state (a failed join).
  virtual void remove_node(const net::NodePlan& node) = 0;
  // Everything of the cluster: nodes, helpers, kept state, network.
  virtual void remove_cluster(const net::Plan& plan) = 0;
};

// The cluster's Kubernetes nodes (master and workers, not its helpers).
std::vector<NodeInfo> cluster_nodes(Provider& provider, const net::Plan& plan, bool running_only = false);
// kubectl with the admin kubeconfig: the command to run on a control plane.
std::vector<std::string> admin_kubectl(const std::vector<std::string>& args);

} // namespace dind::cluster
