#include "cluster/node_options.hpp"

#include "registry/hosts.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>

namespace dind::cluster {

namespace {

std::string get(const std::map<std::string, std::string>& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? "" : it->second;
}

std::string port_number(const std::string& s, const std::string& what) {
  if (s.find('-') != std::string::npos) throw UsageError(what + ": port ranges are not supported");
  return std::to_string(util::parse_int(s, 1, 65535, what));
}

bool yes(const std::string& value, const std::string& var) {
  if (value.empty() || value == "n" || value == "no" || value == "false" || value == "0") return false;
  if (value == "y" || value == "yes" || value == "true" || value == "1") return true;
  throw UsageError(var + ": '" + value + "' is not y or n");
}

// The proxy values become systemd Environment= words: no spaces or quotes.
std::string proxy_value(const std::string& value, const std::string& var) {
  if (std::any_of(value.begin(), value.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)) || c == '"' ||
               c == '\'' || c == '\\';
      })) {
    throw UsageError(var + ": '" + value + "' has a space, quote or backslash");
  }
  return value;
}

docker::Mount parse_volume(const std::string& spec) {
  auto parts = util::split(spec, ':', false);
  const std::string what = "MASTER_EXTRA_OPTS: -v " + spec;
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty() || parts[1][0] != '/') {
    throw UsageError(what + ": not SOURCE:/TARGET[:ro]");
  }
  bool ro = false;
  if (parts.size() == 3) {
    if (parts[2] != "ro" && parts[2] != "rw") throw UsageError(what + ": only the ro and rw modes are supported");
    ro = parts[2] == "ro";
  }
  return {parts[0][0] == '/' ? "bind" : "volume", parts[0], parts[1], ro, ""};
}

} // namespace

std::vector<docker::PortBinding> parse_ports(const std::string& value, const std::string& var) {
  std::vector<docker::PortBinding> out;
  std::string list = value;
  std::replace(list.begin(), list.end(), ';', ',');
  for (auto& item : util::split(list, ',')) {
    std::string spec = util::trim(item);
    if (spec.empty()) continue;
    const std::string what = var + ": " + spec;
    std::string proto = "tcp";
    if (auto slash = spec.rfind('/'); slash != std::string::npos) {
      proto = spec.substr(slash + 1);
      spec = spec.substr(0, slash);
      if (proto != "tcp" && proto != "udp" && proto != "sctp") throw UsageError(what + ": the protocol is tcp, udp or sctp");
    }
    std::string ip;
    if (!spec.empty() && spec[0] == '[') {  // [::1]:8080:80
      auto close = spec.find("]:");
      if (close == std::string::npos) throw UsageError(what + ": not [IPv6]:HOSTPORT:PORT");
      ip = spec.substr(1, close - 1);
      spec = spec.substr(close + 2);
    }
    auto parts = util::split(spec, ':', false);
    if (!ip.empty()) parts.insert(parts.begin(), ip);
    if (parts.empty() || parts.size() > 3) throw UsageError(what + ": not [IP:][HOSTPORT:]PORT[/PROTOCOL]");
    docker::PortBinding b;
    b.container_port = port_number(parts.back(), what) + "/" + proto;
    if (parts.size() >= 2 && !parts[parts.size() - 2].empty()) b.host_port = port_number(parts[parts.size() - 2], what);
    if (parts.size() == 3) b.host_ip = parts[0];
    out.push_back(b);
  }
  return out;
}

