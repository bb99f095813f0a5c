#include "cluster/readiness.hpp"

#include "util/error.hpp"
#include "util/json.hpp"

#include <set>

namespace dind::cluster {

namespace {

const rapidjson::Value::ConstArray items(const rapidjson::Document& list) {
  auto* items = json::find(list, {"items"});
  if (!items || !items->IsArray()) throw Error("kubectl get: no items in its answer");
  return static_cast<const rapidjson::Value&>(*items).GetArray();
}

bool is(const rapidjson::Value& item, const char* kind) { return json::str(item, {"kind"}) == kind; }

void check_node(const rapidjson::Value& item, const std::string& since, std::vector<std::string>& missing) {
  std::string state = "NotReady";
  if (auto* conds = json::find(item, {"status", "conditions"}); conds && conds->IsArray()) {
    for (auto& c : conds->GetArray()) {
      if (json::str(c, {"type"}) != "Ready") continue;
      // RFC 3339 UTC timestamps compare as strings
      if (json::str(c, {"status"}) == "True" && json::str(c, {"lastHeartbeatTime"}) >= since) state = "Ready";
    }
  }
  if (state != "Ready") missing.push_back(json::str(item, {"metadata", "name"}) + " NotReady");
}

// a crash-looping system pod is why the wait may never end: name it
void check_crash_loop(const rapidjson::Value& pod, const std::string& since, std::vector<std::string>& missing) {
  auto* cs = json::find(pod, {"status", "containerStatuses"});
  if (!cs || !cs->IsArray()) return;
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

// CoreDNS pods count once Ready with containers started after `since`: the
// Deployment's status still shows the replicas of before a restart
bool fresh_and_ready(const rapidjson::Value& pod, const std::string& since) {
  bool ready = false, fresh = true;
  if (auto* conds = json::find(pod, {"status", "conditions"}); conds && conds->IsArray()) {
    for (auto& c : conds->GetArray()) ready = ready || (json::str(c, {"type"}) == "Ready" && json::str(c, {"status"}) == "True");
  }
  if (auto* cs = json::find(pod, {"status", "containerStatuses"}); cs && cs->IsArray()) {
    for (auto& c : cs->GetArray()) fresh = fresh && json::str(c, {"state", "running", "startedAt"}) >= since;
  }
  return ready && fresh;
}

} // namespace

std::string merge_lists(const std::vector<std::pair<std::string, std::string>>& kind_and_list) {
  json::Document merged;
  merged.SetObject();
  auto& a = merged.GetAllocator();
  json::Value all(rapidjson::kArrayType);
  for (auto& [kind, list_json] : kind_and_list) {
    auto list = json::parse(list_json, "API server " + kind + " list");
    for (auto& item : items(list)) {
      json::Value copy(item, a);
      if (!copy.IsObject()) continue;
      copy.RemoveMember("kind");
      copy.AddMember("kind", json::Value(kind.c_str(), a), a);
      all.PushBack(copy, a);
    }
  }
  merged.AddMember("items", all, a);
  return json::dump(merged);
}

const std::vector<std::string> cluster_state_query = {"get", "nodes,deployments,pods", "--all-namespaces", "-o", "json"};

std::vector<std::string> not_ready(const Layout& plan, size_t first, const std::string& list_json, const std::string& since) {
  std::vector<std::string> missing;
  auto list = json::parse(list_json, "kubectl get");
  std::set<std::string> waited, seen;
  for (size_t i = first; i < plan.nodes.size(); ++i) waited.insert(plan.nodes[i].container);
  int64_t want = 1, have = 0;  // CoreDNS's replicas (kubeadm makes its Deployment before init returns)
  for (auto& item : items(list)) {
    if (is(item, "Node")) {
      std::string name = json::str(item, {"metadata", "name"});
      if (!waited.count(name)) continue;
      seen.insert(name);
      check_node(item, since, missing);
    }
    if (first > 0 || json::str(item, {"metadata", "namespace"}) != "kube-system") continue;
    if (is(item, "Deployment") && json::str(item, {"metadata", "name"}) == "coredns") want = json::num(item, {"spec", "replicas"}, 1);
    if (!is(item, "Pod")) continue;
    check_crash_loop(item, since, missing);
    if (json::str(item, {"metadata", "labels", "k8s-app"}) == "kube-dns" && fresh_and_ready(item, since)) ++have;
  }
  for (size_t i = first; i < plan.nodes.size(); ++i) {
    if (!seen.count(plan.nodes[i].container)) missing.push_back(plan.nodes[i].container + " not registered");
  }
  if (first == 0 && have < want) missing.push_back("coredns " + std::to_string(have) + "/" + std::to_string(want) + " ready");
  return missing;
}

std::vector<std::string> waiting_for_services(const std::string& list_json) {
  std::vector<std::string> stuck;
  auto list = json::parse(list_json, "kubectl get");
  for (auto& pod : items(list)) {
    auto* cs = json::find(pod, {"status", "containerStatuses"});
    if (!is(pod, "Pod") || !cs || !cs->IsArray()) continue;
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
