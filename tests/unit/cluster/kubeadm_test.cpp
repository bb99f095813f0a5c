#include "cluster/kubeadm.hpp"

#include "layout_fixture.hpp"
#include "util/json.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("kubeadm configs carry the plan") {
  auto plan = test::layout_of({{"IP_MODE", "dual-stack"}, {"CLUSTER_ID", "3"}});
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
  std::string join = cluster::join_config(in, 2, cluster::dind_discovery(in, {}, "sha256:0f"));
  CHECK(join.find("apiServerEndpoint: \"10.192.3.2:6443\"\n    token: \"abcdef.0123456789abcdef\"\n"
                  "    caCertHashes:\n    - \"sha256:0f\"\nnodeRegistration:\n") != std::string::npos);
  CHECK(join.find("unsafeSkipCAVerification") == std::string::npos);
  CHECK(join.find("name: kube-node-2-cluster-3") != std::string::npos);
  CHECK(cluster::host_port("fd00::2", 6443) == "[fd00::2]:6443");
  auto single = test::layout_of({{"NUM_NODES", "0"}});
  CHECK(cluster::init_config({single, "v1.34.4", "abcdef.0123456789abcdef", "iptables"}).find("  taints: []\n") != std::string::npos);
  auto t = cluster::random_token();
  CHECK(t.size() == 23);
  CHECK(t[6] == '.');
}

