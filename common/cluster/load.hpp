#pragma once
#include "cluster/provider.hpp"
#include "cluster/layout.hpp"
#include "util/steps.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dind::cluster {

struct LoadOptions {
  std::vector<std::string> images;  // references in the host's Docker
  std::string archive;              // or a docker-save / OCI archive file
  std::vector<std::string> nodes;   // kube-node-1 or its container name; empty: every node
};

// Copies images into the nodes' containerd (k8s.io namespace), like `kind
// load docker-image` / `image-archive`: the offline way to give pods an
// image. A node counts as having an image when it has every requested name
// for the right image ID, as kubelet looks them up; one whose content is
// there under another name only gets the name. The rest is one `docker
// save` stream, fanned out to every node's `ctr images import` at once.
void load_into_nodes(Provider& provider, util::Steps& steps, const Layout& plan, const LoadOptions& options);

// The decisions (unit-tested).

// The running nodes' containers asked for (kube-node-1 or its container
// name; all, sorted, when none is named); a name that is not a node of this
// cluster is bad usage, one that does not run an error.
std::vector<std::string> select_nodes(Provider& provider, const Layout& plan, const std::vector<std::string>& wanted);

// One image to load: its ID (config digest) and the names nodes must have.
struct LoadImage {
  std::string id;
  std::vector<std::string> names;    // normalised, as kubelet asks containerd
  std::vector<std::string> sources;  // names the import itself may create for it
  double size = 0;                   // bytes, for the progress line
};

// `crictl images -o json`: every name the node's CRI knows -> its image ID.
std::map<std::string, std::string> cri_names(const std::string& crictl_json);

struct NodeWork {
  std::vector<size_t> send;  // images whose content the node lacks
  std::vector<std::pair<std::string, std::vector<std::string>>> tags;  // source name -> names it lacks
};
// The requested references as images where the nodes are made: one entry
// per image ID, with every name asked for it. An image that is not there
// cannot be pulled here; an image ID is no name for pods.
std::vector<LoadImage> resolve(Provider& provider, const std::vector<std::string>& refs);

NodeWork plan_node(const std::vector<LoadImage>& images, const std::map<std::string, std::string>& have);

// `ctr images import` output: every image record it made -> manifest digest.
std::map<std::string, std::string> imported_names(const std::string& ctr_output);
// ctr import --digests' own name for a manifest, "import-<date>@sha256:...".
bool is_import_anchor(const std::string& name);

struct AfterImport {
  std::vector<std::pair<std::string, std::vector<std::string>>> tags;  // source name -> names to add
  std::vector<std::string> remove;  // anchors of manifests that have a name now
  std::vector<std::string> unmatched;  // image IDs the import made no record for
};
// configs: manifest digest -> image ID, for the manifests only an anchor names.
AfterImport plan_after_import(const std::vector<LoadImage>& sent, const std::map<std::string, std::string>& imported,
                              const std::map<std::string, std::string>& configs);

} // namespace dind::cluster
