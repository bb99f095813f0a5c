#pragma once
#include <cstdint>
#include <string>

namespace dind::docker {

// TLS for tcp://, as the docker CLI reads it from DOCKER_TLS_VERIFY,
// DOCKER_TLS and DOCKER_CERT_PATH.
struct Tls {
  bool enabled = false;
  bool verify = false;  // the daemon's certificate must chain to ca
  std::string ca, cert, key;  // cert/key empty: no client certificate
};

// The TLS part of the environment, passed in so parsing stays testable.
struct TlsEnv {
  std::string tls_verify;  // DOCKER_TLS_VERIFY: any non-empty value turns TLS and verification on
  std::string tls;         // DOCKER_TLS: TLS without verification
  std::string cert_path;   // DOCKER_CERT_PATH, default ~/.docker
};

// Where the engine listens, from DOCKER_HOST (default: the local UNIX socket).
struct Endpoint {
  enum class Kind { unix_socket, tcp, ssh };
  Kind kind = Kind::unix_socket;
  std::string path;  // unix_socket
  std::string host;  // tcp, ssh
  uint16_t port = 0; // tcp; ssh: 0 leaves it to ssh's configuration
  std::string user;  // ssh, may be empty
  Tls tls;           // tcp
  std::string text;  // as the user wrote it, for messages
};

// Accepts unix:///path, /path, tcp://host[:port] and ssh://[user@]host[:port].
// Throws UsageError with one line naming what is wrong.
Endpoint parse_endpoint(const std::string& docker_host, const TlsEnv& tls_env = {});
Endpoint endpoint_from_env();
TlsEnv tls_env_from_env();

} // namespace dind::docker
