#include "cluster/config.hpp"
#include "cluster/kubeadm.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace dind;

TEST_CASE("config layering: flags win, then env, then file") {
  std::string path = "/tmp/dind-config-test.sh";
  std::ofstream(path) << "# config.sh\nexport NUM_NODES=5\nCLUSTER_ID=\"7\"\nIP_MODE=${IP_MODE:-dual-stack}\nDIND_IMAGE=x:1\n";
  ::setenv("CLUSTER_ID", "8", 1);
  auto c = cluster::load_config({{"NUM_NODES", "3"}}, path);
  CHECK(c.get("NUM_NODES") == "3");
  CHECK(c.sources.at("NUM_NODES") == "flag");
  CHECK(c.get("CLUSTER_ID") == "8");
  CHECK(c.sources.at("CLUSTER_ID") == "env");
  CHECK(c.get("IP_MODE") == "dual-stack");
  CHECK(c.sources.at("IP_MODE") == "file");
  CHECK(c.get("CNI_PLUGIN") == "bridge");
  ::unsetenv("CLUSTER_ID");
}

TEST_CASE("config refusals name the variable") {
  std::string path = "/tmp/dind-config-bad.sh";
  std::ofstream(path) << "NUM_NODE=3\n";
  CHECK_THROWS_WITH(cluster::load_config({}, path), Catch::Contains("unknown variable NUM_NODE"));
  CHECK_THROWS_WITH(cluster::load_config({{"CNI_PLUGIN", "kube-router"}, {"DIND_IMAGE", "x"}}, ""), Catch::Contains("IP_VS"));
  CHECK_THROWS_WITH(cluster::load_config({{"KUBE_PROXY_MODE", "ipvs"}, {"DIND_IMAGE", "x"}}, ""), Catch::Contains("IP_VS"));
  CHECK_THROWS_AS(cluster::load_config({{"APISERVER_PORT", "70000"}, {"DIND_IMAGE", "x"}}, ""), UsageError);
}

TEST_CASE("kubeadm configs carry the plan") {
  auto plan = net::make_plan(net::PlanInput::from([](const std::string& k) -> std::optional<std::string> {
    if (k == "IP_MODE") return std::string("dual-stack");
    if (k == "CLUSTER_ID") return std::string("3");
    return std::nullopt;
  }));
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables"};
  std::string init = cluster::init_config(in);
  CHECK(init.find("advertiseAddress: \"10.192.3.2\"") != std::string::npos);
  CHECK(init.find("podSubnet: \"10.244.0.0/16,fd00:40::/72\"") != std::string::npos);
  CHECK(init.find("value: \"10.192.3.2,fd00:20:3::2\"") != std::string::npos);
  CHECK(init.find("maxPerCore: 0") != std::string::npos);
  CHECK(init.find("name: kube-master-cluster-3") != std::string::npos);
  CHECK(init.find("taints") == std::string::npos);  // workers run the pods
  std::string join = cluster::join_config(in, 2);
  CHECK(join.find("apiServerEndpoint: \"10.192.3.2:6443\"") != std::string::npos);
  CHECK(join.find("name: kube-node-2-cluster-3") != std::string::npos);
  CHECK(cluster::host_port("fd00::2", 6443) == "[fd00::2]:6443");
  auto single = net::make_plan(net::PlanInput::from([](const std::string& k) -> std::optional<std::string> {
    if (k == "NUM_NODES") return std::string("0");
    return std::nullopt;
  }));
  CHECK(cluster::init_config({single, "v1.34.4", "abcdef.0123456789abcdef", "iptables"}).find("  taints: []\n") != std::string::npos);
  auto t = cluster::random_token();
  CHECK(t.size() == 23);
  CHECK(t[6] == '.');
}
