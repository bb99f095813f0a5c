#include "cluster/actions/action.hpp"
#include "snapshot/changes.hpp"
#include "snapshot/store.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <atomic>
#include <cstring>
#include <sstream>

namespace dind::cluster {

namespace {

// Where the user mounted the host's files or their own volumes into the node
// (extraMounts, MASTER_EXTRA_OPTS' -v): never saved, and refused inside the
// two volumes, whose archives would carry (and a restore write back) them.
std::vector<std::string> user_mounts(Context& ctx, const std::string& container) {
  auto mounts = ctx.provider.mounts(container);
  for (auto& dest : mounts) {
    for (const char* volume : {"/var/", "/etc/kubernetes/"}) {
      if (util::starts_with(dest, volume)) {
        throw Error("cannot snapshot " + container + ": it mounts " + dest + " inside " + std::string(volume, std::strlen(volume) - 1) +
                    ", which a snapshot saves whole (the host's files would be saved and written back)");
      }
    }
  }
  return mounts;
}

// What a node is, saved from its stopped container: the two volumes whole
// (/var holds containerd's images and state, kubelet's and etcd's data;
// /etc/kubernetes kubeadm's certificates and kubeconfigs) and the few files
// its own layer changed (docker diff: /etc/dind, the CNI config, ...). Each
// is one zstd tar in the store, named by its hash: what several snapshots or
// nodes share (the same tree saved twice) is kept once. Whatever the node
// image holds (binaries, preload archives) is not saved at all: a restore
// starts from the same image, checked by its id.
class SaveNodes : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Saving " + std::to_string(ctx.layout.nodes.size()) + " nodes to snapshot " + ctx.snapshot->name;
  }

  void execute(Context& ctx) override {
    std::atomic<uint64_t> done{0};
    auto& nodes = ctx.snapshot->nodes;
    nodes.assign(ctx.layout.nodes.size(), {});
    util::parallel(ctx.layout.nodes.size(), [&](size_t i) {
      const auto& node = ctx.layout.nodes[i];
      auto& state = nodes[i];
      state.container = node.container;
      state.role = i == 0 ? "master" : "worker";
      auto mounts = user_mounts(ctx, node.container);
      // the root filesystem's changes, gathered into one tar named from "/"
      std::ostringstream tar;
      util::tar::Writer w(tar);
      for (auto& path : snapshot::changed_roots(ctx.provider.changes(node.container), mounts)) {
        std::string archive;
        ctx.provider.archive_from(node.container, path, [&](std::string_view data) { archive.append(data); });
        snapshot::add_rerooted(w, path, archive);
      }
      w.finish();
      snapshot::Store::BlobWriter root(*ctx.store);
      root.write(tar.str());
      state.layers.push_back(root.finish("/"));
      for (const char* path : {"/var", "/etc/kubernetes"}) {
        snapshot::Store::BlobWriter blob(*ctx.store);
        ctx.provider.archive_from(node.container, path, [&](std::string_view data) {
          blob.write(data);
          ctx.steps.progress_bytes("saved", done += data.size());
        });
        state.layers.push_back(blob.finish(path));
      }
    });
  }
};

} // namespace

std::unique_ptr<Action> save_nodes() { return std::make_unique<SaveNodes>(); }

} // namespace dind::cluster
