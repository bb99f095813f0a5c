#include "cluster/actions/action.hpp"
#include "cluster/kubeadm.hpp"

#include <atomic>

namespace dind::cluster {

namespace {

class KubeadmJoin : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Joining " + std::to_string(ctx.plan.nodes.size() - 1) + " worker nodes (kubeadm join, in parallel)";
  }

  void execute(Context& ctx) override {
    KubeadmInput in{ctx.plan, ctx.kubernetes_version, ctx.token, ctx.config.get("KUBE_PROXY_MODE"), ctx.config.components(),
                    ctx.config.kind};
    std::atomic<int> joined{0};
    size_t workers = ctx.plan.nodes.size() - 1;
    parallel(workers, [&](size_t i) {
      const auto& node = ctx.plan.nodes[i + 1];
      node_write(ctx, node, "/etc/dind/kubeadm-join.yaml", join_config(in, i + 1));
      node_exec(ctx, node, {"kubeadm", "join", "--config", "/etc/dind/kubeadm-join.yaml"});
      ctx.steps.status(std::to_string(++joined) + "/" + std::to_string(workers) + " joined");
    });
  }
};

} // namespace

std::unique_ptr<Action> kubeadm_join() { return std::make_unique<KubeadmJoin>(); }

} // namespace dind::cluster
