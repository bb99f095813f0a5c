#pragma once
#include <cstdint>
#include <string>

namespace dind::docker {

// Where the engine listens, from DOCKER_HOST (default: the local UNIX socket).
struct Endpoint {
  enum class Kind { unix_socket, tcp };
  Kind kind = Kind::unix_socket;
  std::string path;  // unix_socket
  std::string host;  // tcp
  uint16_t port = 0;
  std::string text;  // as the user wrote it, for messages
};

// Accepts unix:///path, /path and tcp://host:port. Throws UsageError otherwise
// (tcp with TLS and ssh:// are refused by name until they are supported).
Endpoint parse_endpoint(const std::string& docker_host);
Endpoint endpoint_from_env();

} // namespace dind::docker
