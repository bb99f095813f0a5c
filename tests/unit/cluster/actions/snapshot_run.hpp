#pragma once
#include "cluster/fake_provider.hpp"
#include "snapshot/manifest.hpp"
#include "snapshot/store_fixture.hpp"

#include <utility>

namespace dind::test {

// A FakeRun with a store in a directory of its own and the manifest of
// snapshot "snap", as snapshot and restore give save_nodes and restore_nodes.
struct SnapshotRun : FakeRun {
  TempDir dir;
  snapshot::Store store{dir.path};
  snapshot::Manifest manifest;

  explicit SnapshotRun(cluster::Layout layout) : FakeRun(std::move(layout)) {
    manifest.name = "snap";
    ctx.store = &store;
    ctx.snapshot = &manifest;
  }
};

} // namespace dind::test
