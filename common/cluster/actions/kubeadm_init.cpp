#include "cluster/actions/action.hpp"
#include "cluster/kubeadm.hpp"

namespace dind::cluster {

namespace {

class KubeadmInit : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Starting control-plane on " + ctx.plan.nodes.at(0).container + " (kubeadm init)";
  }

  void execute(Context& ctx) override {
    const auto& master = ctx.plan.nodes.at(0);
    ctx.token = random_token();
    KubeadmInput in{ctx.plan, ctx.kubernetes_version, ctx.token, ctx.config.get("KUBE_PROXY_MODE")};
    node_write(ctx, master, "/etc/dind/kubeadm.yaml", init_config(in));
    node_exec(ctx, master, {"kubeadm", "init", "--config", "/etc/dind/kubeadm.yaml", "--skip-token-print",
                            "--skip-certificate-key-print"});
  }
};

} // namespace

std::unique_ptr<Action> kubeadm_init() { return std::make_unique<KubeadmInit>(); }

} // namespace dind::cluster
