#include "cluster/snapshot.hpp"

#include "cluster/actions/action.hpp"
#include "cluster/context.hpp"
#include "cluster/lifecycle.hpp"
#include "snapshot/store.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>

namespace dind::cluster {

namespace {

std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string short_id(const std::string& id) { return id.substr(id.find(':') + 1, 12); }

std::string plan_id(const Config& config, const Layout& plan) {
  return snapshot::layout_identity(plan, config.get("CNI_PLUGIN"), config.get("KUBE_PROXY_MODE"),
                                   config.components().key() + proxy_dropin(config.node_options().proxy, plan) + config.kind.key());
}

std::string image_id(Provider& provider, const Config& config) {
  auto image = provider.image(config.image());
  if (!image) throw Error(image_missing(config.image(), config.get("DIND_K8S_VERSION")));
  return image->id;
}

// Names, addresses and certificates are in the saved state: only the same
// plan and the same node image can run it.
void check_restorable(const snapshot::Manifest& m, const std::string& image, const std::string& plan, const Config& config) {
  if (m.image_id != image) {
    throw Error("snapshot " + m.name + " was made from node image " + m.image + " (" + short_id(m.image_id) + "), not " +
                config.image() + " (" + short_id(image) + ")");
  }
  if (m.plan != plan) {
    throw Error("snapshot " + m.name + " was made for another cluster plan (cluster " + m.cluster +
                "): use the NUM_NODES, CLUSTER_ID/DIND_LABEL, IP_MODE, CIDRs, CNI_PLUGIN and KUBE_PROXY_MODE it was made with");
  }
}

// Bytes the snapshot takes in the store, each blob counted once.
uint64_t stored_once(const snapshot::Manifest& m) {
  std::set<std::string> seen;
  uint64_t n = 0;
  for (auto& node : m.nodes) {
    for (auto& l : node.layers) {
      if (seen.insert(l.blob).second) n += l.stored;
    }
  }
  return n;
}

std::unique_ptr<util::FileLock> lock_store(const snapshot::Store& store, util::Steps& steps) {
  return store.lock([&](const std::string& holder) { steps.note("Waiting for " + holder + " (snapshot store is busy)"); });
}

void restore_manifest(Provider& provider, util::Steps& steps, const Config& config, const Layout& plan,
                      const snapshot::Store& store, snapshot::Manifest& m, bool retain) {
  auto spec = cluster_spec(config);
  Context ctx{provider, steps, spec, plan, {}, {}, 0, std::chrono::system_clock::now()};
  ctx.store = &store;
  ctx.snapshot = &m;
  std::vector<std::unique_ptr<Action>> actions;
  actions.push_back(restore_nodes());
  if (plan.mode == net::IpMode::ipv6) actions.push_back(dns64_nat64());
  actions.push_back(pod_network());
  actions.push_back(wait_ready());
  actions.push_back(bootstrap_token());
  actions.push_back(export_kubeconfig());
  make_cluster(ctx, actions, retain);
}

} // namespace

namespace {

// Not built: a snapshot's node states would go back to the engines they came from.
void refuse_across_hosts(const Config& config) {
  if (config.hosts().size() > 1) {
    throw UsageError("snapshots of a cluster across several engines (DIND_HOSTS) are not supported; `up` there makes the cluster anew");
  }
}

} // namespace

void snapshot(Provider& provider, util::Steps& steps, const Config& config, const SnapshotOptions& options) {
  auto plan = config.layout();
  std::string name = options.name.empty() ? plan.name : options.name;
  if (!snapshot::valid_name(name)) throw UsageError("snapshot name '" + name + "': use a-z, 0-9, '.', '_', '-' (at most 63)");
  // a snapshot holds one control plane's state; restoring an etcd cluster's
  // members together is not built
  if (plan.lb) throw UsageError("snapshots of clusters with several control planes are not supported (NUM_CONTROL_PLANES=1)");
  refuse_across_hosts(config);
  auto containers = cluster_nodes(provider, plan);
  if (containers.empty()) {
    throw Error("cluster " + plan.name + (provider.has_state(plan) ? " is down" : " does not exist") +
                ": `kubectl dind up` first, then snapshot it");
  }
  if (!provider.is_complete(plan)) throw Error("cluster " + plan.name + " was never finished by `up`: nothing to snapshot");
  if (containers.size() != plan.nodes.size()) {
    throw Error("cluster " + plan.name + " has " + std::to_string(containers.size()) + " nodes, the plan " +
                std::to_string(plan.nodes.size()) + ": NUM_NODES differs from when it was created");
  }
  auto master = provider.node_image(plan.nodes[0].container);
  snapshot::Manifest m;
  m.name = name;
  m.cluster = plan.name;
  m.image = config.image();
  m.image_id = master.id;  // what the nodes run, whatever DIND_IMAGE says now
  m.plan = plan_id(config, plan);
  m.kubernetes_version = master.kubernetes_version;
  m.created = now_rfc3339();

  bool running = false;
  for (auto& c : containers) running = running || c.state == "running";
  if (running) {
    steps.run("Stopping " + std::to_string(containers.size()) + " nodes of " + plan.name + " for a consistent snapshot", [&] {
      std::vector<std::string> names;
      for (auto& c : containers) names.push_back(c.name);
      provider.stop_nodes(names);
    });
  }
  snapshot::Store store(snapshot::Store::default_dir());
  try {
    auto lock = lock_store(store, steps);
    try {
      auto spec = cluster_spec(config);
      Context ctx{provider, steps, spec, plan, {}, {}, 0, std::chrono::system_clock::now()};
      ctx.store = &store;
      ctx.snapshot = &m;
      std::vector<std::unique_ptr<Action>> actions;
      actions.push_back(save_nodes());
      run_actions(ctx, actions);
      store.save(m);
      store.gc();  // what an older snapshot of this name had alone
    } catch (...) {
      util::interrupt::Cleanup cleaning;
      store.gc();  // blobs of this half-made snapshot
      throw;
    }
    if (!options.output.empty()) {
      steps.run("Writing snapshot " + name + " to " + options.output, [&] { store.export_to(m, options.output); });
    }
  } catch (const util::interrupt::Interrupted&) {
    if (running) log::error("cluster {} is left stopped: `kubectl dind up` starts it again", plan.name);
    throw;
  } catch (...) {
    if (running) {
      try {
        restart(provider, steps, config, plan);
      } catch (const std::exception& e) {
        log::error("starting cluster {} again: {}", plan.name, e.what());
      }
    }
    throw;
  }
  if (running) restart(provider, steps, config, plan);
  steps.note("Snapshot " + name + " of cluster " + plan.name + ": " + std::to_string(m.nodes.size()) + " nodes, " +
             snapshot::human_size(m.size()) + " of state in " + snapshot::human_size(stored_once(m)) + " (" + store.dir() +
             "); `kubectl dind up` without a cluster restores it");
}

void restore(Provider& provider, util::Steps& steps, const Config& config, const RestoreOptions& options) {
  refuse_across_hosts(config);
  auto plan = config.layout();
  if (provider.has_state(plan)) {
    throw Error("cluster " + plan.name + " exists: `kubectl dind clean` it first, then restore");
  }
  std::string image = image_id(provider, config);
  std::string want = plan_id(config, plan);
  snapshot::Store store(snapshot::Store::default_dir());
  auto lock = lock_store(store, steps);
  snapshot::Manifest m;
  if (!options.input.empty()) {
    // no step line: a bad file is one line, and a good one reads in a moment
    m = store.import_from(options.input, [&](const snapshot::Manifest& in) { check_restorable(in, image, want, config); });
  } else {
    m = store.get(options.name.empty() ? plan.name : options.name);
    check_restorable(m, image, want, config);
    store.check_blobs(m);
  }
  restore_manifest(provider, steps, config, plan, store, m, options.retain);
  steps.note("Cluster " + plan.name + " is up (restored from snapshot " + m.name + "): kubectl --context " + plan.context +
             " get nodes");
}

std::optional<std::string> auto_restore(Provider& provider, util::Steps& steps, const Config& config,
                                        const Layout& plan, bool retain) {
  if (!config.get("SKIP_SNAPSHOT").empty() || config.hosts().size() > 1) return std::nullopt;
  snapshot::Store store(snapshot::Store::default_dir());
  if (!std::filesystem::exists(store.dir())) return std::nullopt;
  auto image = provider.image(config.image());
  if (!image) return std::nullopt;  // create_nodes says what to do
  auto lock = lock_store(store, steps);
  auto m = store.match(image->id, plan_id(config, plan));
  if (!m) return std::nullopt;
  try {
    store.check_blobs(*m);
    restore_manifest(provider, steps, config, plan, store, *m, retain);
    return m->name;
  } catch (const util::interrupt::Interrupted&) {
    throw;
  } catch (const Error& e) {
    if (retain) throw;
    steps.note("Snapshot " + m->name + " could not be restored (" + e.what() + "): creating the cluster instead");
    return std::nullopt;
  }
}

std::string list_snapshots(bool as_json) {
  snapshot::Store store(snapshot::Store::default_dir());
  auto all = store.list();
  if (as_json) {
    json::Writer w(true);
    w.begin_array();
    for (auto& m : all) {
      w.begin_object().kv("name", m.name).kv("cluster", m.cluster).kv("image", m.image).kv("imageId", m.image_id)
          .kv("kubernetesVersion", m.kubernetes_version).kv("created", m.created).kv("nodes", static_cast<int>(m.nodes.size()))
          .kv("size", static_cast<int64_t>(m.size())).kv("stored", static_cast<int64_t>(stored_once(m))).end_object();
    }
    w.end_array();
    return w.str() + "\n";
  }
  std::ostringstream o;
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %-16s %-5s %-28s %-20s %s\n", "NAME", "CLUSTER", "NODES", "IMAGE", "CREATED", "STORED");
  o << line;
  for (auto& m : all) {
    std::snprintf(line, sizeof line, "%-24s %-16s %-5zu %-28s %-20s %s\n", m.name.c_str(), m.cluster.c_str(), m.nodes.size(),
                  m.image.c_str(), m.created.c_str(), snapshot::human_size(stored_once(m)).c_str());
    o << line;
  }
  return o.str();
}

void remove_snapshots(util::Steps& steps, const std::vector<std::string>& names, bool all) {
  if (all == !names.empty()) throw UsageError("snapshot rm: give snapshot names or --all, not both or neither");
  snapshot::Store store(snapshot::Store::default_dir());
  auto lock = lock_store(store, steps);
  std::vector<std::string> targets = names;
  if (all) {
    for (auto& m : store.list()) targets.push_back(m.name);
  }
  for (auto& n : targets) store.get(n);  // every name known before anything goes
  steps.run("Removing " + std::to_string(targets.size()) + " snapshots", [&] {
    for (auto& n : targets) std::filesystem::remove(store.manifest_path(n));
    uint64_t freed = store.gc();
    steps.status(snapshot::human_size(freed) + " freed");
  });
}

} // namespace dind::cluster
