// The Docker provider against the real engine, on containers of the test
// image standing in for nodes (cluster 72 of the plan; every resource also
// carries the docker tests' label, and is removed at the end).
#include "cluster/docker_provider.hpp"
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "docker/volumes.hpp"
#include "../unit/layout_fixture.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <tuple>

using namespace dind;

namespace {

const std::string test_image = "dind-test-busybox:1";  // docker_test.cpp makes it

struct Leftovers {
  docker::Client& c;
  ~Leftovers() {
    try {
      for (auto& ct : docker::list_containers(c, {"io.dind.test=docker-provider"})) docker::remove_container(c, ct.id);
      for (auto& v : docker::list_volumes(c, {"io.dind.test=docker-provider"})) docker::remove_volume(c, v);
    } catch (...) {
    }
  }
};

std::string state_of(cluster::Provider& p, const cluster::Layout& plan, const std::string& name) {
  for (auto& n : p.list(plan)) {
    if (n.name == name) return n.state;
  }
  return "absent";
}

// Cluster 72's nodes (NUM_NODES workers) as running containers of the test
// image, each with its two volumes, the master's /var on its own and a
// volume of the test at /data.
cluster::Layout make_nodes(docker::Client& c, const std::string& workers) {
  auto plan = test::layout_of({{"CLUSTER_ID", "72"}, {"NUM_NODES", workers}});
  plan.labels["io.dind.test"] = "docker-provider";
  docker::create_volume(c, "dind-test-provider-data", {{"io.dind.test", "docker-provider"}});  // the user's: not the cluster's
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    const auto& node = plan.nodes[i];
    docker::ContainerSpec s;
    s.name = node.container;
    s.image = test_image;
    s.labels = plan.labels;
    s.labels[cluster::role_label] = i == 0 ? "master" : "worker";
    if (i == 0) {
      s.ports = {{cluster::apiserver_port_key, "127.0.0.1", ""}};
      s.mounts = {{"volume", cluster::var_volume(node), "/var", false, ""}, {"volume", "dind-test-provider-data", "/data", false, ""}};
    }
    docker::create_volume(c, cluster::var_volume(node), plan.labels);
    docker::create_volume(c, cluster::etc_volume(node), plan.labels);
    docker::create_container(c, s);
    docker::start_container(c, node.container);
    // the image links a few of busybox's tools; write_file needs mkdir
    docker::exec_check(c, node.container, {"busybox", "--install", "-s", "/bin"});
  }
  return plan;
}

bool have_test_image() {
  auto c = docker::Client::from_env();
  if (docker::inspect_image(c, test_image)) return true;
  WARN("no " + test_image + " (the docker client tests make it): nothing checked");
  return false;
}

// Cluster 72's 1+1 nodes, removed at the end with whatever else the test made.
struct TestCluster {
  docker::Client c = docker::Client::from_env();
  Leftovers leftovers{c};
  cluster::Layout plan = make_nodes(c, "1");
  cluster::DockerProvider p{c};
};

} // namespace

