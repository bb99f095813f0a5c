#include "cluster/actions/action.hpp"
#include "cluster/node.hpp"
#include "docker/containers.hpp"
#include "docker/images.hpp"
#include "util/error.hpp"

namespace dind::cluster {

namespace {

class CreateNodes : public Action {
public:
  std::string title(const Context& ctx) const override {
    size_t n = ctx.plan.nodes.size() - ctx.first_new;
    if (ctx.first_new > 0) return "Creating node " + ctx.plan.nodes[ctx.first_new].container + " (" + ctx.config.image() + ")";
    return "Creating " + std::to_string(n) + " nodes (" + ctx.config.image() + ")";
  }

  void execute(Context& ctx) override {
    auto image = docker::inspect_image(ctx.docker, ctx.config.image());
    if (!image) throw Error(ctx.config.image_missing());
    ctx.kubernetes_version = json::str(*image, {"Config", "Labels", "io.dind.kubernetes-version"});
    if (ctx.kubernetes_version.empty()) throw Error(ctx.config.image() + " is not a dind node image (no io.dind.kubernetes-version label)");

    create_node_containers(ctx);
    start_nodes(ctx);
  }
};

} // namespace

std::unique_ptr<Action> create_nodes() { return std::make_unique<CreateNodes>(); }

} // namespace dind::cluster
