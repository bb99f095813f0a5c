#include "registry/local.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("the registry takes the last addresses of a network's subnets, away from the nodes'") {
  auto addresses = [](const char* inspect) { return registry::addresses_in(json::parse(inspect, "network")); };
  using P = std::pair<std::string, std::string>;
  CHECK(addresses(R"({"IPAM":{"Config":[{"Subnet":"10.192.90.0/24","Gateway":"10.192.90.1"}]}})") == P{"10.192.90.254", ""});
  CHECK(addresses(R"({"IPAM":{"Config":[{"Subnet":"fd00:20::/64"},{"Subnet":"10.192.0.0/16"}]}})") ==
        P{"10.192.255.254", "fd00:20::ffff:ffff:ffff:fffe"});
  CHECK(addresses(R"({"IPAM":{"Config":[{"Subnet":"10.193.90.0/24"},{"Subnet":"fd00:20:0:5a::/120"}]}})") ==
        P{"10.193.90.254", "fd00:20:0:5a::fe"});
  CHECK(addresses(R"({"IPAM":{"Config":[{"Subnet":"10.0.0.0/31"}]}})") == P{"", ""});
  CHECK(addresses(R"({"IPAM":{"Config":null}})") == P{"", ""});
}
