#include "cluster/lifecycle.hpp"

#include "cluster/actions/action.hpp"
#include "cluster/context.hpp"
#include "cluster/kubeadm.hpp"
#include "cluster/kubeconfig.hpp"
#include "cluster/load_balancer.hpp"
#include "cluster/node.hpp"
#include "cluster/lxcfs.hpp"
#include "cluster/snapshot.hpp"
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/networks.hpp"
#include "docker/volumes.hpp"
#include "registry/local.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <set>
#include <cstdio>
#include <sstream>

namespace dind::cluster {

// Each failure names its step: "kubeadm init: kube-master: ... exit 137".
void run_actions(Context& ctx, const std::vector<std::unique_ptr<Action>>& actions) {
  for (auto& a : actions) {
    std::string title = a->title(ctx);
    std::string phase = title;
    if (!phase.empty()) phase[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(phase[0])));
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

bool has_state(docker::Client& docker, const net::Plan& plan) {
  return !docker::list_containers(docker, {cluster_filter(plan)}).empty() ||
         !docker::list_volumes(docker, {cluster_filter(plan)}).empty();
}

namespace {

// A cluster counts as made once `up` finished it: a run that died half-way
// (SIGKILL, a crash, a reboot) leaves no mark, and the next `up` starts over
// instead of restarting what never worked.
constexpr const char* complete_label = "io.dind.complete";
std::string complete_volume(const net::Plan& plan) { return "kubeadm-dind-complete" + plan.suffix; }

} // namespace

bool is_complete(docker::Client& docker, const net::Plan& plan) {
  return !docker::list_volumes(docker, {cluster_filter(plan), std::string(complete_label) + "=1"}).empty();
}

namespace {

void mark_complete(docker::Client& docker, const net::Plan& plan) {
  auto labels = plan.labels;
  labels[complete_label] = "1";
  docker::create_volume(docker, complete_volume(plan), labels);
}

void remove_all(docker::Client& docker, const net::Plan& plan) {
  auto containers = docker::list_containers(docker, {cluster_filter(plan)});
  parallel(containers.size(), [&](size_t i) { docker::remove_container(docker, containers[i].id); });
  auto volumes = docker::list_volumes(docker, {cluster_filter(plan)});
  parallel(volumes.size(), [&](size_t i) { docker::remove_volume(docker, volumes[i]); });
  for (auto& n : docker::list_networks(docker, {cluster_filter(plan)})) {
    registry::detach(docker, n.name);  // the registry outlives clusters; Docker keeps a network with endpoints
    docker::remove_network(docker, n.id);
  }
  remove_context(plan.context);
  lxcfs::release(docker);
}

} // namespace

void make_cluster(Context& ctx, const std::vector<std::unique_ptr<Action>>& actions, bool retain) {
  try {
    run_actions(ctx, actions);
    mark_complete(ctx.docker, ctx.plan);
  } catch (...) {
    // one failure path for every error, exception and signal
    util::interrupt::Cleanup cleaning;
    if (retain) {
      log::error("keeping the failed cluster (--retain); remove it with `kubectl dind clean`");
    } else {
      try {
        remove_all(ctx.docker, ctx.plan);
      } catch (const std::exception& e) {
        log::error("removing the failed cluster: {}", e.what());
      }
    }
    throw;
  }
}

namespace {

// up's and init's: a new cluster
void create(Context& ctx, bool retain) {
  make_cluster(ctx, create_actions(ctx.plan, ctx.plan.lb ? load_balancer_image(ctx.docker, ctx.steps) : "", ctx.config.get("CNI_PLUGIN")), retain);
}

} // namespace

std::vector<std::unique_ptr<Action>> create_actions(const net::Plan& plan, const std::string& lb_image, const std::string& cni) {
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
  if (cni == "flannel") actions.push_back(flannel());
  actions.push_back(wait_ready());
  actions.push_back(export_kubeconfig());
  return actions;
}

std::vector<std::unique_ptr<Action>> restart_actions(const net::Plan& plan, const std::string& lb_image) {
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

namespace {

// What a restart finds must be the plan's nodes, no more, no fewer: another
// NUM_NODES or NUM_CONTROL_PLANES gives nodes other addresses and roles.
// Checked before anything is made or started.
void check_same_nodes(docker::Client& docker, const net::Plan& plan) {
  auto volumes = docker::list_volumes(docker, {cluster_filter(plan)});
  std::sort(volumes.begin(), volumes.end());  // the first extra node named is the lowest
  std::set<std::string> planned = {complete_volume(plan)};
  const std::string fix = ": NUM_NODES or NUM_CONTROL_PLANES differs from when it was made (give those, or `kubectl dind clean` first)";
  for (auto& node : plan.nodes) {
    if (std::find(volumes.begin(), volumes.end(), var_volume(node)) == volumes.end()) {
      throw Error("cluster " + plan.name + " has no " + node.container + fix);
    }
    planned.insert(var_volume(node));
    planned.insert(etc_volume(node));
  }
  for (auto& v : volumes) {
    if (planned.count(v)) continue;
    std::string node = v.substr(v.rfind("kubeadm-dind-", 0) == 0 ? 13 : 0);
    if (util::ends_with(node, "-etc")) node.resize(node.size() - 4);
    throw Error("cluster " + plan.name + " has " + node + ", which the plan has not" + fix);
  }
}

} // namespace

void restart(docker::Client& docker, util::Steps& steps, const Config& config, const net::Plan& plan) {
  check_same_nodes(docker, plan);
  Context ctx{docker, steps, config, plan, {}, {}, 0, std::chrono::system_clock::now()};
  run_actions(ctx, restart_actions(plan, plan.lb ? load_balancer_image(docker, steps) : ""));
}

namespace {

void remove_half_made(docker::Client& docker, util::Steps& steps, const net::Plan& plan) {
  if (has_state(docker, plan) && !is_complete(docker, plan)) {
    steps.note("Cluster " + plan.name + " was left half-made by an earlier run: removing it and starting over");
    remove_all(docker, plan);
  }
}

} // namespace

void up(docker::Client& docker, util::Steps& steps, const Config& config, bool retain) {
  auto plan = config.plan();
  remove_half_made(docker, steps, plan);
  std::string from;
  if (has_state(docker, plan)) {
    steps.note("Cluster " + plan.name + " exists: restarting it (no kubeadm init)");
    restart(docker, steps, config, plan);
  } else if (auto snap = auto_restore(docker, steps, config, plan, retain)) {
    from = " (restored from snapshot " + *snap + ")";
  } else {
    Context ctx{docker, steps, config, plan, {}, {}, 0, std::chrono::system_clock::now()};
    create(ctx, retain);
  }
  steps.note("Cluster " + plan.name + " is up" + from + ": kubectl --context " + plan.context + " get nodes");
}

Config master_only(const Config& config) {
  Config c = config;
  c.values["NUM_NODES"] = "0";
  return c;
}

void init(docker::Client& docker, util::Steps& steps, const Config& config, const KubeadmArgs& args, bool retain) {
  Config master = master_only(config);
  auto plan = master.plan();
  remove_half_made(docker, steps, plan);
  if (has_state(docker, plan)) throw Error("cluster " + plan.name + " exists: `kubectl dind clean` it first, or `kubectl dind join` to it");
  // the other control planes join with the certificates init uploads
  for (auto& a : args.pass) {
    bool no_upload = a == "--upload-certs=false" || (util::starts_with(a, "--skip-phases=") && a.find("upload-certs") != std::string::npos);
    if (plan.control_planes > 1 && no_upload) {
      throw UsageError("kubeadm init " + a + ": with several control planes (NUM_CONTROL_PLANES) the certificates must be uploaded");
    }
  }
  Context ctx{docker, steps, master, plan, {}, {}, 0, std::chrono::system_clock::now()};
  ctx.kubeadm_args = args;
  create(ctx, retain);
  // what kubeadm init prints for its workers (dind's token lives as long as the cluster)
  const auto& node = plan.nodes.at(0);
  std::string pin = ca_cert_hash(docker::read_container_file(docker, node.container, "/etc/kubernetes/pki/ca.crt"));
  steps.note("Cluster " + plan.name + " is up with its master: kubectl --context " + plan.context + " get nodes");
  steps.note("Add workers with `kubectl dind join`, or with kubeadm's arguments: kubectl dind join -- --token " + ctx.token +
             " --discovery-token-ca-cert-hash " + pin + " " + api_endpoint(plan));
}

namespace {

// How many workers there are, which must be kube-node-1.. without a gap
// (the plan gives each index its addresses): the next one is one more.
size_t workers_of(docker::Client& docker, const Config& config, const net::Plan& plan) {
  const std::string& master = plan.nodes.at(0).container;
  auto info = docker::inspect_container(docker, master);
  if (!info || json::str(*info, {"State", "Status"}) != "running" || !is_complete(docker, plan)) {
    throw Error("cluster " + plan.name + " is not up (" + master + " does not run): `kubectl dind init` or `kubectl dind up` first");
  }
  // the new node's address and its join go by the plan: the control planes
  // must be those there are, and every node must run (pod_network reaches all)
  std::vector<std::string> workers;
  int control_planes = 0;
  for (auto& c : node_containers(docker, plan)) {
    if (c.state != "running") throw Error("node " + c.name + " is " + c.state + ": `kubectl dind up` first");
    if (c.labels.at("io.dind.role") == "worker") workers.push_back(c.name);
    else ++control_planes;
  }
  if (control_planes != plan.control_planes) {
    throw Error("cluster " + plan.name + " has " + std::to_string(control_planes) + " control planes, NUM_CONTROL_PLANES says " +
                std::to_string(plan.control_planes) + ": give NUM_CONTROL_PLANES=" + std::to_string(control_planes));
  }
  if (plan.lb) {
    auto lb = docker::inspect_container(docker, plan.lb->container);
    if (!lb || !json::flag(*lb, {"State", "Running"})) throw Error("load balancer " + plan.lb->container + " does not run: `kubectl dind up` first");
  }
  Config all = config;
  all.values["NUM_NODES"] = std::to_string(workers.size());
  auto have = all.plan();
  for (size_t i = static_cast<size_t>(have.control_planes); i < have.nodes.size(); ++i) {
    if (std::find(workers.begin(), workers.end(), have.nodes[i].container) == workers.end()) {
      throw Error("cluster " + plan.name + " has " + std::to_string(workers.size()) + " workers but no " +
                  have.nodes[i].container + ": join adds the next index after kube-node-1.." + std::to_string(workers.size()));
    }
  }
  return workers.size();
}

} // namespace

void join(docker::Client& docker, util::Steps& steps, const Config& config, const KubeadmArgs& args, bool retain) {
  size_t workers = workers_of(docker, config, config.plan());
  Config grown = config;
  grown.values["NUM_NODES"] = std::to_string(workers + 1);
  auto plan = grown.plan();
  size_t index = static_cast<size_t>(plan.control_planes) + workers;
  const auto& node = plan.nodes.at(index);
  Context ctx{docker, steps, grown, plan, {}, {}, 0, std::chrono::system_clock::now()};
  ctx.kubeadm_args = args;
  ctx.first_new = index;
  std::vector<std::unique_ptr<Action>> actions;
  actions.push_back(create_nodes());
  // every node's plan and routes get the new one
  actions.push_back(pod_network());
  if (args.discovery.token.empty()) actions.push_back(bootstrap_token());
  actions.push_back(kubeadm_join());
  if (config.get("CNI_PLUGIN") == "flannel") actions.push_back(flannel());
  actions.push_back(wait_ready());
  try {
    run_actions(ctx, actions);
  } catch (...) {
    util::interrupt::Cleanup cleaning;
    if (retain) {
      log::error("keeping the failed node {} (--retain); remove it with `docker rm -f {}; docker volume rm {} {}` (`kubectl "
                 "dind clean` removes the whole cluster)", node.container, node.container, var_volume(node), etc_volume(node));
    } else {
      try {
        if (docker::inspect_container(docker, node.container)) docker::remove_container(docker, node.container);
        for (auto& v : {var_volume(node), etc_volume(node)}) {
          if (docker::inspect_volume(docker, v)) docker::remove_volume(docker, v);
        }
        master_kubectl(ctx, {"delete", "node", node.container, "--ignore-not-found"});
        lxcfs::release(docker);
      } catch (const std::exception& e) {
        log::error("removing the failed node {}: {}", node.container, e.what());
      }
    }
    throw;
  }
  steps.note("Node " + node.container + " joined cluster " + plan.name + ": kubectl --context " + plan.context + " get nodes");
}

void reup(docker::Client& docker, util::Steps& steps, const Config& config, bool retain) { up(docker, steps, config, retain); }

void down(docker::Client& docker, util::Steps& steps, const Config& config) {
  auto plan = config.plan();
  // the DNS64/NAT64 helpers stay, as in the seed: up after down is faster
  auto containers = node_containers(docker, plan);
  steps.run("Removing " + std::to_string(containers.size()) + " node containers of " + plan.name + " (volumes kept)", [&] {
    parallel(containers.size(), [&](size_t i) {
      // a clean shutdown lets etcd and kubelet close their files
      try {
        docker::stop_container(docker, containers[i].id, 3);
      } catch (const docker::DockerError&) {
      }
      docker::remove_container(docker, containers[i].id);
    });
  });
  lxcfs::release(docker);
}

void clean(docker::Client& docker, util::Steps& steps, const Config& config) {
  auto plan = config.plan();
  steps.run("Removing cluster " + plan.name + " (containers, volumes, network, context " + plan.context + ")",
            [&] { remove_all(docker, plan); });
}

namespace {

void set_paused(docker::Client& docker, util::Steps& steps, const Config& config, bool pause) {
  auto plan = config.plan();
  auto containers = node_containers(docker, plan);
  if (containers.empty()) throw Error("cluster " + plan.name + " has no nodes: `kubectl dind up` first");
  const std::string from = pause ? "running" : "paused", to = pause ? "paused" : "running";
  std::vector<std::string> todo;
  for (auto& c : containers) {
    if (c.state == to) continue;
    if (c.state != from) throw Error("node " + c.name + " is " + c.state + ", not " + from + ": `kubectl dind up` first");
    todo.push_back(c.id);
  }
  std::string what = std::string(pause ? "Pausing " : "Unpausing ") + std::to_string(todo.size()) + " nodes of " + plan.name;
  if (todo.empty()) what = "Cluster " + plan.name + " is " + to + " already";
  steps.run(what, [&] {
    parallel(todo.size(), [&](size_t i) {
      if (pause) docker::pause_container(docker, todo[i]);
      else docker::unpause_container(docker, todo[i]);
    });
  });
}

} // namespace

void pause(docker::Client& docker, util::Steps& steps, const Config& config) { set_paused(docker, steps, config, true); }
void unpause(docker::Client& docker, util::Steps& steps, const Config& config) { set_paused(docker, steps, config, false); }

int apiserver_port(docker::Client& docker, const Config& config) {
  auto plan = config.plan();
  const std::string& name = plan.api_container();
  auto info = docker::inspect_container(docker, name);
  std::string state = info ? json::str(*info, {"State", "Status"}) : "absent";
  if (state != "running") throw Error("cluster " + plan.name + " is not up: " + name + " is " + state, 3);
  std::string port = apiserver_host_port(*info);
  if (port.empty()) throw Error("the API server port of " + name + " is not published", 3);
  return std::stoi(port);
}

Status status(docker::Client& docker, const Config& config) {
  auto plan = config.plan();
  Status s;
  s.name = plan.name;
  s.context = plan.context;
  auto containers = node_containers(docker, plan);
  s.exists = !containers.empty() || !docker::list_volumes(docker, {cluster_filter(plan)}).empty();
  bool all_running = !containers.empty();
  for (auto& c : containers) {
    auto info = docker::inspect_container(docker, c.id);
    if (!info) continue;
    NodeStatus n{c.name, c.labels.count("io.dind.role") ? c.labels.at("io.dind.role") : "", c.state, "", ""};
    if (auto* nets = json::find(*info, {"NetworkSettings", "Networks", plan.network.c_str()})) {
      n.ipv4 = json::str(*nets, {"IPAddress"});
      n.ipv6 = json::str(*nets, {"GlobalIPv6Address"});
    }
    all_running = all_running && c.state == "running";
    s.nodes.push_back(n);
  }
  // the API server on the host: the master's port, or the load balancer's
  if (auto info = docker::inspect_container(docker, plan.api_container())) {
    if (std::string port = apiserver_host_port(*info); !port.empty()) s.endpoint = "https://127.0.0.1:" + port;
    if (plan.lb) all_running = all_running && json::str(*info, {"State", "Status"}) == "running";
  }
  std::sort(s.nodes.begin(), s.nodes.end(), [](const NodeStatus& a, const NodeStatus& b) {
    return std::make_pair(a.role != "master", a.name) < std::make_pair(b.role != "master", b.name);
  });
  s.paused = !s.nodes.empty() && std::all_of(s.nodes.begin(), s.nodes.end(), [](auto& n) { return n.state == "paused"; });
  if (all_running && !s.nodes.empty() && s.nodes[0].role == "master") {
    auto r = docker::exec(docker, s.nodes[0].name, {"kubectl", "--kubeconfig", "/etc/kubernetes/admin.conf", "get", "--raw", "/readyz"});
    s.up = r.exit_code == 0;
  }
  return s;
}

std::string Status::to_json() const {
  json::Writer w(true);
  w.begin_object().kv("name", name).kv("context", context).kv("exists", exists).kv("up", up).kv("paused", paused).kv("endpoint", endpoint);
  w.key("nodes").begin_array();
  for (auto& n : nodes) {
    w.begin_object().kv("name", n.name).kv("role", n.role).kv("state", n.state).kv("ipv4", n.ipv4).kv("ipv6", n.ipv6).end_object();
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
  char line[256];
  std::snprintf(line, sizeof line, "%-26s %-7s %-9s %-16s %s\n", "NODE", "ROLE", "STATE", "IPV4", "IPV6");
  o << line;
  for (auto& n : nodes) {
    std::snprintf(line, sizeof line, "%-26s %-7s %-9s %-16s %s\n", n.name.c_str(), n.role.c_str(), n.state.c_str(),
                  n.ipv4.empty() ? "-" : n.ipv4.c_str(), n.ipv6.empty() ? "-" : n.ipv6.c_str());
    o << line;
  }
  return o.str();
}

} // namespace dind::cluster
