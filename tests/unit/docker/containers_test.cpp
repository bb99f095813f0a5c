#include "docker/containers.hpp"
#include "docker/images.hpp"
#include "util/json.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("container create body carries every node setting") {
  docker::ContainerSpec s;
  s.name = "n";
  s.image = "img:1";
  s.labels = {{"io.dind.cluster", "default"}};
  s.cap_add = {"ALL"};
  s.cap_drop = {"SYS_RESOURCE"};
  s.tmpfs = {{"/run", "rw"}};
  s.mounts = {{"volume", "v", "/var", false, ""}};
  s.cgroupns_mode = "private";
  s.sysctls = {{"net.ipv6.conf.all.disable_ipv6", "0"}};
  s.network = "net";
  s.ipv4 = "10.192.0.2";
  s.ipv6 = "fd00:20::2";
  s.ports = {{"6443/tcp", "127.0.0.1", ""}, {"80/tcp", "", "8080"}, {"80/tcp", "", "8081"}};
  auto d = json::parse(docker::container_create_body(s), "body");
  // two host ports for one container port: one key, both bindings
  CHECK(json::find(d, {"HostConfig", "PortBindings", "80/tcp"})->Size() == 2);
  CHECK(json::str((*json::find(d, {"HostConfig", "PortBindings", "80/tcp"}))[1], {"HostPort"}) == "8081");
  CHECK(json::str(d, {"Image"}) == "img:1");
  CHECK(json::str(d, {"Labels", "io.dind.cluster"}) == "default");
  CHECK(json::str(d, {"HostConfig", "CgroupnsMode"}) == "private");
  CHECK(json::str(d, {"HostConfig", "Tmpfs", "/run"}) == "rw");
  CHECK(json::str(d, {"HostConfig", "Sysctls", "net.ipv6.conf.all.disable_ipv6"}) == "0");
  CHECK(json::str(d, {"NetworkingConfig", "EndpointsConfig", "net", "IPAMConfig", "IPv6Address"}) == "fd00:20::2");
  CHECK((*json::find(d, {"HostConfig", "PortBindings", "6443/tcp"}))[0]["HostIp"] == "127.0.0.1");
  CHECK((*json::find(d, {"HostConfig", "Mounts"}))[0]["Target"] == "/var");
  CHECK(json::find(d, {"HostConfig", "NanoCpus"}) == nullptr);
  CHECK(json::find(d, {"HostConfig", "Memory"}) == nullptr);
}

TEST_CASE("container limits: NanoCpus, and Memory with MemorySwap equal (no swap beyond it)") {
  docker::ContainerSpec s;
  s.image = "img:1";
  s.nano_cpus = 1500000000;
  s.memory_bytes = int64_t(2) << 30;
  auto d = json::parse(docker::container_create_body(s), "body");
  CHECK(json::num(d, {"HostConfig", "NanoCpus"}) == 1500000000);
  CHECK(json::num(d, {"HostConfig", "Memory"}) == int64_t(2) << 30);
  CHECK(json::num(d, {"HostConfig", "MemorySwap"}) == int64_t(2) << 30);
}

TEST_CASE("image references split into repo and tag") {
  CHECK(docker::split_reference("registry.k8s.io/pause:3.10.1") == std::make_pair(std::string("registry.k8s.io/pause"), std::string("3.10.1")));
  CHECK(docker::split_reference("localhost:5000/x") == std::make_pair(std::string("localhost:5000/x"), std::string("latest")));
  CHECK(docker::split_reference("busybox").second == "latest");
}