TEST_CASE("docker provider: nodes listed with role and state, files, exec, pause, the complete mark, removal") {
  if (!have_test_image()) return;
  TestCluster t;
  auto [c, p, plan] = std::tie(t.c, t.p, t.plan);  // references into t
  const auto& master = plan.nodes[0].container;
  const auto& worker = plan.nodes[1].container;

  auto nodes = p.list(plan);
  REQUIRE(nodes.size() == 2);
  CHECK(std::count_if(nodes.begin(), nodes.end(), [&](auto& n) { return n.name == master && n.role == "master"; }) == 1);
  CHECK(state_of(p, plan, worker) == "running");
  auto api = p.apiserver(plan);
  CHECK(api.state == "running");
  CHECK_FALSE(api.port.empty());

  p.write_file(worker, "/tmp/dind/conf.yaml", "a: 1\n");
  CHECK(p.read_file(worker, "/tmp/dind/conf.yaml") == "a: 1\n");
  CHECK(p.exec(worker, {"sh", "-c", "stat -c %a /tmp/dind/conf.yaml"}).out == "600\n");
  auto r = p.exec(worker, {"cat"}, {"from stdin", {}, {}});
  CHECK(r.out == "from stdin");

  p.set_paused(worker, true);
  CHECK(state_of(p, plan, worker) == "paused");
  p.set_paused(worker, false);

  CHECK(p.has_state(plan));
  CHECK_FALSE(p.is_complete(plan));
  p.mark_complete(plan);
  CHECK(p.is_complete(plan));
  p.check_state(plan);
  auto other = test::layout_of({{"CLUSTER_ID", "72"}, {"NUM_NODES", "2"}});
  CHECK_THROWS_WITH(p.check_state(other), Catch::StartsWith("cluster cluster-72 has no kube-node-2-cluster-72: NUM_NODES"));
  auto fewer = test::layout_of({{"CLUSTER_ID", "72"}, {"NUM_NODES", "0"}});
  CHECK_THROWS_WITH(p.check_state(fewer), Catch::StartsWith("cluster cluster-72 has kube-node-1-cluster-72, which the plan has not"));

  p.remove_nodes({worker});
  CHECK(state_of(p, plan, worker) == "absent");
  CHECK(docker::inspect_volume(c, cluster::var_volume(plan.nodes[1])));
  p.remove_node(plan.nodes[1]);
  CHECK_FALSE(docker::inspect_volume(c, cluster::var_volume(plan.nodes[1])));
  p.remove_cluster(plan);
  CHECK(p.list(plan).empty());
  CHECK_FALSE(p.has_state(plan));
}

TEST_CASE("docker provider: what load and snapshots ask: images, a streamed exec, mounts, changes, archives out and in, a stop") {
  if (!have_test_image()) return;
  TestCluster t;
  auto [c, p, plan] = std::tie(t.c, t.p, t.plan);  // references into t
  const auto& master = plan.nodes[0].container;
  const auto& worker = plan.nodes[1].container;

  auto image = p.image(test_image);
  REQUIRE(image);
  CHECK(util::starts_with(image->id, "sha256:"));
  CHECK(image->kubernetes_version.empty());  // not a node image
  CHECK(image->size > 0);
  CHECK_FALSE(p.image("dind-test-absent:0"));
  CHECK(p.node_image(master).id == image->id);
  std::string saved;
  p.save_images({test_image}, [&](std::string_view d) { saved.append(d); });
  CHECK(saved.find("manifest.json") != std::string::npos);

  auto stream = p.exec_stream(worker, {"sh", "-c", "cat > /streamed && wc -c < /streamed"});
  stream->write("abc");
  stream->write("de");
  auto r = stream->finish();
  CHECK(r.exit_code == 0);
  CHECK(util::trim(r.out) == "5");
  auto changes = p.changes(worker);
  CHECK(std::find(changes.begin(), changes.end(), std::make_pair(std::string("/streamed"), 1)) != changes.end());
  std::string archive;
  p.archive_from(worker, "/streamed", [&](std::string_view d) { archive.append(d); });
  CHECK(archive.find("abcde") != std::string::npos);

  CHECK(p.mounts(master) == std::vector<std::string>{"/data"});  // its /var is its own
  CHECK(p.mounts(worker).empty());
  std::ostringstream tar;
  util::tar::Writer w(tar);
  w.add_data("put/file", "restored");
  w.finish();
  p.stop_nodes({master});
  CHECK(state_of(p, plan, master) == "exited");
  // a stopped node takes an archive into its volume
  p.archive_into(master, "/var", [&](const cluster::Sink& put) { put(tar.str()); });
  docker::start_container(c, master);
  CHECK(p.read_file(master, "/var/put/file") == "restored");
  p.remove_cluster(plan);
  CHECK_THROWS_WITH(p.mounts(master), master + " is gone");
}
