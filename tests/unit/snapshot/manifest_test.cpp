#include "snapshot/manifest.hpp"

#include "util/error.hpp"

#include <catch2/catch.hpp>

using namespace dind;

namespace {

snapshot::Manifest sample() {
  snapshot::Manifest m;
  m.name = "default";
  m.cluster = "default";
  m.image = "dind-node:stable";
  m.image_id = "sha256:" + std::string(64, 'a');
  m.plan = std::string(64, 'b');
  m.kubernetes_version = "v1.34.4";
  m.created = "2026-11-27T17:00:00Z";
  m.nodes = {{"kube-master", "master", {{"/", std::string(64, '1'), 10240, 300}, {"/var", std::string(64, '2'), 5000000, 2000000}}},
             {"kube-node-1", "worker", {{"/var", std::string(64, '2'), 5000000, 2000000}}}};
  return m;
}

} // namespace

TEST_CASE("manifest round trip, sizes and distinct blobs") {
  auto m = sample();
  auto back = snapshot::Manifest::parse(m.to_json(), "test");
  CHECK(back.to_json() == m.to_json());
  CHECK(back.nodes.size() == 2);
  CHECK(back.nodes[0].layers[1].path == "/var");
  CHECK(back.size() == 10240 + 2 * 5000000);
  CHECK(back.stored() == 300 + 2 * 2000000);
  CHECK(back.blobs() == std::vector<std::string>{std::string(64, '1'), std::string(64, '2')});
}

TEST_CASE("manifest refuses what it cannot trust") {
  auto text = sample().to_json();
  auto with = [&](const std::string& from, const std::string& to) {
    auto t = text;
    auto p = t.find(from);
    REQUIRE(p != std::string::npos);
    return t.replace(p, from.size(), to);
  };
  CHECK_THROWS_AS(snapshot::Manifest::parse(text.substr(0, text.size() / 2), "t"), Error);
  CHECK_THROWS_WITH(snapshot::Manifest::parse(with("\"format\": 1", "\"format\": 2"), "t"), Catch::Contains("format 2"));
  CHECK_THROWS_WITH(snapshot::Manifest::parse(with(std::string(64, '1'), "../../etc/passwd"), "t"), Catch::Contains("not a sha256"));
  CHECK_THROWS_WITH(snapshot::Manifest::parse(with("\"name\": \"default\"", "\"name\": \"../x\""), "t"), Catch::Contains("invalid snapshot name"));
  CHECK_THROWS_WITH(snapshot::Manifest::parse(with("\"role\": \"master\"", "\"role\": \"worker\""), "t"), Catch::Contains("not the master"));
  CHECK_THROWS_WITH(snapshot::Manifest::parse(with("\"size\": 10240", "\"size\": -1"), "t"), Catch::Contains("size"));
  CHECK_THROWS_WITH(snapshot::Manifest::parse(with("\"path\": \"/var\"", "\"path\": \"var\""), "t"), Catch::Contains("not absolute"));
}

TEST_CASE("snapshot names and plan identity") {
  CHECK(snapshot::valid_name("default"));
  CHECK(snapshot::valid_name("cluster-70.ci_1"));
  CHECK_FALSE(snapshot::valid_name(""));
  CHECK_FALSE(snapshot::valid_name("-x"));
  CHECK_FALSE(snapshot::valid_name("a/b"));
  CHECK_FALSE(snapshot::valid_name("Upper"));
  CHECK_FALSE(snapshot::valid_name(std::string(64, 'a')));
  cluster::LayoutInput in;
  in.cluster_id = "70";
  auto a = cluster::make_layout(in);
  in.num_nodes = "1";
  auto b = cluster::make_layout(in);
  CHECK(snapshot::layout_identity(a, "bridge", "iptables", "") == snapshot::layout_identity(a, "bridge", "iptables", ""));
  CHECK(snapshot::layout_identity(a, "bridge", "iptables", "") != snapshot::layout_identity(b, "bridge", "iptables", ""));
  CHECK(snapshot::layout_identity(a, "bridge", "iptables", "") != snapshot::layout_identity(a, "ptp", "iptables", ""));
  CHECK(snapshot::layout_identity(a, "bridge", "iptables", "") != snapshot::layout_identity(a, "bridge", "nftables", ""));
  CHECK(snapshot::layout_identity(a, "bridge", "iptables", "") != snapshot::layout_identity(a, "bridge", "iptables", "kubelet --v=4\n"));
}
