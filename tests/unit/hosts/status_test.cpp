#include "hosts/status.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("hosts status: a row per engine, the unreachable one's reason below") {
  hosts::HostsStatus s;
  auto info = json::parse(R"({"ServerVersion":"20.10.24","Name":"vm","MemTotal":25269010432,
    "Swarm":{"NodeID":"m1","LocalNodeState":"active","ControlAvailable":true,"RemoteManagers":[{"NodeID":"m1","Addr":"10.251.0.11:2377"}]}})", "info");
  s.engines.push_back(hosts::parse_info("unix:///tmp/dmh-a/docker.sock", info, 2));
  hosts::EngineInfo down;
  down.endpoint = "tcp://10.0.0.9:2375";
  down.error = "Docker daemon at tcp://10.0.0.9:2375 did not answer /_ping: Connection refused";
  s.engines.push_back(down);
  CHECK_FALSE(s.all_reachable());
  auto table = s.to_table();
  INFO(table);
  CHECK(table.find("unix:///tmp/dmh-a/docker.sock  manager    yes         23.5 GiB   2          20.10.24 (vm)\n") != std::string::npos);
  CHECK(table.find("tcp://10.0.0.9:2375            -          no") != std::string::npos);
  CHECK(table.find(down.error + "\n") != std::string::npos);
  auto j = json::parse(s.to_json(), "status");
  REQUIRE(j.IsArray());
  CHECK(json::str(j[0], {"role"}) == "manager");
  CHECK(json::num(j[0], {"memTotal"}) == 25269010432);
  CHECK(json::num(j[0], {"dindNodes"}) == 2);
  CHECK_FALSE(json::flag(j[1], {"reachable"}, true));
  CHECK(json::str(j[1], {"error"}) == down.error);
  s.engines.pop_back();
  CHECK(s.all_reachable());
}
