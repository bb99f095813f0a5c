#pragma once
#include "docker/endpoint.hpp"

#include <string>
#include <vector>

namespace dind::hosts {

// One Docker engine of a multi-host cluster.
struct Host {
  docker::Endpoint endpoint;
  // The address it gives the swarm when it is the one that forms it
  // (`<endpoint>=<address>`: an IP or an interface name). By default the
  // IP of a tcp:// or ssh:// endpoint; else Docker picks (the interface of
  // the default route), which fails on an engine with several candidates.
  std::string advertise;
};

// "<endpoint>[=<address>],...", each endpoint as DOCKER_HOST takes it
// (unix://, tcp:// with the TLS environment, ssh://). Throws UsageError
// naming the entry: empty, unparsable, or listed twice.
std::vector<Host> parse_hosts(const std::string& list, const docker::TlsEnv& tls = {});

// --hosts when given, else DIND_HOSTS; UsageError when neither is set.
std::vector<Host> hosts_from(const std::string& flag);

} // namespace dind::hosts
