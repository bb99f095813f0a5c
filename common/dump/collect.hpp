#pragma once
#include "cluster/config.hpp"
#include "cluster/provider.hpp"
#include "dump/blob.hpp"

#include <string>

namespace dind::dump {

// Collects the cluster's state into writer (the seed's list and more): per
// node units' status and journal, processes, containers, addresses, routes;
// per pod every container's logs (current and previous); cluster-wide
// objects, descriptions and events. Nodes in parallel; a node that is down is
// reported in the dump, not a failure.
// With redact_secrets every file goes through redact() (dump/redact.hpp).
void collect(cluster::Provider& provider, const cluster::Config& config, DumpWriter& writer, bool redact_secrets);

} // namespace dind::dump
