#include "cluster/config.hpp"
#include "cluster/kubeconfig.hpp"
#include "cluster/lifecycle.hpp"
#include "fake_provider.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

cluster::Config one_worker() {
  cluster::Config config;
  config.values = {{"NUM_NODES", "1"}};
  return config;
}

} // namespace

TEST_CASE("down on a provider: the node containers removed, the DNS64/NAT64 helpers kept") {
  test::FakeProvider provider;
  provider.nodes = {{"kube-master", "master", "running"}, {"kube-node-1", "worker", "exited"}, {"bind9", "dns64", "running"}};
  util::Steps steps(true, false);
  cluster::down(provider, steps, one_worker());
  CHECK(provider.recorded() == std::vector<std::string>{"remove_nodes kube-master kube-node-1"});
}

TEST_CASE("clean on a provider: everything of the cluster removed, and its kubectl context") {
  test::Home home;
  cluster::merge_context("dind", "clusters:\n- cluster: {certificate-authority-data: Q0E=}\nusers:\n- user: {client-certificate-data: "
                                 "Q0U=, client-key-data: S0U=}\n", 16443);
  REQUIRE(home.kubeconfig().find("name: dind") != std::string::npos);
  test::FakeProvider provider;
  util::Steps steps(true, false);
  cluster::clean(provider, steps, one_worker());
  CHECK(provider.recorded() == std::vector<std::string>{"remove_cluster default"});
  CHECK(home.kubeconfig().find("name: dind") == std::string::npos);
}

TEST_CASE("pause on a provider: running nodes paused, paused ones left; a stopped node refused") {
  test::FakeProvider provider;
  util::Steps steps(true, false);
  provider.nodes = {{"kube-master", "master", "paused"}, {"kube-node-1", "worker", "running"}};
  cluster::pause(provider, steps, one_worker());
  CHECK(provider.recorded() == std::vector<std::string>{"pause kube-node-1"});
  provider.nodes[1].state = "exited";
  CHECK_THROWS_WITH(cluster::unpause(provider, steps, one_worker()), "node kube-node-1 is exited, not paused: `kubectl dind up` first");
  provider.nodes.clear();
  CHECK_THROWS_WITH(cluster::pause(provider, steps, one_worker()), "cluster default has no nodes: `kubectl dind up` first");
}

TEST_CASE("status on a provider: the nodes master first, up when the API server is ready") {
  test::FakeProvider provider;
  provider.nodes = {{"kube-node-1", "worker", "running"}, {"bind9", "dns64", "running"}, {"kube-master", "master", "running"}};
  auto s = cluster::status(provider, one_worker());
  CHECK(s.exists);
  CHECK(s.up);
  CHECK(s.endpoint == "https://127.0.0.1:16443");
  REQUIRE(s.nodes.size() == 2);
  CHECK(s.nodes[0].name == "kube-master");
  CHECK(provider.recorded() == std::vector<std::string>{"exec kube-master kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw /readyz"});

  provider.answer = [](const std::string&, const std::vector<std::string>&) { return docker::ExecResult{1, "", "refused"}; };
  CHECK_FALSE(cluster::status(provider, one_worker()).up);
  provider.nodes[0].state = "exited";
  provider.answer = nullptr;
  auto down = cluster::status(provider, one_worker());
  CHECK_FALSE(down.up);
  CHECK(down.to_table().find("cluster default: down") == 0);
}

TEST_CASE("status across engines: each node's engine in a HOST column and in the JSON, none on one engine") {
  test::FakeProvider provider;
  provider.nodes = {{"kube-master", "master", "running"}, {"kube-node-1", "worker", "running"}};
  auto one = cluster::status(provider, one_worker());
  CHECK(one.to_table().find("HOST") == std::string::npos);
  CHECK(one.to_json().find("\"host\"") == std::string::npos);
  provider.nodes[0].host = "unix:///run/a.sock";
  provider.nodes[1].host = "ssh://me@10.0.0.2";
  auto two = cluster::status(provider, one_worker());
  auto table = two.to_table();
  CHECK(table.find(" HOST\n") != std::string::npos);
  CHECK(table.find("kube-node-1 ") != std::string::npos);
  CHECK(table.find(" ssh://me@10.0.0.2\n") != std::string::npos);
  CHECK(two.to_json().find("\"host\": \"unix:///run/a.sock\"") != std::string::npos);
}
