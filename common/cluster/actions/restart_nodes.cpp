#include "cluster/actions/action.hpp"
#include "util/error.hpp"

namespace dind::cluster {

namespace {

// reup: the kubeadm state lives on the nodes' volumes, so bringing the
// containers back (restarted, or recreated after `down`) is enough.
class RestartNodes : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Restarting " + std::to_string(ctx.layout.nodes.size()) + " nodes";
  }

  void execute(Context& ctx) override {
    if (auto image = ctx.provider.image(ctx.spec.image)) ctx.kubernetes_version = image->kubernetes_version;
    ctx.provider.restart(ctx);
    // a cluster that failed before kubeadm init finished cannot be restarted
    if (ctx.provider.exec(ctx.layout.nodes[0].container, {"test", "-f", admin_conf}).exit_code != 0) {
      throw Error("cluster " + ctx.layout.name + " never finished kubeadm init: remove it with `kubectl dind clean`");
    }
  }
};

} // namespace

std::unique_ptr<Action> restart_nodes() { return std::make_unique<RestartNodes>(); }

} // namespace dind::cluster
