// dind-net in the node reads the plan file: what it turns into ip/iptables
// arguments must be a CIDR or address, nothing else.
#include "net/routes.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

std::string plan(const std::string& pod_cidr, const std::string& ipv4 = "10.192.0.3", const std::string& service = "\"10.96.0.0/12\"") {
  return R"({"ipMode": "ipv4", "name": "default", "serviceCidrs": [)" + service + R"(], "nodes": [
    {"role": "kube-master", "container": "kube-master", "ipv4": "10.192.0.2", "podCidrs": ["10.244.2.0/24"]},
    {"role": "kube-node-1", "container": "kube-node-1", "ipv4": ")" + ipv4 + R"(", "podCidrs": [)" + pod_cidr + "]}]}";
}

} // namespace

TEST_CASE("the plan's pod CIDRs, addresses and service CIDRs must be what they say") {
  auto good = net::layout_from_json(plan("\"10.244.3.0/24\""));
  CHECK(good.nodes[1].pod_cidrs == std::vector<std::string>{"10.244.3.0/24"});
  CHECK(net::route_commands(good, "kube-master", "") ==
        std::vector<std::string>{"ip route replace 10.244.3.0/24 via 10.192.0.3"});
  for (std::string bad : {"\"10.244.3.0/24 dev eth0\"", "\"10.244.3.0/24; reboot\"", "\"10.244.3.0\"", "\"-6\"", "\"10.244.3.1/24\"",
                          "\"\"", "3", "null", "{}"}) {
    INFO(bad);
    CHECK_THROWS_AS(net::layout_from_json(plan(bad)), Error);
  }
  for (std::string bad : {"10.192.0.3 onlink", "fd00::3", "10.192.0.03", "kube-node-1"}) {
    INFO(bad);
    CHECK_THROWS_AS(net::layout_from_json(plan("\"10.244.3.0/24\"", bad)), Error);
  }
  for (std::string bad : {"\"10.96.0.0/12 -j ACCEPT\"", "12", "\"10.96.0.1/12\""}) {
    INFO(bad);
    CHECK_THROWS_AS(net::layout_from_json(plan("\"10.244.3.0/24\"", "10.192.0.3", bad)), Error);
  }
}
