#include "hosts/status.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace dind::hosts {

namespace {

std::string gibibytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return text;
}

} // namespace

bool HostsStatus::all_reachable() const {
  return std::all_of(engines.begin(), engines.end(), [](auto& e) { return e.reachable; });
}

std::string HostsStatus::to_table() const {
  size_t width = 8;
  for (auto& e : engines) width = std::max(width, e.endpoint.size());
  std::ostringstream o;
  auto row = [&](const std::string& endpoint, const std::string& rest) {
    o << endpoint << std::string(width + 2 - endpoint.size(), ' ') << rest << "\n";
  };
  char head[96];
  std::snprintf(head, sizeof head, "%-10s %-11s %-10s %-10s %s", "ROLE", "REACHABLE", "MEMORY", "DIND-NODES", "ENGINE");
  row("ENDPOINT", head);
  for (auto& e : engines) {
    char line[256];
    if (e.reachable) {
      std::snprintf(line, sizeof line, "%-10s %-11s %-10s %-10d %s (%s)", e.role().c_str(), "yes", gibibytes(e.mem_total).c_str(),
                    e.dind_nodes, e.version.c_str(), e.name.c_str());
    } else {
      std::snprintf(line, sizeof line, "%-10s %-11s %-10s %s", "-", "no", "-", "-");
    }
    row(e.endpoint, line);
  }
  for (auto& e : engines) {
    if (!e.reachable) o << e.error << "\n";
  }
  return o.str();
}

std::string HostsStatus::to_json() const {
  json::Writer w(true);
  w.begin_array();
  for (auto& e : engines) {
    w.begin_object().kv("endpoint", e.endpoint).kv("reachable", e.reachable);
    if (e.reachable) {
      w.kv("role", e.role()).kv("nodeId", e.node_id).kv("memTotal", e.mem_total).kv("dindNodes", e.dind_nodes)
          .kv("engineVersion", e.version).kv("hostName", e.name);
    } else {
      w.kv("error", e.error);
    }
    w.end_object();
  }
  w.end_array();
  return w.str();
}

HostsStatus status(const std::vector<Host>& hosts) {
  auto engines = clients(hosts);
  return HostsStatus{probe_all(engines)};
}

} // namespace dind::hosts
