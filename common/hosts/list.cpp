#include "hosts/list.hpp"

#include "util/env.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <Poco/Net/IPAddress.h>

namespace dind::hosts {

namespace {

bool is_ip(const std::string& text) {
  Poco::Net::IPAddress address;
  return Poco::Net::IPAddress::tryParse(text, address);
}

} // namespace

std::vector<Host> parse_hosts(const std::string& list, const docker::TlsEnv& tls) {
  std::vector<Host> hosts;
  for (auto& raw : util::split(list, ',', false)) {
    std::string entry = util::trim(raw);
    if (entry.empty()) throw UsageError("DIND_HOSTS: '" + list + "' has an empty entry");
    Host h;
    std::string endpoint = entry;
    if (auto eq = entry.find('='); eq != std::string::npos) {
      endpoint = entry.substr(0, eq);
      h.advertise = entry.substr(eq + 1);
      if (h.advertise.empty() || h.advertise.find_first_of(" /") != std::string::npos) {
        throw UsageError("DIND_HOSTS: '" + entry + "': the address after '=' must be an IP or an interface name");
      }
    }
    try {
      h.endpoint = docker::parse_endpoint(endpoint, tls);
    } catch (const UsageError& e) {
      throw UsageError("DIND_HOSTS: " + std::string(e.what()));
    }
    if (h.advertise.empty() && h.endpoint.kind != docker::Endpoint::Kind::unix_socket && is_ip(h.endpoint.host)) {
      h.advertise = h.endpoint.host;
    }
    for (auto& other : hosts) {
      if (other.endpoint.text == h.endpoint.text) throw UsageError("DIND_HOSTS: " + h.endpoint.text + " is listed twice");
    }
    hosts.push_back(std::move(h));
  }
  if (hosts.empty()) throw UsageError("DIND_HOSTS: no Docker engine listed");
  return hosts;
}

std::vector<Host> hosts_from(const std::string& flag) {
  std::string list = flag.empty() ? util::env("DIND_HOSTS").value_or("") : flag;
  if (list.empty()) throw UsageError("no Docker engines: give --hosts or DIND_HOSTS (<endpoint>[=<address>],...)");
  return parse_hosts(list, docker::tls_env_from_env());
}

} // namespace dind::hosts
