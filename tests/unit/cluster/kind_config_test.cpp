#include "cluster/kind_config.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <unistd.h>

using namespace dind;
using cluster::parse_kind_config;

namespace {

const std::string head = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n";

std::string refusal(const std::string& body) {
  try {
    parse_kind_config(head + body, "k.yaml");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

} // namespace

TEST_CASE("a kind config is told from the seed's config.sh") {
  CHECK(cluster::is_kind_config(head));
  CHECK(cluster::is_kind_config("# a comment\n" + head + "nodes:\n- role: control-plane\n"));
  CHECK_FALSE(cluster::is_kind_config("NUM_NODES=2\nIP_MODE=ipv6\n"));
  CHECK_FALSE(cluster::is_kind_config("kind: Pod\napiVersion: v1\n"));
  CHECK_FALSE(cluster::is_kind_config("kind: Cluster\napiVersion: [\n"));
}

TEST_CASE("kind's default is one schedulable control-plane node") {
  auto k = parse_kind_config(head, "k.yaml");
  CHECK(k.variables.at("NUM_NODES") == "0");
  CHECK(k.nodes.size() == 1);
}

TEST_CASE("the fields of kind's documentation examples") {
  char dir[] = "/tmp/dind-kind-test.XXXXXX";
  REQUIRE(::mkdtemp(dir));
  auto k = parse_kind_config(head + R"(name: app-1
featureGates:
  "CSIMigration": true
  Other: false
runtimeConfig:
  "api/alpha": "false"
networking:
  ipFamily: dual
  apiServerAddress: "127.0.0.1"
  apiServerPort: 6443
  podSubnet: "10.244.0.0/16"
  serviceSubnet: "10.96.0.0/12"
  kubeProxyMode: nftables
nodes:
- role: worker
  labels: {tier: web}
  cpus: "1.5"
  memory: 1g
- role: control-plane
  extraPortMappings:
  - containerPort: 30080
    hostPort: 8080
    protocol: udp
  - containerPort: 443
    listenAddress: 127.0.0.1
  extraMounts:
  - hostPath: )" + std::string(dir) + R"(
    containerPath: /files
    readOnly: true
    propagation: HostToContainer
  kubeadmConfigPatches:
  - |
    kind: InitConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        node-labels: "ingress-ready=true"
- role: worker
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  apiServer:
    extraArgs:
      event-ttl: 30m
kubeadmConfigPatchesJSON6902:
- group: kubeadm.k8s.io
  version: v1beta3
  kind: ClusterConfiguration
  patch: |
    - op: add
      path: /apiServer/certSANs/-
      value: my-hostname
containerdConfigPatches:
- |-
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."localhost:5000"]
    endpoint = ["http://kind-registry:5000"]
)", "k.yaml");
  ::rmdir(dir);
  CHECK(k.variables.at("DIND_LABEL") == "app-1");
  CHECK(k.variables.at("NUM_NODES") == "2");
  CHECK(k.variables.at("IP_MODE") == "dual-stack");
  CHECK(k.variables.at("APISERVER_PORT") == "6443");
  CHECK(k.variables.at("POD_NETWORK_CIDR") == "10.244.0.0/16");
  CHECK(k.variables.at("SERVICE_CIDR") == "10.96.0.0/12");
  CHECK(k.variables.at("KUBE_PROXY_MODE") == "nftables");
  CHECK(k.variables.at("FEATURE_GATES") == "CSIMigration=true,Other=false");
  CHECK(k.variables.at("KUBELET_FEATURE_GATES") == "CSIMigration=true,Other=false");
  CHECK(k.variables.at("APISERVER_runtime_config") == "api/alpha=false");
  REQUIRE(k.nodes.size() == 3);
  // the control plane is node 0 wherever the file lists it; workers keep their order
  CHECK(k.nodes[1].labels.at("tier") == "web");
  CHECK(k.nodes[1].nano_cpus == 1500000000);
  CHECK(k.nodes[1].memory_bytes == int64_t(1) << 30);
  CHECK(k.nodes[0].nano_cpus == 0);
  REQUIRE(k.nodes[0].ports.size() == 2);
  CHECK(k.nodes[0].ports[0].container_port == "30080/udp");
  CHECK(k.nodes[0].ports[0].host_port == "8080");
  CHECK(k.nodes[0].ports[0].host_ip == "0.0.0.0");
  CHECK(k.nodes[0].ports[1].host_port.empty());
  CHECK(k.nodes[0].ports[1].host_ip == "127.0.0.1");
  REQUIRE(k.nodes[0].mounts.size() == 1);
  CHECK(k.nodes[0].mounts[0].type == "bind");
  CHECK(k.nodes[0].mounts[0].read_only);
  CHECK(k.nodes[0].mounts[0].propagation == "rslave");
  CHECK(k.nodes[0].kubeadm_patches.size() == 1);
  CHECK(k.kubeadm_patches.size() == 1);
  CHECK(k.kubeadm_json6902.size() == 1);
  CHECK(k.containerd_patches.size() == 1);
  CHECK(k.apiserver_address == "127.0.0.1");
  CHECK(k.key().find("tier=web") != std::string::npos);
}

TEST_CASE("several control-plane nodes: NUM_CONTROL_PLANES, and their settings first whatever the file's order") {
  auto k = parse_kind_config(head + "nodes:\n- role: worker\n  labels: {w: a}\n- role: control-plane\n"
                                    "- role: worker\n  labels: {w: b}\n- role: control-plane\n  labels: {cp: two}\n"
                                    "- role: control-plane\n",
                             "k.yaml");
  CHECK(k.variables.at("NUM_CONTROL_PLANES") == "3");
  CHECK(k.variables.at("NUM_NODES") == "2");
  REQUIRE(k.nodes.size() == 5);
  CHECK(k.nodes[0].labels.empty());
  CHECK(k.nodes[1].labels.at("cp") == "two");
  CHECK(k.nodes[3].labels.at("w") == "a");
  CHECK(k.nodes[4].labels.at("w") == "b");
}

TEST_CASE("kind's node image names the Kubernetes minor version dind runs") {
  auto k = cluster::parse_kind_config(
      "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- image: kindest/node:v1.35.0@sha256:" + std::string(64, 'a') +
          "\n- role: worker\n  image: docker.io/kindest/node:v1.35.2\n",
      "k.yaml");
  CHECK(k.variables.at("DIND_K8S_VERSION") == "v1.35");
  CHECK(cluster::parse_kind_config("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n", "k.yaml").variables.count("DIND_K8S_VERSION") == 0);
}

TEST_CASE("anything kind does not document, or dind cannot do, is one line naming the field") {
  CHECK(refusal("nodes:\n- role: control-plane\n  extraPortMapping: []\n") ==
        "k.yaml: nodes[0].extraPortMapping is not a kind v1alpha4 field dind knows");
  CHECK(refusal("nodes:\n- role: worker\n") == "k.yaml: nodes: one node with role control-plane is needed");
  CHECK(refusal("nodes:\n- role: boss\n") == "k.yaml: nodes[0].role: control-plane or worker expected");
  CHECK(refusal("nodes:\n- image: myorg/node:v1.35.0\n").find("k.yaml: nodes[0].image: kindest/node:vX.Y.Z expected") == 0);
  CHECK(refusal("nodes:\n- image: kindest/node:v1.35.0\n- role: worker\n  image: kindest/node:v1.36.1\n") ==
        "k.yaml: nodes[1].image: every node runs one Kubernetes version in dind, v1.35 above");
  CHECK(refusal("nodes:\n- extraMounts:\n  - hostPath: /no/such/dir\n    containerPath: /x\n") ==
        "k.yaml: nodes[0].extraMounts[0].hostPath: /no/such/dir does not exist");
  CHECK(refusal("nodes:\n- extraPortMappings:\n  - containerPort: 70000\n") ==
        "k.yaml: nodes[0].extraPortMappings[0].containerPort: a number from 1 to 65535 expected");
  CHECK(refusal("nodes:\n- memory: 10m\n").find("k.yaml: nodes[0].memory") == 0);
  CHECK(refusal("networking:\n  ipFamily: ipv5\n") == "k.yaml: networking.ipFamily: ipv4, ipv6 or dual expected");
  CHECK(refusal("networking:\n  disableDefaultCNI: true\n").find("k.yaml: networking.disableDefaultCNI: true is not supported") == 0);
  CHECK(refusal("networking:\n  dnsSearch: []\n").find("networking.dnsSearch is not supported") != std::string::npos);
  CHECK(refusal("featureGates:\n  Foo: maybe\n") == "k.yaml: featureGates: Foo: true or false expected");
  CHECK(refusal("kubeadmConfigPatches:\n- |\n  kind: Deployment\n").find("kubeadmConfigPatches[0]: a patch for kind 'Deployment'") != std::string::npos);
  CHECK(refusal("kubeadmConfigPatchesJSON6902:\n- kind: ClusterConfiguration\n  patch: |\n    - op: nope\n      path: /a\n")
            .find("unknown operation 'nope'") != std::string::npos);
  CHECK(refusal("containerdConfigPatches:\n- \"[plugins\"\n").find("containerdConfigPatches[0]: not valid TOML") != std::string::npos);
  CHECK(refusal("containerdConfigPatchesJSON6902: []\n").find("is not supported: give the change as a TOML merge patch") !=
        std::string::npos);
  CHECK_THROWS_WITH(parse_kind_config("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha3\n", "k.yaml"),
                    "k.yaml: apiVersion: kind.x-k8s.io/v1alpha4 expected");
}

TEST_CASE("patches reach the node they are for") {
  auto k = parse_kind_config(head + R"(nodes:
- role: control-plane
- role: worker
  kubeadmConfigPatches:
  - |
    kind: JoinConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        v: "4"
)", "k.yaml");
  std::string join = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\nnodeRegistration:\n  name: n\n";
  CHECK(cluster::patch_kubeadm(k, 0, join) == join);  // no patch for the control plane: untouched
  std::string out = cluster::patch_kubeadm(k, 1, join);
  CHECK(out.find("\"name\": \"v\"") != std::string::npos);
  CHECK(out.find("\"value\": \"4\"") != std::string::npos);
}
