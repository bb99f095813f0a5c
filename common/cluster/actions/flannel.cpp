#include "cluster/actions/action.hpp"
#include "cluster/flannel.hpp"
#include "cluster/load.hpp"

namespace dind::cluster {

namespace {

// After the joins, when every node is registered: each gets its planned pod
// CIDR before flanneld (whose kube subnet manager only reads it) asks. Again
// on `join` for the new node: the rest is a no-op then.
class Flannel : public Action {
public:
  std::string title(const Context&) const override { return "Starting flannel (VXLAN): image into the nodes, pod CIDRs, DaemonSet"; }

  void execute(Context& ctx) override {
    std::string image = ctx.provider.helper_image(Helper::flannel, ctx.steps);
    load_into_nodes(ctx.provider, ctx.steps, ctx.layout, {{image}, "", {}});
    for (auto& node : ctx.layout.nodes) {
      // a joined kubelet may register a moment after kubeadm returns
      master_kubectl(ctx, {"wait", "--for=create", "node/" + node.container, "--timeout=60s"});
      master_kubectl(ctx, {"patch", "node", node.container, "--type=merge", "-p", pod_cidr_patch(node)});
    }
    master_kubectl(ctx, {"apply", "-f", "-"}, flannel_manifest(ctx.layout, image));
  }
};

} // namespace

std::unique_ptr<Action> flannel() { return std::make_unique<Flannel>(); }

} // namespace dind::cluster
