#include "cluster/kubeadm.hpp"

#include "plan_fixture.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("kubeadm configs carry the plan") {
  auto plan = test::plan_of({{"IP_MODE", "dual-stack"}, {"CLUSTER_ID", "3"}});
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables"};
  std::string init = cluster::init_config(in);
  CHECK(init.find("advertiseAddress: \"10.192.3.2\"") != std::string::npos);
  CHECK(init.find("podSubnet: \"10.244.0.0/16,fd00:40::/72\"") != std::string::npos);
  CHECK(init.find("value: \"10.192.3.2,fd00:20:3::2\"") != std::string::npos);
  CHECK(init.find("maxPerCore: 0") != std::string::npos);
  CHECK(init.find("evictionHard:\n  memory.available: \"100Mi\"\n") != std::string::npos);
  CHECK(init.find("- name: unsafe-no-fsync\n      value: \"true\"") != std::string::npos);
  CHECK(init.find("name: kube-master-cluster-3") != std::string::npos);
  CHECK(init.find("taints") == std::string::npos);  // workers run the pods
  std::string join = cluster::join_config(in, 2);
  CHECK(join.find("apiServerEndpoint: \"10.192.3.2:6443\"") != std::string::npos);
  CHECK(join.find("name: kube-node-2-cluster-3") != std::string::npos);
  CHECK(cluster::host_port("fd00::2", 6443) == "[fd00::2]:6443");
  auto single = test::plan_of({{"NUM_NODES", "0"}});
  CHECK(cluster::init_config({single, "v1.34.4", "abcdef.0123456789abcdef", "iptables"}).find("  taints: []\n") != std::string::npos);
  auto t = cluster::random_token();
  CHECK(t.size() == 23);
  CHECK(t[6] == '.');
}

TEST_CASE("kubeadm configs carry FEATURE_GATES and the component flags") {
  auto plan = test::plan_of({{"NUM_NODES", "1"}});
  auto components = cluster::component_settings({{"APISERVER_audit_log_maxage", "3"},
                                                 {"SCHEDULER_v", "2"},
                                                 {"KUBELET_max_pods", "50"},
                                                 {"FEATURE_GATES", "Foo=true,Bar=false"},
                                                 {"KUBELET_FEATURE_GATES", "Baz=true"},
                                                 {"APISERVER_event_ttl", "say \"hi\""}});
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables", components};
  std::string init = cluster::init_config(in);
  CHECK(init.find("]\n  extraArgs:\n  - name: audit-log-maxage\n    value: \"3\"\n"
                  "  - name: event-ttl\n    value: \"say \\\"hi\\\"\"\n"
                  "  - name: feature-gates\n    value: \"Foo=true,Bar=false\"\ncontrollerManager:\n") != std::string::npos);
  CHECK(init.find("controllerManager:\n  extraArgs:\n  - name: allocate-node-cidrs\n    value: \"false\"\n"
                  "  - name: feature-gates\n    value: \"Foo=true,Bar=false\"\nscheduler:\n  extraArgs:\n"
                  "  - name: v\n    value: \"2\"\n  - name: feature-gates\n") != std::string::npos);
  CHECK(init.find("  kubeletExtraArgs:\n  - name: node-ip\n    value: \"10.192.0.2\"\n  - name: max-pods\n    value: \"50\"\n") !=
        std::string::npos);
  CHECK(init.find("kind: KubeletConfiguration\n") < init.find("featureGates:\n  Baz: true\n"));
  CHECK(init.find("featureGates:\n  Baz: true\n---\n") != std::string::npos);
  // workers' kubelets get the flags too (their KubeletConfiguration comes from the cluster)
  CHECK(cluster::join_config(in, 1).find("  - name: max-pods\n    value: \"50\"\n") != std::string::npos);
  // without settings: no empty sections
  std::string plain = cluster::init_config({plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables"});
  CHECK(plain.find("scheduler:") == std::string::npos);
  CHECK(plain.find("featureGates") == std::string::npos);
  CHECK(plain.find("]\ncontrollerManager:\n") != std::string::npos);
}

TEST_CASE("a fractional CPU limit reserves the rest of the last CPU, so allocatable is the limit") {
  auto plan = test::plan_of({{"NUM_NODES", "2"}, {"NODE_CPUS", "1.5"}, {"MASTER_CPUS", "2"}});
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables"};
  CHECK(cluster::join_config(in, 1).find("  - name: system-reserved\n    value: \"cpu=500m\"\n") != std::string::npos);
  CHECK(cluster::init_config(in).find("system-reserved") == std::string::npos);  // whole CPUs: nothing to reserve
  plan.nodes[2].nano_cpus = 250000000;
  CHECK(cluster::join_config(in, 2).find("value: \"cpu=750m\"") != std::string::npos);
}

TEST_CASE("several control planes: the load balancer is the endpoint, certificates are uploaded, joins say controlPlane") {
  auto plan = test::plan_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "1"}});
  std::string key = cluster::random_certificate_key();
  CHECK(key.size() == 64);
  CHECK(key != cluster::random_certificate_key());
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables", {}, {}, key};
  std::string init = cluster::init_config(in);
  CHECK(init.find("controlPlaneEndpoint: \"10.192.0.253:6443\"") != std::string::npos);
  CHECK(init.find("certificateKey: " + key) != std::string::npos);
  CHECK(init.find("kube-lb, \"10.192.0.253\"") != std::string::npos);  // in every API server's certificate
  CHECK(init.find("advertiseAddress: \"10.192.0.2\"") != std::string::npos);
  CHECK(init.find("taints") == std::string::npos);

  std::string cp = cluster::join_config(in, 2);
  CHECK(cp.find("apiServerEndpoint: \"10.192.0.253:6443\"") != std::string::npos);
  CHECK(cp.find("controlPlane:\n  localAPIEndpoint:\n    advertiseAddress: \"10.192.0.4\"\n") != std::string::npos);
  CHECK(cp.find("  certificateKey: " + key) != std::string::npos);
  CHECK(cp.find("name: kube-master-3\n") != std::string::npos);
  std::string worker = cluster::join_config(in, 3);
  CHECK(worker.find("controlPlane") == std::string::npos);
  CHECK(worker.find("name: kube-node-1\n") != std::string::npos);

  // no workers: every control plane runs pods
  auto alone = test::plan_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "0"}});
  cluster::KubeadmInput a{alone, "v1.34.4", "abcdef.0123456789abcdef", "iptables", {}, {}, key};
  CHECK(cluster::init_config(a).find("  taints: []\n") != std::string::npos);
  CHECK(cluster::join_config(a, 1).find("  taints: []\n") != std::string::npos);
}
