#include "docker/endpoint.hpp"

#include "util/env.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace dind::docker {

Endpoint parse_endpoint(const std::string& docker_host) {
  Endpoint e;
  e.text = docker_host;
  if (util::starts_with(docker_host, "unix://") || util::starts_with(docker_host, "/")) {
    e.kind = Endpoint::Kind::unix_socket;
    e.path = util::starts_with(docker_host, "unix://") ? docker_host.substr(7) : docker_host;
    if (e.path.empty()) throw UsageError("DOCKER_HOST: '" + docker_host + "' names no socket path");
    return e;
  }
  if (util::starts_with(docker_host, "tcp://")) {
    if (util::env("DOCKER_TLS_VERIFY")) {
      throw UsageError("DOCKER_HOST: TLS (DOCKER_TLS_VERIFY) is not supported by this build; use a plain tcp:// or unix:// endpoint");
    }
    std::string rest = docker_host.substr(6);
    if (auto slash = rest.find('/'); slash != std::string::npos) rest = rest.substr(0, slash);
    auto colon = rest.rfind(':');
    e.kind = Endpoint::Kind::tcp;
    e.host = colon == std::string::npos ? rest : rest.substr(0, colon);
    if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']') e.host = e.host.substr(1, e.host.size() - 2);
    e.port = colon == std::string::npos ? 2375
                                        : static_cast<uint16_t>(util::parse_int(rest.substr(colon + 1), 1, 65535, "DOCKER_HOST port"));
    if (e.host.empty()) throw UsageError("DOCKER_HOST: '" + docker_host + "' names no host");
    return e;
  }
  throw UsageError("DOCKER_HOST: '" + docker_host + "' is not unix:///path or tcp://host:port");
}

Endpoint endpoint_from_env() {
  return parse_endpoint(util::env("DOCKER_HOST").value_or("unix:///var/run/docker.sock"));
}

} // namespace dind::docker
