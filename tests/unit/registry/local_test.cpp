#include "registry/local.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("the registry takes the last address of a network's IPv4 subnet, away from the nodes'") {
  auto address = [](const char* inspect) { return registry::address_in(json::parse(inspect, "network")); };
  CHECK(address(R"({"IPAM":{"Config":[{"Subnet":"10.192.90.0/24","Gateway":"10.192.90.1"}]}})") == "10.192.90.254");
  CHECK(address(R"({"IPAM":{"Config":[{"Subnet":"fd00:20::/64"},{"Subnet":"10.192.0.0/16"}]}})") == "10.192.255.254");
  CHECK(address(R"({"IPAM":{"Config":[{"Subnet":"fd00:20::/64"}]}})").empty());
  CHECK(address(R"({"IPAM":{"Config":[{"Subnet":"10.0.0.0/31"}]}})").empty());
  CHECK(address(R"({"IPAM":{"Config":null}})").empty());
}
