#include "cluster/actions/action.hpp"
#include "cluster/lifecycle.hpp"
#include "fake_provider.hpp"
#include "layout_fixture.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace dind;

namespace {

const char* admin = "clusters:\n- name: kubernetes\n  cluster: {certificate-authority-data: Q0E=}\n"
                    "users:\n- name: kubernetes-admin\n  user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}\n";

// up's run on a fake provider whose nodes come up Ready.
void script_up(test::FakeRun& run) {
  run.provider.answer = test::all_ready(run.layout);
  run.provider.files["kube-master:/usr/bin/kubectl"] = "#!/bin/sh\n";
  run.provider.files["kube-master:" + std::string(cluster::admin_conf)] = admin;
  // the CA pin from the user: the fake master has no certificate to hash
  run.ctx.kubeadm_args.discovery.ca_cert_hashes = {"sha256:aa"};
}

// Where the first recorded call starting with prefix is.
size_t first(const std::vector<std::string>& calls, const std::string& prefix) {
  auto it = std::find_if(calls.begin(), calls.end(), [&](auto& c) { return c.rfind(prefix, 0) == 0; });
  REQUIRE(it != calls.end());
  return static_cast<size_t>(it - calls.begin());
}

} // namespace

TEST_CASE("up on a provider: every node provisioned, the actions in order, the cluster marked complete") {
  test::Home home;
  test::FakeRun run(test::layout_of({{"NUM_NODES", "2"}}));
  script_up(run);
  cluster::make_cluster(run.ctx, cluster::create_actions(run.layout, "", cluster::CniPlugin::bridge), false);

  auto calls = run.provider.recorded();
  CHECK(run.provider.recorded("provision") == std::vector<std::string>{"provision kube-master kube-node-1 kube-node-2"});
  for (auto* node : {"kube-master", "kube-node-1", "kube-node-2"}) {
    CHECK(run.provider.recorded("write " + std::string(node) + " /etc/dind/plan.json").size() == 1);
    CHECK(run.provider.recorded("exec " + std::string(node) + " sh -s").size() == 1);  // routes and CNI config
  }
  for (auto* worker : {"kube-node-1", "kube-node-2"}) {
    CHECK(run.provider.recorded("exec " + std::string(worker) + " kubeadm join --config /etc/dind/kubeadm-join.yaml").size() == 1);
  }
  // kind's order: nodes, pod network, init, joins, the wait, the kubeconfig, then the mark
  std::vector<size_t> order = {first(calls, "provision"), first(calls, "exec kube-master sh -s"),
                               first(calls, "exec kube-master kubeadm init"), first(calls, "exec kube-node-1 kubeadm join"),
                               first(calls, "exec kube-master kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes"),
                               first(calls, "read kube-master /etc/kubernetes/admin.conf"), first(calls, "mark_complete default")};
  CHECK(std::is_sorted(order.begin(), order.end()));
  CHECK(run.provider.recorded("remove_cluster").empty());
  CHECK(run.provider.complete);
  CHECK(home.kubeconfig().find("server: https://127.0.0.1:16443") != std::string::npos);
}

TEST_CASE("up on a provider: an action that fails removes the cluster, and names its step; --retain keeps it") {
  test::Home home;
  for (bool retain : {false, true}) {
    test::FakeRun run(test::layout_of({{"NUM_NODES", "2"}}));
    script_up(run);
    run.provider.fail_on = "exec kube-master kubeadm init";
    try {
      cluster::make_cluster(run.ctx, cluster::create_actions(run.layout, "", cluster::CniPlugin::bridge), retain);
      FAIL("make_cluster did not throw");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).rfind("starting control-plane on kube-master (kubeadm init): fake: exec kube-master kubeadm init", 0) == 0);
    }
    CHECK(run.provider.recorded("remove_cluster default").size() == (retain ? 0u : 1u));
    CHECK(run.provider.recorded("mark_complete").empty());
    CHECK(run.provider.recorded("exec kube-node-1 kubeadm join").empty());  // nothing after the failed step
    CHECK_FALSE(run.provider.complete);
  }
}

