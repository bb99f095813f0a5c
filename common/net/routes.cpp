#include "net/routes.hpp"

#include "util/error.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

namespace dind::net {

Plan plan_from_json(const std::string& text) {
  auto d = json::parse(text, "plan");
  Plan p;
  std::string mode = json::str(d, {"ipMode"});
  p.mode = mode == "ipv6" ? IpMode::ipv6 : mode == "dual-stack" ? IpMode::dual : IpMode::ipv4;
  p.name = json::str(d, {"name"});
  p.dns64_prefix = json::str(d, {"dns64Prefix"});
  if (auto* services = json::find(d, {"serviceCidrs"}); services && services->IsArray()) {
    for (auto& c : services->GetArray()) p.services.push_back(Cidr::parse(c.GetString()));
  }
  const auto* nodes = json::find(d, {"nodes"});
  if (!nodes || !nodes->IsArray()) throw Error("plan: no nodes");
  for (auto& n : nodes->GetArray()) {
    NodePlan node;
    node.role = json::str(n, {"role"});
    node.container = json::str(n, {"container"});
    node.ipv4 = json::str(n, {"ipv4"});
    node.ipv6 = json::str(n, {"ipv6"});
    if (auto* cidrs = json::find(n, {"podCidrs"}); cidrs && cidrs->IsArray()) {
      for (auto& c : cidrs->GetArray()) node.pod_cidrs.emplace_back(c.GetString());
    }
    p.nodes.push_back(node);
  }
  return p;
}

std::vector<std::string> route_commands(const Plan& plan, const std::string& self, const std::set<std::string>& registered,
                                        const std::string& current) {
  std::set<std::string> have;
  for (auto& line : util::split(current, '\n')) {
    auto words = util::split(line, ' ');
    if (words.size() >= 3 && words[1] == "via") have.insert(words[0] + " via " + words[2]);
  }
  std::vector<std::string> cmds;
  for (auto& other : plan.nodes) {
    if (other.container == self || !registered.count(other.container)) continue;
    for (auto& cidr : other.pod_cidrs) {
      bool v6 = cidr.find(':') != std::string::npos;
      std::string via = v6 ? other.ipv6 : other.ipv4;
      if (via.empty() || have.count(cidr + " via " + via)) continue;
      cmds.push_back(std::string("ip ") + (v6 ? "-6 " : "") + "route replace " + cidr + " via " + via);
    }
  }
  return cmds;
}

std::vector<std::string> service_guard_commands(const Plan& plan, const std::string& current) {
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
