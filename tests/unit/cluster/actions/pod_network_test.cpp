#include "cluster/actions/action.hpp"
#include "cluster/fake_provider.hpp"
#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("pod_network: each node gets the plan, then one exec: the routes, then the CNI config") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  run.spec.cni = cluster::CniPlugin::ptp;
  cluster::pod_network()->execute(run.ctx);
  const auto& master = run.layout.nodes[0];
  const auto& worker = run.layout.nodes[1];
  for (auto* node : {&master, &worker}) {
    std::vector<std::string> calls;
    for (auto& c : run.provider.recorded()) {
      if (c.find(" " + node->container + " ") != std::string::npos) calls.push_back(c);
    }
    CHECK(calls == std::vector<std::string>{"write " + node->container + " /etc/dind/plan.json", "exec " + node->container + " sh -s"});
  }
  const std::string& script = run.provider.inputs.at(master.container);
  auto route = script.find("ip route replace " + worker.pod_cidrs.at(0) + " via " + worker.ipv4);
  auto cni = script.find("dind-net cni --plugin ptp\n");
  CHECK(script.rfind("set -e\n", 0) == 0);
  REQUIRE(route != std::string::npos);
  REQUIRE(cni != std::string::npos);
  CHECK(route < cni);
  CHECK(run.provider.files.at(worker.container + ":/etc/dind/plan.json") == run.layout.to_json());
}

TEST_CASE("pod_network: with flannel, no CNI config of dind-net's and no pod routes") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  run.spec.cni = cluster::CniPlugin::flannel;
  cluster::pod_network()->execute(run.ctx);
  const std::string& script = run.provider.inputs.at(run.layout.nodes[0].container);
  CHECK(script.find("dind-net cni") == std::string::npos);
  CHECK(script.find(run.layout.nodes[1].pod_cidrs.at(0)) == std::string::npos);
}
