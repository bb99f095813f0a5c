#include "cluster/actions/action.hpp"
#include "cluster/lifecycle.hpp"
#include "fake_provider.hpp"
#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

// The step lines up or reup would print, first word of each.
std::vector<std::string> steps_of(const std::vector<std::unique_ptr<cluster::Action>>& actions, const cluster::Layout& plan) {
  test::FakeRun run(plan);
  std::vector<std::string> out;
  for (auto& a : actions) {
    std::string t = a->title(run.ctx);
    out.push_back(t.substr(0, t.find(' ', t.find(' ') + 1)));  // two words
  }
  return out;
}

} // namespace

TEST_CASE("up's actions: the plan decides which run, in kind's order") {
  auto one = test::layout_of({{"NUM_NODES", "2"}});
  CHECK(steps_of(cluster::create_actions(one, "", cluster::CniPlugin::bridge), one) ==
        std::vector<std::string>{"Creating 3", "Installing the", "Starting control-plane", "Joining 2", "Waiting for",
                                 "Setting kubectl"});
  CHECK(steps_of(cluster::create_actions(one, "", cluster::CniPlugin::flannel), one) ==
        std::vector<std::string>{"Creating 3", "Installing the", "Starting control-plane", "Joining 2", "Starting flannel",
                                 "Waiting for", "Setting kubectl"});
  auto alone = test::layout_of({{"NUM_NODES", "0"}, {"IP_MODE", "ipv6"}});
  CHECK(steps_of(cluster::create_actions(alone, "", cluster::CniPlugin::bridge), alone) ==
        std::vector<std::string>{"Creating 1", "DNS64 and", "Installing the", "Starting control-plane", "Waiting for",
                                 "Setting kubectl"});
  auto ha = test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "1"}});
  CHECK(steps_of(cluster::create_actions(ha, "dind-lb:x", cluster::CniPlugin::bridge), ha) ==
        std::vector<std::string>{"Creating 4", "Starting load", "Installing the", "Starting control-plane", "Joining 2",
                                 "Joining 1", "Waiting for", "Setting kubectl"});
}

TEST_CASE("reup's actions: no kubeadm, the load balancer before the nodes") {
  auto ha = test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "2"}});
  CHECK(steps_of(cluster::restart_actions(ha, "dind-lb:x"), ha) ==
        std::vector<std::string>{"Starting load", "Restarting 5", "Installing the", "Waiting for", "Setting kubectl"});
  auto one = test::layout_of({});
  CHECK(steps_of(cluster::restart_actions(one, ""), one) ==
        std::vector<std::string>{"Restarting 3", "Installing the", "Waiting for", "Setting kubectl"});
}
