#include "dump/collect.hpp"

#include "dump/redact.hpp"

#include "cluster/context.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <mutex>

namespace dind::dump {

namespace {

struct Collector {
  cluster::Provider& provider;
  DumpWriter& writer;
  bool redact_secrets;
  std::mutex mutex;

  void add(const std::string& name, const std::string& content) {
    std::lock_guard<std::mutex> lock(mutex);
    writer.file(name, redact_secrets ? redact(content) : content);
  }

  // Output and errors of a command in a node, whatever its exit code.
  std::string run(const std::string& node, const std::vector<std::string>& cmd) {
    try {
      auto r = provider.exec(node, cmd);
      return r.out + (r.err.empty() ? "" : "\n--- stderr ---\n" + r.err) +
             (r.exit_code ? "\n--- exit " + std::to_string(r.exit_code) + " ---\n" : "");
    } catch (const Error& e) {
      return std::string("failed: ") + e.what() + "\n";
    }
  }
};

// state: the container's, "missing" when there is none.
void collect_node(Collector& c, const std::string& container, const std::string& state) {
  std::string dir = "nodes/" + container + "/";
  // Docker counts a paused or restarting container as running: its commands fail, each file says so
  if (state != "running" && state != "paused" && state != "restarting") {
    c.add(dir + "DOWN", container + " is " + state + "\n");
    return;
  }
  for (auto unit : {"kubelet", "containerd", "dind-preload", "dind-net"}) {
    c.add(dir + unit + ".status", c.run(container, {"systemctl", "status", "--no-pager", "-l", unit}));
    c.add(dir + unit + ".journal", c.run(container, {"journalctl", "-u", unit, "--no-pager", "-b", "-n", "2000"}));
  }
  c.add(dir + "ps", c.run(container, {"ps", "auxww"}));
  c.add(dir + "crictl-ps", c.run(container, {"crictl", "ps", "-a"}));
  c.add(dir + "ip-a", c.run(container, {"ip", "a"}));
  c.add(dir + "ip-r", c.run(container, {"sh", "-c", "ip r; echo; ip -6 r"}));
  c.add(dir + "iptables-filter", c.run(container, {"sh", "-c", "iptables -w -S; echo; ip6tables -w -S"}));
}

// The load balancer has no shell: its configuration and what haproxy wrote
// (a control plane going DOWN or UP) come through the Engine API. Not under
// nodes/: it is no Kubernetes node.
void collect_lb(Collector& c, const cluster::NodeInfo& lb) {
  std::string dir = "lb/" + lb.name + "/";
  if (lb.state != "running") c.add(dir + "DOWN", lb.name + " is " + lb.state + "\n");
  try {
    c.add(dir + "haproxy.cfg", c.provider.read_file(lb.name, "/usr/local/etc/haproxy/haproxy.cfg"));
    c.add(dir + "haproxy.log", c.provider.logs(lb.name, 2000));
  } catch (const Error& e) {
    c.add(dir + "haproxy.log", std::string("failed: ") + e.what() + "\n");
  }
}

} // namespace

void collect(cluster::Provider& provider, const cluster::Config& config, DumpWriter& writer, bool redact_secrets) {
  auto plan = config.layout();
  Collector c{provider, writer, redact_secrets, {}};
  // the nodes there are (with workers join added, or control planes the
  // variables do not name); none: the planned ones, each said missing
  auto containers = provider.list(plan);
  std::sort(containers.begin(), containers.end(), [](auto& a, auto& b) { return a.name < b.name; });
  std::vector<cluster::NodeInfo> nodes;
  std::string master;  // the first control plane that runs answers for the cluster's objects
  for (auto& s : containers) {
    if (s.role == "lb") collect_lb(c, s);
    if (s.role != "master" && s.role != "worker") continue;
    nodes.push_back(s);
    if (s.role == "master" && s.state == "running" && master.empty()) master = s.name;
  }
  if (nodes.empty()) {
    for (auto& n : plan.nodes) nodes.push_back({n.container, "", "missing"});
  }
  util::parallel(nodes.size(), [&](size_t i) { collect_node(c, nodes[i].name, nodes[i].state); });
  if (master.empty()) {
    c.add("cluster/UNAVAILABLE", "no control plane of " + plan.name + " runs: no cluster objects\n");
    return;
  }
  auto kubectl = [&](std::vector<std::string> args) { return c.run(master, cluster::admin_kubectl(args)); };
  c.add("cluster/get-all", kubectl({"get", "all", "--all-namespaces", "-o", "wide"}));
  c.add("cluster/describe-all", kubectl({"describe", "all", "--all-namespaces"}));
  c.add("cluster/nodes", kubectl({"get", "nodes", "-o", "wide"}));
  c.add("cluster/describe-nodes", kubectl({"describe", "nodes"}));
  c.add("cluster/events", kubectl({"get", "events", "--all-namespaces", "--sort-by=.lastTimestamp"}));
  // structured copies for `dind-dump report`: stdout only, so they stay JSON
  for (auto [file, what] : {std::pair{"cluster/nodes.json", "nodes"}, std::pair{"cluster/events.json", "events"}}) {
    try {
      auto r = provider.exec(master, cluster::admin_kubectl({"get", what, "--all-namespaces", "-o", "json"}));
      if (r.exit_code == 0) c.add(file, r.out);
    } catch (const Error&) {
    }
  }

  docker::ExecResult pods_json;
  try {
    pods_json = provider.exec(master, cluster::admin_kubectl({"get", "pods", "--all-namespaces", "-o", "json"}));
  } catch (const Error&) {
  }
  if (pods_json.exit_code != 0) return;
  c.add("cluster/pods.json", pods_json.out);
  auto pods = json::parse(pods_json.out, "kubectl get pods");
  struct Target {
    std::string ns, pod, container;
    bool restarted;
  };
  std::vector<Target> targets;
  for (auto& p : (*json::find(pods, {"items"})).GetArray()) {
    std::string ns = json::str(p, {"metadata", "namespace"}), name = json::str(p, {"metadata", "name"});
    if (auto* cs = json::find(p, {"status", "containerStatuses"}); cs && cs->IsArray()) {
      for (auto& s : cs->GetArray()) targets.push_back({ns, name, json::str(s, {"name"}), json::num(s, {"restartCount"}) > 0});
    }
  }
  util::parallel(targets.size() < 8 ? targets.size() : 8, [&](size_t worker) {
    for (size_t i = worker; i < targets.size(); i += 8) {
      auto& t = targets[i];
      std::string base = "pods/" + t.ns + "/" + t.pod + "/" + t.container;
      c.add(base + ".log", kubectl({"logs", "-n", t.ns, t.pod, "-c", t.container}));
      if (t.restarted) c.add(base + ".previous.log", kubectl({"logs", "--previous", "-n", t.ns, t.pod, "-c", t.container}));
    }
  });
}

} // namespace dind::dump
