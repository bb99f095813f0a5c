#include "cluster/actions/action.hpp"
#include "cluster/kubeadm.hpp"
#include "cluster/load_balancer.hpp"

namespace dind::cluster {

namespace {

class KubeadmInit : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Starting control-plane on " + ctx.layout.nodes.at(0).container + " (kubeadm init)";
  }

  void execute(Context& ctx) override {
    const auto& master = ctx.layout.nodes.at(0);
    ctx.token = random_token();
    std::vector<std::string> init = {"kubeadm", "init", "--config", "/etc/dind/kubeadm.yaml", "--skip-token-print",
                                     "--skip-certificate-key-print"};
    if (ctx.layout.control_planes > 1) {
      ctx.certificate_key = random_certificate_key();
      init.push_back("--upload-certs");
    }
    init.insert(init.end(), ctx.kubeadm_args.pass.begin(), ctx.kubeadm_args.pass.end());
    node_write(ctx, master, "/etc/dind/kubeadm.yaml", init_config(kubeadm_input(ctx)));
    node_write(ctx, master, std::string(patches_dir) + "/corednsdeployment+strategic.json", coredns_patch(ctx.layout));
    try {
      node_exec(ctx, master, init);
    } catch (const Error&) {
      // kubeadm only says its calls through the load balancer timed out
      if (ctx.layout.lb) check_load_balancer(ctx);
      throw;
    }
  }
};

} // namespace

std::unique_ptr<Action> kubeadm_init() { return std::make_unique<KubeadmInit>(); }

} // namespace dind::cluster