void parse_master_opts(const std::string& value, NodeOptions& into) {
  std::vector<std::string> words;
  for (auto& w : util::split(value, ' ')) {
    for (auto& x : util::split(w, '\t')) words.push_back(x);
  }
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    char option = 0;
    std::string arg;
    for (auto [s, l] : {std::pair{'e', "--env"}, std::pair{'v', "--volume"}, std::pair{'p', "--publish"}}) {
      std::string shorty = std::string("-") + s, longy = l;
      if (w == shorty || w == longy) {
        if (i + 1 == words.size()) throw UsageError("MASTER_EXTRA_OPTS: " + w + " needs a value");
        option = s, arg = words[++i];
      } else if (util::starts_with(w, longy + "=")) {
        option = s, arg = w.substr(longy.size() + 1);
      } else if (w.size() > 2 && util::starts_with(w, shorty) && w[2] != '-') {
        option = s, arg = w.substr(2);
      }
      if (option) break;
    }
    switch (option) {
      case 'e': {
        auto eq = arg.find('=');
        if (eq == 0) throw UsageError("MASTER_EXTRA_OPTS: -e " + arg + ": no variable name");
        // -e NAME takes the host's value, as docker run does (and drops an unset one)
        if (eq != std::string::npos) into.master_env.push_back(arg);
        else if (auto v = util::env(arg.c_str())) into.master_env.push_back(arg + "=" + *v);
        break;
      }
      case 'v': into.master_mounts.push_back(parse_volume(arg)); break;
      case 'p': {
        auto ports = parse_ports(arg, "MASTER_EXTRA_OPTS: -p");
        into.master_ports.insert(into.master_ports.end(), ports.begin(), ports.end());
        break;
      }
      default:
        throw UsageError("MASTER_EXTRA_OPTS: " + w + " is not supported: only -e/--env, -v/--volume and -p/--publish"
                         " (dind makes the rest of the node container itself)");
    }
  }
}

NodeOptions node_options(const std::map<std::string, std::string>& values) {
  NodeOptions o;
  o.master_ports = parse_ports(get(values, "EXTRA_PORTS"), "EXTRA_PORTS");
  parse_master_opts(get(values, "MASTER_EXTRA_OPTS"), o);
  for (auto& n : util::split(get(values, "DIND_CUSTOM_NETWORKS"), ',')) {
    std::string name = util::trim(n);
    if (!name.empty() && std::find(o.networks.begin(), o.networks.end(), name) == o.networks.end()) o.networks.push_back(name);
  }
  bool propagate = yes(get(values, "DIND_PROPAGATE_HTTP_PROXY"), "DIND_PROPAGATE_HTTP_PROXY");
  auto pick = [&](const char* var, const char* upper, const char* lower) {
    std::string v = get(values, var);
    if (v.empty() && propagate) v = util::env(upper).value_or(util::env(lower).value_or(""));
    return proxy_value(v, v == get(values, var) ? var : upper);
  };
  o.proxy = {pick("DIND_HTTP_PROXY", "HTTP_PROXY", "http_proxy"), pick("DIND_HTTPS_PROXY", "HTTPS_PROXY", "https_proxy"),
             pick("DIND_NO_PROXY", "NO_PROXY", "no_proxy")};
  return o;
}

std::string proxy_dropin(const NodeProxy& proxy, const Layout& plan) {
  if (proxy.empty()) return "";
  std::vector<std::string> no;
  for (auto& n : util::split(proxy.no, ',')) no.push_back(n);
  auto add = [&](const std::string& s) {
    if (std::find(no.begin(), no.end(), s) == no.end()) no.push_back(s);
  };
  for (auto& s : {"localhost", "127.0.0.1", "::1"}) add(s);
  for (auto* list : {&plan.mgmt, &plan.pods, &plan.services}) {
    for (auto& c : *list) add(c.str());
  }
  for (auto& n : plan.nodes) add(n.container);
  add(registry::local_name);  // the local registry, reached by name on the cluster's network
  std::vector<std::string> words;
  if (!proxy.http.empty()) words.push_back("\"HTTP_PROXY=" + proxy.http + "\"");
  if (!proxy.https.empty()) words.push_back("\"HTTPS_PROXY=" + proxy.https + "\"");
  words.push_back("\"NO_PROXY=" + util::join(no, ",") + "\"");
  std::string env = util::join(words, " ");
  // '%' starts a systemd specifier
  std::string escaped;
  for (char c : env) escaped += c == '%' ? std::string("%%") : std::string(1, c);
  return "# dind: DIND_HTTP_PROXY, DIND_HTTPS_PROXY, DIND_NO_PROXY (with the cluster's own addresses)\n"
         "[Service]\nEnvironment=" + escaped + "\n";
}

} // namespace dind::cluster
