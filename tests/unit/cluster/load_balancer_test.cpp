#include "cluster/load_balancer.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

net::Plan plan(const char* mode) {
  return net::make_plan(net::PlanInput::from([mode](const std::string& k) -> std::optional<std::string> {
    if (k == "NUM_CONTROL_PLANES") return std::string("3");
    if (k == "IP_MODE") return std::string(mode);
    return std::nullopt;
  }));
}

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
