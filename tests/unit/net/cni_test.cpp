#include "net/cni.hpp"
#include "util/json.hpp"

#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

cluster::Layout dual_plan() { return test::layout_of({{"IP_MODE", "dual-stack"}}); }

} // namespace

TEST_CASE("CNI config carries the node's ranges") {
  auto p = dual_plan();
  auto d = json::parse(net::cni_config("bridge", p.nodes[2]), "cni");
  const auto& plugin = (*json::find(d, {"plugins"}))[0];
  CHECK(json::str(plugin, {"type"}) == "bridge");
  const auto& ranges = (*json::find(plugin, {"ipam", "ranges"}));
  REQUIRE(ranges.Size() == 2);
  CHECK(std::string(ranges[0][0]["subnet"].GetString()) == "10.244.4.0/24");
  CHECK(std::string(ranges[1][0]["subnet"].GetString()) == "fd00:40:0:0:4::/80");
  auto ptp = json::parse(net::cni_config("ptp", p.nodes[0]), "cni");
  CHECK(json::str((*json::find(ptp, {"plugins"}))[0], {"type"}) == "ptp");
}
