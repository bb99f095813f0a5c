#include "registry/hosts.hpp"

#include "docker/containers.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace dind::registry {

namespace {

std::string get(const std::map<std::string, std::string>& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? "" : it->second;
}

// host[:port]: a DNS name, an IPv4 address or a bracketed IPv6 one. The
// text lands in TOML strings and a directory name: nothing else gets in.
bool valid_host_port(const std::string& s) {
  std::string host = s, port;
  if (!s.empty() && s[0] == '[') {
    auto close = s.find(']');
    if (close == std::string::npos || close == 1) return false;
    if (!std::all_of(s.begin() + 1, s.begin() + static_cast<long>(close),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; })) {
      return false;
    }
    if (close + 1 == s.size()) return true;
    if (s[close + 1] != ':') return false;
    port = s.substr(close + 2);
  } else {
    if (auto colon = s.find(':'); colon != std::string::npos) host = s.substr(0, colon), port = s.substr(colon + 1);
    if (host.empty() || host.front() == '.' || host.front() == '-' || host.back() == '.' || host.back() == '-') return false;
    if (!std::all_of(host.begin(), host.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'; })) {
      return false;
    }
    if (s.find(':') != std::string::npos && port.empty()) return false;
  }
  if (port.empty()) return true;
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return false;
  }
  int p = std::stoi(port);
  return p >= 1 && p <= 65535;
}

std::string check_url(const std::string& url, const std::string& var) {
  std::string rest;
  for (auto scheme : {"http://", "https://"}) {
    if (util::starts_with(url, scheme)) rest = url.substr(std::string(scheme).size());
  }
  auto slash = rest.find('/');
  std::string host = rest.substr(0, slash), path = slash == std::string::npos ? "" : rest.substr(slash);
  bool path_ok = std::all_of(path.begin(), path.end(), [](char c) {
    return std::isgraph(static_cast<unsigned char>(c)) && c != '"' && c != '\\' && c != '?' && c != '#';
  });
  if (rest.empty() || !valid_host_port(host) || !path_ok) {
    throw UsageError(var + ": '" + url + "' is not http(s)://host[:port][/path]");
  }
  return url;
}

std::string read_ca(const std::string& path) {
  const std::string var = "DIND_CA_CERT";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw UsageError(var + ": " + path + " is not a file");
  std::string pem;
  try {
    pem = util::read_file(path);
  } catch (const Error& e) {
    throw UsageError(var + ": " + e.what());
  }
  auto begin = pem.find("-----BEGIN CERTIFICATE-----");
  if (begin == std::string::npos || pem.find("-----END CERTIFICATE-----", begin) == std::string::npos) {
    throw UsageError(var + ": " + path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  return pem;
}

// Tried in order: the hosts, then the server.
std::string host_section(const std::string& url, const std::string& capabilities, bool skip_verify) {
  return "\n[host.\"" + url + "\"]\n  capabilities = [" + capabilities + "]\n" + (skip_verify ? "  skip_verify = true\n" : "");
}

} // namespace

Settings settings(const std::map<std::string, std::string>& values) {
  Settings s;
  if (std::string m = util::trim(get(values, "DIND_REGISTRY_MIRROR")); !m.empty()) s.mirror = check_url(m, "DIND_REGISTRY_MIRROR");
  for (auto& item : util::split(get(values, "DIND_INSECURE_REGISTRIES"), ',')) {
    std::string h = util::trim(item);
    if (h.empty()) continue;
    if (!valid_host_port(h)) throw UsageError("DIND_INSECURE_REGISTRIES: '" + h + "' is not host[:port]");
    if (h == local_alias || (h == "docker.io" && !s.mirror.empty())) {
      throw UsageError("DIND_INSECURE_REGISTRIES: " + h + " is configured by dind already (" +
                       (h == local_alias ? "the local registry" : "DIND_REGISTRY_MIRROR") + ")");
    }
    if (std::find(s.insecure.begin(), s.insecure.end(), h) == s.insecure.end()) s.insecure.push_back(h);
  }
  if (std::string ca = get(values, "DIND_CA_CERT"); !ca.empty()) s.ca_cert = read_ca(ca);
  return s;
}

std::map<std::string, std::string> hosts_files(const Settings& s) {
  std::map<std::string, std::string> files;
  const std::string pull = "\"pull\", \"resolve\"";
  files[std::string(local_alias) + "/hosts.toml"] =
      "# dind: the local registry (kubectl dind registry up) on the cluster's network\n" +
      host_section("http://" + std::string(local_name) + ":" + std::to_string(local_port), pull, false);
  if (!s.mirror.empty()) {
    files["docker.io/hosts.toml"] = "# dind: DIND_REGISTRY_MIRROR, then Docker Hub\nserver = \"https://registry-1.docker.io\"\n" +
                                    host_section(s.mirror, pull, false);
  }
  for (auto& h : s.insecure) {
    files[h + "/hosts.toml"] = "# dind: DIND_INSECURE_REGISTRIES: HTTPS without verification, else plain HTTP\n"
                               "server = \"http://" + h + "\"\n" +
                               host_section("https://" + h, pull + ", \"push\"", true);
  }
  for (auto& [host, endpoints] : s.mirrors) {
    std::string text = "# dind: registry.mirrors of a containerdConfigPatches entry\nserver = \"https://" +
                       std::string(host == "docker.io" ? "registry-1.docker.io" : host) + "\"\n";
    for (auto& e : endpoints) text += host_section(e, pull, false);
    files[host + "/hosts.toml"] = text;
  }
  return files;
}

std::string with_ca(const std::string& bundle, const std::string& pem) {
  std::string out = bundle;
  if (!out.empty() && out.back() != '\n') out += '\n';
  out += pem;
  if (out.back() != '\n') out += '\n';
  return out;
}

docker::Files node_files(docker::Client& docker, const std::string& container, const Settings& s) {
  const std::string bundle = "etc/ssl/certs/ca-certificates.crt";
  docker::Files files;
  for (auto& [path, text] : hosts_files(s)) files.emplace_back("etc/containerd/certs.d/" + path, text);
  if (!s.ca_cert.empty()) {
    // the bundle is what containerd's Go TLS and the node's tools read; the
    // copy keeps the CA through a later update-ca-certificates
    files.emplace_back(bundle, with_ca(docker::read_container_file(docker, container, "/" + bundle), s.ca_cert));
    files.emplace_back("usr/local/share/ca-certificates/dind-ca.crt", s.ca_cert);
  }
  return files;
}

} // namespace dind::registry
