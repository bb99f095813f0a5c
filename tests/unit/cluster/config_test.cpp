#include "cluster/config.hpp"
#include "util/error.hpp"

#include "env_guard.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace dind;

TEST_CASE("config layering: flags win, then env, then file") {
  std::string path = "/tmp/dind-config-test.sh";
  std::ofstream(path) << "# config.sh\nexport NUM_NODES=5\nCLUSTER_ID=\"7\"\nIP_MODE=${IP_MODE:-dual-stack}\nDIND_IMAGE=x:1\n";
  test::EnvGuard env;
  env.set("CLUSTER_ID", "8");
  auto c = cluster::load_config({{"NUM_NODES", "3"}}, path);
  CHECK(c.get("NUM_NODES") == "3");
  CHECK(c.sources.at("NUM_NODES") == "flag");
  CHECK(c.get("CLUSTER_ID") == "8");
  CHECK(c.sources.at("CLUSTER_ID") == "env");
  CHECK(c.get("IP_MODE") == "dual-stack");
  CHECK(c.sources.at("IP_MODE") == "file");
  CHECK(c.get("CNI_PLUGIN") == "bridge");
}

TEST_CASE("config refusals name the variable") {
  std::string path = "/tmp/dind-config-bad.sh";
  std::ofstream(path) << "NUM_NODE=3\n";
  CHECK_THROWS_WITH(cluster::load_config({}, path), Catch::Contains("unknown variable NUM_NODE"));
  CHECK_THROWS_WITH(cluster::load_config({{"CNI_PLUGIN", "kube-router"}, {"DIND_IMAGE", "x"}}, ""), Catch::Contains("IP_VS"));
  CHECK_THROWS_WITH(cluster::load_config({{"CNI_PLUGIN", "weave"}, {"DIND_IMAGE", "x"}}, ""), Catch::Contains("archived"));
  for (auto calico : {"calico", "calico-kdd"}) {
    CHECK_THROWS_WITH(cluster::load_config({{"CNI_PLUGIN", calico}, {"DIND_IMAGE", "x"}}, ""), Catch::Contains("no calico release"));
  }
  CHECK(cluster::load_config({{"CNI_PLUGIN", "flannel"}, {"DIND_IMAGE", "x"}}, "").get("CNI_PLUGIN") == "flannel");
  CHECK_THROWS_WITH(cluster::load_config({{"CNI_PLUGIN", "flannel"}, {"IP_MODE", "dual-stack"}, {"DIND_IMAGE", "x"}}, ""),
                    Catch::Contains("IP_MODE=ipv4 only"));
  CHECK_THROWS_WITH(cluster::load_config({{"KUBE_PROXY_MODE", "ipvs"}, {"DIND_IMAGE", "x"}}, ""), Catch::Contains("IP_VS"));
  CHECK_THROWS_AS(cluster::load_config({{"APISERVER_PORT", "70000"}, {"DIND_IMAGE", "x"}}, ""), UsageError);
}

TEST_CASE("config: seed variables dind does not carry over are refused with why") {
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, [] {
                      std::string path = "/tmp/dind-config-dns.sh";
                      std::ofstream(path) << "DNS_SERVICE=kube-dns\n";
                      return path;
                    }()),
                    Catch::StartsWith("DNS_SERVICE=kube-dns is not supported: kube-dns left Kubernetes"));
  std::string path = "/tmp/dind-config-seed.sh";
  std::ofstream(path) << "DNS_SERVICE=coredns\nDIND_CRI=containerd\nSKIP_DASHBOARD=y\nDIND_DAEMON_JSON_FILE=/dev/null\n"
                         "APISERVER_audit_log_maxage=3\nKUBELET_FEATURE_GATES=Foo=true\n";
  auto c = cluster::load_config({{"DIND_IMAGE", "x"}}, path);
  CHECK(c.get("APISERVER_audit_log_maxage") == "3");
  CHECK(c.sources.at("APISERVER_audit_log_maxage") == "file");
  CHECK(c.components().apiserver.at(0).name == "audit-log-maxage");
  CHECK(c.components().kubelet_gates.at(0).name == "Foo");
  std::ofstream(path) << "DIND_CRI=docker\n";
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, path), Catch::Contains("dockershim"));
  std::ofstream(path) << "GCE_HOSTED=y\n";
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, path), Catch::StartsWith("GCE_HOSTED=y is not supported: "));
  std::ofstream(path) << "Apiserver_audit_log_maxage=3\n";
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, path), Catch::Contains("unknown variable Apiserver_audit"));
  std::ofstream(path) << "KUBE_PROXY_v=4\n";
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, path), Catch::StartsWith("KUBE_PROXY_v: "));
  std::ofstream(path) << "EXTRA_PORTS=80/icmp\n";
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, path), Catch::StartsWith("EXTRA_PORTS: 80/icmp"));
}

TEST_CASE("config: component flags come from the environment by prefix, over the file") {
  std::string path = "/tmp/dind-config-flags.sh";
  std::ofstream(path) << "SCHEDULER_v=1\n";
  test::EnvGuard env;
  env.set("SCHEDULER_v", "3");
  env.set("ENABLE_CEPH", "y");
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, path), Catch::StartsWith("ENABLE_CEPH=y is not supported"));
  env.set("ENABLE_CEPH", nullptr);
  auto c = cluster::load_config({{"DIND_IMAGE", "x"}}, path);
  CHECK(c.get("SCHEDULER_v") == "3");
  CHECK(c.sources.at("SCHEDULER_v") == "env");
}

TEST_CASE("a kind config's per-node limits, unless a flag or the environment sets them") {
  char dir[] = "/tmp/dind-kind-config-test.XXXXXX";
  REQUIRE(::mkdtemp(dir));
  std::string path = std::string(dir) + "/kind.yaml";
  std::ofstream(path) << "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  memory: 1g\n"
                         "- role: worker\n  cpus: \"1\"\n";
  auto from_file = cluster::load_config({{"DIND_IMAGE", "x"}}, path);
  CHECK(from_file.get("NUM_NODES") == "1");
  CHECK(from_file.sources.at("NUM_NODES") == "file");
  auto plan = from_file.layout();
  CHECK(plan.nodes[1].nano_cpus == 1000000000);
  CHECK(plan.nodes[0].memory_bytes == int64_t(1) << 30);
  auto flagged = cluster::load_config({{"DIND_IMAGE", "x"}, {"NODE_CPUS", "0.5"}, {"MASTER_MEMORY", "2g"}}, path).layout();
  CHECK(flagged.nodes[1].nano_cpus == 500000000);
  CHECK(flagged.nodes[0].memory_bytes == int64_t(2) << 30);
  // the file's nodes go by position: another control-plane count would shift them
  CHECK(cluster::load_config({{"DIND_IMAGE", "x"}, {"NUM_CONTROL_PLANES", "1"}}, path).layout().control_planes == 1);
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}, {"NUM_CONTROL_PLANES", "3"}}, path),
                    "NUM_CONTROL_PLANES=3 (flag) but " + path + " has 1 control-plane nodes: the file says which node is which");
  std::remove(path.c_str());
  ::rmdir(dir);
}
