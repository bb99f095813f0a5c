#pragma once
#include "cluster/config.hpp"
#include "cluster/provider.hpp"
#include "cluster/layout.hpp"
#include "util/steps.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dind::cluster {

struct SnapshotOptions {
  std::string name;    // default: the cluster's name
  std::string output;  // also write it to this one file
};

// Saves the cluster's nodes into the snapshot store (~/.cache/dind/snapshots).
// A running cluster is stopped cleanly for a consistent state and started
// again afterwards (the seed snapshotted live clusters; users expect theirs
// to keep running); an interrupted snapshot leaves it stopped, as `down`.
void snapshot(Provider& provider, util::Steps& steps, const Config& config, const SnapshotOptions& options);

struct RestoreOptions {
  std::string name;   // default: the cluster's name
  std::string input;  // a file written by `snapshot --output`
  bool retain = false;
};

// Brings a snapshot back as this configuration's cluster, which must not
// exist. The snapshot must come from the same node image (by id) and plan.
void restore(Provider& provider, util::Steps& steps, const Config& config, const RestoreOptions& options);

// up without a cluster: restores the newest snapshot of the same image and
// plan unless SKIP_SNAPSHOT is set. Returns its name; nullopt when there is
// none, or when it failed (said in a note; up then creates the cluster).
std::optional<std::string> auto_restore(Provider& provider, util::Steps& steps, const Config& config,
                                        const Layout& plan, bool retain);

// snapshot ls: a table, or JSON.
std::string list_snapshots(bool as_json);
// snapshot rm: these names, or all with all true.
void remove_snapshots(util::Steps& steps, const std::vector<std::string>& names, bool all);

} // namespace dind::cluster
