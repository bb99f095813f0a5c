#include "cluster/lifecycle.hpp"

#include "cluster/actions/action.hpp"
#include "cluster/context.hpp"
#include "cluster/docker_provider.hpp"  // var_volume, etc_volume: --retain's hint
#include "cluster/kubeadm.hpp"
#include "cluster/kubeconfig.hpp"
#include "cluster/snapshot.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

namespace dind::cluster {

// Each failure names its step: "kubeadm init: kube-master: ... exit 137".
void run_actions(Context& ctx, const std::vector<std::unique_ptr<Action>>& actions) {
  for (auto& a : actions) {
    std::string title = a->title(ctx);
    std::string phase = title;
    // "Creating nodes" reads "creating nodes: ..."; "DNS64 and NAT64" stays
    if (phase.size() > 1 && !std::isupper(static_cast<unsigned char>(phase[1]))) {
      phase[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(phase[0])));
    }
    try {
      ctx.steps.run(title, [&] { a->execute(ctx); });
    } catch (const util::interrupt::Interrupted&) {
      throw;
    } catch (const Error& e) {
      throw Error(phase + ": " + e.what(), e.exit_code());
    } catch (const std::exception& e) {
      throw Error(phase + ": " + e.what());
    }
  }
}

namespace {

// Everything of the cluster, and its context in the host kubeconfig.
void remove_all(Provider& provider, const Layout& plan) {
  provider.remove_cluster(plan);
  remove_context(plan.context);
}

} // namespace

void make_cluster(Context& ctx, const std::vector<std::unique_ptr<Action>>& actions, bool retain) {
  try {
    run_actions(ctx, actions);
    ctx.provider.mark_complete(ctx.layout);
  } catch (...) {
    // one failure path for every error, exception and signal
    util::interrupt::Cleanup cleaning;
    if (retain) {
      log::error("keeping the failed cluster (--retain); remove it with `kubectl dind clean`");
    } else {
      try {
        remove_all(ctx.provider, ctx.layout);
      } catch (const std::exception& e) {
        log::error("removing the failed cluster: {}", e.what());
      }
    }
    throw;
  }
}

namespace {

// The load balancer's image when the plan has one, built before the steps
// that use it.
std::string lb_image(Provider& provider, util::Steps& steps, const Layout& plan) {
  return plan.lb ? provider.helper_image(Helper::load_balancer, steps) : "";
}

// up's and init's: a new cluster
void create(Context& ctx, bool retain) {
  make_cluster(ctx, create_actions(ctx.layout, lb_image(ctx.provider, ctx.steps, ctx.layout), ctx.spec.cni), retain);
}

} // namespace

std::vector<std::unique_ptr<Action>> create_actions(const Layout& plan, const std::string& lb_image, CniPlugin cni) {
  std::vector<std::unique_ptr<Action>> actions;
  actions.push_back(create_nodes());
  if (plan.lb) actions.push_back(load_balancer(lb_image));
  if (plan.mode == net::IpMode::ipv6) actions.push_back(dns64_nat64());
  // the pod network needs only the plan: in place before kubelet starts, a
  // node is Ready as soon as it registers
  actions.push_back(pod_network());
  actions.push_back(kubeadm_init());
  if (plan.control_planes > 1) actions.push_back(join_control_planes());
  if (plan.workers() > 0) actions.push_back(kubeadm_join());
  if (cni == CniPlugin::flannel) actions.push_back(flannel());
  actions.push_back(wait_ready());
  actions.push_back(export_kubeconfig());
  return actions;
}

std::vector<std::unique_ptr<Action>> restart_actions(const Layout& plan, const std::string& lb_image) {
  std::vector<std::unique_ptr<Action>> actions;
  // before the nodes: the control planes' kubelets reach their API server through it
  if (plan.lb) actions.push_back(load_balancer(lb_image));
  actions.push_back(restart_nodes());
  if (plan.mode == net::IpMode::ipv6) actions.push_back(dns64_nat64());
  actions.push_back(pod_network());
  actions.push_back(wait_ready());
  actions.push_back(export_kubeconfig());
  return actions;
}

void restart(Provider& provider, util::Steps& steps, const Config& config, const Layout& plan) {
  // what a restart finds must be the plan's nodes, no more, no fewer: another
  // NUM_NODES or NUM_CONTROL_PLANES gives nodes other addresses and roles
  provider.check_state(plan);
  auto spec = cluster_spec(config);
  Context ctx{provider, steps, spec, plan, {}, {}, 0, std::chrono::system_clock::now()};
  run_actions(ctx, restart_actions(plan, lb_image(provider, steps, plan)));
}

