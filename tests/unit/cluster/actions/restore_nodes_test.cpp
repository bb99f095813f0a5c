#include "cluster/actions/action.hpp"
#include "cluster/actions/snapshot_run.hpp"
#include "layout_fixture.hpp"

#include "util/tar.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace dind;

namespace {

std::string tar_of(const std::vector<std::pair<std::string, std::string>>& files) {
  std::ostringstream out;
  util::tar::Writer w(out);
  for (auto& [name, content] : files) w.add_data(name, content);
  w.finish();
  return out.str();
}

std::vector<std::string> names_in(const std::string& archive) {
  std::vector<std::string> names;
  for (auto& e : util::tar::read_all(archive)) names.push_back(e.name + "=" + e.content);
  return names;
}

} // namespace

TEST_CASE("restore_nodes: the nodes made, the layers put in one archive per directory, then started") {
  test::SnapshotRun run(test::layout_of({{"NUM_NODES", "1"}}));
  run.manifest.kubernetes_version = "v1.34.4";
  for (auto& node : run.layout.nodes) {
    const auto& n = node.container;
    run.manifest.nodes.push_back({n, "", {test::put(run.store, tar_of({{"etc/dind/role", n}}), "/"),
                                          test::put(run.store, tar_of({{"var/lib/etcd/member/wal/0.wal", "log"},
                                                                       {"var/lib/etcd/member/wal/0.tmp", std::string(4096, '\0')},
                                                                       {"var/lib/kubelet/x", "k"}}), "/var"),
                                          test::put(run.store, tar_of({{"kubernetes/admin.conf", "a"}}), "/etc/kubernetes")}});
  }
  cluster::restore_nodes()->execute(run.ctx);

  auto calls = run.provider.recorded();
  // the state goes in between the making and the start: systemd must find it
  REQUIRE(calls.size() == 6);
  CHECK(calls.front() == "provision kube-master kube-node-1");
  CHECK(calls.back() == "start kube-master kube-node-1");
  for (auto* node : {"kube-master", "kube-node-1"}) {
    std::string n = node;
    // the root's changes and /var in one archive, without etcd's spare segment
    CHECK(names_in(run.provider.archives.at(n + ":/")) ==
          std::vector<std::string>{"etc/dind/role=" + n, "var/lib/etcd/member/wal/0.wal=log", "var/lib/kubelet/x=k"});
    CHECK(names_in(run.provider.archives.at(n + ":/etc")) == std::vector<std::string>{"kubernetes/admin.conf=a"});
  }
  CHECK(run.ctx.kubernetes_version == "v1.34.4");
}

TEST_CASE("restore_nodes: a layer that is not a tar fails naming it") {
  test::SnapshotRun run(test::layout_of({{"NUM_NODES", "0"}}));
  run.manifest.nodes.push_back({"kube-master", "", {test::put(run.store, std::string(1024, 'x'), "/var")}});
  CHECK_THROWS_WITH(cluster::restore_nodes()->execute(run.ctx),
                    Catch::StartsWith("snapshot snap, /var of kube-master: tar: "));
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
