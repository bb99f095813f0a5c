#include "cluster/actions/action.hpp"
#include "cluster/kubeadm.hpp"
#include "util/parallel.hpp"

#include <atomic>

namespace dind::cluster {

namespace {

class KubeadmJoin : public Action {
public:
  std::string title(const Context& ctx) const override {
    size_t first = std::max(ctx.first_new, static_cast<size_t>(ctx.layout.control_planes)), n = ctx.layout.nodes.size() - first;
    if (ctx.first_new > 0) return "Joining " + ctx.layout.nodes[first].container + " (kubeadm join)";
    return "Joining " + std::to_string(n) + " worker nodes (kubeadm join, in parallel)";
  }

  void execute(Context& ctx) override {
    auto in = kubeadm_input(ctx);
    Discovery discovery = join_discovery(ctx);
    std::vector<std::string> cmd = {"kubeadm", "join", "--config", "/etc/dind/kubeadm-join.yaml"};
    cmd.insert(cmd.end(), ctx.kubeadm_args.pass.begin(), ctx.kubeadm_args.pass.end());
    std::atomic<int> joined{0};
    size_t first = std::max(ctx.first_new, static_cast<size_t>(ctx.layout.control_planes)), workers = ctx.layout.nodes.size() - first;
    util::parallel(workers, [&](size_t i) {
      const auto& node = ctx.layout.nodes[first + i];
      node_write(ctx, node, "/etc/dind/kubeadm-join.yaml", join_config(in, first + i, discovery));
      node_exec(ctx, node, cmd);
      ctx.steps.status(std::to_string(++joined) + "/" + std::to_string(workers) + " joined");
    });
  }
};

} // namespace

std::unique_ptr<Action> kubeadm_join() { return std::make_unique<KubeadmJoin>(); }

} // namespace dind::cluster
