#include "cluster/kubeadm.hpp"

#include <catch2/catch.hpp>

using namespace dind;

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
  CHECK(init.find("evictionHard:\n  memory.available: \"100Mi\"\n") != std::string::npos);
  CHECK(init.find("- name: unsafe-no-fsync\n      value: \"true\"") != std::string::npos);
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

TEST_CASE("a fractional CPU limit reserves the rest of the last CPU, so allocatable is the limit") {
  auto plan = net::make_plan(net::PlanInput::from([](const std::string& k) -> std::optional<std::string> {
    if (k == "NUM_NODES") return std::string("2");
    if (k == "NODE_CPUS") return std::string("1.5");
    if (k == "MASTER_CPUS") return std::string("2");
    return std::nullopt;
  }));
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables"};
  CHECK(cluster::join_config(in, 1).find("  - name: system-reserved\n    value: \"cpu=500m\"\n") != std::string::npos);
  CHECK(cluster::init_config(in).find("system-reserved") == std::string::npos);  // whole CPUs: nothing to reserve
  plan.nodes[2].nano_cpus = 250000000;
  CHECK(cluster::join_config(in, 2).find("value: \"cpu=750m\"") != std::string::npos);
}
