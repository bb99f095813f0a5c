#pragma once
#include "cluster/provider.hpp"
#include "docker/client.hpp"
#include "util/json.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace dind::cluster {

// What dind's containers, volumes and networks carry and how they are named:
// only the Docker provider (and the node specs it makes) spell these.
constexpr const char* role_label = "io.dind.role";      // master, worker, lb, dns64, nat64
constexpr const char* apiserver_port_key = "6443/tcp";  // the API server's port in a node or the load balancer
std::string var_volume(const NodeLayout& node);      // the node's /var
std::string etc_volume(const NodeLayout& node);      // the node's /etc/kubernetes
std::string cluster_filter(const Layout& plan);      // "io.dind.cluster=<name>"
// The host port the API server is published on in a container's inspect data ("" when not).
std::string apiserver_host_port(const json::Value& info);

// Nodes are Docker containers on the cluster's network, their /var and
// /etc/kubernetes on two named volumes each (kept across `down`). On several
// engines in one swarm (DIND_HOSTS), each node is on the engine its layout
// names (NodeLayout::host), the management network is an attachable overlay
// made by a manager of the swarm, and the load balancer, the IPv6 helpers
// and the published API server are on the first engine.
class DockerProvider : public Provider {
public:
  // Every container on one engine.
  explicit DockerProvider(docker::Client& docker);
  // Across these engines (kept by the caller), nodes placed as plan says.
  DockerProvider(std::vector<docker::Client>& engines, const Layout& plan);

  std::string endpoint() const override;
  std::optional<Image> image(const std::string& reference) override;
  Image node_image(const std::string& node) override;
  std::string helper_image(Helper helper, util::Steps& steps) override;
  void save_images(const std::vector<std::string>& references, const Sink& sink) override;
  void provision(Context& ctx, const std::function<void(size_t)>& fill) override;
  void restart(Context& ctx) override;
  void start_load_balancer(Context& ctx, const std::string& image) override;
  void start_nat64(Context& ctx) override;
  void check_state(const Layout& plan) override;
  std::vector<NodeInfo> list(const Layout& plan) override;
  NodeAddresses addresses(const Layout& plan, const std::string& node) override;
  ApiServer apiserver(const Layout& plan) override;
  docker::ExecResult exec(const std::string& node, const std::vector<std::string>& cmd,
                          const docker::ExecOptions& options = {}) override;
  std::unique_ptr<NodeStream> exec_stream(const std::string& node, const std::vector<std::string>& cmd) override;
  std::string read_file(const std::string& node, const std::string& path) override;
  void write_file(const std::string& node, const std::string& path, const std::string& content) override;
  std::string logs(const std::string& container, int tail) override;
  void set_paused(const std::string& node, bool paused) override;
  void stop_nodes(const std::vector<std::string>& nodes) override;
  std::vector<std::string> mounts(const std::string& node) override;
  std::vector<std::pair<std::string, int>> changes(const std::string& node) override;
  void archive_from(const std::string& node, const std::string& path, const Sink& sink) override;
  void archive_into(const std::string& node, const std::string& dir, const Source& tar) override;
  bool has_state(const Layout& plan) override;
  bool is_complete(const Layout& plan) override;
  void mark_complete(const Layout& plan) override;
  void remove_nodes(const std::vector<std::string>& nodes) override;
  void remove_node(const NodeLayout& node) override;
  void remove_cluster(const Layout& plan) override;

private:
  bool several() const { return engines_.size() > 1; }
  // The engine of a container: where the layout put it, or where it is
  // found (a helper, a node a layout grown by join placed), else the first.
  docker::Client& engine_of(const std::string& container);
  // The layout's nodes from `first` by engine index, and where each is.
  std::vector<std::vector<size_t>> nodes_by_engine(const Layout& plan, size_t first);
  // Several engines: the node image on each, the overlay network made.
  void prepare_engines(Context& ctx);

  std::vector<docker::Client*> engines_;  // [0] the first
  std::vector<docker::Client>* swarm_ = nullptr;  // the same, for the swarm calls; several engines only
  std::mutex placed_mutex_;
  std::map<std::string, size_t> placed_;  // container -> engine index
};

} // namespace dind::cluster
