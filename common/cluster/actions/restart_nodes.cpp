#include "cluster/actions/action.hpp"
#include "cluster/node.hpp"
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"

#include "util/error.hpp"

namespace dind::cluster {

namespace {

// reup: the kubeadm state lives on the nodes' volumes, so bringing the
// containers back (restarted, or recreated after `down`) is enough.
class RestartNodes : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Restarting " + std::to_string(ctx.plan.nodes.size()) + " nodes";
  }

  void execute(Context& ctx) override {
    // limited nodes bind-mount lxcfs's files: it must run before they start
    auto lxcfs = use_lxcfs(ctx);
    parallel(ctx.plan.nodes.size(), [&](size_t i) {
      const auto& node = ctx.plan.nodes[i];
      auto info = docker::inspect_container(ctx.docker, node.container);
      if (info) {
        // no graceful shutdown: etcd and kubelet are crash-safe, and waiting
        // for systemd to stop every unit was a third of reup's time
        if (json::flag(*info, {"State", "Running"})) docker::stop_container(ctx.docker, node.container, 0);
      } else {
        create_node_container(ctx, i);
      }
    });
    auto image = docker::inspect_image(ctx.docker, ctx.config.image());
    if (image) ctx.kubernetes_version = json::str(*image, {"Config", "Labels", "io.dind.kubernetes-version"});
    ctx.since = std::chrono::system_clock::now();
    start_nodes(ctx);
    // a cluster that failed before kubeadm init finished cannot be restarted
    if (docker::exec(ctx.docker, ctx.plan.nodes[0].container, {"test", "-f", "/etc/kubernetes/admin.conf"}).exit_code != 0) {
      throw Error("cluster " + ctx.plan.name + " never finished kubeadm init: remove it with `kubectl dind clean`");
    }
  }
};

} // namespace

std::unique_ptr<Action> restart_nodes() { return std::make_unique<RestartNodes>(); }

} // namespace dind::cluster
