#include "cluster/actions/action.hpp"
#include "util/json.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

namespace dind::cluster {

namespace {

std::string routes_script(const Layout& plan, const NodeLayout& self) {
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
    cmds.push_back("ip -6 route replace " + plan.dns64_prefix + " via " + plan.nat64_ip);
    cmds.push_back("echo 'nameserver " + plan.dns64_ip + "' > /etc/resolv.conf");
  }
  return util::join(cmds, "\n") + "\n";
}

class PodNetwork : public Action {
public:
  std::string title(const Context& ctx) const override {
    if (flannel(ctx)) return "Installing the pod network (flannel's VXLAN routes; dind-net keeps the service guard)";
    return "Installing the pod network (" + to_string(ctx.spec.cni) + " CNI, routes kept by dind-net)";
  }

  void execute(Context& ctx) override {
    // with flannel, the nodes' copy of the plan has no pod CIDRs: flanneld
    // routes them over flannel.1, and dind-net's routes via the node
    // addresses would replace those; the CNI config is flannel's own
    Layout routed = ctx.layout;
    if (flannel(ctx)) {
      for (auto& n : routed.nodes) n.pod_cidrs.clear();
    }
    util::parallel(ctx.layout.nodes.size(), [&](size_t i) {
      const auto& node = routed.nodes[i];
      // the plan, then in one exec (each costs the host ~0.1 s of CPU) the
      // routes and resolv.conf before the CNI config: pods start as soon as
      // that is there. From then on the node's dind-net keeps the routes.
      node_write(ctx, node, "/etc/dind/plan.json", routed.to_json());
      std::string script = routes_script(routed, node);
      if (!flannel(ctx)) script += "dind-net cni --plugin " + to_string(ctx.spec.cni) + "\n";
      node_exec(ctx, node, {"sh", "-s"}, script);
    });
  }

private:
  static bool flannel(const Context& ctx) { return ctx.spec.cni == CniPlugin::flannel; }
};

} // namespace

std::unique_ptr<Action> pod_network() { return std::make_unique<PodNetwork>(); }

} // namespace dind::cluster
