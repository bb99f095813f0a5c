#include "cluster/actions/action.hpp"
#include "util/error.hpp"

namespace dind::cluster {

namespace {

class CreateNodes : public Action {
public:
  std::string title(const Context& ctx) const override {
    size_t n = ctx.layout.nodes.size() - ctx.first_new;
    if (ctx.first_new > 0) return "Creating node " + ctx.layout.nodes[ctx.first_new].container + " (" + ctx.spec.image + ")";
    return "Creating " + std::to_string(n) + " nodes (" + ctx.spec.image + ")";
  }

  void execute(Context& ctx) override {
    auto image = ctx.provider.image(ctx.spec.image);
    if (!image) throw Error(image_missing(ctx.spec.image, ctx.spec.k8s_version));
    if (image->kubernetes_version.empty()) throw Error(ctx.spec.image + " is not a dind node image (no io.dind.kubernetes-version label)");
    ctx.kubernetes_version = image->kubernetes_version;
    ctx.provider.provision(ctx, {});
  }
};

} // namespace

std::unique_ptr<Action> create_nodes() { return std::make_unique<CreateNodes>(); }

} // namespace dind::cluster
