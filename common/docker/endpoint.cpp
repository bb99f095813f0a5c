#include "docker/endpoint.hpp"

#include "util/env.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <filesystem>

namespace dind::docker {

namespace {

// "host:port" or "[v6]:port" or "host"; port stays as given when absent.
void split_host_port(const std::string& docker_host, std::string rest, std::string& host, uint16_t& port) {
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) != std::string::npos) colon = std::string::npos;
  host = colon == std::string::npos ? rest : rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (colon != std::string::npos) port = static_cast<uint16_t>(util::parse_int(rest.substr(colon + 1), 1, 65535, "DOCKER_HOST port"));
  if (host.empty()) throw UsageError("DOCKER_HOST: '" + docker_host + "' names no host");
}

Tls tls_from(const TlsEnv& env) {
  Tls t;
  t.verify = !env.tls_verify.empty();
  t.enabled = t.verify || !env.tls.empty();
  if (!t.enabled) return t;
  std::string dir = env.cert_path.empty() ? util::home_dir() + "/.docker" : env.cert_path;
  auto need = [&](const char* name) {
    std::string p = dir + "/" + name;
    if (!std::filesystem::exists(p)) {
      throw UsageError(std::string("DOCKER_CERT_PATH: ") + name + " is missing in " + dir + " (TLS was asked for by " +
                       (t.verify ? "DOCKER_TLS_VERIFY" : "DOCKER_TLS") + ")");
    }
    return p;
  };
  if (t.verify) t.ca = need("ca.pem");
  // a client certificate is optional, but half of one is a mistake
  bool has_cert = std::filesystem::exists(dir + "/cert.pem"), has_key = std::filesystem::exists(dir + "/key.pem");
  if (has_cert || has_key) {
    t.cert = need("cert.pem");
    t.key = need("key.pem");
  }
  return t;
}

} // namespace

Endpoint parse_endpoint(const std::string& docker_host, const TlsEnv& tls_env) {
  Endpoint e;
  e.text = docker_host;
  if (util::starts_with(docker_host, "unix://") || util::starts_with(docker_host, "/")) {
    e.kind = Endpoint::Kind::unix_socket;
    e.path = util::starts_with(docker_host, "unix://") ? docker_host.substr(7) : docker_host;
    if (e.path.empty()) throw UsageError("DOCKER_HOST: '" + docker_host + "' names no socket path");
    return e;
  }
  if (util::starts_with(docker_host, "tcp://")) {
    std::string rest = docker_host.substr(6);
    if (auto slash = rest.find('/'); slash != std::string::npos) rest = rest.substr(0, slash);
    e.kind = Endpoint::Kind::tcp;
    e.tls = tls_from(tls_env);
    e.port = e.tls.enabled ? 2376 : 2375;
    split_host_port(docker_host, rest, e.host, e.port);
    return e;
  }
  if (util::starts_with(docker_host, "ssh://")) {
    std::string rest = docker_host.substr(6);
    if (rest.find('/') != std::string::npos) {
      throw UsageError("DOCKER_HOST: '" + docker_host + "': ssh:// takes [user@]host[:port], no path");
    }
    if (auto at = rest.rfind('@'); at != std::string::npos) {
      e.user = rest.substr(0, at);
      rest = rest.substr(at + 1);
    }
    e.kind = Endpoint::Kind::ssh;
    split_host_port(docker_host, rest, e.host, e.port);
    return e;
  }
  throw UsageError("DOCKER_HOST: '" + docker_host + "' is not unix:///path, tcp://host:port or ssh://[user@]host[:port]");
}

TlsEnv tls_env_from_env() {
  return {util::env("DOCKER_TLS_VERIFY").value_or(""), util::env("DOCKER_TLS").value_or(""),
          util::env("DOCKER_CERT_PATH").value_or("")};
}

Endpoint endpoint_from_env() {
  return parse_endpoint(util::env("DOCKER_HOST").value_or("unix:///var/run/docker.sock"), tls_env_from_env());
}

} // namespace dind::docker
