#pragma once
#include "cluster/layout.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dind::snapshot {

// One archive of a node's state: what archive put writes at "/" of a fresh
// container of the same image (root filesystem changes, or a volume's tree).
struct Layer {
  std::string path;   // what it holds: "/" (root filesystem changes), "/var", "/etc/kubernetes"
  std::string blob;   // sha256 of the stored (zstd) bytes: the blob's name in the store
  uint64_t size = 0;  // the tar's length, for archive put's Content-Length
  uint64_t stored = 0;
};

struct NodeState {
  std::string container;  // kube-master-cluster-70, ...
  std::string role;       // master | worker
  std::vector<Layer> layers;
};

// A snapshot: the nodes of a stopped cluster, and what they may be restored
// into (the same node image, the same plan: names, addresses and certificates
// are baked into the state).
struct Manifest {
  static constexpr int format = 1;
  std::string name;
  std::string cluster;             // the plan's name
  std::string image;               // DIND_IMAGE as given
  std::string image_id;            // its sha256 image id: what must match
  std::string plan;                // layout_identity()
  std::string kubernetes_version;
  std::string created;             // RFC 3339 UTC
  std::vector<NodeState> nodes;    // master first

  uint64_t size() const;    // tar bytes of every layer
  uint64_t stored() const;  // bytes in the store, before deduplication
  std::vector<std::string> blobs() const;  // distinct, in order of first use
  std::string to_json() const;
  // Throws dind::Error "<what>: ..." for anything malformed or of another format.
  static Manifest parse(std::string_view text, const std::string& what);
};

// What a restore must match besides the image: the plan (names, addresses,
// ranges) and the settings baked into the nodes' state (`settings`: the
// component flags and proxy drop-in, as text).
std::string layout_identity(const cluster::Layout& plan, const std::string& cni_plugin, const std::string& kube_proxy_mode,
                            const std::string& settings);

// Snapshot names: [a-z0-9][a-z0-9._-]*, at most 63 characters (they name files).
bool valid_name(const std::string& name);

// "1.2 GB", "340 MB": sizes in step lines.
std::string human_size(uint64_t bytes);

} // namespace dind::snapshot
