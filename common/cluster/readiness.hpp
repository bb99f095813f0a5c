#pragma once
#include "cluster/layout.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dind::cluster {

// What wait_ready asks kubectl on each poll: the nodes, the deployments and
// the pods in one List (one kubectl run is ~0.15 s of CPU; three were ~0.4).
extern const std::vector<std::string> cluster_state_query;

// The API server's typed lists ({"Node", body of GET /api/v1/nodes}, ...) as
// the one List kubectl prints for cluster_state_query: the items of all, each
// with its kind (a typed list's items carry none).
std::string merge_lists(const std::vector<std::pair<std::string, std::string>>& kind_and_list);

// What is not ready yet, one phrase per thing ("kube-node-1 NotReady",
// "kube-node-2 not registered", "coredns 0/2 ready", "POD crash-looping"),
// from kubectl's JSON List of cluster_state_query (pods outside kube-system
// do not count); empty when all is. Only what happened after `since` (RFC 3339
// UTC) counts: a restarted cluster still shows its old Ready conditions and
// pods for a while. first > 0 (join): the List need only hold the nodes; only
// those from there count, and CoreDNS, which runs already, is not asked about.
std::vector<std::string> not_ready(const Layout& plan, size_t first, const std::string& list_json, const std::string& since);

// The pods ("NAMESPACE/NAME") kubelet set aside because it had not yet listed
// the services it builds their environment from: restarted before its API
// server, it can get the pods first, and then retries them only after its
// pod worker's 10-15 s back-off, or at once when the pod changes.
std::vector<std::string> waiting_for_services(const std::string& list_json);

} // namespace dind::cluster
