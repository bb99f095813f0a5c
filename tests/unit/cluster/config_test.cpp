#include "cluster/config.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace dind;

TEST_CASE("config layering: flags win, then env, then file") {
  std::string path = "/tmp/dind-config-test.sh";
  std::ofstream(path) << "# config.sh\nexport NUM_NODES=5\nCLUSTER_ID=\"7\"\nIP_MODE=${IP_MODE:-dual-stack}\nDIND_IMAGE=x:1\n";
  ::setenv("CLUSTER_ID", "8", 1);
  auto c = cluster::load_config({{"NUM_NODES", "3"}}, path);
  CHECK(c.get("NUM_NODES") == "3");
  CHECK(c.sources.at("NUM_NODES") == "flag");
  CHECK(c.get("CLUSTER_ID") == "8");
  CHECK(c.sources.at("CLUSTER_ID") == "env");
  CHECK(c.get("IP_MODE") == "dual-stack");
  CHECK(c.sources.at("IP_MODE") == "file");
  CHECK(c.get("CNI_PLUGIN") == "bridge");
  ::unsetenv("CLUSTER_ID");
}

TEST_CASE("config refusals name the variable") {
  std::string path = "/tmp/dind-config-bad.sh";
  std::ofstream(path) << "NUM_NODE=3\n";
  CHECK_THROWS_WITH(cluster::load_config({}, path), Catch::Contains("unknown variable NUM_NODE"));
  CHECK_THROWS_WITH(cluster::load_config({{"CNI_PLUGIN", "kube-router"}, {"DIND_IMAGE", "x"}}, ""), Catch::Contains("IP_VS"));
  CHECK_THROWS_WITH(cluster::load_config({{"KUBE_PROXY_MODE", "ipvs"}, {"DIND_IMAGE", "x"}}, ""), Catch::Contains("IP_VS"));
  CHECK_THROWS_AS(cluster::load_config({{"APISERVER_PORT", "70000"}, {"DIND_IMAGE", "x"}}, ""), UsageError);
}
