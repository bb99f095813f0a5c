#include "net/routes.hpp"

#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

cluster::Layout dual_plan() { return test::layout_of({{"IP_MODE", "dual-stack"}}); }

} // namespace

TEST_CASE("a plan survives its JSON form") {
  auto p = net::layout_from_json(dual_plan().to_json());
  REQUIRE(p.nodes.size() == 3);
  CHECK(p.nodes[1].container == "kube-node-1");
  CHECK(p.nodes[1].ipv6 == "fd00:20::3");
  CHECK(p.nodes[1].pod_cidrs == std::vector<std::string>{"10.244.3.0/24", "fd00:40:0:0:3::/80"});
}

TEST_CASE("routes go to every other planned node, and only when missing") {
  auto p = dual_plan();
  auto cmds = net::route_commands(p, "kube-node-1", "");
  CHECK(cmds == std::vector<std::string>{"ip route replace 10.244.2.0/24 via 10.192.0.2",
                                         "ip -6 route replace fd00:40:0:0:2::/80 via fd00:20::2",
                                         "ip route replace 10.244.4.0/24 via 10.192.0.4",
                                         "ip -6 route replace fd00:40:0:0:4::/80 via fd00:20::4"});
  std::string current = "default via 10.192.0.1 dev eth0\n10.244.2.0/24 via 10.192.0.2 dev eth0\n"
                        "fd00:40:0:0:2::/80 via fd00:20::2 dev eth0 metric 1024 pref medium\n";
  CHECK(net::route_commands(p, "kube-node-1", current) ==
        std::vector<std::string>{"ip route replace 10.244.4.0/24 via 10.192.0.4",
                                 "ip -6 route replace fd00:40:0:0:4::/80 via fd00:20::4"});
  p.nodes.resize(1);
  CHECK(net::route_commands(p, "kube-master", "").empty());
}

TEST_CASE("unallocated service ports are refused once per family") {
  auto p = net::layout_from_json(dual_plan().to_json());
  REQUIRE(p.services.size() == 2);
  auto cmds = net::service_guard_commands(p, "-P FORWARD ACCEPT\n");
  REQUIRE(cmds.size() == 2);
  CHECK(cmds[0] == "iptables -w -I FORWARD -d 10.96.0.0/12 -m comment --comment dind-unallocated-service-port -j REJECT");
  CHECK(cmds[1] == "ip6tables -w -I FORWARD -d fd00:30::/110 -m comment --comment dind-unallocated-service-port -j REJECT");
  // what `iptables -S` prints once the rule is in: nothing more to do
  std::string present = "-A FORWARD -d 10.96.0.0/12 -m comment --comment dind-unallocated-service-port -j REJECT "
                        "--reject-with icmp-port-unreachable\n";
  auto v6_only = net::service_guard_commands(p, present);
  REQUIRE(v6_only.size() == 1);
  CHECK(v6_only[0].rfind("ip6tables ", 0) == 0);
}
