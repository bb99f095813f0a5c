#include "cluster/actions/action.hpp"
#include "util/error.hpp"

namespace dind::cluster {

namespace {

class CreateNodes : public Action {
public:
  std::string title(const Context& ctx) const override {
    size_t n = ctx.plan.nodes.size() - ctx.first_new;
    if (ctx.first_new > 0) return "Creating node " + ctx.plan.nodes[ctx.first_new].container + " (" + ctx.spec.image + ")";
    return "Creating " + std::to_string(n) + " nodes (" + ctx.spec.image + ")";
  }

  void execute(Context& ctx) override {
    auto version = ctx.provider.kubernetes_version(ctx.spec.image);
    if (!version) throw Error(image_missing(ctx.spec.image, ctx.spec.k8s_version));
    if (version->empty()) throw Error(ctx.spec.image + " is not a dind node image (no io.dind.kubernetes-version label)");
    ctx.kubernetes_version = *version;
    ctx.provider.provision(ctx);
  }
};

} // namespace

std::unique_ptr<Action> create_nodes() { return std::make_unique<CreateNodes>(); }

} // namespace dind::cluster