TEST_CASE("kubeadm configs carry FEATURE_GATES and the component flags") {
  auto plan = test::layout_of({{"NUM_NODES", "1"}});
  auto components = cluster::component_settings({{"APISERVER_audit_log_maxage", "3"},
                                                 {"SCHEDULER_v", "2"},
                                                 {"KUBELET_max_pods", "50"},
                                                 {"FEATURE_GATES", "Foo=true,Bar=false"},
                                                 {"KUBELET_FEATURE_GATES", "Baz=true"},
                                                 {"APISERVER_event_ttl", "say \"hi\""}});
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables", components};
  std::string init = cluster::init_config(in);
  // kubeadm's own lifetime, not forever: later joins make a fresh token
  CHECK(init.find("bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  ttl: 24h\n") != std::string::npos);
  CHECK(init.find("]\n  extraArgs:\n  - name: audit-log-maxage\n    value: \"3\"\n"
                  "  - name: event-ttl\n    value: \"say \\\"hi\\\"\"\n"
                  "  - name: feature-gates\n    value: \"Foo=true,Bar=false\"\ncontrollerManager:\n") != std::string::npos);
  CHECK(init.find("controllerManager:\n  extraArgs:\n  - name: allocate-node-cidrs\n    value: \"false\"\n"
                  "  - name: kube-api-qps\n    value: \"500\"\n  - name: kube-api-burst\n    value: \"1000\"\n"
                  "  - name: leader-elect\n    value: \"false\"\n"
                  "  - name: feature-gates\n    value: \"Foo=true,Bar=false\"\nscheduler:\n  extraArgs:\n"
                  "  - name: leader-elect\n    value: \"false\"\n"
                  "  - name: v\n    value: \"2\"\n  - name: feature-gates\n") != std::string::npos);
  CHECK(init.find("  kubeletExtraArgs:\n  - name: node-ip\n    value: \"10.192.0.2\"\n  - name: max-pods\n    value: \"50\"\n") !=
        std::string::npos);
  CHECK(init.find("kind: KubeletConfiguration\n") < init.find("featureGates:\n  KubeletCrashLoopBackOffMax: true\n"));
  CHECK(init.find("featureGates:\n  KubeletCrashLoopBackOffMax: true\n  Baz: true\n---\n") != std::string::npos);
  // workers' kubelets get the flags too (their KubeletConfiguration comes from the cluster)
  CHECK(cluster::join_config(in, 1, cluster::dind_discovery(in, {}, "sha256:0f")).find("  - name: max-pods\n    value: \"50\"\n") != std::string::npos);
  // without settings: no empty sections
  std::string plain = cluster::init_config({plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables"});
  CHECK(plain.find("scheduler:\n  extraArgs:\n  - name: leader-elect\n    value: \"false\"\n---\n") != std::string::npos);
  // restarts at most 2 s apart, unless the user turns the gate off
  CHECK(plain.find("crashLoopBackOff:\n  maxContainerRestartPeriod: 2s\nfeatureGates:\n  KubeletCrashLoopBackOffMax: true\n---\n") != std::string::npos);
  auto off = cluster::component_settings({{"KUBELET_FEATURE_GATES", "KubeletCrashLoopBackOffMax=false"}});
  std::string backoff = cluster::init_config({plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables", off});
  CHECK(backoff.find("crashLoopBackOff") == std::string::npos);
  CHECK(backoff.find("featureGates:\n  KubeletCrashLoopBackOffMax: false\n---\n") != std::string::npos);
  CHECK(plain.find("kind: ClusterConfiguration\n") < plain.find("\nencryptionAlgorithm: ECDSA-P256\n"));
  CHECK(plain.find("]\ncontrollerManager:\n") != std::string::npos);
}

TEST_CASE("kubeadm makes CoreDNS probed every second and talking to the API server, not its service") {
  auto one = test::layout_of({{"NUM_NODES", "1"}});
  CHECK(cluster::init_config({one, "v1.34.4", "abcdef.0123456789abcdef", "iptables"}).find("\npatches:\n  directory: /etc/dind/patches\n---\n") != std::string::npos);
  auto patch = json::parse(cluster::coredns_patch(one), "patch");
  const auto& c = patch["spec"]["template"]["spec"]["containers"][0];
  CHECK(json::str(c, {"name"}) == "coredns");
  CHECK(json::num(c, {"readinessProbe", "periodSeconds"}) == 1);
  CHECK(json::str(c["env"][0], {"name"}) == "KUBERNETES_SERVICE_HOST");
  CHECK(json::str(c["env"][0], {"value"}) == "10.192.0.2");
  CHECK(json::str(c["env"][1], {"value"}) == "6443");
  // several control planes: the load balancer's address
  auto ha = test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "1"}});
  auto ha_patch = json::parse(cluster::coredns_patch(ha), "patch");
  CHECK(json::str(ha_patch["spec"]["template"]["spec"]["containers"][0]["env"][0], {"value"}) == ha.lb->ipv4);
}

TEST_CASE("one control plane elects no leader; several do, and the user's flag comes last") {
  const std::string off = "  - name: leader-elect\n    value: \"false\"\n";
  auto one = test::layout_of({{"NUM_NODES", "1"}});
  std::string init = cluster::init_config({one, "v1.34.4", "abcdef.0123456789abcdef", "iptables"});
  const std::string qps = "  - name: kube-api-qps\n    value: \"500\"\n  - name: kube-api-burst\n    value: \"1000\"\n";
  CHECK(init.find("controllerManager:\n  extraArgs:\n  - name: allocate-node-cidrs\n    value: \"false\"\n" + qps + off) != std::string::npos);
  CHECK(init.find("scheduler:\n  extraArgs:\n" + off) != std::string::npos);
  auto ha = test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "1"}});
  std::string ha_init = cluster::init_config({ha, "v1.34.4", "abcdef.0123456789abcdef", "iptables"});
  CHECK(ha_init.find("leader-elect") == std::string::npos);
  CHECK(ha_init.find("scheduler:") == std::string::npos);
  CHECK(ha_init.find(qps) != std::string::npos);
  auto user = cluster::component_settings({{"CONTROLLER_MANAGER_leader_elect", "true"}, {"CONTROLLER_MANAGER_kube_api_qps", "5"}});
  std::string mine = cluster::init_config({one, "v1.34.4", "abcdef.0123456789abcdef", "iptables", user});
  CHECK(mine.find(off + "  - name: kube-api-qps\n    value: \"5\"\n  - name: leader-elect\n    value: \"true\"\n") != std::string::npos);
}