TEST_CASE("up on a provider: a failure while the nodes are made removes what there is") {
  test::Home home;
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  script_up(run);
  run.provider.fail_on = "provision";
  CHECK_THROWS_WITH(cluster::make_cluster(run.ctx, cluster::create_actions(run.layout, "", cluster::CniPlugin::bridge), false),
                    Catch::StartsWith("creating 2 nodes (dind-node:test): fake: provision"));
  CHECK(run.provider.recorded() == std::vector<std::string>{"image dind-node:test", "provision kube-master kube-node-1",
                                                            "remove_cluster default"});
}

TEST_CASE("reup on a provider: the nodes restarted, no kubeadm; one that never finished kubeadm init is refused") {
  test::Home home;
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  script_up(run);
  run.provider.nodes = {{"kube-master", "master", "running"}, {"kube-node-1", "worker", "running"}};
  cluster::run_actions(run.ctx, cluster::restart_actions(run.layout, ""));
  auto calls = run.provider.recorded();
  CHECK(first(calls, "restart") < first(calls, "exec kube-master test -f /etc/kubernetes/admin.conf"));
  CHECK(run.provider.recorded("provision").empty());
  CHECK(run.provider.recorded("exec kube-master kubeadm").empty());
  CHECK(run.provider.recorded("exec kube-node-1 kubeadm").empty());

  auto ready = test::all_ready(run.layout);
  run.provider.answer = [&](const std::string& node, const std::vector<std::string>& cmd) -> docker::ExecResult {
    if (cmd.at(0) == "test") return {1, "", ""};
    return ready(node, cmd);
  };
  CHECK_THROWS_WITH(cluster::run_actions(run.ctx, cluster::restart_actions(run.layout, "")),
                    "restarting 2 nodes: cluster default never finished kubeadm init: remove it with `kubectl dind clean`");
}

TEST_CASE("join on a provider: the new node alone made, joined and waited for; every node gets the new plan") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "2"}}));
  script_up(run);
  run.provider.nodes = {{"kube-master", "master", "running"}, {"kube-node-1", "worker", "running"}};
  run.ctx.first_new = 2;
  cluster::KubeadmArgs args;
  cluster::add_node(run.ctx, cluster::join_actions(args, cluster::CniPlugin::bridge), false);
  CHECK(run.provider.recorded("provision") == std::vector<std::string>{"provision kube-node-2"});
  CHECK(run.provider.recorded("write kube-master /etc/dind/plan.json").size() == 1);
  CHECK(run.provider.recorded("write kube-node-1 /etc/dind/plan.json").size() == 1);
  CHECK(run.provider.recorded("exec kube-master kubeadm token create").size() == 1);
  auto joins = run.provider.recorded("exec kube-node-");
  CHECK(std::count_if(joins.begin(), joins.end(), [](auto& c) { return c.find("kubeadm join") != std::string::npos; }) == 1);
  CHECK(run.provider.recorded("exec kube-node-2 kubeadm join").size() == 1);
  CHECK(run.provider.recorded("remove").empty());
}

TEST_CASE("join on a provider: a failed join removes its node alone, and its Node object; --retain keeps it") {
  for (bool retain : {false, true}) {
    test::FakeRun run(test::layout_of({{"NUM_NODES", "2"}}));
    script_up(run);
    run.ctx.first_new = 2;
    run.provider.fail_on = "exec kube-node-2 kubeadm join";
    cluster::KubeadmArgs args;
    CHECK_THROWS_WITH(cluster::add_node(run.ctx, cluster::join_actions(args, cluster::CniPlugin::bridge), retain),
                      Catch::StartsWith("joining kube-node-2 (kubeadm join): fake: exec kube-node-2 kubeadm join"));
    CHECK(run.provider.recorded("remove") == (retain ? std::vector<std::string>{} : std::vector<std::string>{"remove_node kube-node-2"}));
    CHECK(run.provider.recorded("exec kube-master kubectl --kubeconfig /etc/kubernetes/admin.conf delete node kube-node-2 "
                                "--ignore-not-found").size() == (retain ? 0u : 1u));
  }
}

