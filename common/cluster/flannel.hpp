#pragma once
#include "docker/client.hpp"
#include "cluster/layout.hpp"
#include "util/steps.hpp"

#include <string>

namespace dind::cluster {

// CNI_PLUGIN=flannel: flanneld with its VXLAN backend as a DaemonSet, as
// upstream runs it, from an image built here (no registry to pull from).

// The image: flanneld and the flannel CNI plugin built from Go modules, with
// iptables, sh, cp and sleep (images/flannel/build.sh); built once per
// content, "dind-flannel:<key>".
std::string flannel_image(docker::Client& docker, util::Steps& steps);

// Namespace, RBAC, config and DaemonSet. flanneld's kube subnet manager takes
// each node's spec.podCIDR (which dind sets to the planned one) and routes the
// others' over flannel.1; the init container puts the CNI plugin on the node,
// and the flannel container its config (flannel, delegating to bridge) once
// flanneld has written the subnet file the plugin reads.
std::string flannel_manifest(const Layout& plan, const std::string& image);

// The merge patch that gives a node its planned pod CIDR (accepted once:
// the API server refuses to change a set podCIDR, and the same one is a no-op).
std::string pod_cidr_patch(const NodeLayout& node);

} // namespace dind::cluster
