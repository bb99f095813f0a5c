// dind-net: plans a cluster's networks and configures them on nodes.
#include "net/cni.hpp"
#include "net/plan.hpp"
#include "net/routes.hpp"
#include "util/cli.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <unistd.h>

using namespace dind;

namespace {

struct NodeFlags {
  std::string plan = "/etc/dind/plan.json";
  std::string node;
  std::string kubeconfig = "/etc/kubernetes/kubelet.conf";
  std::string plugin = "bridge";
  std::string out = "/etc/cni/net.d/10-dind.conflist";
  bool watch = false;
  int interval = 2;
};
NodeFlags node_flags;

const net::NodePlan& find_node(const net::Plan& plan, const std::string& name) {
  for (auto& n : plan.nodes) {
    if (n.container == name) return n;
  }
  throw Error("node " + name + " is not in " + node_flags.plan);
}

// Refuses what kube-proxy leaves untranslated in the service CIDR; needs only the plan.
void guard_services(const net::Plan& plan) {
  std::string rules = util::check({"iptables", "-w", "-S", "FORWARD"}).out;
  if (plan.has_v6()) rules += util::check({"ip6tables", "-w", "-S", "FORWARD"}).out;
  for (auto& cmd : net::service_guard_commands(plan, rules)) {
    log::info("{}", cmd);
    util::check(util::split(cmd, ' '));
  }
}

// One pass: every registered node's pod CIDRs routed via its address.
int route_once() {
  auto plan = net::plan_from_json(util::read_file(node_flags.plan));
  find_node(plan, node_flags.node);
  guard_services(plan);
  if (!std::filesystem::exists(node_flags.kubeconfig)) return 0;  // not joined yet
  auto names = util::check({"kubectl", "--kubeconfig", node_flags.kubeconfig, "get", "nodes", "-o",
                            "jsonpath={.items[*].metadata.name}"}, {"", std::chrono::seconds(10), {}, {}, {}});
  auto words = util::split(names.out, ' ');
  std::set<std::string> registered(words.begin(), words.end());
  std::string current = util::check({"ip", "route"}).out + util::check({"ip", "-6", "route"}).out;
  for (auto& cmd : net::route_commands(plan, node_flags.node, registered, current)) {
    log::info("{}", cmd);
    util::check(util::split(cmd, ' '));
  }
  return 0;
}

// The node daemon: once the plan is there, keeps the service guard, and once
// the kubelet's kubeconfig is, the routes as nodes join or come back.
int route_watch() {
  for (;;) {
    try {
      if (std::filesystem::exists(node_flags.plan)) route_once();
    } catch (const Error& e) {
      log::warn("routes: {}", e.what());
    }
    std::this_thread::sleep_for(std::chrono::seconds(node_flags.interval));
  }
}

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
      c->add_option("--plan", node_flags.plan, "the cluster's plan (dind-net plan --json), default /etc/dind/plan.json");
      c->add_option("--node", node_flags.node, "this node's name (default: the hostname)");
    }
    routes->add_option("--kubeconfig", node_flags.kubeconfig, "to list the registered nodes (default: kubelet's)");
    routes->add_flag("--watch", node_flags.watch, "keep doing it, every --interval seconds (the node daemon)");
    routes->add_option("--interval", node_flags.interval, "seconds between passes (default 2)")->check(CLI::Range(1, 3600));
    cni->add_option("--plugin", node_flags.plugin, "bridge (default) or ptp")->check(CLI::IsMember({"bridge", "ptp"}));
    cni->add_option("-o,--output", node_flags.out, "where to write it (default /etc/cni/net.d/10-dind.conflist)");
    auto hostname = [] {
      if (node_flags.node.empty()) {
        char buf[256] = {};
        ::gethostname(buf, sizeof buf - 1);
        node_flags.node = buf;
      }
    };
    routes->callback([&action, hostname] {
      hostname();
      action = [] { return node_flags.watch ? route_watch() : route_once(); };
    });
    cni->callback([&action, hostname] {
      hostname();
      action = [] {
        auto plan = net::plan_from_json(util::read_file(node_flags.plan));
        util::write_file(node_flags.out, net::cni_config(node_flags.plugin, find_node(plan, node_flags.node)));
        return 0;
      };
    });
    plan->callback([&action] {
      action = [] {
        auto in = net::PlanInput::from([](const std::string& name) -> std::optional<std::string> {
          if (auto it = flags.find(name); it != flags.end() && !it->second.empty()) return it->second;
          return util::env(name.c_str());
        });
        auto p = net::make_plan(in);
        std::printf("%s\n", as_json ? p.to_json().c_str() : p.to_table().c_str());
        return 0;
      };
    });
  });
}
