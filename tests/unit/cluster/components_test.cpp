#include "cluster/components.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("feature gates: Name=true|false lists, 'none' for none") {
  auto g = cluster::parse_feature_gates(" Foo=true, Bar=false,", "FEATURE_GATES");
  REQUIRE(g.size() == 2);
  CHECK((g[0].name == "Foo" && g[0].enabled));
  CHECK((g[1].name == "Bar" && !g[1].enabled));
  CHECK(cluster::parse_feature_gates("none", "FEATURE_GATES").empty());
  CHECK(cluster::parse_feature_gates("", "FEATURE_GATES").empty());
  for (const char* bad : {"Foo", "Foo=yes", "foo=true", "Foo-Bar=true", "=true", "Foo=true Bar=true"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(cluster::parse_feature_gates(bad, "FEATURE_GATES"), UsageError);
  }
  CHECK_THROWS_WITH(cluster::parse_feature_gates("Foo=true,Foo=false", "KUBELET_FEATURE_GATES"),
                    Catch::Contains("KUBELET_FEATURE_GATES: Foo is given twice"));
}

TEST_CASE("component flag variables: the seed's prefixes, then the flag in lower case") {
  CHECK(cluster::is_component_variable("APISERVER_audit_log_maxage"));
  CHECK(cluster::is_component_variable("CONTROLLER_MANAGER_v"));
  CHECK(cluster::is_component_variable("SCHEDULER_v"));
  CHECK(cluster::is_component_variable("KUBELET_max_pods"));
  CHECK(cluster::is_component_variable("KUBE_PROXY_v"));
  // dind's own variables and anything not lower case are not flags
  for (const char* not_flag : {"APISERVER_PORT", "KUBE_PROXY_MODE", "KUBELET_FEATURE_GATES", "APISERVER_Audit", "APISERVER_",
                               "APISERVER_1x", "SCHEDULER"}) {
    CAPTURE(not_flag);
    CHECK_FALSE(cluster::is_component_variable(not_flag));
  }
}

TEST_CASE("component settings: flags per component, FEATURE_GATES to the control plane") {
  auto s = cluster::component_settings({{"APISERVER_audit_log_maxage", "3"},
                                        {"CONTROLLER_MANAGER_node_monitor_period", "2s"},
                                        {"KUBELET_max_pods", "50"},
                                        {"FEATURE_GATES", "Foo=true"},
                                        {"KUBELET_FEATURE_GATES", "Bar=false"},
                                        {"NUM_NODES", "2"},
                                        {"SCHEDULER_v", ""}});  // empty: unset
  REQUIRE(s.apiserver.size() == 2);
  CHECK((s.apiserver[0].name == "audit-log-maxage" && s.apiserver[0].value == "3"));
  CHECK((s.apiserver[1].name == "feature-gates" && s.apiserver[1].value == "Foo=true"));
  REQUIRE(s.controller_manager.size() == 2);
  CHECK(s.controller_manager[0].name == "node-monitor-period");
  REQUIRE(s.scheduler.size() == 1);
  CHECK(s.scheduler[0].value == "Foo=true");
  REQUIRE(s.kubelet.size() == 1);
  CHECK((s.kubelet[0].name == "max-pods" && s.kubelet[0].value == "50"));
  REQUIRE(s.kubelet_gates.size() == 1);
  CHECK((s.kubelet_gates[0].name == "Bar" && !s.kubelet_gates[0].enabled));
  CHECK(s.key() != cluster::component_settings({}).key());
  CHECK(cluster::component_settings({{"FEATURE_GATES", "none"}}).apiserver.empty());
}

TEST_CASE("component settings refuse what they cannot pass on, naming the variable") {
  CHECK_THROWS_WITH(cluster::component_settings({{"KUBE_PROXY_v", "4"}}), Catch::StartsWith("KUBE_PROXY_v: kube-proxy runs from"));
  CHECK_THROWS_WITH(cluster::component_settings({{"KUBELET_node_ip", "1.2.3.4"}}), Catch::Contains("dind sets --node-ip itself"));
  CHECK_THROWS_WITH(cluster::component_settings({{"APISERVER_feature_gates", "A=true"}}), Catch::Contains("use FEATURE_GATES"));
  CHECK_THROWS_WITH(cluster::component_settings({{"CONTROLLER_MANAGER_allocate_node_cidrs", "true"}}),
                    Catch::Contains("dind sets --allocate-node-cidrs"));
  CHECK_THROWS_WITH(cluster::component_settings({{"APISERVER_x", "a\nb"}}), Catch::Contains("control character"));
  CHECK_THROWS_WITH(cluster::component_settings({{"FEATURE_GATES", "Foo"}}), Catch::StartsWith("FEATURE_GATES: 'Foo'"));
}
