#pragma once
#include "cluster/config.hpp"
#include "cluster/docker_provider.hpp"
#include "docker/client.hpp"
#include "hosts/list.hpp"
#include "util/steps.hpp"

#include <memory>
#include <vector>

namespace dind::cluster {

// The Docker engines a cluster's containers are on, and the provider over
// them: DIND_HOSTS' when the config lists engines (every one must answer:
// one that does not is refused in one line before anything is done), else
// DOCKER_HOST's.
class Engines {
public:
  explicit Engines(const Config& config);
  Engines(const Engines&) = delete;
  Engines& operator=(const Engines&) = delete;

  // Where the master, the helpers and the images built for the cluster are.
  docker::Client& first() { return clients_.front(); }
  Provider& provider() { return *provider_; }
  // Several engines: in one swarm, formed as `hosts init` does when they
  // are in none (up, init, join and restore need its overlay network).
  void form_swarm(util::Steps& steps);

private:
  std::vector<hosts::Host> hosts_;
  std::vector<docker::Client> clients_;
  std::unique_ptr<DockerProvider> provider_;
};

} // namespace dind::cluster