namespace {

void remove_half_made(Provider& provider, util::Steps& steps, const Layout& plan) {
  if (provider.has_state(plan) && !provider.is_complete(plan)) {
    steps.note("Cluster " + plan.name + " was left half-made by an earlier run: removing it and starting over");
    remove_all(provider, plan);
  }
}

} // namespace

void up(Provider& provider, util::Steps& steps, const Config& config, bool retain) {
  auto plan = config.layout();
  remove_half_made(provider, steps, plan);
  std::string from;
  if (provider.has_state(plan)) {
    steps.note("Cluster " + plan.name + " exists: restarting it (no kubeadm init)");
    restart(provider, steps, config, plan);
  } else if (auto snap = auto_restore(provider, steps, config, plan, retain)) {
    from = " (restored from snapshot " + *snap + ")";
  } else {
    auto spec = cluster_spec(config);
    Context ctx{provider, steps, spec, plan, {}, {}, 0, std::chrono::system_clock::now()};
    create(ctx, retain);
  }
  steps.note("Cluster " + plan.name + " is up" + from + ": kubectl --context " + plan.context + " get nodes");
}

Config master_only(const Config& config) {
  Config c = config;
  c.values["NUM_NODES"] = "0";
  return c;
}

void init(Provider& provider, util::Steps& steps, const Config& config, const KubeadmArgs& args, bool retain) {
  Config master = master_only(config);
  auto plan = master.layout();
  remove_half_made(provider, steps, plan);
  if (provider.has_state(plan)) throw Error("cluster " + plan.name + " exists: `kubectl dind clean` it first, or `kubectl dind join` to it");
  // the other control planes join with the certificates init uploads
  for (auto& a : args.pass) {
    bool no_upload = a == "--upload-certs=false" || (util::starts_with(a, "--skip-phases=") && a.find("upload-certs") != std::string::npos);
    if (plan.control_planes > 1 && no_upload) {
      throw UsageError("kubeadm init " + a + ": with several control planes (NUM_CONTROL_PLANES) the certificates must be uploaded");
    }
  }
  auto spec = cluster_spec(master);
  Context ctx{provider, steps, spec, plan, {}, {}, 0, std::chrono::system_clock::now()};
  ctx.kubeadm_args = args;
  create(ctx, retain);
  // what kubeadm init prints for its workers (the token lives 24 hours, as kubeadm's)
  const auto& node = plan.nodes.at(0);
  std::string pin = ca_cert_hash(provider.read_file(node.container, "/etc/kubernetes/pki/ca.crt"));
  steps.note("Cluster " + plan.name + " is up with its master: kubectl --context " + plan.context + " get nodes");
  steps.note("Add workers with `kubectl dind join`, or with kubeadm's arguments (the token is valid 24 hours): kubectl dind join -- --token " +
             ctx.token + " --discovery-token-ca-cert-hash " + pin + " " + api_endpoint(plan));
}

namespace {

// How many workers there are, which must be kube-node-1.. without a gap
// (the plan gives each index its addresses): the next one is one more.
size_t workers_of(Provider& provider, const Config& config, const Layout& plan) {
  const std::string& master = plan.nodes.at(0).container;
  auto all = provider.list(plan);
  auto running = [&](const std::string& name) {
    return std::any_of(all.begin(), all.end(), [&](const NodeInfo& n) { return n.name == name && n.state == "running"; });
  };
  if (!running(master) || !provider.is_complete(plan)) {
    throw Error("cluster " + plan.name + " is not up (" + master + " does not run): `kubectl dind init` or `kubectl dind up` first");
  }
  // the new node's address and its join go by the plan: the control planes
  // must be those there are, and every node must run (pod_network reaches all)
  std::vector<std::string> workers;
  int control_planes = 0;
  for (auto& c : cluster_nodes(provider, plan)) {
    if (c.state != "running") throw Error("node " + c.name + " is " + c.state + ": `kubectl dind up` first");
    if (c.role == "worker") workers.push_back(c.name);
    else ++control_planes;
  }
  if (control_planes != plan.control_planes) {
    throw Error("cluster " + plan.name + " has " + std::to_string(control_planes) + " control planes, NUM_CONTROL_PLANES says " +
                std::to_string(plan.control_planes) + ": give NUM_CONTROL_PLANES=" + std::to_string(control_planes));
  }
  if (plan.lb && !running(plan.lb->container)) {
    throw Error("load balancer " + plan.lb->container + " does not run: `kubectl dind up` first");
  }
  Config counted = config;
  counted.values["NUM_NODES"] = std::to_string(workers.size());
  auto have = counted.layout();
  for (size_t i = static_cast<size_t>(have.control_planes); i < have.nodes.size(); ++i) {
    if (std::find(workers.begin(), workers.end(), have.nodes[i].container) == workers.end()) {
      throw Error("cluster " + plan.name + " has " + std::to_string(workers.size()) + " workers but no " +
                  have.nodes[i].container + ": join adds the next index after kube-node-1.." + std::to_string(workers.size()));
    }
  }
  return workers.size();
}

} // namespace

