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

#include <catch2/catch.hpp>

#include <algorithm>

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

} // namespace

TEST_CASE("docker provider: nodes listed with role and state, files, exec, pause, the complete mark, removal") {
  auto c = docker::Client::from_env();
  if (!docker::inspect_image(c, test_image)) {
    WARN("no " + test_image + " (the docker client tests make it): nothing checked");
    return;
  }
  Leftovers leftovers{c};
  auto plan = test::layout_of({{"CLUSTER_ID", "72"}, {"NUM_NODES", "1"}});
  plan.labels["io.dind.test"] = "docker-provider";
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    const auto& node = plan.nodes[i];
    docker::ContainerSpec s;
    s.name = node.container;
    s.image = test_image;
    s.labels = plan.labels;
    s.labels[cluster::role_label] = i == 0 ? "master" : "worker";
    if (i == 0) s.ports = {{cluster::apiserver_port_key, "127.0.0.1", ""}};
    docker::create_volume(c, cluster::var_volume(node), plan.labels);
    docker::create_volume(c, cluster::etc_volume(node), plan.labels);
    docker::create_container(c, s);
    docker::start_container(c, node.container);
    // the image links a few of busybox's tools; write_file needs mkdir
    docker::exec_check(c, node.container, {"busybox", "--install", "-s", "/bin"});
  }
  cluster::DockerProvider p(c);
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
