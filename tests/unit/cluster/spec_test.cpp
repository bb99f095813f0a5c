#include "cluster/actions/action.hpp"
#include "cluster/config.hpp"
#include "cluster/spec.hpp"
#include "fake_provider.hpp"
#include "layout_fixture.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("cluster spec: the variables read once into typed fields") {
  auto config = cluster::load_config({{"DIND_IMAGE", "dind-node:x"}, {"CNI_PLUGIN", "ptp"}, {"KUBE_PROXY_MODE", "nftables"},
                                      {"DIND_WAIT", "60"}, {"APISERVER_PORT", "6444"}, {"DIND_PORT_FORWARDER", "/bin/fwd"},
                                      {"EXTRA_PORTS", "8080:80"}, {"FEATURE_GATES", "Foo=true"}},
                                     "");
  auto spec = cluster::cluster_spec(config);
  CHECK(spec.image == "dind-node:x");
  CHECK(spec.cni == cluster::CniPlugin::ptp);
  CHECK(spec.kube_proxy == cluster::ProxyMode::nftables);
  CHECK(spec.wait == std::chrono::seconds(60));
  CHECK(spec.apiserver_port == 6444);
  CHECK(spec.apiserver_address == "127.0.0.1");
  CHECK(spec.port_forwarder == "/bin/fwd");
  REQUIRE(spec.node_options.master_ports.size() == 1);
  CHECK(spec.node_options.master_ports[0].host_port == "8080");
  CHECK(spec.components.key() == config.components().key());
  CHECK(cluster::to_string(spec.cni) == "ptp");
  CHECK(cluster::to_string(spec.kube_proxy) == "nftables");
}

TEST_CASE("cluster spec: a value dind cannot take is refused there, naming the variable") {
  cluster::Config config;
  config.values = {{"DIND_IMAGE", "x"}, {"CNI_PLUGIN", "cilium"}, {"KUBE_PROXY_MODE", "iptables"}, {"DIND_WAIT", "300"}};
  CHECK_THROWS_AS(cluster::cluster_spec(config), UsageError);
  CHECK_THROWS_WITH(cluster::cluster_spec(config), "CNI_PLUGIN: 'cilium' is not supported: bridge, ptp or flannel");
  config.values["CNI_PLUGIN"] = "bridge";
  config.values["KUBE_PROXY_MODE"] = "userspace";
  CHECK_THROWS_WITH(cluster::cluster_spec(config), "KUBE_PROXY_MODE: 'userspace' is not supported: iptables or nftables");
  config.values["KUBE_PROXY_MODE"] = "iptables";
  config.values["DIND_WAIT"] = "0";
  CHECK_THROWS_WITH(cluster::cluster_spec(config), Catch::Contains("DIND_WAIT"));
}

TEST_CASE("cluster spec: the pod network action installs the spec's CNI plugin on every node") {
  test::FakeRun run(test::layout_of({{"NUM_NODES", "1"}}));
  run.spec.cni = cluster::CniPlugin::ptp;
  auto action = cluster::pod_network();
  CHECK(action->title(run.ctx) == "Installing the pod network (ptp CNI, routes kept by dind-net)");
  action->execute(run.ctx);
  for (auto* node : {"kube-master", "kube-node-1"}) {
    CHECK(run.provider.inputs.at(node).find("dind-net cni --plugin ptp\n") != std::string::npos);
  }
}