std::vector<std::unique_ptr<Action>> join_actions(const KubeadmArgs& args, CniPlugin cni) {
  std::vector<std::unique_ptr<Action>> actions;
  actions.push_back(create_nodes());
  // every node's plan and routes get the new one
  actions.push_back(pod_network());
  if (args.discovery.token.empty()) actions.push_back(bootstrap_token());
  actions.push_back(kubeadm_join());
  if (cni == CniPlugin::flannel) actions.push_back(flannel());
  actions.push_back(wait_ready());
  return actions;
}

void add_node(Context& ctx, const std::vector<std::unique_ptr<Action>>& actions, bool retain) {
  const auto& node = ctx.layout.nodes.at(ctx.first_new);
  try {
    run_actions(ctx, actions);
  } catch (...) {
    util::interrupt::Cleanup cleaning;
    if (retain) {
      log::error("keeping the failed node {} (--retain); remove it with `docker rm -f {}; docker volume rm {} {}` (`kubectl "
                 "dind clean` removes the whole cluster)", node.container, node.container, var_volume(node), etc_volume(node));
    } else {
      try {
        ctx.provider.remove_node(node);
        master_kubectl(ctx, {"delete", "node", node.container, "--ignore-not-found"});
      } catch (const std::exception& e) {
        log::error("removing the failed node {}: {}", node.container, e.what());
      }
    }
    throw;
  }
}

void join(Provider& provider, util::Steps& steps, const Config& config, const KubeadmArgs& args, bool retain) {
  size_t workers = workers_of(provider, config, config.layout());
  Config grown = config;
  grown.values["NUM_NODES"] = std::to_string(workers + 1);
  auto plan = grown.layout();
  size_t index = static_cast<size_t>(plan.control_planes) + workers;
  const auto& node = plan.nodes.at(index);
  auto spec = cluster_spec(grown);
  Context ctx{provider, steps, spec, plan, {}, {}, 0, std::chrono::system_clock::now()};
  ctx.kubeadm_args = args;
  ctx.first_new = index;
  add_node(ctx, join_actions(args, ctx.spec.cni), retain);
  steps.note("Node " + node.container + " joined cluster " + plan.name + ": kubectl --context " + plan.context + " get nodes");
}

void reup(Provider& provider, util::Steps& steps, const Config& config, bool retain) { up(provider, steps, config, retain); }

void down(Provider& provider, util::Steps& steps, const Config& config) {
  auto plan = config.layout();
  // the DNS64/NAT64 helpers stay, as in the seed: up after down is faster
  std::vector<std::string> nodes;
  for (auto& n : cluster_nodes(provider, plan)) nodes.push_back(n.name);
  steps.run("Removing " + std::to_string(nodes.size()) + " node containers of " + plan.name + " (volumes kept)",
            [&] { provider.remove_nodes(nodes); });
}

void clean(Provider& provider, util::Steps& steps, const Config& config) {
  auto plan = config.layout();
  steps.run("Removing cluster " + plan.name + " (containers, volumes, network, context " + plan.context + ")",
            [&] { remove_all(provider, plan); });
}

namespace {

void set_paused(Provider& provider, util::Steps& steps, const Config& config, bool pause) {
  auto plan = config.layout();
  auto containers = cluster_nodes(provider, plan);
  if (containers.empty()) throw Error("cluster " + plan.name + " has no nodes: `kubectl dind up` first");
  const std::string from = pause ? "running" : "paused", to = pause ? "paused" : "running";
  std::vector<std::string> todo;
  for (auto& c : containers) {
    if (c.state == to) continue;
    if (c.state != from) throw Error("node " + c.name + " is " + c.state + ", not " + from + ": `kubectl dind up` first");
    todo.push_back(c.name);
  }
  std::string what = std::string(pause ? "Pausing " : "Unpausing ") + std::to_string(todo.size()) + " nodes of " + plan.name;
  if (todo.empty()) what = "Cluster " + plan.name + " is " + to + " already";
  steps.run(what, [&] {
    util::parallel(todo.size(), [&](size_t i) { provider.set_paused(todo[i], pause); });
  });
}

} // namespace

