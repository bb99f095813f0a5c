#include "cluster/context.hpp"
#include "cluster/docker_provider.hpp"
#include "cluster/lxcfs.hpp"
#include "cluster/node.hpp"
#include "cluster/store.hpp"
#include "util/json.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace dind;

TEST_CASE("node spec: a limited node gets Docker's limits and lxcfs's files, an unlimited one neither") {
  cluster::ClusterSpec spec;
  spec.image = "dind-node:test";
  cluster::LayoutInput in;
  in.num_nodes = "1";
  in.node_cpus = "1";
  in.node_memory = "1g";
  auto plan = cluster::make_layout(in);
  plan.nodes[0].nano_cpus = plan.nodes[0].memory_bytes = 0;  // a master without limits, as a per-node plan may say
  docker::Client docker(docker::parse_endpoint("unix:///nonexistent.sock"));
  util::Steps steps(true, false);
  cluster::DockerProvider provider(docker);
  cluster::Context ctx{provider, steps, spec, plan, {}, {}, 0, std::chrono::system_clock::now()};

  docker::Mount store{"volume", "dind-store-0123456789ab", cluster::store::mount_point, true, ""};
  auto worker = cluster::node_spec(ctx, 1, store);
  CHECK(worker.nano_cpus == 1000000000);
  CHECK(worker.memory_bytes == int64_t(1) << 30);
  CHECK(worker.labels.at(cluster::lxcfs::label) == "1");
  auto mounted = [&](const docker::ContainerSpec& s, const std::string& target) {
    return std::any_of(s.mounts.begin(), s.mounts.end(), [&](const docker::Mount& m) {
      return m.target == target && m.type == "bind" && m.source == std::string(cluster::lxcfs::mount_point) + target;
    });
  };
  for (auto* f : {"/proc/meminfo", "/proc/cpuinfo", "/proc/stat", "/sys/devices/system/cpu/online"}) CHECK(mounted(worker, f));
  auto body = json::parse(docker::container_create_body(worker), "body");
  CHECK(json::num(body, {"HostConfig", "Memory"}) == json::num(body, {"HostConfig", "MemorySwap"}));

  auto master = cluster::node_spec(ctx, 0, store);
  CHECK(master.nano_cpus == 0);
  CHECK(master.memory_bytes == 0);
  CHECK_FALSE(master.labels.count(cluster::lxcfs::label));
  CHECK_FALSE(mounted(master, "/proc/meminfo"));
  for (auto* node : {&master, &worker}) {  // the image store, read-only, on every node
    CHECK(std::any_of(node->mounts.begin(), node->mounts.end(), [&](const docker::Mount& m) {
      return m.source == store.source && m.target == cluster::store::mount_point && m.read_only;
    }));
  }
}

TEST_CASE("node spec: volumes a restore fills whole are not filled from the image first") {
  cluster::ClusterSpec spec;
  spec.image = "dind-node:test";
  cluster::LayoutInput in;
  in.num_nodes = "0";
  auto plan = cluster::make_layout(in);
  docker::Client docker(docker::parse_endpoint("unix:///nonexistent.sock"));
  util::Steps steps(true, false);
  cluster::DockerProvider provider(docker);
  cluster::Context ctx{provider, steps, spec, plan, {}, {}, 0, std::chrono::system_clock::now()};
  docker::Mount store{"volume", "dind-store-0123456789ab", cluster::store::mount_point, true, ""};
  auto no_copy = [](const docker::ContainerSpec& s) {
    std::vector<std::string> targets;
    auto body = json::parse(docker::container_create_body(s), "body");
    for (auto& m : json::find(body, {"HostConfig", "Mounts"})->GetArray()) {
      if (m.HasMember("VolumeOptions") && m["VolumeOptions"]["NoCopy"].GetBool()) targets.push_back(m["Target"].GetString());
    }
    return targets;
  };
  CHECK(no_copy(cluster::node_spec(ctx, 0, store)).empty());
  CHECK(no_copy(cluster::node_spec(ctx, 0, store, true)) == std::vector<std::string>{"/var", "/etc/kubernetes"});
}
