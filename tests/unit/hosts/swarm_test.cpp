#include "hosts/swarm.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

// /info's Swarm part as Engine 20.10 answers it
hosts::EngineInfo engine(const std::string& endpoint, const std::string& swarm, int nodes = 0) {
  auto info = json::parse(R"({"ServerVersion":"20.10.24","Name":"vm","MemTotal":25269010432,"Swarm":)" + swarm + "}", "info");
  return hosts::parse_info(endpoint, info, nodes);
}

const char* inactive = R"({"NodeID":"","NodeAddr":"","LocalNodeState":"inactive","ControlAvailable":false,"Error":"","RemoteManagers":null})";
const char* manager_x = R"({"NodeID":"m1","NodeAddr":"10.251.0.11","LocalNodeState":"active","ControlAvailable":true,"Error":"",
  "RemoteManagers":[{"NodeID":"m1","Addr":"10.251.0.11:2377"}],"Cluster":{"ID":"x"}})";
const char* worker_x = R"({"NodeID":"w1","NodeAddr":"10.251.0.12","LocalNodeState":"active","ControlAvailable":false,"Error":"",
  "RemoteManagers":[{"NodeID":"m1","Addr":"10.251.0.11:2377"}]})";
const char* worker_y = R"({"NodeID":"w9","NodeAddr":"10.9.0.2","LocalNodeState":"active","ControlAvailable":false,"Error":"",
  "RemoteManagers":[{"NodeID":"m9","Addr":"10.9.0.1:2377"}]})";

std::string refusal(const std::vector<hosts::EngineInfo>& engines) {
  try {
    hosts::plan_swarm(engines);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("an engine's /info: role, managers, memory") {
  auto m = engine("unix:///a", manager_x, 3);
  CHECK(m.reachable);
  CHECK(m.role() == "manager");
  CHECK(m.manager_addrs == std::vector<std::string>{"10.251.0.11:2377"});
  CHECK(m.mem_total == 25269010432);
  CHECK(m.dind_nodes == 3);
  CHECK(engine("unix:///b", worker_x).role() == "worker");
  CHECK(engine("unix:///c", inactive).role() == "inactive");
  CHECK(engine("unix:///c", inactive).manager_ids.empty());
  CHECK(engine("unix:///d", R"({"LocalNodeState":"pending"})").role() == "pending");
}

TEST_CASE("plan: none in a swarm: the first creates it, the others join") {
  auto p = hosts::plan_swarm({engine("a", inactive), engine("b", inactive), engine("c", inactive)});
  CHECK(p.init);
  CHECK(p.manager == 0);
  CHECK(p.join == std::vector<size_t>{1, 2});
}

TEST_CASE("plan: the first engine's swarm is used; those outside it join") {
  auto p = hosts::plan_swarm({engine("a", worker_x), engine("b", inactive), engine("c", manager_x)});
  CHECK_FALSE(p.init);
  CHECK(p.manager == 2);
  CHECK(p.join == std::vector<size_t>{1});
  auto all_in = hosts::plan_swarm({engine("a", manager_x), engine("b", worker_x)});
  CHECK_FALSE(all_in.init);
  CHECK(all_in.join.empty());
}

TEST_CASE("plan refusals: one line naming the engine") {
  hosts::EngineInfo down;
  down.endpoint = "tcp://10.0.0.9:2375";
  down.error = "Docker daemon at tcp://10.0.0.9:2375 did not answer /_ping: Connection refused";
  CHECK(refusal({engine("a", inactive), down}) == down.error);
  auto other = refusal({engine("a", manager_x), engine("b", worker_y)});
  CHECK(other.find("b is already in another swarm (managers 10.9.0.1:2377) than a (managers 10.251.0.11:2377)") == 0);
  // the first in none: a swarm elsewhere is not taken over
  CHECK(refusal({engine("a", inactive), engine("b", manager_x)}).find("b is already in another swarm (managers 10.251.0.11:2377) than a (in none)") == 0);
  CHECK(refusal({engine("a", worker_x), engine("b", inactive)}).find("none of the listed engines manages") == 0);
  auto stuck = refusal({engine("a", R"({"LocalNodeState":"error","Error":"rpc error"})")});
  CHECK(stuck.find("a: its swarm state is error (rpc error)") == 0);
  for (auto& r : {other, stuck}) CHECK(r.find('\n') == std::string::npos);
}

TEST_CASE("manager_of: the first listed manager") {
  CHECK(hosts::manager_of({engine("a", worker_x), engine("b", manager_x)}) == 1);
  CHECK_THROWS_AS(hosts::manager_of({engine("a", inactive)}), Error);
}
