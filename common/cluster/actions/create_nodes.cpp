#include "cluster/actions/action.hpp"
#include "cluster/node.hpp"
#include "docker/containers.hpp"
#include "docker/images.hpp"
#include "docker/networks.hpp"
#include "docker/volumes.hpp"
#include "util/error.hpp"

namespace dind::cluster {

namespace {

// A network or volume of the planned name that this cluster did not make is
// someone else's: never take it over, never remove it.
void refuse_foreign(const Context& ctx, const char* what, const std::string& name, const std::optional<json::Document>& info) {
  if (!info) return;
  if (json::str(*info, {"Labels", net::cluster_label}) == ctx.plan.name) return;
  throw Error("a Docker " + std::string(what) + " named " + name + " exists that dind did not make for cluster " +
              ctx.plan.name + ": remove it, or pick another CLUSTER_ID or DIND_LABEL");
}

class CreateNodes : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Creating " + std::to_string(ctx.plan.nodes.size()) + " nodes (" + ctx.config.image() + ")";
  }

  void execute(Context& ctx) override {
    auto image = docker::inspect_image(ctx.docker, ctx.config.image());
    if (!image) throw Error("node image " + ctx.config.image() + " not found: run `kubectl dind build-image` first");
    ctx.kubernetes_version = json::str(*image, {"Config", "Labels", "io.dind.kubernetes-version"});
    if (ctx.kubernetes_version.empty()) throw Error(ctx.config.image() + " is not a dind node image (no io.dind.kubernetes-version label)");

    auto network = docker::inspect_network(ctx.docker, ctx.plan.network);
    refuse_foreign(ctx, "network", ctx.plan.network, network);
    for (auto& node : ctx.plan.nodes) {
      for (auto& v : {var_volume(node), etc_volume(node)}) refuse_foreign(ctx, "volume", v, docker::inspect_volume(ctx.docker, v));
    }
    if (!network) {
      docker::NetworkSpec net;
      net.name = ctx.plan.network;
      net.labels = ctx.plan.labels;
      net.ipv6 = ctx.plan.has_v6();
      // fixed IPv6 addresses need the IPv4 subnet spelled out too
      for (size_t i = 0; i < ctx.plan.mgmt.size(); ++i) net.subnets.push_back({ctx.plan.mgmt[i].str(), ctx.plan.gateways[i]});
      if (!ctx.plan.has_v4()) net.subnets.insert(net.subnets.begin(), docker::Subnet{"10.193." + std::to_string(ctx.plan.cluster_id) + ".0/24", ""});
      docker::create_network(ctx.docker, net);
    }
    for (size_t i = 0; i < ctx.plan.nodes.size(); ++i) {
      const auto& node = ctx.plan.nodes[i];
      docker::create_volume(ctx.docker, var_volume(node), ctx.plan.labels);
      docker::create_volume(ctx.docker, etc_volume(node), ctx.plan.labels);
      docker::create_container(ctx.docker, node_spec(ctx, node, i == 0));
    }
    parallel(ctx.plan.nodes.size(), [&](size_t i) { docker::start_container(ctx.docker, ctx.plan.nodes[i].container); });
    ctx.apiserver_port = published_port(ctx);
    wait_booted(ctx);
  }
};

} // namespace

std::unique_ptr<Action> create_nodes() { return std::make_unique<CreateNodes>(); }

} // namespace dind::cluster
