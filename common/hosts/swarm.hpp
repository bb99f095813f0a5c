#pragma once
#include "docker/client.hpp"
#include "hosts/list.hpp"
#include "util/json.hpp"
#include "util/steps.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dind::hosts {

// What one engine says about itself (GET /info), or why it did not answer.
struct EngineInfo {
  std::string endpoint;            // as the user wrote it
  bool reachable = false;
  std::string error;               // why not reachable (the client's line: names the endpoint)
  std::string version;             // the engine's own
  std::string name;                // its host name
  std::string swarm_state;         // Docker's LocalNodeState: inactive, pending, active, error, locked
  std::string swarm_error;
  std::string node_id;
  bool manager = false;            // it can run the swarm's control plane (ControlAvailable)
  std::vector<std::string> manager_ids;    // the swarm's managers, as this engine knows them
  std::vector<std::string> manager_addrs;  // their "ip:2377"
  int64_t mem_total = 0;           // bytes
  int dind_nodes = 0;              // containers labelled io.dind.cluster

  std::string role() const;        // manager, worker, or the swarm state (inactive, ...)
};

// The answer of GET /info, with the dind node count beside it.
EngineInfo parse_info(const std::string& endpoint, const json::Value& info, int dind_nodes);

// GET /info and the dind containers of one engine; unreachable, or an API
// older than dind's floor, is an EngineInfo with the error, not a throw.
EngineInfo probe(docker::Client& engine);
// Every engine at once.
std::vector<EngineInfo> probe_all(std::vector<docker::Client>& engines);

// What forming the swarm takes: the engine that leads it, whether it must
// create it, and the engines that join it as workers.
struct SwarmPlan {
  size_t manager = 0;
  bool init = false;
  std::vector<size_t> join;
};

// The first engine leads: it creates the swarm when it is in none, else the
// engines outside its swarm join it. One line naming the engine (Error) when
// one is unreachable, in a state other than inactive or active, in a swarm
// when the first is in none, or in another swarm than the first's; or when
// the first's swarm has no manager among the engines.
SwarmPlan plan_swarm(const std::vector<EngineInfo>& engines);

// Throws the first unreachable engine's error.
void require_reachable(const std::vector<EngineInfo>& engines);

std::vector<docker::Client> clients(const std::vector<Host>& hosts);

// hosts init: the engines in one swarm. Engines this call made join (or the
// swarm it made) leave again when a later step fails.
void form_swarm(const std::vector<Host>& hosts, util::Steps& steps);

// hosts leave: workers first, then managers (forced: the last one ends the
// swarm). Refused (one line, nothing changed) while an engine in the swarm
// holds dind node containers.
void leave_swarm(const std::vector<Host>& hosts, util::Steps& steps);

// The first listed engine that manages the swarm the engines share: where
// swarm-wide things (overlay networks) are made. Error when none does.
size_t manager_of(const std::vector<EngineInfo>& engines);

} // namespace dind::hosts
