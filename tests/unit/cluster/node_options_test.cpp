#include "cluster/node_options.hpp"
#include "util/error.hpp"

#include "env_guard.hpp"
#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

cluster::Layout plan(const char* num_nodes) { return test::layout_of({{"NUM_NODES", num_nodes}, {"CLUSTER_ID", "80"}}); }

} // namespace

TEST_CASE("EXTRA_PORTS: Docker's -p forms") {
  auto p = cluster::parse_ports("8080:80, 9090:9090/udp;127.0.0.1:7070:70,127.0.0.1::71,72/sctp,[::1]:6060:60", "EXTRA_PORTS");
  REQUIRE(p.size() == 6);
  CHECK((p[0].container_port == "80/tcp" && p[0].host_port == "8080" && p[0].host_ip.empty()));
  CHECK((p[1].container_port == "9090/udp" && p[1].host_port == "9090"));
  CHECK((p[2].host_ip == "127.0.0.1" && p[2].host_port == "7070" && p[2].container_port == "70/tcp"));
  CHECK((p[3].host_ip == "127.0.0.1" && p[3].host_port.empty() && p[3].container_port == "71/tcp"));
  CHECK((p[4].container_port == "72/sctp" && p[4].host_port.empty()));
  CHECK((p[5].host_ip == "::1" && p[5].host_port == "6060" && p[5].container_port == "60/tcp"));
  CHECK(cluster::parse_ports("", "EXTRA_PORTS").empty());
  for (const char* bad : {"80/icmp", "8080:80000", "a:80", "1:2:3:4", "8000-8010:80-90", "[::1:80", "8080:"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(cluster::parse_ports(bad, "EXTRA_PORTS"), Catch::StartsWith("EXTRA_PORTS: "));
  }
}

TEST_CASE("MASTER_EXTRA_OPTS: -e, -v and -p only") {
  test::EnvGuard env;
  env.set("DIND_TEST_FROM_HOST", "h");
  env.set("DIND_TEST_UNSET", nullptr);
  cluster::NodeOptions o;
  cluster::parse_master_opts("-e A=1 --env B=2 --env=C=3 -eD=4 -e DIND_TEST_FROM_HOST -e DIND_TEST_UNSET "
                             "-v /src:/dst:ro --volume data:/data -p 8080:80 --publish=9090:90/udp",
                             o);
  CHECK(o.master_env == std::vector<std::string>{"A=1", "B=2", "C=3", "D=4", "DIND_TEST_FROM_HOST=h"});
  REQUIRE(o.master_mounts.size() == 2);
  CHECK((o.master_mounts[0].type == "bind" && o.master_mounts[0].source == "/src" && o.master_mounts[0].target == "/dst" &&
         o.master_mounts[0].read_only));
  CHECK((o.master_mounts[1].type == "volume" && o.master_mounts[1].source == "data" && !o.master_mounts[1].read_only));
  REQUIRE(o.master_ports.size() == 2);
  CHECK(o.master_ports[1].container_port == "90/udp");
  CHECK_THROWS_WITH(cluster::parse_master_opts("--privileged", o), Catch::StartsWith("MASTER_EXTRA_OPTS: --privileged is not supported"));
  CHECK_THROWS_WITH(cluster::parse_master_opts("-e A=1 --cpus 2", o), Catch::StartsWith("MASTER_EXTRA_OPTS: --cpus is not supported"));
  CHECK_THROWS_WITH(cluster::parse_master_opts("-v", o), Catch::Contains("-v needs a value"));
  CHECK_THROWS_WITH(cluster::parse_master_opts("-v /a:b", o), Catch::Contains("not SOURCE:/TARGET"));
  CHECK_THROWS_WITH(cluster::parse_master_opts("-v /a:/b:z", o), Catch::Contains("ro and rw"));
  CHECK_THROWS_WITH(cluster::parse_master_opts("-e =1", o), Catch::Contains("no variable name"));
  CHECK_THROWS_WITH(cluster::parse_master_opts("-p 80/x", o), Catch::StartsWith("MASTER_EXTRA_OPTS: -p: 80/x"));
}

TEST_CASE("node options: networks, proxies from the DIND_ variables or the host's") {
  test::EnvGuard env;
  env.set("HTTP_PROXY", "http://host:1");
  env.set("http_proxy", nullptr);
  env.set("HTTPS_PROXY", nullptr);
  env.set("https_proxy", "http://host:2");
  env.set("NO_PROXY", "corp.example");
  auto o = cluster::node_options({{"DIND_CUSTOM_NETWORKS", "a, b,a"}, {"DIND_HTTP_PROXY", "http://127.0.0.1:3128"}});
  CHECK(o.networks == std::vector<std::string>{"a", "b"});
  CHECK(o.proxy.http == "http://127.0.0.1:3128");
  CHECK(o.proxy.https.empty());  // the host's only with DIND_PROPAGATE_HTTP_PROXY
  auto p = cluster::node_options({{"DIND_PROPAGATE_HTTP_PROXY", "y"}, {"DIND_NO_PROXY", "mine"}});
  CHECK(p.proxy.http == "http://host:1");
  CHECK(p.proxy.https == "http://host:2");
  CHECK(p.proxy.no == "mine");
  CHECK(cluster::node_options({}).proxy.empty());
  CHECK_THROWS_WITH(cluster::node_options({{"DIND_PROPAGATE_HTTP_PROXY", "maybe"}}), Catch::StartsWith("DIND_PROPAGATE_HTTP_PROXY:"));
  CHECK_THROWS_WITH(cluster::node_options({{"DIND_HTTP_PROXY", "http://a b"}}), Catch::StartsWith("DIND_HTTP_PROXY:"));
}

TEST_CASE("the proxy drop-in: NO_PROXY covers the cluster's own addresses and names") {
  CHECK(cluster::proxy_dropin({}, plan("1")).empty());
  std::string d = cluster::proxy_dropin({"http://u:p%40@127.0.0.1:3128", "", "corp.example"}, plan("1"));
  CHECK(d.find("[Service]\nEnvironment=\"HTTP_PROXY=http://u:p%%40@127.0.0.1:3128\" \"NO_PROXY=corp.example,localhost,"
               "127.0.0.1,::1,10.192.80.0/24,10.244.0.0/16,10.96.0.0/12,kube-master-cluster-80,kube-node-1-cluster-80,dind-registry\"\n") !=
        std::string::npos);
  CHECK(d.find("\"HTTPS_PROXY=") == std::string::npos);
}