TEST_CASE("a fractional CPU limit reserves the rest of the last CPU, so allocatable is the limit") {
  auto plan = test::layout_of({{"NUM_NODES", "2"}, {"NODE_CPUS", "1.5"}, {"MASTER_CPUS", "2"}});
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables"};
  CHECK(cluster::join_config(in, 1, cluster::dind_discovery(in, {}, "sha256:0f")).find("  - name: system-reserved\n    value: \"cpu=500m\"\n") != std::string::npos);
  CHECK(cluster::init_config(in).find("system-reserved") == std::string::npos);  // whole CPUs: nothing to reserve
  plan.nodes[2].nano_cpus = 250000000;
  CHECK(cluster::join_config(in, 2, cluster::dind_discovery(in, {}, "sha256:0f")).find("value: \"cpu=750m\"") != std::string::npos);
}

TEST_CASE("join's discovery: the user's flags win, dind fills in the rest") {
  auto plan = cluster::make_layout(cluster::LayoutInput::from([](const std::string&) -> std::optional<std::string> { return std::nullopt; }));
  cluster::KubeadmInput in{plan, "v1.34.4", "abcdef.0123456789abcdef", "iptables"};
  auto args = cluster::parse_kubeadm_args("join", {"--token", "zzzzzz.0123456789zzzzzz", "10.192.0.2:6443",
                                                   "--discovery-token-unsafe-skip-ca-verification", "-v=5", "--skip-phases", "preflight"});
  CHECK(args.pass == std::vector<std::string>{"-v=5", "--skip-phases=preflight"});
  auto d = cluster::dind_discovery(in, args.discovery, "sha256:0f");
  std::string join = cluster::join_config(in, 1, d);
  CHECK(join.find("discovery:\n  bootstrapToken:\n    apiServerEndpoint: \"10.192.0.2:6443\"\n    token: \"zzzzzz.0123456789zzzzzz\"\n"
                  "    unsafeSkipCAVerification: true\n  tlsBootstrapToken: \"zzzzzz.0123456789zzzzzz\"\n") != std::string::npos);
  CHECK(join.find("caCertHashes") == std::string::npos);
  // the pin init prints, given as kubeadm spells it; tokens one by one
  args = cluster::parse_kubeadm_args("join", {"--discovery-token-ca-cert-hash=sha256:aa,sha256:bb", "--discovery-token=a.b",
                                              "--tls-bootstrap-token", "c.d", "--token", "e.f"});
  d = cluster::dind_discovery(in, args.discovery, "sha256:0f");
  CHECK(d.endpoint == "10.192.0.2:6443");
  CHECK(d.ca_cert_hashes == std::vector<std::string>{"sha256:aa", "sha256:bb"});
  CHECK(d.token == "a.b");
  CHECK(d.tls_token == "c.d");
  CHECK(args.pass.empty());
}

TEST_CASE("init and join refuse what kubeadm refuses beside --config, before anything is made") {
  auto init = cluster::parse_kubeadm_args("init", {"--upload-certs", "--skip-phases=addon/kube-proxy", "-v", "3", "-v4",
                                                   "--ignore-preflight-errors=all"});
  CHECK(init.pass == std::vector<std::string>{"--upload-certs", "--skip-phases=addon/kube-proxy", "-v=3", "-v=4",
                                              "--ignore-preflight-errors=all"});
  for (auto& bad : std::vector<std::vector<std::string>>{{"--pod-network-cidr=10.0.0.0/8"}, {"--node-name", "x"}, {"--config=x"},
                                                         {"--token", "a.b"}, {"10.0.0.1:6443"}, {"--skip-phases"}, {"-x"},
                                                         {"--skip-log-headers"}, {"--vmodule=x=2"}}) {
    CHECK_THROWS_AS(cluster::parse_kubeadm_args("init", bad), UsageError);
  }
  CHECK_THROWS_WITH(cluster::parse_kubeadm_args("init", {"-h"}), Catch::Contains("kubeadm init flag -h cannot"));
  CHECK_THROWS_WITH(cluster::parse_kubeadm_args("join", {"--control-plane"}),
                    Catch::Contains("kubeadm join flag --control-plane cannot go beside dind's kubeadm config"));
  for (auto& bad : std::vector<std::vector<std::string>>{{"--upload-certs"}, {"--discovery-file", "f"}, {"a:1", "b:2"},
                                                         {"--discovery-token-unsafe-skip-ca-verification=yes"}, {"--token"}}) {
    CHECK_THROWS_AS(cluster::parse_kubeadm_args("join", bad), UsageError);
  }
}

