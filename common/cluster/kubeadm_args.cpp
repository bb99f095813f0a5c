#include "cluster/kubeadm_args.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"

#include <map>
#include <optional>

namespace dind::cluster {

namespace {

struct Flag {
  bool takes_value;
  bool init, join;
};

// kubeadm's flags that may go with --config (its ValidateMixedArguments),
// less those dind sets itself or that would leave no cluster (--node-name,
// --dry-run, --kubeconfig, --rootfs, ...); kubeadm exposes only -v of klog's
const std::map<std::string, Flag>& passed_flags() {
  static const std::map<std::string, Flag> flags = {
      {"skip-phases", {true, true, true}},
      {"ignore-preflight-errors", {true, true, true}},
      {"v", {true, true, true}},
      {"upload-certs", {false, true, false}},
  };
  return flags;
}

// join's discovery flags: kubeadm refuses them beside --config
const std::map<std::string, bool>& discovery_flags() {
  static const std::map<std::string, bool> flags = {
      {"token", true},
      {"discovery-token", true},
      {"tls-bootstrap-token", true},
      {"discovery-token-ca-cert-hash", true},
      {"discovery-token-unsafe-skip-ca-verification", false},
  };
  return flags;
}

std::string allowed(const std::string& command) {
  std::vector<std::string> names;
  for (auto& [name, f] : passed_flags()) {
    if (command == "init" ? f.init : f.join) names.push_back(name == "v" ? "-v" : "--" + name);
  }
  if (command == "join") {
    for (auto& [name, value] : discovery_flags()) names.push_back("--" + name);
    names.push_back("the API server endpoint");
  }
  return util::join(names, ", ");
}

bool parse_bool(const std::string& flag, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  throw UsageError("kubeadm flag " + flag + " is true or false, not " + value);
}

} // namespace

KubeadmArgs parse_kubeadm_args(const std::string& command, const std::vector<std::string>& args) {
  KubeadmArgs out;
  std::string token;  // --token: both tokens, unless given one by one (as kubeadm)
  bool join = command == "join";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.empty() || arg[0] != '-') {
      if (!join) throw UsageError("kubeadm init takes no argument " + arg);
      if (!out.discovery.endpoint.empty()) throw UsageError("one API server endpoint for kubeadm join, not also " + arg);
      out.discovery.endpoint = arg;
      continue;
    }
    // --name=value, --name value; -v=5, -v5, -v 5
    std::string name;
    std::optional<std::string> value;
    if (util::starts_with(arg, "--")) {
      auto eq = arg.find('=');
      name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (eq != std::string::npos) value = arg.substr(eq + 1);
    } else if (util::starts_with(arg, "-v")) {
      name = "v";
      if (arg.size() > 2) value = arg.substr(arg[2] == '=' ? 3 : 2);
    } else {
      name = arg.substr(1);  // a short flag kubeadm has, or not
    }
    const std::string flag = name == "v" ? "-v" : (arg[1] == '-' ? "--" : "-") + name;
    auto passed = passed_flags().find(name);
    auto discovery = discovery_flags().find(name);
    bool known = passed != passed_flags().end() && (join ? passed->second.join : passed->second.init);
    bool in_discovery = join && discovery != discovery_flags().end();
    if (!known && !in_discovery) {
      throw UsageError("kubeadm " + command + " flag " + flag + " cannot go beside dind's kubeadm config (it takes " +
                       allowed(command) + "; dind's variables set the rest)");
    }
    bool takes_value = known ? passed->second.takes_value : discovery->second;
    if (takes_value && !value) {
      if (i + 1 == args.size()) throw UsageError("kubeadm flag " + flag + " needs a value");
      value = args[++i];
    }
    if (known) {
      out.pass.push_back(value ? flag + "=" + *value : flag);
      continue;
    }
    auto& d = out.discovery;
    if (name == "token") {
      token = *value;
    } else if (name == "discovery-token") {
      d.token = *value;
    } else if (name == "tls-bootstrap-token") {
      d.tls_token = *value;
    } else if (name == "discovery-token-ca-cert-hash") {
      for (auto& h : util::split(*value, ',')) d.ca_cert_hashes.push_back(h);
    } else {
      d.unsafe_skip_ca = value ? parse_bool(flag, *value) : true;
    }
  }
  if (out.discovery.token.empty()) out.discovery.token = token;
  if (out.discovery.tls_token.empty()) out.discovery.tls_token = token;
  return out;
}

} // namespace dind::cluster
