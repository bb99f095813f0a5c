#pragma once
#include "docker/exec.hpp"
#include "cluster/layout.hpp"
#include "util/steps.hpp"

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
  std::string host = {};  // the engine's endpoint when the nodes are on several ("" on one)
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

// An image where the nodes are made.
struct Image {
  std::string id;
  std::string kubernetes_version;  // a node image's; "" for any other
  double size = 0;                 // bytes
};

// The images dind builds for what runs beside or in the nodes.
enum class Helper {
  load_balancer,  // haproxy, in front of several control planes
  flannel,        // flanneld and its CNI plugin, loaded into the nodes
};

// A command in a node whose stdin is streamed to it (an image import).
class NodeStream {
public:
  virtual ~NodeStream() = default;
  // Throws dind::Error when the command no longer reads (it exited).
  virtual void write(std::string_view data) = 0;
  // Ends stdin, waits for the command to exit; the result has all its output.
  virtual docker::ExecResult finish() = 0;
};

// Receives a stream piece by piece (an archive, saved images).
using Sink = std::function<void(std::string_view)>;
// Makes a stream, giving it piece by piece to the sink it is handed.
using Source = std::function<void(const Sink&)>;

// What runs a cluster's nodes (kind's providers.Provider): the actions, the
// lifecycle commands, snapshots and `load` ask it, not the container engine.
// Docker's is the one there is (docker_provider.hpp); the unit tests have a
// fake.
class Provider {
public:
  virtual ~Provider() = default;

  // Where the nodes run, as a name: clusters of one name on two of them are
  // two clusters (cluster/lock.cpp).
  virtual std::string endpoint() const = 0;

  // An image where nodes are made; nullopt when there is no such image.
  virtual std::optional<Image> image(const std::string& reference) = 0;
  // The image a node runs (whatever image its cluster asks for now).
  virtual Image node_image(const std::string& node) = 0;
  // A helper's image made present (built on first use, then kept by
  // content); its reference.
  virtual std::string helper_image(Helper helper, util::Steps& steps) = 0;
  // The images saved as one stream (`docker save`: a layer images share
  // comes once), in a form `ctr images import` reads.
  virtual void save_images(const std::vector<std::string>& references, const Sink& sink) = 0;

  // The layout's nodes from ctx.first_new made (with what they keep their
  // state on) and booted; ctx.since is when they started. fill, when given,
  // runs for each new node's index between its making and its start (a
  // restore writes the node's saved state then, with archive_into); what
  // the node keeps its state on is then empty, not filled from its image.
  virtual void provision(Context& ctx, const std::function<void(size_t)>& fill) = 0;
  // Every node of the layout brought back on its kept state: a running one
  // restarted, a missing one made again, all booted; ctx.since is when they
  // started.
  virtual void restart(Context& ctx) = 0;
  // Several control planes: the load balancer in front of their API servers,
  // made from image or started (one of that image that runs is kept); sets
  // ctx.apiserver_port, which it publishes.
  virtual void start_load_balancer(Context& ctx, const std::string& image) = 0;
  // IPv6-only: the DNS64 and NAT64 helpers (dns64_ip, nat64_ip), made or started.
  virtual void start_nat64(Context& ctx) = 0;
  // Refuses kept state of other nodes than the layout's (another NUM_NODES or
  // NUM_CONTROL_PLANES than when it was made).
  virtual void check_state(const Layout& plan) = 0;

  // Every container of the cluster, nodes and helpers.
  virtual std::vector<NodeInfo> list(const Layout& plan) = 0;
  virtual NodeAddresses addresses(const Layout& plan, const std::string& node) = 0;
  virtual ApiServer apiserver(const Layout& plan) = 0;

  // cmd in a running node: the exit code is in the result.
  virtual docker::ExecResult exec(const std::string& node, const std::vector<std::string>& cmd,
                                  const docker::ExecOptions& options = {}) = 0;
  // cmd in a running node, its stdin written as it comes.
  virtual std::unique_ptr<NodeStream> exec_stream(const std::string& node, const std::vector<std::string>& cmd) = 0;
  virtual std::string read_file(const std::string& node, const std::string& path) = 0;
  // Root's only (mode 0600): kubeadm's configs carry the token and the certificate key.
  virtual void write_file(const std::string& node, const std::string& path, const std::string& content) = 0;
  // What a container wrote on its stdout and stderr, the last `tail` lines.
  virtual std::string logs(const std::string& container, int tail) = 0;
  virtual void set_paused(const std::string& node, bool paused) = 0;

  // Snapshots. The nodes stopped cleanly (systemd stops kubelet, containerd
  // and etcd in order), kept.
  virtual void stop_nodes(const std::vector<std::string>& nodes) = 0;
  // Where a node has files from outside it mounted (the user's mounts,
  // lxcfs's), beside its kept state (/var, /etc/kubernetes); throws when the
  // node is gone.
  virtual std::vector<std::string> mounts(const std::string& node) = 0;
  // What a node's root filesystem changed against its image: path -> 0
  // modified, 1 added, 2 deleted (snapshot::changed_roots reads it).
  virtual std::vector<std::pair<std::string, int>> changes(const std::string& node) = 0;
  // A tar of path in a node (running or not), its entries named from path's
  // last component.
  virtual void archive_from(const std::string& node, const std::string& path, const Sink& sink) = 0;
  // A tar, made while it is sent, unpacked at dir in a node (running or not:
  // its kept state is reachable before it starts).
  virtual void archive_into(const std::string& node, const std::string& dir, const Source& tar) = 0;

  // Anything of the cluster is there (nodes or their kept state).
  virtual bool has_state(const Layout& plan) = 0;
  // `up` finished it (a run that died half-way leaves no mark).
  virtual bool is_complete(const Layout& plan) = 0;
  virtual void mark_complete(const Layout& plan) = 0;

  // Stops (cleanly, briefly) and removes these nodes; their state is kept.
  virtual void remove_nodes(const std::vector<std::string>& nodes) = 0;
  // One node with its kept state (a failed join).
  virtual void remove_node(const NodeLayout& node) = 0;
  // Everything of the cluster: nodes, helpers, kept state, network.
  virtual void remove_cluster(const Layout& plan) = 0;
};

// The cluster's Kubernetes nodes (master and workers, not its helpers).
std::vector<NodeInfo> cluster_nodes(Provider& provider, const Layout& plan, bool running_only = false);
// cmd in a running node; a non-zero exit throws with the command and the
// last line of its stderr. Its stdout.
std::string exec_checked(Provider& provider, const std::string& node, const std::vector<std::string>& cmd,
                         const std::string& input = "");
// kubectl with the admin kubeconfig: the command to run on a control plane.
std::vector<std::string> admin_kubectl(const std::vector<std::string>& args);

} // namespace dind::cluster
