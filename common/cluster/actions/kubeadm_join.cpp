#include "cluster/actions/action.hpp"
#include "cluster/kubeadm.hpp"

#include <atomic>

namespace dind::cluster {

namespace {

class KubeadmJoin : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Joining " + std::to_string(ctx.plan.workers()) + " worker nodes (kubeadm join, in parallel)";
  }

  void execute(Context& ctx) override {
    auto in = kubeadm_input(ctx);
    std::atomic<int> joined{0};
    size_t first = static_cast<size_t>(ctx.plan.control_planes), workers = ctx.plan.workers();
    parallel(workers, [&](size_t i) {
      const auto& node = ctx.plan.nodes[first + i];
      node_write(ctx, node, "/etc/dind/kubeadm-join.yaml", join_config(in, first + i));
      node_exec(ctx, node, {"kubeadm", "join", "--config", "/etc/dind/kubeadm-join.yaml"});
      ctx.steps.status(std::to_string(++joined) + "/" + std::to_string(workers) + " joined");
    });
  }
};

} // namespace

std::unique_ptr<Action> kubeadm_join() { return std::make_unique<KubeadmJoin>(); }

} // namespace dind::cluster
