#include "dump/blob.hpp"
#include "dump/collect.hpp"
#include "../cluster/fake_provider.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace dind;

namespace {

std::string collect(test::FakeProvider& provider) {
  cluster::Config config;
  config.values = {{"NUM_NODES", "1"}};
  std::ostringstream out;
  dump::DumpWriter w(out, false, dump::Codec::zstd);
  dump::collect(provider, config, w, true);
  w.finish();
  return out.str();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("dump on a provider: each node's state, the load balancer apart, the cluster's objects from a running control plane") {
  test::FakeProvider provider;
  provider.nodes = {{"kube-node-1", "worker", "exited"}, {"kube-lb", "lb", "running"}, {"kube-master", "master", "running"}};
  provider.files["kube-lb:/usr/local/etc/haproxy/haproxy.cfg"] = "frontend kube-api\n";
  provider.answer = [](const std::string& node, const std::vector<std::string>& cmd) -> docker::ExecResult {
    if (test::kubectl_args(cmd) == "get pods --all-namespaces -o json") {
      return {0, R"({"items":[{"metadata":{"namespace":"kube-system","name":"coredns-1"},"status":{"containerStatuses":[{"name":"coredns","restartCount":0}]}}]})", ""};
    }
    return {0, node + " answers " + cmd.at(0) + "\n", ""};
  };
  auto text = collect(provider);
  CHECK(has(text, "@@@ nodes/kube-node-1/DOWN @@@\nkube-node-1 is exited"));
  CHECK(has(text, "@@@ nodes/kube-master/kubelet.journal @@@\nkube-master answers journalctl"));
  CHECK(has(text, "@@@ lb/kube-lb/haproxy.cfg @@@\nfrontend kube-api"));
  CHECK_FALSE(has(text, "nodes/kube-lb/"));
  CHECK(has(text, "@@@ cluster/nodes @@@\nkube-master answers kubectl"));
  CHECK(has(text, "@@@ pods/kube-system/coredns-1/coredns.log @@@"));
  CHECK(provider.recorded("exec kube-node-1").empty());
  CHECK(provider.recorded("logs") == std::vector<std::string>{"logs kube-lb"});
}

TEST_CASE("dump on a provider: no control plane runs, no cluster objects; no nodes, the planned ones said missing") {
  test::FakeProvider provider;
  auto text = collect(provider);
  CHECK(has(text, "@@@ nodes/kube-master/DOWN @@@\nkube-master is missing"));
  CHECK(has(text, "@@@ nodes/kube-node-1/DOWN @@@\nkube-node-1 is missing"));
  CHECK(has(text, "@@@ cluster/UNAVAILABLE @@@\nno control plane of default runs"));
  CHECK(provider.recorded().empty());
}
