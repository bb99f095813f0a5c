#pragma once
#include <string>

namespace dind::cluster {

// ~/.kubeadm-dind-cluster: where the seed put kubectl for its users.
std::string kubectl_dir();
// The kubeconfig file dind writes to: the first of $KUBECONFIG, or ~/.kube/config.
std::string host_kubeconfig();

// Merges the cluster (server on 127.0.0.1:port, CA and admin credentials from
// the master's admin.conf) into the host kubeconfig as context `context`,
// with the kubectl at kubectl_dir().
void merge_context(const std::string& context, const std::string& admin_conf, int port);
// Removes the context, its cluster and its user; missing is fine.
void remove_context(const std::string& context);

} // namespace dind::cluster
