// dind-net: plans a cluster's networks and configures them on nodes.
#include "net/plan.hpp"
#include "util/cli.hpp"
#include "util/env.hpp"

#include <cstdio>

using namespace dind;

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
