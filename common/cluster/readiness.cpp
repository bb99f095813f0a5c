#include "cluster/readiness.hpp"

#include "util/error.hpp"
#include "util/json.hpp"

#include <set>

namespace dind::cluster {

namespace {

const rapidjson::Value::ConstArray items(const rapidjson::Document& list, const char* what) {
  auto* items = json::find(list, {"items"});
  if (!items || !items->IsArray()) throw Error(std::string(what) + ": no items in kubectl's answer");
  return static_cast<const rapidjson::Value&>(*items).GetArray();
}

} // namespace

std::vector<std::string> not_ready(const Layout& plan, size_t first, const std::string& nodes_json,
                                   const std::string& coredns_json, const std::string& pods_json, const std::string& since) {
  std::vector<std::string> missing;
  auto nodes = json::parse(nodes_json, "kubectl get nodes");
  std::set<std::string> waited, seen;
  for (size_t i = first; i < plan.nodes.size(); ++i) waited.insert(plan.nodes[i].container);
  for (auto& item : items(nodes, "kubectl get nodes")) {
    std::string name = json::str(item, {"metadata", "name"});
    if (!waited.count(name)) continue;
    seen.insert(name);
    std::string state = "NotReady";
    if (auto* conds = json::find(item, {"status", "conditions"}); conds && conds->IsArray()) {
      for (auto& c : conds->GetArray()) {
        if (json::str(c, {"type"}) != "Ready") continue;
        // RFC 3339 UTC timestamps compare as strings
        if (json::str(c, {"status"}) == "True" && json::str(c, {"lastHeartbeatTime"}) >= since) state = "Ready";
      }
    }
    if (state != "Ready") missing.push_back(name + " NotReady");
  }
  for (size_t i = first; i < plan.nodes.size(); ++i) {
    if (!seen.count(plan.nodes[i].container)) missing.push_back(plan.nodes[i].container + " not registered");
  }
  if (first > 0) return missing;
  // CoreDNS pods count once Ready with containers started after `since`:
  // the Deployment's status still shows the replicas of before a restart
  auto dns = json::parse(coredns_json, "coredns");
  auto pods = json::parse(pods_json, "kubectl get pods");
  int64_t want = json::num(dns, {"spec", "replicas"}, 1), have = 0;
  for (auto& pod : items(pods, "pods")) {
    if (json::str(pod, {"metadata", "namespace"}, "kube-system") != "kube-system") continue;
    // a crash-looping system pod is why the wait may never end: name it
    if (auto* cs = json::find(pod, {"status", "containerStatuses"}); cs && cs->IsArray()) {
      for (auto& c : cs->GetArray()) {
        // exited on its own since the nodes (re)started; 137/143/255 is how
        // a node's restart leaves the containers it stopped
        int64_t code = json::num(c, {"lastState", "terminated", "exitCode"}, 0);
        bool exited_since = !json::flag(c, {"ready"}) && code != 0 && code != 137 && code != 143 && code != 255 &&
                            json::str(c, {"lastState", "terminated", "finishedAt"}) >= since;
        if (json::str(c, {"state", "waiting", "reason"}) == "CrashLoopBackOff" || exited_since) {
          missing.push_back(json::str(pod, {"metadata", "name"}) + " crash-looping");
        }
      }
    }
    if (json::str(pod, {"metadata", "labels", "k8s-app"}) != "kube-dns") continue;
    bool ready = false, fresh = true;
    if (auto* conds = json::find(pod, {"status", "conditions"}); conds && conds->IsArray()) {
      for (auto& c : conds->GetArray()) ready = ready || (json::str(c, {"type"}) == "Ready" && json::str(c, {"status"}) == "True");
    }
    if (auto* cs = json::find(pod, {"status", "containerStatuses"}); cs && cs->IsArray()) {
      for (auto& c : cs->GetArray()) fresh = fresh && json::str(c, {"state", "running", "startedAt"}) >= since;
    }
    if (ready && fresh) ++have;
  }
  if (have < want) missing.push_back("coredns " + std::to_string(have) + "/" + std::to_string(want) + " ready");
  return missing;
}

std::vector<std::string> waiting_for_services(const std::string& pods_json) {
  std::vector<std::string> stuck;
  auto pods = json::parse(pods_json, "kubectl get pods");
  for (auto& pod : items(pods, "pods")) {
    auto* cs = json::find(pod, {"status", "containerStatuses"});
    if (!cs || !cs->IsArray()) continue;
    for (auto& c : cs->GetArray()) {
      if (json::str(c, {"state", "waiting", "reason"}) == "CreateContainerConfigError" &&
          json::str(c, {"state", "waiting", "message"}).find("services have not yet been read") != std::string::npos) {
        stuck.push_back(json::str(pod, {"metadata", "namespace"}) + "/" + json::str(pod, {"metadata", "name"}));
        break;
      }
    }
  }
  return stuck;
}

} // namespace dind::cluster
