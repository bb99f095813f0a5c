#include "cluster/engines.hpp"

#include "hosts/swarm.hpp"

namespace dind::cluster {

Engines::Engines(const Config& config) : hosts_(config.hosts()) {
  if (hosts_.size() < 2) {
    clients_.push_back(hosts_.empty() ? docker::Client::from_env() : docker::Client(hosts_[0].endpoint));
    provider_ = std::make_unique<DockerProvider>(clients_[0]);
    return;
  }
  clients_ = hosts::clients(hosts_);
  hosts::require_reachable(hosts::probe_all(clients_));
  provider_ = std::make_unique<DockerProvider>(clients_, config.layout());
}

void Engines::form_swarm(util::Steps& steps) {
  if (hosts_.size() > 1) hosts::form_swarm(hosts_, steps);
}

} // namespace dind::cluster
