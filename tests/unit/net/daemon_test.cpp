#include "net/daemon.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

using namespace dind;

namespace {

// A node's view: the plan's file, and where its CNI config goes, in a directory of the test's own.
struct NodeDir {
  std::string dir = [] {
    char t[] = "/tmp/dind-daemon-test.XXXXXX";
    return std::string(::mkdtemp(t) ? t : "");
  }();
  net::NodeOptions options;
  NodeDir() {
    options.plan = dir + "/plan.json";
    util::write_file(options.plan, test::layout_of({{"IP_MODE", "dual-stack"}, {"CLUSTER_ID", "7"}}).to_json());
  }
  ~NodeDir() { std::filesystem::remove_all(dir); }
};

} // namespace

TEST_CASE("dind-net cni: the node's own CNI config from the plan's file") {
  NodeDir node;
  REQUIRE(!node.dir.empty());
  node.options.node = "kube-node-2-cluster-7";
  net::write_cni_config(node.options, "ptp", node.dir + "/10-dind.conflist");
  auto d = json::parse(util::read_file(node.dir + "/10-dind.conflist"), "cni");
  const auto& plugin = (*json::find(d, {"plugins"}))[0];
  CHECK(json::str(plugin, {"type"}) == "ptp");
  CHECK(std::string((*json::find(plugin, {"ipam", "ranges"}))[0][0]["subnet"].GetString()) == "10.244.4.0/24");
}

TEST_CASE("dind-net on a node the plan lacks, or without a plan: one error naming it, nothing written") {
  NodeDir node;
  node.options.node = "kube-node-9-cluster-7";
  CHECK_THROWS_WITH(net::write_cni_config(node.options, "bridge", node.dir + "/out"),
                    "node kube-node-9-cluster-7 is not in " + node.options.plan);
  CHECK(!std::filesystem::exists(node.dir + "/out"));
  node.options.plan = node.dir + "/missing.json";
  CHECK_THROWS_WITH(net::route_once(node.options), Catch::StartsWith("cannot read " + node.options.plan));
}
