// The building blocks of a cluster across engines, against real engines in
// one swarm (tests/system/multihost_test.sh makes them and runs this with
// DIND_HOSTS set and DIND_TEST_IMAGE on the first engine). Containers and
// networks carry the test label and are removed by a guard.
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "docker/networks.hpp"
#include "hosts/images.hpp"
#include "hosts/overlay.hpp"
#include "hosts/swarm.hpp"
#include "util/env.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

using namespace dind;

namespace {

const std::string test_label = "io.dind.test=multihost";
const std::string overlay_name = "dmh-overlay";

std::vector<docker::Client> engines() { return hosts::clients(hosts::hosts_from("")); }
std::string test_image() { return util::env("DIND_TEST_IMAGE").value_or("dind-test-pod:1"); }

util::Steps& quiet_steps() {
  static util::Steps steps(true, false);
  return steps;
}

struct Cleanup {
  std::vector<docker::Client>& engines;
  size_t manager;
  // each engine on its own: one that fails leaves the others' cleanup done
  ~Cleanup() {
    for (auto& e : engines) {
      try {
        for (auto& ct : docker::list_containers(e, {test_label})) docker::remove_container(e, ct.id);
      } catch (...) {
      }
    }
    try {
      hosts::remove_overlay(engines[manager], overlay_name);
    } catch (...) {
    }
  }
};

std::string run_on(docker::Client& engine, const std::string& name, const std::string& ip) {
  docker::ContainerSpec s;
  s.name = name;
  s.image = test_image();
  s.cmd = {"sleep", "600"};
  s.labels = {{"io.dind.test", "multihost"}};
  s.network = overlay_name;
  s.ipv4 = ip;
  auto id = docker::create_container(engine, s);
  docker::start_container(engine, id);
  return id;
}

std::string address_in(docker::Client& engine, const std::string& id) {
  auto info = docker::inspect_container(engine, id);
  REQUIRE(info);
  return json::str(*info, {"NetworkSettings", "Networks", overlay_name.c_str(), "IPAddress"});
}

} // namespace

TEST_CASE("the image is made present on every engine, skipped where it is") {
  auto e = engines();
  REQUIRE(e.size() >= 2);
  auto source = docker::inspect_image(e[0], test_image());
  REQUIRE(source);
  auto id = json::str(*source, {"Id"});
  hosts::distribute_image(e, test_image(), quiet_steps());
  for (auto& engine : e) {
    auto there = docker::inspect_image(engine, test_image());
    REQUIRE(there);
    CHECK(json::str(*there, {"Id"}) == id);
  }
  CHECK(hosts::distribute_image(e, test_image(), quiet_steps()) == 0);
  docker::remove_image(e[1], test_image(), true);
  CHECK(hosts::distribute_image(e, test_image(), quiet_steps()) == 1);
  CHECK(json::str(*docker::inspect_image(e[1], test_image()), {"Id"}) == id);
  CHECK_THROWS_WITH(hosts::distribute_image(e, "dmh-no-such-image:1", quiet_steps()),
                    Catch::Contains("dmh-no-such-image:1 is not on " + e[0].endpoint().text));
}

TEST_CASE("containers on every engine reach each other on the overlay, at their fixed addresses") {
  auto e = engines();
  REQUIRE(e.size() >= 2);
  auto manager = hosts::manager_of(hosts::probe_all(e));
  Cleanup guard{e, manager};
  hosts::OverlaySpec spec{overlay_name, {{"10.252.7.0/24", ""}}, {{"io.dind.test", "multihost"}}, 0};
  auto id = hosts::create_overlay(e[manager], spec);
  CHECK(hosts::create_overlay(e[manager], spec) == id);  // kept when it is there
  auto other = spec;
  other.subnets = {{"10.252.8.0/24", ""}};
  CHECK_THROWS_WITH(hosts::create_overlay(e[manager], other), Catch::Contains("not this overlay (10.252.8.0/24)"));
  std::vector<std::string> ids;
  for (size_t i = 0; i < e.size(); ++i) {
    ids.push_back(run_on(e[i], "dmh-c" + std::to_string(i), "10.252.7." + std::to_string(21 + i)));
    CHECK(address_in(e[i], ids.back()) == "10.252.7." + std::to_string(21 + i));
  }
  for (size_t i = 0; i < e.size(); ++i) {
    for (size_t j = 0; j < e.size(); ++j) {
      if (i == j) continue;
      // the engines learn each other's endpoints by gossip: how long that took is printed
      auto start = std::chrono::steady_clock::now();
      docker::ExecResult r;
      do {
        r = docker::exec(e[i], ids[i], {"ping", "-c", "1", "-W", "1", "10.252.7." + std::to_string(21 + j)});
      } while (r.exit_code != 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
      double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "%s -> %s: %s after %.1f s\n", e[i].endpoint().text.c_str(), e[j].endpoint().text.c_str(),
                   r.exit_code == 0 ? "answered" : "no answer", took);
      INFO(e[i].endpoint().text << " -> " << e[j].endpoint().text << ": " << r.out << r.err);
      CHECK(r.exit_code == 0);
    }
  }
  // the overlay's MTU: VXLAN's 50 bytes below a 1500 link
  CHECK(docker::exec(e[0], ids[0], {"cat", "/sys/class/net/eth0/mtu"}).out == "1450\n");
}
