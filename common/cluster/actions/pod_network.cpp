#include "cluster/actions/action.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

namespace dind::cluster {

namespace {

// CNI: the bridge (or ptp) plugin with host-local IPAM over the node's own
// pod CIDR(s); every other node's pod CIDR is routed via its management IP.
std::string cni_config(const std::string& plugin, const net::NodePlan& node) {
  json::Writer w(true);
  w.begin_object().kv("cniVersion", "0.4.0").kv("name", "dind").key("plugins").begin_array();
  w.begin_object().kv("type", plugin);
  if (plugin == "bridge") w.kv("bridge", "dind0").kv("isDefaultGateway", true).kv("hairpinMode", true);
  w.kv("ipMasq", true);
  w.key("ipam").begin_object().kv("type", "host-local").key("ranges").begin_array();
  for (auto& c : node.pod_cidrs) w.begin_array().begin_object().kv("subnet", c).end_object().end_array();
  w.end_array();
  if (plugin == "ptp") {
    w.key("routes").begin_array();
    for (auto& c : node.pod_cidrs) w.begin_object().kv("dst", c.find(':') != std::string::npos ? "::/0" : "0.0.0.0/0").end_object();
    w.end_array();
  }
  w.end_object().end_object();
  w.begin_object().kv("type", "portmap").key("capabilities").begin_object().kv("portMappings", true).end_object().end_object();
  w.end_array().end_object();
  return w.str();
}

std::string routes_script(const net::Plan& plan, const net::NodePlan& self) {
  std::vector<std::string> cmds = {"set -e"};
  for (auto& other : plan.nodes) {
    if (other.container == self.container) continue;
    for (auto& cidr : other.pod_cidrs) {
      bool v6 = cidr.find(':') != std::string::npos;
      cmds.push_back(std::string("ip ") + (v6 ? "-6 " : "") + "route replace " + cidr + " via " + (v6 ? other.ipv6 : other.ipv4));
    }
  }
  if (plan.mode == net::IpMode::ipv6) {
    // IPv6-only: the outside is reached through NAT64, names through DNS64
    cmds.push_back("ip -6 route replace " + plan.dns64_prefix + " via " + nat64_ip(plan));
    cmds.push_back("echo 'nameserver " + dns64_ip(plan) + "' > /etc/resolv.conf");
  }
  return util::join(cmds, "\n") + "\n";
}

class PodNetwork : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Installing the pod network (" + ctx.config.get("CNI_PLUGIN") + " CNI, static routes)";
  }

  void execute(Context& ctx) override {
    parallel(ctx.plan.nodes.size(), [&](size_t i) {
      const auto& node = ctx.plan.nodes[i];
      // routes and resolv.conf first: pods start as soon as the CNI config is there
      node_exec(ctx, node, {"sh", "-s"}, routes_script(ctx.plan, node));
      node_write(ctx, node, "/etc/cni/net.d/10-dind.conflist", cni_config(ctx.config.get("CNI_PLUGIN"), node));
    });
  }
};

} // namespace

std::unique_ptr<Action> pod_network() { return std::make_unique<PodNetwork>(); }

} // namespace dind::cluster
