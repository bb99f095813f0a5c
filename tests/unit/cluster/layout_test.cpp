#include "cluster/layout.hpp"
#include "util/error.hpp"

#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace dind;

namespace {

std::string refusal(const std::map<std::string, std::string>& env) {
  try {
    test::layout_of(env);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

} // namespace

TEST_CASE("default cluster: the seed's names and addresses") {
  auto p = test::layout_of({});
  CHECK(p.context == "dind");
  CHECK(p.suffix.empty());
  CHECK(p.network == "kubeadm-dind-net");
  REQUIRE(p.nodes.size() == 3);
  CHECK(p.nodes[0].container == "kube-master");
  CHECK(p.nodes[0].ipv4 == "10.192.0.2");
  CHECK(p.nodes[0].pod_cidrs == std::vector<std::string>{"10.244.2.0/24"});
  CHECK(p.nodes[2].container == "kube-node-2");
  CHECK(p.nodes[2].ipv4 == "10.192.0.4");
  CHECK(p.nodes[2].pod_cidrs == std::vector<std::string>{"10.244.4.0/24"});
  CHECK(p.services[0].str() == "10.96.0.0/12");
  CHECK(p.labels.at("mirantis.kubeadm_dind_cluster") == "1");
}

TEST_CASE("cluster id goes into the third octet and the hextet before ::") {
  auto p = test::layout_of({{"CLUSTER_ID", "10"}, {"IP_MODE", "dual-stack"}});
  CHECK(p.context == "dind-cluster-10");
  CHECK(p.nodes[1].container == "kube-node-1-cluster-10");
  CHECK(p.nodes[0].ipv4 == "10.192.10.2");
  CHECK(p.nodes[0].ipv6 == "fd00:20:10::2");
  CHECK(p.labels.count("cluster-10") == 1);
  auto q = test::layout_of({{"CLUSTER_ID", "10"}, {"IP_MODE", "ipv6"}, {"MGMT_CIDRS", "fd00:10:20::/64"}});
  CHECK(q.nodes[0].ipv6 == "fd00:10:20:10::2");
  CHECK(q.nat64_v4_subnet == "172.10.0.0/16");
  CHECK(test::layout_of({{"IP_MODE", "ipv6"}}).nat64_v4_subnet == "172.18.0.0/16");
  CHECK(test::layout_of({{"CLUSTER_ID", "2"}, {"IP_MODE", "ipv6"}}).mgmt[0].str() == "fd00:20:2::/64");
}

TEST_CASE("IPv6 only: the plan holds Docker's IPv4 stand-in subnet and the helpers' addresses") {
  auto p = test::layout_of({{"CLUSTER_ID", "7"}, {"IP_MODE", "ipv6"}});
  REQUIRE(p.v4_standin);
  CHECK(p.v4_standin->str() == "10.193.7.0/24");
  CHECK(p.dns64_ip == "fd00:20:7::100");
  CHECK(p.nat64_ip == "fd00:20:7::200");
  CHECK_FALSE(test::layout_of({{"IP_MODE", "dual-stack"}}).v4_standin);
  CHECK(test::layout_of({{"IP_MODE", "dual-stack"}}).dns64_ip.empty());
}

TEST_CASE("IPv6 pod subnets: the seed's /72 and /64 examples") {
  CHECK(test::layout_of({{"IP_MODE", "ipv6"}, {"POD_NETWORK_CIDR", "fd00:10:20:30::/72"}}).nodes[0].pod_cidrs[0] == "fd00:10:20:30:2::/80");
  CHECK(test::layout_of({{"IP_MODE", "ipv6"}, {"POD_NETWORK_CIDR", "fd00:10:20:30::/64"}}).nodes[0].pod_cidrs[0] == "fd00:10:20:30:200::/72");
  CHECK(test::layout_of({{"IP_MODE", "ipv6"}}).nodes[1].pod_cidrs[0] == "fd00:40:0:0:3::/80");
}

TEST_CASE("DIND_LABEL names resources and picks a stable id") {
  auto a = test::layout_of({{"DIND_LABEL", "foo"}});
  CHECK(a.context == "dind-foo");
  CHECK(a.nodes[0].container == "kube-master-foo");
  CHECK(a.cluster_id >= 1);
  CHECK(a.cluster_id <= 254);
  CHECK(test::layout_of({{"DIND_LABEL", "foo"}}).cluster_id == a.cluster_id);
  auto b = test::layout_of({{"DIND_LABEL", "foo"}, {"CLUSTER_ID", "5"}});
  CHECK(b.suffix == "-foo-5");
  CHECK(b.nodes[0].ipv4 == "10.192.5.2");
}

TEST_CASE("legacy DIND_SUBNET/DIND_SUBNET_SIZE") {
  CHECK(test::layout_of({{"DIND_SUBNET", "10.50.0.0"}, {"DIND_SUBNET_SIZE", "24"}}).nodes[0].ipv4 == "10.50.0.2");
  CHECK(test::layout_of({{"IP_MODE", "ipv6"}, {"DIND_SUBNET", "fd00:77::"}, {"CLUSTER_ID", "3"}}).nodes[0].ipv6 == "fd00:77:3::2");
}

TEST_CASE("every refusal names the variable and the rule") {
  CHECK(refusal({{"IP_MODE", "ipv5"}}) == "IP_MODE: 'ipv5' is not one of ipv4, ipv6, dual-stack");
  CHECK(refusal({{"CLUSTER_ID", "255"}}) == "CLUSTER_ID: '255' is not a number in 0..254");
  CHECK(refusal({{"CLUSTER_ID", "ten"}}) == "CLUSTER_ID: 'ten' is not a number in 0..254");
  CHECK(refusal({{"MGMT_CIDRS", "10.192.0.0/16"}}) == "MGMT_CIDRS: '10.192.0.0/16' must be a /24 (its third octet is the cluster id)");
  CHECK(refusal({{"IP_MODE", "ipv6"}, {"CLUSTER_ID", "1"}, {"MGMT_CIDRS", "fd00:1:2:3::/64"}}).find("no room for the cluster id") != std::string::npos);
  CHECK(refusal({{"POD_NETWORK_CIDR", "10.244.0.0/20"}}) == "POD_NETWORK_CIDR: '10.244.0.0/20' must be a /16 (split into a /24 per node)");
  CHECK(refusal({{"POD_NETWORK_CIDR", "10.96.0.0/16"}}) == "POD_NETWORK_CIDR: '10.96.0.0/16' overlaps SERVICE_CIDR '10.96.0.0/12'");
  CHECK(refusal({{"SERVICE_CIDR", "10.192.0.0/16"}}) == "SERVICE_CIDR: '10.192.0.0/16' overlaps MGMT_CIDRS '10.192.0.0/24'");
  CHECK(refusal({{"SERVICE_CIDR", "10.96.0/12"}}).find("SERVICE_CIDR: '10.96.0/12' is not a CIDR") == 0);
  CHECK(refusal({{"SERVICE_CIDR", "fd00:30::/110"}}) == "SERVICE_CIDR: 'fd00:30::/110' is IPv6 but IP_MODE is ipv4");
  CHECK(refusal({{"NUM_NODES", "-1"}}) == "NUM_NODES: '-1' is not a number in 0..100");
  CHECK(refusal({{"DIND_LABEL", "a b"}}).find("DIND_LABEL:") == 0);
  CHECK(refusal({{"IP_MODE", "ipv6"}, {"DNS64_PREFIX", "fd00:10:64:ff9b::/64"}}).find("DNS64_PREFIX:") == 0);
  CHECK(refusal({{"IP_MODE", "ipv6"}, {"CLUSTER_ID", "193"}, {"NAT64_V4_SUBNET_PREFIX", "10"}}) ==
        "NAT64_V4_SUBNET_PREFIX: '10.193.0.0/16' overlaps the IPv4 subnet beside the management network's IPv6 one '10.193.193.0/24'");
  CHECK(refusal({{"IP_MODE", "ipv6"}, {"MGMT_CIDRS", "fd00:20::/120"}}) ==
        "MGMT_CIDRS: 'fd00:20::/120' has no room for the DNS64 and NAT64 helpers (::100 and ::200)");
}

TEST_CASE("node limits: NODE_* for every node, MASTER_* instead for the master, typed in the node plan") {
  auto p = test::layout_of({{"NUM_NODES", "2"}, {"NODE_CPUS", "1.5"}, {"NODE_MEMORY", "2g"}, {"MASTER_MEMORY", "4096m"}});
  CHECK(p.nodes[0].nano_cpus == 1500000000);
  CHECK(p.nodes[0].memory_bytes == int64_t(4) << 30);
  CHECK(p.nodes[2].nano_cpus == 1500000000);
  CHECK(p.nodes[2].memory_bytes == int64_t(2) << 30);
  CHECK(p.to_json().find("\"nanoCpus\": 1500000000") != std::string::npos);
  CHECK(p.to_table().find("1.5 4g") != std::string::npos);

  auto none = test::layout_of({{"NUM_NODES", "1"}});
  CHECK_FALSE(none.nodes[1].limited());
  // an unlimited plan's JSON (the snapshot identity) is what it was before limits existed
  CHECK(none.to_json().find("nanoCpus") == std::string::npos);
  CHECK(none.to_table().find("CPUS") == std::string::npos);

  auto master_only = test::layout_of({{"NUM_NODES", "1"}, {"MASTER_CPUS", "2"}});
  CHECK(master_only.nodes[0].nano_cpus == 2000000000);
  CHECK_FALSE(master_only.nodes[1].limited());

  CHECK_THAT(refusal({{"NODE_MEMORY", "lots"}}), Catch::StartsWith("NODE_MEMORY: 'lots' is not an amount of memory"));
  CHECK_THAT(refusal({{"NODE_CPUS", "0"}}), Catch::StartsWith("NODE_CPUS: '0'"));
  CHECK_THAT(refusal({{"MASTER_CPUS", "two"}}), Catch::StartsWith("MASTER_CPUS: 'two'"));
  CHECK_THAT(refusal({{"MASTER_MEMORY", "64m"}}), Catch::Contains("256m"));
}

TEST_CASE("several control planes: kube-master-N first, workers after, a load balancer at the last address but one") {
  auto p = test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "2"}, {"IP_MODE", "dual-stack"}, {"CLUSTER_ID", "4"}});
  REQUIRE(p.nodes.size() == 5);
  CHECK(p.control_planes == 3);
  CHECK(p.workers() == 2);
  CHECK(p.nodes[0].container == "kube-master-cluster-4");
  CHECK(p.nodes[1].container == "kube-master-2-cluster-4");
  CHECK(p.nodes[2].container == "kube-master-3-cluster-4");
  CHECK(p.nodes[3].container == "kube-node-1-cluster-4");
  CHECK(p.nodes[3].ipv4 == "10.192.4.5");
  CHECK(p.nodes[4].pod_cidrs[0] == "10.244.6.0/24");
  CHECK(p.is_control_plane(2));
  CHECK_FALSE(p.is_control_plane(3));
  REQUIRE(p.lb);
  CHECK(p.lb->container == "kube-lb-cluster-4");
  CHECK(p.lb->ipv4 == "10.192.4.253");
  CHECK(p.lb->ipv6 == "fd00:20:4:0:ffff:ffff:ffff:fffd");
  CHECK(p.api_container() == "kube-lb-cluster-4");
  CHECK(p.to_json().find("\"controlPlanes\": 3") != std::string::npos);
  CHECK(p.to_table().find("kube-lb-cluster-4") != std::string::npos);

  auto one = test::layout_of({});
  CHECK_FALSE(one.lb);
  CHECK(one.api_container() == "kube-master");
  // a one-control-plane plan's identity is what it was before HA existed
  CHECK(one.to_json().find("controlPlanes") == std::string::npos);

  CHECK(refusal({{"NUM_CONTROL_PLANES", "0"}}).find("NUM_CONTROL_PLANES") != std::string::npos);
  // labels that would make another cluster's control-plane names
  CHECK(refusal({{"DIND_LABEL", "2"}}).find("kube-master-2") != std::string::npos);
  CHECK(refusal({{"DIND_LABEL", "3-foo"}}).find("DIND_LABEL") != std::string::npos);
  CHECK(refusal({{"DIND_LABEL", "3foo"}}) == "accepted");
  CHECK(refusal({{"NUM_CONTROL_PLANES", "8"}}).find("NUM_CONTROL_PLANES") != std::string::npos);
  CHECK(refusal({{"NUM_CONTROL_PLANES", "three"}}).find("NUM_CONTROL_PLANES") != std::string::npos);
}