TEST_CASE("up on a provider with several control planes: the load balancer after the nodes, the control planes join in turn") {
  test::Home home;
  test::FakeRun run(test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "1"}}));
  script_up(run);
  cluster::make_cluster(run.ctx, cluster::create_actions(run.layout, "dind-lb:x", cluster::CniPlugin::bridge), false);
  auto calls = run.provider.recorded();
  std::vector<size_t> order = {first(calls, "provision kube-master kube-master-2 kube-master-3 kube-node-1"),
                               first(calls, "start_load_balancer dind-lb:x"), first(calls, "exec kube-master kubeadm init"),
                               first(calls, "exec kube-master-2 kubeadm join"), first(calls, "exec kube-master-3 kubeadm join"),
                               first(calls, "exec kube-node-1 kubeadm join"), first(calls, "mark_complete")};
  CHECK(std::is_sorted(order.begin(), order.end()));
  CHECK(run.provider.recorded("exec kube-master kubeadm init --config /etc/dind/kubeadm.yaml --skip-token-print "
                              "--skip-certificate-key-print --upload-certs").size() == 1);
}

TEST_CASE("up on a provider, IPv6-only: the DNS64 and NAT64 helpers before the pod network") {
  test::Home home;
  test::FakeRun run(test::layout_of({{"NUM_NODES", "0"}, {"IP_MODE", "ipv6"}}));
  script_up(run);
  cluster::make_cluster(run.ctx, cluster::create_actions(run.layout, "", cluster::CniPlugin::bridge), false);
  auto calls = run.provider.recorded();
  CHECK(first(calls, "provision") < first(calls, "start_nat64"));
  CHECK(first(calls, "start_nat64") < first(calls, "exec kube-master sh -s"));
}

TEST_CASE("a control plane's failed join names a load balancer that stopped, with haproxy's last line") {
  test::FakeRun run(test::layout_of({{"NUM_CONTROL_PLANES", "2"}, {"NUM_NODES", "0"}}));
  script_up(run);
  run.provider.nodes = {{"kube-master", "master", "running"}, {"kube-master-2", "master", "running"}, {"kube-lb", "lb", "exited"}};
  run.provider.logs_of["kube-lb"] = "[NOTICE] haproxy started\n[ALERT] config: cannot bind socket\n";
  run.provider.fail_on = "exec kube-master-2 kubeadm join";
  CHECK_THROWS_WITH(cluster::join_control_planes()->execute(run.ctx), "load balancer kube-lb is exited: [ALERT] config: cannot bind socket");
  run.provider.nodes[2].state = "running";
  CHECK_THROWS_WITH(cluster::join_control_planes()->execute(run.ctx), Catch::StartsWith("fake: exec kube-master-2 kubeadm join"));
}

TEST_CASE("run_actions: a failure names its step in lower case, an acronym as it is") {
  struct Failing : cluster::Action {
    std::string name;
    explicit Failing(std::string n) : name(std::move(n)) {}
    std::string title(const cluster::Context&) const override { return name; }
    void execute(cluster::Context&) override { throw Error("it broke"); }
  };
  test::FakeRun run(test::layout_of({}));
  for (auto [title, said] : std::vector<std::pair<std::string, std::string>>{
           {"Creating 1 nodes", "creating 1 nodes: it broke"}, {"DNS64 and NAT64 (bind9)", "DNS64 and NAT64 (bind9): it broke"}}) {
    std::vector<std::unique_ptr<cluster::Action>> actions;
    actions.push_back(std::make_unique<Failing>(title));
    CHECK_THROWS_WITH(cluster::run_actions(run.ctx, actions), said);
  }
}
