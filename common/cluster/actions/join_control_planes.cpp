#include "cluster/actions/action.hpp"
#include "cluster/kubeadm.hpp"
#include "cluster/load_balancer.hpp"

namespace dind::cluster {

namespace {

// Stacked etcd: each join adds a member and waits for it to sync, and etcd
// takes one membership change at a time, so the control planes join in turn.
class JoinControlPlanes : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Joining " + std::to_string(ctx.layout.control_planes - 1) + " control-plane nodes (kubeadm join --control-plane, in turn)";
  }

  void execute(Context& ctx) override {
    auto in = kubeadm_input(ctx);
    Discovery discovery = join_discovery(ctx);
    for (size_t i = 1; ctx.layout.is_control_plane(i); ++i) {
      const auto& node = ctx.layout.nodes[i];
      ctx.steps.status(node.container);
      node_write(ctx, node, "/etc/dind/kubeadm-join.yaml", join_config(in, i, discovery));
      try {
        node_exec(ctx, node, {"kubeadm", "join", "--config", "/etc/dind/kubeadm-join.yaml"});
      } catch (const Error&) {
        check_load_balancer(ctx);  // the joins go through it
        throw;
      }
    }
  }
};

} // namespace

std::unique_ptr<Action> join_control_planes() { return std::make_unique<JoinControlPlanes>(); }

} // namespace dind::cluster
