#include "net/daemon.hpp"

#include "net/cni.hpp"
#include "net/routes.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

namespace dind::net {

namespace {

// Refuses what kube-proxy leaves untranslated in the service CIDR; needs only the plan.
void guard_services(const cluster::Layout& plan) {
  std::string rules = util::check({"iptables", "-w", "-S", "FORWARD"}).out;
  if (plan.has_v6()) rules += util::check({"ip6tables", "-w", "-S", "FORWARD"}).out;
  for (auto& cmd : service_guard_commands(plan, rules)) {
    log::info("{}", cmd);
    util::check(util::split(cmd, ' '));
  }
}

} // namespace

const cluster::NodeLayout& find_node(const cluster::Layout& plan, const NodeOptions& options) {
  for (auto& n : plan.nodes) {
    if (n.container == options.node) return n;
  }
  throw Error("node " + options.node + " is not in " + options.plan);
}

void route_once(const NodeOptions& options) {
  auto plan = layout_from_json(util::read_file(options.plan));
  find_node(plan, options);
  guard_services(plan);
  std::string current = util::check({"ip", "route"}).out + util::check({"ip", "-6", "route"}).out;
  for (auto& cmd : route_commands(plan, options.node, current)) {
    log::info("{}", cmd);
    util::check(util::split(cmd, ' '));
  }
}

void watch_routes(const NodeOptions& options) {
  for (;;) {
    try {
      if (std::filesystem::exists(options.plan)) route_once(options);
    } catch (const Error& e) {
      log::warn("routes: {}", e.what());
    }
    std::this_thread::sleep_for(std::chrono::seconds(options.interval));
  }
}

void write_cni_config(const NodeOptions& options, const std::string& plugin, const std::string& out) {
  auto plan = layout_from_json(util::read_file(options.plan));
  util::write_file(out, cni_config(plugin, find_node(plan, options)));
}

} // namespace dind::net
