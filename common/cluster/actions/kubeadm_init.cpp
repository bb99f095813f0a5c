#include "cluster/actions/action.hpp"
#include "cluster/kubeadm.hpp"
#include "cluster/load_balancer.hpp"
#include "util/json.hpp"

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
    try {
      node_exec(ctx, master, init);
    } catch (const Error&) {
      // kubeadm only says its calls through the load balancer timed out
      if (ctx.layout.lb) check_load_balancer(ctx);
      throw;
    }
    // CoreDNS's readiness is probed every 10 s, and a kubelet that just
    // started waits up to a period before its first probe: that wait was most
    // of `up`'s and `reup`'s last seconds. And CoreDNS reaches the API server
    // through the kubernetes service, which answers only once kube-proxy has
    // synced on its node (after a restart its client backed off 3-4 s more):
    // the API server's own address instead, as kube-proxy itself has.
    // Its pods are still Pending here.
    const auto& api = ctx.layout.lb ? *ctx.layout.lb : master;
    json::Writer patch;
    patch.begin_object().key("spec").begin_object().key("template").begin_object().key("spec").begin_object();
    patch.key("containers").begin_array().begin_object().kv("name", "coredns");
    patch.key("readinessProbe").begin_object().kv("periodSeconds", 1).end_object();
    patch.key("env").begin_array();
    patch.begin_object().kv("name", "KUBERNETES_SERVICE_HOST").kv("value", primary_ip(ctx.layout, api)).end_object();
    patch.begin_object().kv("name", "KUBERNETES_SERVICE_PORT").kv("value", "6443").end_object();
    patch.end_array().end_object().end_array().end_object().end_object().end_object().end_object();
    master_kubectl(ctx, {"-n", "kube-system", "patch", "deployment", "coredns", "-p", patch.str()});
  }
};

} // namespace

std::unique_ptr<Action> kubeadm_init() { return std::make_unique<KubeadmInit>(); }

} // namespace dind::cluster
