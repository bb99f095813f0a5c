#include "net/routes.hpp"

#include "util/error.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

#include <set>

namespace dind::net {

namespace {

// A CIDR from the plan, in its canonical form; anything else is refused: the
// values end up as arguments of ip and iptables.
Cidr plan_cidr(const json::Value& v, const std::string& what) {
  if (!v.IsString()) throw Error("plan: " + what + " is not a string");
  std::string text(v.GetString(), v.GetStringLength());
  Cidr c = Cidr::parse(text);
  if (c.str() != text) throw Error("plan: " + what + " '" + text + "' is not a CIDR in canonical form (" + c.str() + ")");
  return c;
}

// A node's address of the given family, or "" when the plan has none.
std::string plan_address(const json::Value& node, const char* key, Family family) {
  std::string text = json::str(node, {key});
  if (text.empty()) return text;
  Address a = Address::parse(text);
  if (a.family() != family || a.str() != text) throw Error(std::string("plan: ") + key + " '" + text + "' is not a canonical " + (family == Family::v4 ? "IPv4" : "IPv6") + " address");
  return text;
}

} // namespace

cluster::Layout layout_from_json(const std::string& text) {
  auto d = json::parse(text, "plan");
  cluster::Layout p;
  std::string mode = json::str(d, {"ipMode"});
  p.mode = mode == "ipv6" ? IpMode::ipv6 : mode == "dual-stack" ? IpMode::dual : IpMode::ipv4;
  p.name = json::str(d, {"name"});
  p.dns64_prefix = json::str(d, {"dns64Prefix"});
  if (auto* services = json::find(d, {"serviceCidrs"}); services && services->IsArray()) {
    for (auto& c : services->GetArray()) p.services.push_back(plan_cidr(c, "service CIDR"));
  }
  const auto* nodes = json::find(d, {"nodes"});
  if (!nodes || !nodes->IsArray()) throw Error("plan: no nodes");
  for (auto& n : nodes->GetArray()) {
    cluster::NodeLayout node;
    node.name = json::str(n, {"role"});
    node.container = json::str(n, {"container"});
    node.ipv4 = plan_address(n, "ipv4", Family::v4);
    node.ipv6 = plan_address(n, "ipv6", Family::v6);
    if (auto* cidrs = json::find(n, {"podCidrs"}); cidrs && cidrs->IsArray()) {
      for (auto& c : cidrs->GetArray()) node.pod_cidrs.push_back(plan_cidr(c, "pod CIDR").str());
    }
    p.nodes.push_back(node);
  }
  return p;
}

std::vector<std::string> route_commands(const cluster::Layout& plan, const std::string& self, const std::string& current) {
  std::set<std::string> have;
  for (auto& line : util::split(current, '\n')) {
    auto words = util::split(line, ' ');
    if (words.size() >= 3 && words[1] == "via") have.insert(words[0] + " via " + words[2]);
  }
  std::vector<std::string> cmds;
  for (auto& other : plan.nodes) {
    if (other.container == self) continue;
    for (auto& cidr : other.pod_cidrs) {
      bool v6 = cidr.find(':') != std::string::npos;
      std::string via = v6 ? other.ipv6 : other.ipv4;
      if (via.empty() || have.count(cidr + " via " + via)) continue;
      cmds.push_back(std::string("ip ") + (v6 ? "-6 " : "") + "route replace " + cidr + " via " + via);
    }
  }
  return cmds;
}

std::vector<std::string> service_guard_commands(const cluster::Layout& plan, const std::string& current) {
  std::vector<std::string> cmds;
  for (auto& cidr : plan.services) {
    std::string tool = cidr.str().find(':') != std::string::npos ? "ip6tables" : "iptables";
    std::string rule = "FORWARD -d " + cidr.str() + " -m comment --comment " + service_guard_comment + " -j REJECT";
    // `iptables -S` prints the address with its prefix, as Cidr::str does
    if (current.find("-A FORWARD -d " + cidr.str() + " -m comment --comment " + service_guard_comment) != std::string::npos) continue;
    cmds.push_back(tool + " -w -I " + rule);
  }
  return cmds;
}

} // namespace dind::net
