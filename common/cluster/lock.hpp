#pragma once
#include "cluster/config.hpp"
#include "cluster/provider.hpp"
#include "util/lock.hpp"
#include "util/steps.hpp"

#include <memory>
#include <string>

namespace dind::cluster {

// Held by every command that changes a cluster (up, reup, down, clean, load):
// a second one waits, saying for whom, or with wait false fails at once.
// Per provider endpoint and cluster name, so clusters side by side never wait.
std::unique_ptr<util::FileLock> lock_cluster(const Provider& provider, const Config& config, const std::string& what,
                                             bool wait, util::Steps& steps);

} // namespace dind::cluster
