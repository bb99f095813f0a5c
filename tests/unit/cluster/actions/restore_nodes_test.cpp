#include "cluster/actions/action.hpp"
#include "cluster/actions/snapshot_run.hpp"
#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("restore_nodes: the nodes made, each layer put where its archive unpacks, then started") {
  test::SnapshotRun run(test::layout_of({{"NUM_NODES", "1"}}));
  run.manifest.kubernetes_version = "v1.34.4";
  for (auto& node : run.layout.nodes) {
    const auto& n = node.container;
    run.manifest.nodes.push_back({n, "", {test::put(run.store, "root of " + n, "/"), test::put(run.store, "var of " + n, "/var"),
                                          test::put(run.store, "etc of " + n, "/etc/kubernetes")}});
  }
  cluster::restore_nodes()->execute(run.ctx);

  auto calls = run.provider.recorded();
  // the state goes in between the making and the start: systemd must find it
  std::vector<std::string> want = {"provision kube-master kube-node-1"};
  for (auto* node : {"kube-master", "kube-node-1"}) {
    std::string n = node;
    want.push_back("archive_into " + n + " / " + std::to_string(("root of " + n).size()));
    want.push_back("archive_into " + n + " / " + std::to_string(("var of " + n).size()));
    want.push_back("archive_into " + n + " /etc " + std::to_string(("etc of " + n).size()));
  }
  want.push_back("start kube-master kube-node-1");
  CHECK(calls == want);
  CHECK(run.provider.archives.at("kube-node-1:/etc") == "etc of kube-node-1");
  CHECK(run.ctx.kubernetes_version == "v1.34.4");
}

TEST_CASE("restore_nodes: a snapshot of other nodes than the plan's is refused before anything is made") {
  test::SnapshotRun run(test::layout_of({{"NUM_NODES", "1"}}));
  auto& m = run.manifest;
  m.nodes = {{"kube-master", "master", {}}, {"kube-node-2", "worker", {}}};
  CHECK_THROWS_WITH(cluster::restore_nodes()->execute(run.ctx), "snapshot snap has node kube-node-2 where the plan has kube-node-1");
  m.nodes.pop_back();
  CHECK_THROWS_WITH(cluster::restore_nodes()->execute(run.ctx), "snapshot snap has another number of nodes");
  CHECK(run.provider.recorded().empty());
}
