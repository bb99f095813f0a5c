#include "cluster/actions/action.hpp"
#include "fake_provider.hpp"
#include "layout_fixture.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace dind;

namespace {

// The plan's nodes, running, as the provider lists them.
void nodes_running(test::FakeRun& run) {
  for (size_t i = 0; i < run.layout.nodes.size(); ++i) {
    run.provider.nodes.push_back({run.layout.nodes[i].container, run.layout.is_control_plane(i) ? "master" : "worker", "running"});
  }
}

const std::string fresh = "2999-01-01T00:00:00Z", stale = "2000-01-01T00:00:00Z";

} // namespace

TEST_CASE("wait_ready: polls kubectl on the master until every node is Ready and CoreDNS available") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  nodes_running(run);
  std::atomic<int> asked{0};
  auto ready = test::all_ready(run.layout);
  run.provider.answer = [&](const std::string& node, const std::vector<std::string>& cmd) -> docker::ExecResult {
    if (cmd.at(0) == "dind-net") return {0, "", ""};
    CHECK(node == "kube-master");
    // the API server first, then heartbeats from before the start, then Ready
    if (test::kubectl_args(cmd) == test::cluster_query && ++asked < 3) {
      if (asked == 1) return {1, "", "The connection to the server was refused"};
      return {0, test::cluster_json(run.layout, "True", stale, fresh), ""};
    }
    return ready(node, cmd);
  };
  cluster::wait_ready()->execute(run.ctx);
  CHECK(asked == 3);
}

TEST_CASE("wait_ready: then DNS must answer from every node (its kube-proxy may lag CoreDNS)") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  nodes_running(run);
  std::atomic<int> probes{0};
  auto ready = test::all_ready(run.layout);
  run.provider.answer = [&](const std::string& node, const std::vector<std::string>& cmd) -> docker::ExecResult {
    if (cmd.at(0) != "dind-net") return ready(node, cmd);
    CHECK(util::join(cmd, " ") == "dind-net dns-probe 10.96.0.10 kubernetes.default.svc.cluster.local");
    ++probes;
    // the worker's kube-proxy refuses the DNS port the first time it is asked
    return {node == "kube-node-1" && probes <= 2 ? 1 : 0, "", ""};
  };
  cluster::wait_ready()->execute(run.ctx);
  CHECK(probes == 4);  // two nodes, twice

  run.spec.wait = std::chrono::seconds(1);
  run.provider.answer = [&](const std::string& node, const std::vector<std::string>& cmd) -> docker::ExecResult {
    if (cmd.at(0) != "dind-net") return ready(node, cmd);
    return {node == "kube-node-1" ? 1 : 0, "", ""};
  };
  CHECK_THROWS_WITH(cluster::wait_ready()->execute(run.ctx), "timed out after 1s (DIND_WAIT) waiting for DNS from kube-node-1");
  // an older node image without the probe (CLI11's exit for an unknown subcommand) is not waited for
  run.provider.answer = [&](const std::string& node, const std::vector<std::string>& cmd) -> docker::ExecResult {
    if (cmd.at(0) != "dind-net") return ready(node, cmd);
    return {109, "", "The following argument was not expected: dns-probe"};
  };
  cluster::wait_ready()->execute(run.ctx);
}

TEST_CASE("wait_ready: a node that stopped ends the wait at once") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  nodes_running(run);
  run.provider.nodes[1].state = "exited";
  run.provider.answer = test::all_ready(run.layout);
  CHECK_THROWS_WITH(cluster::wait_ready()->execute(run.ctx), "kube-node-1 is exited, not running");
  CHECK(run.provider.recorded("exec").empty());
}

TEST_CASE("wait_ready: at DIND_WAIT it names what is missing and the last line a crash-looping pod wrote") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  run.spec.wait = std::chrono::seconds(1);
  nodes_running(run);
  run.provider.answer = [&](const std::string&, const std::vector<std::string>& cmd) -> docker::ExecResult {
    std::string args = test::kubectl_args(cmd);
    if (args == test::cluster_query) {
      // the worker NotReady, CoreDNS's pod not there, kube-proxy crash-looping
      auto state = test::cluster_json(run.layout, "True", fresh);
      state.replace(state.rfind(R"("status":"True")"), 15, R"("status":"False")");
      return {0, state.substr(0, state.size() - 2) +
                     R"(,{"kind":"Deployment","metadata":{"name":"coredns","namespace":"kube-system"},"spec":{"replicas":1}},)"
                     R"({"kind":"Pod","metadata":{"name":"kube-proxy-x","namespace":"kube-system"},)"
                     R"("status":{"containerStatuses":[{"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}]})", ""};
    }
    if (args == "-n kube-system logs kube-proxy-x --previous --tail=1") return {0, "starting\ntoo many open files\n", ""};
    return {1, "", "unexpected"};
  };
  CHECK_THROWS_WITH(cluster::wait_ready()->execute(run.ctx),
                    "timed out after 1s (DIND_WAIT) waiting for kube-node-1 NotReady, kube-proxy-x crash-looping, coredns 0/1 "
                    "ready; kube-proxy-x: too many open files");
}

TEST_CASE("wait_ready: a pod kubelet set aside for want of the services is annotated, so kubelet retries it now") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "0"}}));
  nodes_running(run);
  auto ready = test::all_ready(run.layout);
  std::atomic<int> polls{0};
  run.provider.answer = [&](const std::string& node, const std::vector<std::string>& cmd) -> docker::ExecResult {
    std::string args = test::kubectl_args(cmd);
    // kube-proxy waits on the first poll; on the second it runs
    if (args == test::cluster_query && ++polls == 1) {
      return {0, R"({"items":[{"kind":"Pod","metadata":{"name":"kube-proxy-x","namespace":"kube-system"},"status":{"containerStatuses":[)"
                 R"({"state":{"waiting":{"reason":"CreateContainerConfigError","message":"services have not yet been read at least once, cannot construct envvars"}}}]}}]})", ""};
    }
    if (util::starts_with(args, "-n kube-system annotate")) return {1, "", "Error from server (NotFound)"};  // also when it fails
    return ready(node, cmd);
  };
  cluster::wait_ready()->execute(run.ctx);
  auto annotated = run.provider.recorded("exec kube-master kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system annotate pod kube-proxy-x --overwrite dind.io/retried-at=");
  CHECK(annotated.size() == 1);
  CHECK(polls == 2);
}

TEST_CASE("wait_ready: join waits for its own node alone") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "2"}}));
  nodes_running(run);
  run.ctx.first_new = 2;
  run.provider.answer = test::all_ready(run.layout);
  cluster::wait_ready()->execute(run.ctx);
  CHECK(run.provider.recorded("exec kube-master kubectl --kubeconfig /etc/kubernetes/admin.conf " + test::cluster_query).empty());
  CHECK(run.provider.recorded("exec kube-master kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json").size() == 1);
}

TEST_CASE("wait_ready: an API server that never answers is named with its last refusal") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "0"}}));
  nodes_running(run);
  run.spec.wait = std::chrono::seconds(1);
  run.provider.answer = [&](const std::string&, const std::vector<std::string>&) -> docker::ExecResult {
    return {1, "", "The connection to the server 10.192.0.2:6443 was refused - did you specify the right host or port?"};
  };
  CHECK_THROWS_WITH(cluster::wait_ready()->execute(run.ctx),
                    Catch::StartsWith("timed out after 1s (DIND_WAIT) waiting for the API server (kube-master: kubectl") &&
                        Catch::EndsWith("6443 was refused - did you specify the right host or port?)"));
}