TEST_CASE("the CA pin is kubeadm's: SHA-256 of the certificate's SubjectPublicKeyInfo") {
  // openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum
  const std::string pem = "-----BEGIN CERTIFICATE-----\n"
                          "MIIBfzCCASWgAwIBAgIUZ2Qz0xJHhYhqaoMhC4cxv/jilJ4wCgYIKoZIzj0EAwIw\n"
                          "FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjExMjcyMzU5MTZaFw0zNjExMjQy\n"
                          "MzU5MTZaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO\n"
                          "PQMBBwNCAATyvsQ6eYIEYd6VNC/CsTnSGYAL0Tu+FHGd1ypfQt8L2O58tgJCirMF\n"
                          "rsdc7yTGW88itkcxP2KGEc72wMl7QIcjo1MwUTAdBgNVHQ4EFgQUMNLB1aY6fqEJ\n"
                          "8nU1Tks2cUCwdLgwHwYDVR0jBBgwFoAUMNLB1aY6fqEJ8nU1Tks2cUCwdLgwDwYD\n"
                          "VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAxUfMgzJ/9WxWk2tcBVQN\n"
                          "LUJeFSdsSUcUyf+StYPuqxsCIFcm/l/K0Z0mN8hRALrSP8e8T8Nkd+H36Pc2itCS\n"
                          "gg1s\n"
                          "-----END CERTIFICATE-----\n";
  CHECK(cluster::ca_cert_hash(pem) == "sha256:2e0eff098c311cfd5cc2f3d9db22fc0257a7f9c7d23cffaa92aa6ddd673fbe43");
  CHECK_THROWS_AS(cluster::ca_cert_hash("not a certificate"), Error);
}

TEST_CASE("several control planes: the load balancer is the endpoint, certificates are uploaded, joins say controlPlane") {
  auto plan = test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "1"}});
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

  auto discovery = cluster::dind_discovery(in, {}, "sha256:0f");
  std::string cp = cluster::join_config(in, 2, discovery);
  CHECK(cp.find("apiServerEndpoint: \"10.192.0.253:6443\"") != std::string::npos);
  CHECK(cp.find("controlPlane:\n  localAPIEndpoint:\n    advertiseAddress: \"10.192.0.4\"\n") != std::string::npos);
  CHECK(cp.find("  certificateKey: " + key) != std::string::npos);
  CHECK(cp.find("name: kube-master-3\n") != std::string::npos);
  std::string worker = cluster::join_config(in, 3, discovery);
  CHECK(worker.find("controlPlane") == std::string::npos);
  CHECK(worker.find("name: kube-node-1\n") != std::string::npos);

  // no workers: every control plane runs pods
  auto alone = test::layout_of({{"NUM_CONTROL_PLANES", "3"}, {"NUM_NODES", "0"}});
  cluster::KubeadmInput a{alone, "v1.34.4", "abcdef.0123456789abcdef", "iptables", {}, {}, key};
  CHECK(cluster::init_config(a).find("  taints: []\n") != std::string::npos);
  CHECK(cluster::join_config(a, 1, cluster::dind_discovery(a, {}, "sha256:0f")).find("  taints: []\n") != std::string::npos);
}
