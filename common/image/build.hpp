#pragma once
#include "docker/client.hpp"
#include "image/versions.hpp"
#include "util/steps.hpp"

#include <string>
#include <vector>

namespace dind::image {

struct BuildOptions {
  // A Kubernetes output dir (kubeadm, kubelet, ... inside) used instead of
  // building from the Go module: the seed's BUILD_KUBEADM/BUILD_HYPERKUBE.
  std::string k8s_binaries;
  std::string cache_root;  // default: util::cache_dir()
  std::string k8s_version; // a minor version from images/versions.d ("" = images/versions')
};

struct BuildReport {
  std::string image;       // dind-node:v1.34.4-<key>
  std::string alias;       // dind-node:v1.34.4
  std::string kubernetes_version;
  std::vector<std::string> preloaded;  // image references inside
  int64_t size = 0;
  bool cached = false;     // the final image already existed
};

// Builds (or finds by content hash) every piece of the node image and the
// image itself; one step line per piece.
BuildReport build_node_image(docker::Client& docker, util::Steps& steps, const BuildOptions& options);

// What `script [args...] OUTDIR` builds, run once per content of the script
// and its input files and cached as <name>-<key>; its directory.
std::string script_component(util::Steps& steps, const std::string& name, const std::string& script,
                             const std::vector<std::string>& args, const std::vector<std::string>& inputs,
                             const std::string& title, const std::string& cache_root = "");

// An image imported from the rootfs.tar that images/<name>/build.sh makes
// (a script_component) with Dockerfile-style changes: "dind-<name>:<hash>",
// imported once per content; its reference.
std::string script_image(docker::Client& docker, util::Steps& steps, const std::string& name,
                         const std::vector<std::string>& inputs, const std::vector<std::string>& changes,
                         const std::string& title);

// One upstream Go component built by images/go/build.sh (kubernetes, etcd,
// coredns, crictl, e2e, agnhost), cached by its inputs; its directory.
std::string go_component(util::Steps& steps, const std::string& component, const std::string& title,
                         const std::string& cache_root = "", const Release& release = {});

// The Debian base image this tree's node images are built on, which the
// helper images derive from too: "dind-base:<key of its recipe>"; an error
// when build-image has not made it.
std::string built_base_image(docker::Client& docker);

// The node image reference of a Kubernetes minor version ("" = the default).
std::string default_node_image(const std::string& k8s_version = "");

} // namespace dind::image