void pause(Provider& provider, util::Steps& steps, const Config& config) { set_paused(provider, steps, config, true); }
void unpause(Provider& provider, util::Steps& steps, const Config& config) { set_paused(provider, steps, config, false); }

int apiserver_port(Provider& provider, const Config& config) {
  auto plan = config.layout();
  const std::string& name = plan.api_container();
  auto api = provider.apiserver(plan);
  if (api.state != "running") throw Error("cluster " + plan.name + " is not up: " + name + " is " + api.state, 3);
  if (api.port.empty()) throw Error("the API server port of " + name + " is not published", 3);
  return std::stoi(api.port);
}

Status status(Provider& provider, const Config& config) {
  auto plan = config.layout();
  Status s;
  s.name = plan.name;
  s.context = plan.context;
  auto containers = cluster_nodes(provider, plan);
  s.exists = !containers.empty() || provider.has_state(plan);
  bool all_running = !containers.empty();
  for (auto& c : containers) {
    auto a = provider.addresses(plan, c.name);
    s.nodes.push_back({c.name, c.role, c.state, a.ipv4, a.ipv6, c.host});
    all_running = all_running && c.state == "running";
  }
  // the API server on the host: the master's port, or the load balancer's
  auto api = provider.apiserver(plan);
  if (!api.port.empty()) s.endpoint = "https://127.0.0.1:" + api.port;
  if (plan.lb && api.state != "absent") all_running = all_running && api.state == "running";
  std::sort(s.nodes.begin(), s.nodes.end(), [](const NodeStatus& a, const NodeStatus& b) {
    return std::make_pair(a.role != "master", a.name) < std::make_pair(b.role != "master", b.name);
  });
  s.paused = !s.nodes.empty() && std::all_of(s.nodes.begin(), s.nodes.end(), [](auto& n) { return n.state == "paused"; });
  if (all_running && !s.nodes.empty() && s.nodes[0].role == "master") {
    s.up = provider.exec(s.nodes[0].name, admin_kubectl({"get", "--raw", "/readyz"})).exit_code == 0;
  }
  return s;
}

std::string Status::to_json() const {
  json::Writer w(true);
  w.begin_object().kv("name", name).kv("context", context).kv("exists", exists).kv("up", up).kv("paused", paused).kv("endpoint", endpoint);
  w.key("nodes").begin_array();
  for (auto& n : nodes) {
    w.begin_object().kv("name", n.name).kv("role", n.role).kv("state", n.state).kv("ipv4", n.ipv4).kv("ipv6", n.ipv6);
    if (!n.host.empty()) w.kv("host", n.host);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str();
}

std::string Status::to_table() const {
  std::ostringstream o;
  o << "cluster " << name << ": " << (up ? "up" : paused ? "paused" : exists ? "down" : "absent");
  if (!endpoint.empty()) o << ", API server " << endpoint;
  o << ", context " << context << "\n";
  if (nodes.empty()) return o.str();
  // the engine column only when the nodes are on several
  bool hosts = std::any_of(nodes.begin(), nodes.end(), [](const NodeStatus& n) { return !n.host.empty(); });
  char line[512];
  auto row = [&](const char* name, const char* role, const char* state, const char* ipv4, const char* ipv6, const char* host) {
    if (hosts) std::snprintf(line, sizeof line, "%-26s %-7s %-9s %-16s %-24s %s\n", name, role, state, ipv4, ipv6, host);
    else std::snprintf(line, sizeof line, "%-26s %-7s %-9s %-16s %s\n", name, role, state, ipv4, ipv6);
    o << line;
  };
  row("NODE", "ROLE", "STATE", "IPV4", "IPV6", "HOST");
  for (auto& n : nodes) {
    row(n.name.c_str(), n.role.c_str(), n.state.c_str(), n.ipv4.empty() ? "-" : n.ipv4.c_str(), n.ipv6.empty() ? "-" : n.ipv6.c_str(),
        n.host.c_str());
  }
  return o.str();
}

} // namespace dind::cluster
