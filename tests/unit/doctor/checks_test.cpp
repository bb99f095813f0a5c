#include "doctor/checks.hpp"

#include "util/json.hpp"

#include <catch2/catch.hpp>

using namespace dind;
using doctor::Status;

namespace {

cluster::Layout plan(const std::string& cluster_id) {
  cluster::LayoutInput in;
  in.cluster_id = cluster_id;
  in.num_nodes = "1";
  return cluster::make_layout(in);
}

} // namespace

TEST_CASE("doctor inotify: blocks below what the nodes need, warns below kind's values") {
  CHECK(doctor::inotify(512, 524288, 3).status == Status::ok);
  auto low = doctor::inotify(128, 192536, 3);
  CHECK(low.status == Status::warn);
  CHECK(low.fix.find("fs.inotify.max_user_instances=512") != std::string::npos);
  CHECK(doctor::inotify(8, 524288, 3).status == Status::fail);
  CHECK(doctor::inotify(512, 1000, 3).status == Status::fail);
  CHECK(doctor::inotify(50, 524288, 2).status == Status::warn);  // 2 nodes fit in 50 instances
  CHECK(doctor::inotify(50, 524288, 3).status == Status::fail);
}

TEST_CASE("doctor cgroup: v1 runs up to 1.34 as is, 1.35+ with failCgroupV1 (a warning, not a block)") {
  CHECK(doctor::cgroup(1, "cgroupfs", "dind-node:v1.34.4").status == Status::info);
  auto v135 = doctor::cgroup(1, "cgroupfs", "dind-node:v1.35.4");
  CHECK(v135.status == Status::warn);
  CHECK(v135.message.find("failCgroupV1: false") != std::string::npos);
  CHECK(v135.fix.find("cgroup v2") != std::string::npos);
  CHECK(doctor::cgroup(2, "systemd", "dind-node:v1.35.0").status == Status::ok);
}

TEST_CASE("doctor networks: a Docker network overlapping the plan's ranges blocks, the plan's own does not") {
  auto p = plan("42");
  REQUIRE(p.mgmt.at(0).str() == "10.192.42.0/24");
  CHECK(doctor::networks(p, {{"bridge", {"172.17.0.0/16"}}, {p.network, {"10.192.42.0/24"}}}).status == Status::ok);
  auto clash = doctor::networks(p, {{"other", {"10.192.42.128/25", "fd00::/64"}}, {"svc", {"10.96.0.0/16"}}, {"odd", {"not a cidr"}}});
  CHECK(clash.status == Status::fail);
  CHECK(clash.message == "Docker network other (10.192.42.128/25) overlaps the management network 10.192.42.0/24; "
                         "Docker network svc (10.96.0.0/16) overlaps the service network 10.96.0.0/12");
  CHECK(clash.fix.find("docker network rm other svc") == 0);
}

TEST_CASE("doctor port, disk, memory, leftovers, kernel, device") {
  CHECK(doctor::port(std::nullopt, false, false).status == Status::ok);
  CHECK(doctor::port(6443, false, false).message == "127.0.0.1:6443 is free");
  CHECK(doctor::port(6443, true, false).status == Status::fail);
  CHECK(doctor::port(6443, true, true).status == Status::ok);  // the cluster's own master
  CHECK(doctor::disk("/var/lib/docker", 2ULL << 30, 3).status == Status::fail);
  CHECK(doctor::disk("/var/lib/docker", 6ULL << 30, 3).status == Status::warn);
  CHECK(doctor::disk("/var/lib/docker", 20ULL << 30, 3).status == Status::ok);
  CHECK(doctor::memory(1ULL << 30, 3).status == Status::warn);
  CHECK(doctor::memory(8ULL << 30, 3).status == Status::ok);
  CHECK(doctor::leftovers(plan("42"), 0, 0).status == Status::ok);
  auto left = doctor::leftovers(plan("42"), 2, 4);
  CHECK(left.status == Status::info);
  CHECK(left.fix == "kubectl dind clean --cluster-id 42 for a fresh one");
  CHECK(doctor::kernel("x", true, true, "y", "f").status == Status::ok);
  CHECK(doctor::kernel("x", false, true, "y", "f").status == Status::fail);
  CHECK(doctor::kernel("x", false, false, "y", "f").status == Status::info);
  CHECK(doctor::kernel("x", std::nullopt, true, "y", "f").status == Status::warn);
  CHECK(doctor::device("/dev/net/tun", false, true, "NAT64", "modprobe tun").status == Status::fail);
  CHECK(doctor::device("/dev/net/tun", false, false, "NAT64", "modprobe tun").status == Status::info);
}

TEST_CASE("doctor line and JSON") {
  doctor::Check c{"inotify", Status::fail, "too low", "raise it"};
  CHECK(doctor::line(c) == "✗ inotify: too low — fix: raise it");
  CHECK(doctor::line({"docker", Status::ok, "Docker 20.10", ""}) == "✓ docker: Docker 20.10");
  auto d = json::parse(doctor::to_json({c, {"docker", Status::ok, "fine", ""}}), "doctor");
  CHECK(json::flag(d, {"blocksUp"}));
  CHECK(d["checks"][0]["status"].GetString() == std::string("fail"));
  CHECK(d["checks"][1]["fix"].GetString() == std::string(""));
  CHECK_FALSE(json::flag(json::parse(doctor::to_json({{"docker", Status::warn, "x", "y"}}), "doctor"), {"blocksUp"}, true));
}

TEST_CASE("doctor limits: more CPUs than Docker has, or no lxcfs, blocks") {
  cluster::Layout p = plan("0");
  CHECK(doctor::limits(p, 2, "no lxcfs", "apt-get install lxcfs").status == Status::ok);  // no limits: lxcfs not needed
  p.nodes[1].nano_cpus = 3000000000;
  auto more = doctor::limits(p, 2, "", "");
  CHECK(more.status == Status::fail);
  CHECK(more.message == "a node is to have 3 CPUs, Docker has 2");
  p.nodes[1].nano_cpus = 2000000000;
  CHECK(doctor::limits(p, 2, "", "").status == Status::ok);
  auto missing = doctor::limits(p, 2, "node limits need lxcfs, which is not installed", "sudo apt-get install lxcfs");
  CHECK(missing.status == Status::fail);
  CHECK(missing.fix == "sudo apt-get install lxcfs");
  p.nodes[1].nano_cpus = 0;
  p.nodes[1].memory_bytes = int64_t(1) << 30;
  CHECK(doctor::limits(p, 2, "x", "y").status == Status::fail);
}
