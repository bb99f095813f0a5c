// dind-net: plans a cluster's networks and configures them on nodes.
#include "net/daemon.hpp"
#include "net/dns_probe.hpp"
#include "cluster/layout.hpp"
#include "util/cli.hpp"
#include "util/env.hpp"

#include <cstdio>
#include <unistd.h>

using namespace dind;

namespace {

struct NodeFlags {
  net::NodeOptions options;
  std::string plugin = "bridge";
  std::string out = "/etc/cni/net.d/10-dind.conflist";
  bool watch = false;
};
NodeFlags node_flags;

} // namespace

int main(int argc, char** argv) {
  return util::tool_main("dind-net", "Plan and set up dind cluster networks", argc, argv, [](CLI::App& app, util::Action& action) {
    app.require_subcommand(0, 1);
    auto* plan = app.add_subcommand("plan", "print the cluster's addresses, names and labels from the seed's variables");
    plan->footer("Reads IP_MODE, CLUSTER_ID, DIND_LABEL, MGMT_CIDRS (or DIND_SUBNET/DIND_SUBNET_SIZE),\n"
                 "POD_NETWORK_CIDR, SERVICE_CIDR, NUM_NODES, DNS64_PREFIX, NAT64_V4_SUBNET_PREFIX;\n"
                 "flags override them.\n\nExample:\n  CLUSTER_ID=10 IP_MODE=dual-stack dind-net plan --json");
    static bool as_json = false;
    static std::map<std::string, std::string> flags;
    plan->add_flag("--json", as_json, "machine-readable output");
    for (auto [flag, var] : std::map<std::string, std::string>{{"--ip-mode", "IP_MODE"}, {"--cluster-id", "CLUSTER_ID"},
                                                               {"--label", "DIND_LABEL"}, {"--mgmt-cidrs", "MGMT_CIDRS"},
                                                               {"--pod-cidr", "POD_NETWORK_CIDR"}, {"--service-cidr", "SERVICE_CIDR"},
                                                               {"--num-nodes", "NUM_NODES"}}) {
      plan->add_option(flag, flags[var], "overrides $" + var);
    }
    auto* routes = app.add_subcommand("routes", "on a node: route the other nodes' pod CIDRs via their addresses, refuse unallocated service ports");
    auto* cni = app.add_subcommand("cni", "on a node: write its CNI config from the plan");
    for (auto* c : {routes, cni}) {
      c->add_option("--plan", node_flags.options.plan, "the cluster's plan (dind-net plan --json), default /etc/dind/plan.json");
      c->add_option("--node", node_flags.options.node, "this node's name (default: the hostname)");
    }
    routes->add_flag("--watch", node_flags.watch, "keep doing it, every --interval seconds (the node daemon)");
    routes->add_option("--interval", node_flags.options.interval, "seconds between passes (default 2)")->check(CLI::Range(1, 3600));
    cni->add_option("--plugin", node_flags.plugin, "bridge (default) or ptp")->check(CLI::IsMember({"bridge", "ptp"}));
    cni->add_option("-o,--output", node_flags.out, "where to write it (default /etc/cni/net.d/10-dind.conflist)");
    auto hostname = [] {
      if (node_flags.options.node.empty()) {
        char buf[256] = {};
        ::gethostname(buf, sizeof buf - 1);
        node_flags.options.node = buf;
      }
    };
    routes->callback([&action, hostname] {
      hostname();
      action = [] {
        if (node_flags.watch) net::watch_routes(node_flags.options);
        net::route_once(node_flags.options);
        return 0;
      };
    });
    cni->callback([&action, hostname] {
      hostname();
      action = [] {
        net::write_cni_config(node_flags.options, node_flags.plugin, node_flags.out);
        return 0;
      };
    });
    auto* probe = app.add_subcommand("dns-probe", "ask SERVER for NAME once over UDP: exit 0 when it answers with a record, 1 when not");
    static std::string server, name;
    static int timeout_ms = 1000;
    probe->add_option("server", server, "the DNS server's address (a cluster's: the 10th of its service CIDR)")->required();
    probe->add_option("name", name, "the name to ask for, e.g. kubernetes.default.svc.cluster.local")->required();
    probe->add_option("--timeout-ms", timeout_ms, "how long to wait for the answer (default 1000)")->check(CLI::Range(1, 60000));
    probe->footer("Example (in a node):\n  dind-net dns-probe 10.96.0.10 kubernetes.default.svc.cluster.local");
    probe->callback([&action] {
      action = [] {
        if (net::dns_answers(net::Address::parse(server), name, std::chrono::milliseconds(timeout_ms))) return 0;
        std::fprintf(stderr, "dind-net: %s did not answer %s\n", server.c_str(), name.c_str());
        return 1;
      };
    });
    plan->callback([&action] {
      action = [] {
        auto in = cluster::LayoutInput::from([](const std::string& name) -> std::optional<std::string> {
          if (auto it = flags.find(name); it != flags.end() && !it->second.empty()) return it->second;
          return util::env(name.c_str());
        });
        auto p = cluster::make_layout(in);
        std::printf("%s\n", as_json ? p.to_json().c_str() : p.to_table().c_str());
        return 0;
      };
    });
  });
}
