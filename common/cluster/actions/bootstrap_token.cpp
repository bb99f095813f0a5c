#include "cluster/actions/action.hpp"
#include "cluster/kubeadm.hpp"

namespace dind::cluster {

namespace {

// The token kubeadm init made lives 24 hours: a cluster restored later would
// refuse new joins. A fresh one (24 hours from now) makes them work again.
class BootstrapToken : public Action {
public:
  std::string title(const Context&) const override { return "Creating a bootstrap token for new joins"; }

  void execute(Context& ctx) override {
    ctx.token = random_token();
    node_exec(ctx, ctx.layout.nodes.at(0), {"kubeadm", "token", "create", ctx.token, "--ttl", "24h",
                                          "--kubeconfig", admin_conf});
  }
};

} // namespace

std::unique_ptr<Action> bootstrap_token() { return std::make_unique<BootstrapToken>(); }

} // namespace dind::cluster
