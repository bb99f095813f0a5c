#include "cluster/load_balancer.hpp"
#include "layout_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

cluster::Layout plan(const char* mode) { return test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"IP_MODE", mode}}); }

} // namespace

TEST_CASE("haproxy sends the API server port to every control plane, health-checked") {
  std::string c = cluster::haproxy_config(plan("ipv4"));
  CHECK(c.find("  bind 0.0.0.0:6443\n") != std::string::npos);
  CHECK(c.find("  server kube-master 10.192.0.2:6443\n") != std::string::npos);
  CHECK(c.find("  server kube-master-2 10.192.0.3:6443\n") != std::string::npos);
  CHECK(c.find("  server kube-master-3 10.192.0.4:6443\n") != std::string::npos);
  CHECK(c.find("kube-node") == std::string::npos);
  CHECK(c.find("uri /healthz") != std::string::npos);
  CHECK(c.find("check check-ssl verify none inter 1s fall 2") != std::string::npos);

  std::string v6 = cluster::haproxy_config(plan("ipv6"));
  CHECK(v6.find("  bind :::6443 v4v6\n") != std::string::npos);
  CHECK(v6.find("  server kube-master fd00:20::2:6443\n") != std::string::npos);
  // dual-stack: the API servers advertise IPv4
  CHECK(cluster::haproxy_config(plan("dual-stack")).find("  server kube-master 10.192.0.2:6443\n") != std::string::npos);
}
