#include "cluster/actions/action.hpp"
#include "snapshot/store.hpp"
#include "util/error.hpp"

#include <atomic>
#include <istream>

namespace dind::cluster {

namespace {

// Where archive put unpacks a layer: the engine names a saved tree's entries
// from the path's last component (/etc/kubernetes -> kubernetes/...).
std::string put_dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// create_nodes for a snapshot: the same nodes, filled with the saved state
// between their making and their start, then booted. kubeadm's state comes
// back with them; the restart path (pod network, wait, kubeconfig) does the rest.
class RestoreNodes : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Restoring " + std::to_string(ctx.layout.nodes.size()) + " nodes from snapshot " + ctx.snapshot->name + " (" +
           ctx.snapshot->created + ")";
  }

  void execute(Context& ctx) override {
    const auto& snap = *ctx.snapshot;
    if (snap.nodes.size() != ctx.layout.nodes.size()) throw Error("snapshot " + snap.name + " has another number of nodes");
    for (size_t i = 0; i < snap.nodes.size(); ++i) {
      if (snap.nodes[i].container != ctx.layout.nodes[i].container) {
        throw Error("snapshot " + snap.name + " has node " + snap.nodes[i].container + " where the plan has " + ctx.layout.nodes[i].container);
      }
    }
    ctx.kubernetes_version = snap.kubernetes_version;
    std::atomic<uint64_t> done{0};
    ctx.provider.provision(ctx, [&](size_t i) {
      for (auto& layer : snap.nodes[i].layers) {
        snapshot::Store::BlobStream blob(*ctx.store, layer);
        std::istream in(&blob);
        ctx.provider.archive_into(ctx.layout.nodes[i].container, put_dir(layer.path), in, static_cast<int64_t>(layer.size));
        blob.check();
        ctx.steps.progress_bytes("restored", done += layer.size);
      }
    });
  }
};

} // namespace

std::unique_ptr<Action> restore_nodes() { return std::make_unique<RestoreNodes>(); }

} // namespace dind::cluster
