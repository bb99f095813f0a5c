#include "cluster/flannel.hpp"
#include "layout_fixture.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("flannel's manifest: VXLAN over the cluster's pod range, our image, never pulled") {
  auto plan = test::layout_of({{"POD_NETWORK_CIDR", "10.250.0.0/16"}});
  std::string m = cluster::flannel_manifest(plan, "dind-flannel:abc");
  CHECK(m.find(R"({"Network":"10.250.0.0/16","EnableIPv4":true,"Backend":{"Type":"vxlan"}})") != std::string::npos);
  CHECK(m.find("image: dind-flannel:abc\n        imagePullPolicy: Never\n") != std::string::npos);
  CHECK(m.find("/opt/bin/flanneld --ip-masq --kube-subnet-mgr & pid=$!") != std::string::npos);
  CHECK(m.find(R"({"type": "flannel", "delegate")") != std::string::npos);
  CHECK(m.find("hostPath: {path: /usr/lib/cni}") != std::string::npos);
  CHECK_THROWS_AS(cluster::flannel_manifest(test::layout_of({{"IP_MODE", "dual-stack"}}), "x"), Error);
}

TEST_CASE("a node's planned pod CIDR as its spec.podCIDR") {
  auto plan = test::layout_of({});
  CHECK(cluster::pod_cidr_patch(plan.nodes.at(1)) ==
        R"({"spec":{"podCIDR":")" + plan.nodes.at(1).pod_cidrs.at(0) + R"(","podCIDRs":[")" + plan.nodes.at(1).pod_cidrs.at(0) + R"("]}})");
}
