#include "cluster/config.hpp"
#include "util/error.hpp"

#include "env_guard.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <unistd.h>
#include <vector>

using namespace dind;

namespace {

// A config file of the test's own, removed when it ends.
struct ConfigFile {
  std::string path;
  explicit ConfigFile(const std::string& content) {
    char tmpl[] = "/tmp/dind-config-test.XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd >= 0) ::close(fd);
    path = tmpl;
    std::ofstream(path) << content;
  }
  ~ConfigFile() { std::remove(path.c_str()); }
};

} // namespace

TEST_CASE("config layering: flags win, then env, then file") {
  ConfigFile file("# config.sh\nexport NUM_NODES=5\nCLUSTER_ID=\"7\"\nIP_MODE=${IP_MODE:-dual-stack}\nDIND_IMAGE=x:1\n");
  const std::string& path = file.path;
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
  ConfigFile file("NUM_NODE=3\n");
  const std::string& path = file.path;
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
  ConfigFile dns("DNS_SERVICE=kube-dns\n");
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, dns.path),
                    Catch::StartsWith("DNS_SERVICE=kube-dns is not supported: kube-dns left Kubernetes"));
  ConfigFile file("DNS_SERVICE=coredns\nDIND_CRI=containerd\nSKIP_DASHBOARD=y\nDIND_DAEMON_JSON_FILE=/dev/null\n"
                         "APISERVER_audit_log_maxage=3\nKUBELET_FEATURE_GATES=Foo=true\n");
  const std::string& path = file.path;
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
  ConfigFile file("SCHEDULER_v=1\n");
  const std::string& path = file.path;
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

TEST_CASE("DIND_HOSTS places the nodes: the master on the first engine, the others round-robin, a kind config's host wins") {
  auto hosts_of = [](const cluster::Layout& plan) {
    std::vector<size_t> out;
    for (auto& n : plan.nodes) out.push_back(n.host);
    return out;
  };
  const std::map<std::string, std::string> two = {{"DIND_IMAGE", "x"}, {"NUM_NODES", "3"},
                                                  {"DIND_HOSTS", "unix:///run/a.sock=10.0.0.1,tcp://10.0.0.2:2375"}};
  auto c = cluster::load_config(two, "");
  CHECK(c.hosts().size() == 2);
  CHECK(c.hosts()[1].advertise == "10.0.0.2");
  CHECK(hosts_of(c.layout()) == std::vector<size_t>{0, 1, 0, 1});
  auto three = two;
  three["DIND_HOSTS"] += ",ssh://me@10.0.0.3";
  three["NUM_CONTROL_PLANES"] = "3";
  CHECK(hosts_of(cluster::load_config(three, "").layout()) == std::vector<size_t>{0, 1, 2, 0, 1, 2});
  // without DIND_HOSTS (or with one engine) every node is on the one engine
  CHECK(hosts_of(cluster::load_config({{"DIND_IMAGE", "x"}, {"NUM_NODES", "3"}}, "").layout()) == std::vector<size_t>{0, 0, 0, 0});
  CHECK(hosts_of(cluster::load_config({{"DIND_IMAGE", "x"}, {"DIND_HOSTS", "unix:///run/a.sock"}, {"IP_MODE", "ipv6"}}, "").layout()) ==
        std::vector<size_t>{0, 0, 0});

  char dir[] = "/tmp/dind-hosts-config-test.XXXXXX";
  REQUIRE(::mkdtemp(dir));
  std::string path = std::string(dir) + "/kind.yaml";
  auto kind = [&](const std::string& workers) {
    std::ofstream(path) << "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n" << workers;
    auto flags = two;
    flags.erase("NUM_NODES");
    return cluster::load_config(flags, path);
  };
  // by index or by the endpoint as listed; the others keep the default
  CHECK(hosts_of(kind("- role: worker\n  host: 0\n- role: worker\n- role: worker\n  host: tcp://10.0.0.2:2375\n").layout()) ==
        std::vector<size_t>{0, 0, 0, 1});
  CHECK_THROWS_WITH(kind("- role: worker\n  host: 2\n"), path + ": nodes[1].host: 2 is not an index of DIND_HOSTS' 2 engines (0..1)");
  CHECK_THROWS_WITH(kind("- role: worker\n  host: tcp://10.0.0.9:2375\n"),
                    path + ": nodes[1].host: tcp://10.0.0.9:2375 is not one of DIND_HOSTS' engines");
  std::ofstream(path) << "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: worker\n- role: control-plane\n  host: 1\n";
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}, {"DIND_HOSTS", two.at("DIND_HOSTS")}}, path),
                    Catch::Contains("nodes[1].host: the first control plane runs on DIND_HOSTS' first engine"));
  CHECK_THROWS_WITH(cluster::load_config({{"DIND_IMAGE", "x"}}, path),
                    path + ": nodes[1].host: 1 names an engine of DIND_HOSTS, which is not set");
  std::remove(path.c_str());
  ::rmdir(dir);

  auto v6 = two;
  v6["IP_MODE"] = "dual-stack";
  CHECK_THROWS_AS(cluster::load_config(v6, ""), UsageError);
  CHECK_THROWS_WITH(cluster::load_config(v6, ""), Catch::Contains("a cluster across hosts is IPv4 only"));
  // the swarm's own addresses: above every node (NUM_NODES' 100 and 7 control planes), below the load balancer
  auto most = two;
  most["NUM_NODES"] = "100";
  most["NUM_CONTROL_PLANES"] = "7";
  auto plan = cluster::load_config(most, "").layout();
  auto range = cluster::swarm_range(plan, 0);
  CHECK(range.str() == "10.192.0.128/26");
  for (auto& n : plan.nodes) CHECK_FALSE(range.contains(net::Address::parse(n.ipv4)));
  CHECK_FALSE(range.contains(net::Address::parse(plan.lb->ipv4)));
  auto bad = two;
  bad["DIND_HOSTS"] = "unix:///run/a.sock,,tcp://10.0.0.2:2375";
  CHECK_THROWS_AS(cluster::load_config(bad, ""), UsageError);
}
