#include "docker/endpoint.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind::docker;

TEST_CASE("DOCKER_HOST forms") {
  auto u = parse_endpoint("unix:///var/run/docker.sock");
  CHECK(u.kind == Endpoint::Kind::unix_socket);
  CHECK(u.path == "/var/run/docker.sock");
  auto t = parse_endpoint("tcp://127.0.0.1:2376");
  CHECK(t.kind == Endpoint::Kind::tcp);
  CHECK(t.host == "127.0.0.1");
  CHECK(t.port == 2376);
  CHECK(parse_endpoint("tcp://[::1]:2375").host == "::1");
  CHECK_THROWS_AS(parse_endpoint("http://x"), dind::UsageError);
  CHECK_THROWS_AS(parse_endpoint("unix://"), dind::UsageError);
  CHECK_THROWS_AS(parse_endpoint("tcp://host:99999"), dind::UsageError);
}
