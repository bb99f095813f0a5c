#include "hosts/overlay.hpp"

#include "net/cidr.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

namespace dind::hosts {

namespace {

constexpr int vxlan_overhead = 50;  // outer Ethernet, IPv4, UDP and VXLAN headers

bool is_ipv6(const std::string& cidr) { return cidr.find(':') != std::string::npos; }

// Right after its create the swarm has not allocated the network yet: its
// inspect shows no driver and no subnets for a moment (measured).
std::optional<json::Document> inspect_allocated(docker::Client& manager, const std::string& name) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto n = docker::inspect_network(manager, name);
    if (!n || !json::str(*n, {"Driver"}).empty()) return n;
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error("network " + name + " on " + manager.endpoint().text + ": the swarm did not allocate it within 10 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

} // namespace

docker::NetworkSpec overlay_network_spec(const OverlaySpec& spec) {
  std::string where = "overlay network " + spec.name + ": ";
  for (auto& s : spec.subnets) {
    if (is_ipv6(s.subnet)) {
      throw UsageError(where + "IPv6 (" + s.subnet + ") does not work on Docker's overlay network here: each engine gives out "
                       "the IPv6 addresses by itself and IPv6 neighbours are not found across engines; use IP_MODE=ipv4");
    }
    try {
      net::Cidr::parse(s.subnet);
    } catch (const Error& e) {
      throw UsageError(where + e.what());
    }
  }
  if (spec.subnets.empty()) throw UsageError(where + "no IPv4 subnet");
  if (spec.underlay_mtu != 0 && spec.underlay_mtu < 576 + vxlan_overhead) {
    throw UsageError(where + "an MTU of " + std::to_string(spec.underlay_mtu) + " leaves less than IPv4's 576 bytes inside VXLAN");
  }
  docker::NetworkSpec n;
  n.name = spec.name;
  n.driver = "overlay";
  n.attachable = true;
  n.subnets = spec.subnets;
  n.labels = spec.labels;
  // the driver takes the underlay's MTU and gives the containers 50 less
  if (spec.underlay_mtu != 0) n.options["com.docker.network.driver.mtu"] = std::to_string(spec.underlay_mtu);
  return n;
}

std::string create_overlay(docker::Client& manager, const OverlaySpec& spec) {
  auto n = overlay_network_spec(spec);
  if (auto existing = inspect_allocated(manager, spec.name)) {
    std::vector<std::string> have, want;
    if (auto* cfg = json::find(*existing, {"IPAM", "Config"}); cfg && cfg->IsArray()) {
      for (auto& s : cfg->GetArray()) have.push_back(json::str(s, {"Subnet"}));
    }
    for (auto& s : n.subnets) want.push_back(s.subnet);
    std::sort(have.begin(), have.end());
    std::sort(want.begin(), want.end());
    if (json::str(*existing, {"Driver"}) != "overlay" || have != want) {
      throw Error("a network " + spec.name + " exists on " + manager.endpoint().text + " (" + json::str(*existing, {"Driver"}) +
                  ", " + util::join(have, " ") + ") that is not this overlay (" + util::join(want, " ") + "): remove it first");
    }
    return json::str(*existing, {"Id"});
  }
  auto id = docker::create_network(manager, n);
  try {
    inspect_allocated(manager, id);
  } catch (...) {
    // the network this call made goes again: nothing is left of a failed create
    util::interrupt::Cleanup cleaning;
    try {
      docker::remove_network(manager, id);
    } catch (const std::exception&) {
    }
    throw;
  }
  return id;
}

void remove_overlay(docker::Client& manager, const std::string& name) { docker::remove_network(manager, name); }

} // namespace dind::hosts
