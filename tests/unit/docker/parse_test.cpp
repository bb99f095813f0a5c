// What the fuzzer (tests/fuzz/docker_json_fuzz.cpp) found: engine answers of
// an unexpected shape aborted on RapidJSON's assertions.
#include "docker/containers.hpp"
#include "docker/networks.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("container and network lists of the wrong shape are refused, not asserted on") {
  std::string object = R"({"State":{"Running":true,"Status":"running","ExitCode":0},"Config":{"Labels":{"a":"b"}}})";
  CHECK_THROWS_WITH(docker::parse_container_list(object), Catch::Contains("not a JSON array"));
  CHECK_THROWS_WITH(docker::parse_network_list(object), Catch::Contains("not a JSON array"));
  CHECK_THROWS_AS(docker::parse_container_list("7"), Error);
  auto odd = docker::parse_container_list(R"([{"Id":"a","Names":[3]}, 5, {"Names":"x","Labels":[]}])");
  REQUIRE(odd.size() == 3);
  CHECK(odd[0].name.empty());
  auto nets = docker::parse_network_list(R"([{"Name":"n","IPAM":{"Config":[1,{"Subnet":2},{"Subnet":"10.0.0.0/8"}]}}])");
  REQUIRE(nets.size() == 1);
  CHECK(nets[0].subnets.back() == "10.0.0.0/8");
}
