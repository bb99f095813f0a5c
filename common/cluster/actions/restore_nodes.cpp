#include "cluster/actions/action.hpp"
#include "snapshot/store.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <atomic>
#include <istream>
#include <limits>
#include <map>

namespace dind::cluster {

namespace {

// Where archive put unpacks a layer: the engine names a saved tree's entries
// from the path's last component (/etc/kubernetes -> kubernetes/...).
std::string put_dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// etcd's next WAL segment, made ahead (<n>.tmp, 64 MB of zeros): etcd makes
// it again when it is missing, so a restore need not write it.
bool worth_writing(const util::tar::Entry& e) {
  return !(util::starts_with(e.name, "var/lib/etcd/member/wal/") && util::ends_with(e.name, ".tmp"));
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
      // the layers that unpack in the same directory (the root's changes and
      // /var in /) go in one archive put: the engine mounts the container's
      // file system and unpacks for each put
      std::map<std::string, std::vector<const snapshot::Layer*>> by_dir;
      for (auto& layer : snap.nodes[i].layers) by_dir[put_dir(layer.path)].push_back(&layer);
      for (auto& group : by_dir) {
        const auto& layers = group.second;  // a named reference: lambdas cannot capture bindings before C++20
        ctx.provider.archive_into(ctx.layout.nodes[i].container, group.first, [&](const Sink& put) {
          for (auto* layer : layers) {
            snapshot::Store::BlobStream blob(*ctx.store, *layer);
            std::istream in(&blob);
            try {
              util::tar::copy_entries(in, [&](std::string_view d) {
                put(d);
                ctx.steps.progress_bytes("restored", done += d.size());
              }, worth_writing);
            } catch (const Error& e) {
              // a blob that is not the tar it was: its hash, checked at its
              // end, says so better than the tar reader
              in.clear();
              in.ignore(std::numeric_limits<std::streamsize>::max());
              blob.check();
              throw Error("snapshot " + snap.name + ", " + layer->path + " of " + ctx.layout.nodes[i].container + ": " + e.what());
            }
            blob.check();
          }
          put(util::tar::end_of_archive());
        });
      }
    });
  }
};

} // namespace

std::unique_ptr<Action> restore_nodes() { return std::make_unique<RestoreNodes>(); }

} // namespace dind::cluster
