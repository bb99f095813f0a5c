#include "hosts/swarm.hpp"

#include "cluster/context.hpp"
#include "cluster/layout.hpp"
#include "docker/containers.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <functional>

namespace dind::hosts {

namespace {

bool same_swarm(const EngineInfo& a, const EngineInfo& b) {
  return std::any_of(a.manager_ids.begin(), a.manager_ids.end(), [&](auto& id) {
    return std::find(b.manager_ids.begin(), b.manager_ids.end(), id) != b.manager_ids.end();
  });
}

std::string managers_text(const EngineInfo& e) {
  return e.manager_addrs.empty() ? "unknown managers" : "managers " + util::join(e.manager_addrs, ", ");
}

// the "ip:port" other engines join at: the manager's own entry
std::string join_address(const EngineInfo& manager) {
  for (size_t i = 0; i < manager.manager_ids.size() && i < manager.manager_addrs.size(); ++i) {
    if (manager.manager_ids[i] == manager.node_id) return manager.manager_addrs[i];
  }
  throw Error(manager.endpoint + " does not list itself among the swarm's managers");
}

void swarm_init(docker::Client& engine, const std::string& advertise) {
  json::Writer w;
  w.begin_object().kv("ListenAddr", "0.0.0.0:2377");
  if (!advertise.empty()) w.kv("AdvertiseAddr", advertise);
  w.end_object();
  docker::Request r;
  r.method = "POST";
  r.path = "/swarm/init";
  r.body = w.str();
  engine.call(r);
}

std::string worker_token(docker::Client& manager) {
  docker::Request r;
  r.path = "/swarm";
  auto token = json::str(json::parse(manager.call(r), "swarm inspect"), {"JoinTokens", "Worker"});
  if (token.empty()) throw Error(manager.endpoint().text + " gave no join token for workers");
  return token;
}

void swarm_join(docker::Client& engine, const std::string& advertise, const std::string& address, const std::string& token) {
  json::Writer w;
  // without an advertise address the manager takes the one the joiner came from
  w.begin_object().kv("ListenAddr", "0.0.0.0:2377");
  if (!advertise.empty()) w.kv("AdvertiseAddr", advertise);
  w.strings("RemoteAddrs", {address}).kv("JoinToken", token).end_object();
  docker::Request r;
  r.method = "POST";
  r.path = "/swarm/join";
  r.body = w.str();
  engine.call(r);
}

void swarm_leave(docker::Client& engine, bool force) {
  docker::Request r;
  r.method = "POST";
  r.path = "/swarm/leave";
  r.query = {{"force", force ? "true" : "false"}};
  engine.call(r);
}

// Docker's own message does not say which engine refused
void named(docker::Client& engine, const std::function<void()>& f) {
  try {
    f();
  } catch (const util::interrupt::Interrupted&) {
    throw;
  } catch (const Error& e) {
    throw Error(engine.endpoint().text + ": " + e.what());
  }
}

} // namespace

std::string EngineInfo::role() const {
  if (swarm_state != "active") return swarm_state;
  return manager ? "manager" : "worker";
}

EngineInfo parse_info(const std::string& endpoint, const json::Value& info, int dind_nodes) {
  EngineInfo e;
  e.endpoint = endpoint;
  e.reachable = true;
  e.version = json::str(info, {"ServerVersion"});
  e.name = json::str(info, {"Name"});
  e.swarm_state = json::str(info, {"Swarm", "LocalNodeState"}, "inactive");
  e.swarm_error = json::str(info, {"Swarm", "Error"});
  e.node_id = json::str(info, {"Swarm", "NodeID"});
  e.manager = json::flag(info, {"Swarm", "ControlAvailable"});
  if (auto* managers = json::find(info, {"Swarm", "RemoteManagers"}); managers && managers->IsArray()) {
    for (auto& m : managers->GetArray()) {
      e.manager_ids.push_back(json::str(m, {"NodeID"}));
      e.manager_addrs.push_back(json::str(m, {"Addr"}));
    }
  }
  e.mem_total = json::num(info, {"MemTotal"});
  e.dind_nodes = dind_nodes;
  return e;
}

EngineInfo probe(docker::Client& engine) {
  try {
    docker::Request r;
    r.path = "/info";
    r.timeout = std::chrono::seconds(30);
    auto info = json::parse(engine.call(r), "engine info");
    auto nodes = docker::list_containers(engine, {cluster::cluster_label});
    return parse_info(engine.endpoint().text, info, static_cast<int>(nodes.size()));
  } catch (const util::interrupt::Interrupted&) {
    throw;
  } catch (const Error& e) {
    EngineInfo info;
    info.endpoint = engine.endpoint().text;
    info.error = e.what();
    return info;
  }
}

std::vector<EngineInfo> probe_all(std::vector<docker::Client>& engines) {
  std::vector<EngineInfo> infos(engines.size());
  util::parallel(engines.size(), [&](size_t i) { infos[i] = probe(engines[i]); });
  return infos;
}

void require_reachable(const std::vector<EngineInfo>& engines) {
  for (auto& e : engines) {
    if (!e.reachable) throw Error(e.error);
  }
}

size_t manager_of(const std::vector<EngineInfo>& engines) {
  for (size_t i = 0; i < engines.size(); ++i) {
    if (engines[i].swarm_state == "active" && engines[i].manager) return i;
  }
  throw Error("none of the listed engines manages a swarm: run `kubectl dind hosts init`, or list a manager");
}

SwarmPlan plan_swarm(const std::vector<EngineInfo>& engines) {
  require_reachable(engines);
  for (auto& e : engines) {
    if (e.swarm_state != "inactive" && e.swarm_state != "active") {
      throw Error(e.endpoint + ": its swarm state is " + e.swarm_state + (e.swarm_error.empty() ? "" : " (" + e.swarm_error + ")") +
                  ": mend it, or `docker swarm leave --force` there");
    }
  }
  // the first engine leads: its swarm, or the one it creates
  auto& first = engines.front();
  bool creating = first.swarm_state == "inactive";
  for (auto& e : engines) {
    if (e.swarm_state == "active" && (creating || !same_swarm(e, first))) {
      throw Error(e.endpoint + " is already in another swarm (" + managers_text(e) + ") than " + first.endpoint + " (" +
                  (creating ? std::string("in none") : managers_text(first)) + "): `docker swarm leave` it, or list it apart");
    }
  }
  SwarmPlan plan;
  plan.init = creating;
  if (!creating) {
    try {
      plan.manager = manager_of(engines);
    } catch (const Error&) {
      throw Error("none of the listed engines manages the swarm they are in (" + managers_text(first) + "): list a manager");
    }
  }
  for (size_t i = 0; i < engines.size(); ++i) {
    if (i != plan.manager && engines[i].swarm_state == "inactive") plan.join.push_back(i);
  }
  return plan;
}

std::vector<docker::Client> clients(const std::vector<Host>& hosts) {
  std::vector<docker::Client> out;
  out.reserve(hosts.size());
  for (auto& h : hosts) out.emplace_back(h.endpoint);
  return out;
}

void form_swarm(const std::vector<Host>& hosts, util::Steps& steps) {
  auto engines = clients(hosts);
  // no step line yet: a refusal is its one line alone
  auto infos = probe_all(engines);
  auto plan = plan_swarm(infos);
  auto& manager = engines[plan.manager];
  bool created = false;
  try {
    if (plan.init) {
      steps.run("Creating the swarm on " + manager.endpoint().text, [&] {
        named(manager, [&] { swarm_init(manager, hosts[plan.manager].advertise); });
        created = true;
        infos[plan.manager] = probe(manager);
      });
    }
    if (!plan.join.empty()) {
      steps.run("Joining " + util::plural(plan.join.size(), "engine") + " to the swarm as workers", [&] {
        std::string address = join_address(infos[plan.manager]);
        std::string token = worker_token(manager);
        util::parallel(plan.join.size(), [&](size_t k) {
          size_t i = plan.join[k];
          named(engines[i], [&] { swarm_join(engines[i], hosts[i].advertise, address, token); });
        });
      });
    }
  } catch (...) {
    // what this call changed goes back as it was; forced: a join that timed
    // out goes on in the background (pending) until the engine leaves
    util::interrupt::Cleanup cleaning;
    for (size_t i : plan.join) {
      try {
        swarm_leave(engines[i], true);
      } catch (const std::exception&) {
      }
    }
    if (created) {
      try {
        swarm_leave(manager, true);
      } catch (const std::exception&) {
      }
    }
    throw;
  }
  if (!plan.init && plan.join.empty()) {
    steps.note("The " + util::plural(engines.size(), "engine") + " are in one swarm already (manager " + manager.endpoint().text + ")");
  }
}

void leave_swarm(const std::vector<Host>& hosts, util::Steps& steps) {
  auto engines = clients(hosts);
  auto infos = probe_all(engines);
  require_reachable(infos);
  // a container on the overlay loses its interface when its engine leaves (measured)
  for (auto& e : infos) {
    if (e.swarm_state != "inactive" && e.dind_nodes > 0) {
      throw Error(e.endpoint + " holds " + util::plural(static_cast<size_t>(e.dind_nodes), "dind node container") +
                  ", which would lose the cluster network: `kubectl dind clean` first");
    }
  }
  // managers, and engines stuck pending or in error, leave forced
  std::vector<size_t> workers, forced;
  for (size_t i = 0; i < infos.size(); ++i) {
    if (infos[i].swarm_state == "inactive") continue;
    (infos[i].swarm_state == "active" && !infos[i].manager ? workers : forced).push_back(i);
  }
  if (workers.empty() && forced.empty()) {
    steps.note("None of the listed engines is in a swarm");
    return;
  }
  if (!workers.empty()) {
    steps.run("Leaving the swarm: " + util::plural(workers.size(), "worker"), [&] {
      util::parallel(workers.size(), [&](size_t k) { swarm_leave(engines[workers[k]], false); });
    });
  }
  // the last manager's leave ends the swarm: Docker wants it forced
  for (size_t i : forced) {
    steps.run("Leaving the swarm: " + infos[i].role() + " " + engines[i].endpoint().text, [&] { swarm_leave(engines[i], true); });
  }
}

} // namespace dind::hosts
