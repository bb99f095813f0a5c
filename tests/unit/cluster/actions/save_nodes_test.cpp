#include "cluster/actions/action.hpp"
#include "cluster/actions/snapshot_run.hpp"
#include "layout_fixture.hpp"
#include "util/tar.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace dind;

namespace {

// An archive get of /etc/dind as the engine sends it: entries named from "dind".
std::string etc_dind_archive() {
  std::ostringstream tar;
  util::tar::Writer w(tar);
  w.add_dir("dind");
  w.add_data("dind/plan.json", "{}");
  w.finish();
  return tar.str();
}

size_t position(const std::vector<std::string>& calls, const std::string& call) {
  auto it = std::find(calls.begin(), calls.end(), call);
  REQUIRE(it != calls.end());
  return static_cast<size_t>(it - calls.begin());
}

} // namespace

TEST_CASE("save_nodes: each node's changed paths as one layer from /, then /var and /etc/kubernetes whole; mounts left out") {
  test::SnapshotRun run(test::layout_of({{"NUM_NODES", "1"}}));
  auto& m = run.manifest;
  for (auto* node : {"kube-master", "kube-node-1"}) {
    std::string n = node;
    run.provider.changes_of[n] = {{"/etc", 0}, {"/etc/dind", 1}, {"/etc/dind/plan.json", 1}, {"/data", 0}, {"/data/x", 1}};
    run.provider.mounts_of[n] = {"/data"};
    run.provider.archives[n + ":/etc/dind"] = etc_dind_archive();
    run.provider.archives[n + ":/var"] = "var of " + n;
    run.provider.archives[n + ":/etc/kubernetes"] = "etc of " + n;
  }
  cluster::save_nodes()->execute(run.ctx);

  auto calls = run.provider.recorded();
  CHECK(run.provider.recorded("archive_from kube-master /data").empty());  // the user's mount: the host's files
  REQUIRE(m.nodes.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const auto& node = run.layout.nodes[i].container;
    CHECK(m.nodes[i].container == node);
    CHECK(m.nodes[i].role == (i == 0 ? "master" : "worker"));
    CHECK(position(calls, "archive_from " + node + " /etc/dind") < position(calls, "archive_from " + node + " /var"));
    CHECK(position(calls, "archive_from " + node + " /var") < position(calls, "archive_from " + node + " /etc/kubernetes"));
    REQUIRE(m.nodes[i].layers.size() == 3);
    CHECK(m.nodes[i].layers[0].path == "/");
    CHECK(test::read_back(run.store, m.nodes[i].layers[0]).find("etc/dind/plan.json") != std::string::npos);
    CHECK(m.nodes[i].layers[1].path == "/var");
    CHECK(test::read_back(run.store, m.nodes[i].layers[1]) == "var of " + node);
    CHECK(m.nodes[i].layers[2].path == "/etc/kubernetes");
    CHECK(test::read_back(run.store, m.nodes[i].layers[2]) == "etc of " + node);
  }
}

TEST_CASE("save_nodes: a mount inside a volume saved whole is refused before anything is saved") {
  test::SnapshotRun run(test::layout_of({{"NUM_NODES", "0"}}));
  run.provider.mounts_of["kube-master"] = {"/var/lib/data"};
  CHECK_THROWS_WITH(cluster::save_nodes()->execute(run.ctx),
                    Catch::StartsWith("cannot snapshot kube-master: it mounts /var/lib/data inside /var"));
  CHECK(run.provider.recorded("archive_from").empty());
}
