#include "util/error.hpp"
#include "util/json.hpp"
#include "util/yaml_patch.hpp"

#include <catch2/catch.hpp>

using namespace dind;
using util::yaml::patch_documents;

namespace {

const char* kubeadm = R"(apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking:
  podSubnet: "10.244.0.0/16"
controllerManager:
  extraArgs:
  - name: allocate-node-cidrs
    value: "false"
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failSwapOn: false
maxPods: 110
)";

} // namespace

TEST_CASE("a stream without patches keeps its values and their types") {
  std::string out = patch_documents(kubeadm, {}, {}, "test");
  CHECK(out.find("\"value\": \"false\"") != std::string::npos);  // a quoted "false" stays a string
  CHECK(out.find("\"failSwapOn\": false") != std::string::npos);
  CHECK(out.find("\"maxPods\": 110") != std::string::npos);
  CHECK(out.find("---\n") != std::string::npos);
}

TEST_CASE("a merge patch goes into the documents of its kind only") {
  std::string out = patch_documents(kubeadm, {"kind: KubeletConfiguration\nmaxPods: 40\nfailSwapOn: null\n"}, {}, "test");
  CHECK(out.find("\"maxPods\": 40") != std::string::npos);
  CHECK(out.find("failSwapOn") == std::string::npos);  // null removes
  CHECK(out.find("10.244.0.0/16") != std::string::npos);
}

TEST_CASE("v1beta3's extraArgs map becomes v1beta4's list, merged by name") {
  std::string patch = R"(apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    event-ttl: 30m
    enable-admission-plugins: NodeRestriction
controllerManager:
  extraArgs:
    allocate-node-cidrs: "true"
    bind-address: 0.0.0.0
)";
  auto out = json::parse(patch_documents(kubeadm, {patch}, {}, "test").substr(0, patch_documents(kubeadm, {patch}, {}, "test").find("---")), "out");
  CHECK(json::str(out, {"apiVersion"}) == "kubeadm.k8s.io/v1beta4");  // the document's own version stays
  auto& api = out["apiServer"]["extraArgs"];
  REQUIRE(api.IsArray());
  REQUIRE(api.Size() == 2);
  CHECK(json::str(api[0], {"name"}) == "event-ttl");  // in the order the patch lists them
  auto& cm = out["controllerManager"]["extraArgs"];
  REQUIRE(cm.Size() == 2);
  CHECK(json::str(cm[0], {"name"}) == "allocate-node-cidrs");
  CHECK(json::str(cm[0], {"value"}) == "true");
  CHECK(json::str(cm[1], {"value"}) == "0.0.0.0");
}

TEST_CASE("RFC 6902 operations on the documents of their kind") {
  util::yaml::Json6902 p{"kubeadm.k8s.io", "v1beta3", "ClusterConfiguration", R"(
- op: add
  path: /apiServer
  value: {certSANs: [a]}
- op: add
  path: /apiServer/certSANs/-
  value: b
- op: add
  path: /apiServer/certSANs/0
  value: first
- op: replace
  path: /networking/podSubnet
  value: 10.8.0.0/16
- op: copy
  from: /networking/podSubnet
  path: /networking/copy
- op: move
  from: /networking/copy
  path: /networking/moved
- op: remove
  path: /controllerManager/extraArgs/0
- op: test
  path: /apiServer/certSANs/2
  value: b
)"};
  auto text = patch_documents(kubeadm, {}, {p}, "test");
  auto out = json::parse(text.substr(0, text.find("---")), "out");
  auto& sans = out["apiServer"]["certSANs"];
  REQUIRE(sans.Size() == 3);
  CHECK(std::string(sans[0].GetString()) == "first");
  CHECK(std::string(sans[2].GetString()) == "b");
  CHECK(json::str(out, {"networking", "podSubnet"}) == "10.8.0.0/16");
  CHECK(json::str(out, {"networking", "moved"}) == "10.8.0.0/16");
  CHECK(json::find(out, {"networking", "copy"}) == nullptr);
  CHECK(out["controllerManager"]["extraArgs"].Size() == 0);
}

TEST_CASE("patches that cannot apply name themselves") {
  util::yaml::Json6902 bad_path{"", "", "ClusterConfiguration", "- op: remove\n  path: /nothing/here\n"};
  CHECK_THROWS_WITH(patch_documents(kubeadm, {}, {bad_path}, "p"), Catch::Contains("p JSON 6902 patch 1"));
  util::yaml::Json6902 failed_test{"", "", "KubeletConfiguration", "- op: test\n  path: /maxPods\n  value: 1\n"};
  CHECK_THROWS_WITH(patch_documents(kubeadm, {}, {failed_test}, "p"), Catch::Contains("test /maxPods failed"));
  CHECK_THROWS_WITH(util::yaml::check_json6902("- op: frobnicate\n  path: /a\n", "w"), Catch::Contains("unknown operation"));
  CHECK_THROWS_WITH(util::yaml::check_json6902("- op: add\n  path: /a\n", "w"), Catch::Contains("needs a value"));
  CHECK_THROWS_WITH(util::yaml::check_json6902("op: add", "w"), Catch::Contains("a list of operations"));
  CHECK_THROWS_WITH(util::yaml::patch_kind("a: [", "w"), Catch::Contains("w: not valid YAML"));
  CHECK(util::yaml::patch_kind("kind: InitConfiguration\n", "w") == "InitConfiguration");
}

TEST_CASE("merge patch edge cases: a null flag goes, an empty list clears, ~0 and ~1 decode once") {
  std::string removed = patch_documents(kubeadm, {"kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n"
                                                  "    allocate-node-cidrs: null\n"},
                                        {}, "test");
  CHECK(removed.find("allocate-node-cidrs") == std::string::npos);
  std::string cleared = patch_documents(kubeadm, {"kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs: []\n"}, {}, "test");
  CHECK(cleared.find("allocate-node-cidrs") == std::string::npos);
  util::yaml::Json6902 tilde{"", "", "KubeletConfiguration", "- op: add\n  path: /a~01~1b\n  value: x\n"};
  CHECK(patch_documents(kubeadm, {}, {tilde}, "test").find("\"a~1/b\": \"x\"") != std::string::npos);
  CHECK_THROWS_WITH(util::yaml::check_json6902("- op: move\n  path: /a\n", "w"), Catch::Contains("needs a JSON pointer from"));
  // beyond a double: a string, not a crash
  CHECK(patch_documents(kubeadm, {"kind: KubeletConfiguration\nx: 1e400\n"}, {}, "test").find("\"x\": \"1e400\"") != std::string::npos);
}
