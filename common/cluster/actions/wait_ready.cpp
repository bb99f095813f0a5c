#include "cluster/actions/action.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <ctime>
#include <set>
#include <thread>

namespace dind::cluster {

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const rapidjson::Value::ConstArray items(const rapidjson::Document& list, const char* what) {
  auto* items = json::find(list, {"items"});
  if (!items || !items->IsArray()) throw Error(std::string(what) + ": no items in kubectl's answer");
  return static_cast<const rapidjson::Value&>(*items).GetArray();
}

// A node container that stopped will not become Ready: say so now, not at DIND_WAIT.
void nodes_still_running(Context& ctx) {
  for (auto& c : node_containers(ctx.docker, ctx.plan)) {
    if (c.state != "running") throw Error(c.name + " is " + c.state + ", not running");
  }
}

// What is not ready yet, one phrase per thing; empty when all is.
std::vector<std::string> not_ready(Context& ctx, const std::string& since) {
  std::vector<std::string> missing;
  // join waits for its node alone: the others post their status only when
  // it changes (or every 5 minutes), and CoreDNS already runs
  std::vector<std::string> waited;
  for (size_t i = ctx.first_new; i < ctx.plan.nodes.size(); ++i) waited.push_back(ctx.plan.nodes[i].container);
  auto nodes = json::parse(master_kubectl(ctx, {"get", "nodes", "-o", "json"}), "kubectl get nodes");
  std::set<std::string> seen;
  for (auto& item : items(nodes, "kubectl get nodes")) {
    std::string name = json::str(item, {"metadata", "name"});
    if (std::find(waited.begin(), waited.end(), name) == waited.end()) continue;
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
  for (auto& name : waited) {
    if (!seen.count(name)) missing.push_back(name + " not registered");
  }
  if (ctx.first_new > 0) return missing;
  // CoreDNS pods count once Ready with containers started after `since`:
  // the Deployment's status still shows the replicas of before a restart
  auto dns = json::parse(master_kubectl(ctx, {"-n", "kube-system", "get", "deployment", "coredns", "-o", "json"}), "coredns");
  auto pods = json::parse(master_kubectl(ctx, {"-n", "kube-system", "get", "pods", "-o", "json"}), "kube-system pods");
  int64_t want = json::num(dns, {"spec", "replicas"}, 1), have = 0;
  for (auto& pod : items(pods, "kube-system pods")) {
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

// The last line a crash-looping pod wrote, e.g. kube-proxy's "too many open
// files" when the host's inotify instances run out.
std::string crash_reasons(Context& ctx, const std::vector<std::string>& missing) {
  std::string out;
  const std::string suffix = " crash-looping";
  for (auto& m : missing) {
    if (!util::ends_with(m, suffix)) continue;
    std::string pod = m.substr(0, m.size() - suffix.size());
    try {
      auto lines = util::split(util::trim(master_kubectl(ctx, {"-n", "kube-system", "logs", pod, "--previous", "--tail=1"})), '\n');
      if (!lines.empty() && !lines.back().empty() && !util::starts_with(lines.back(), "unable to retrieve container logs")) {
        out += "; " + pod + ": " + lines.back().substr(0, 200);
      }
    } catch (const Error&) {
    }
  }
  return out;
}

class WaitReady : public Action {
public:
  std::string title(const Context& ctx) const override {
    if (ctx.first_new > 0) return "Waiting for " + ctx.plan.nodes[ctx.first_new].container + " Ready";
    return "Waiting for " + std::to_string(ctx.plan.nodes.size()) + " nodes Ready and CoreDNS available";
  }

  void execute(Context& ctx) override {
    auto deadline = std::chrono::steady_clock::now() + ctx.config.wait_timeout();
    std::string since = rfc3339(ctx.since - std::chrono::seconds(2));
    std::vector<std::string> missing = {"the API server"};
    while (std::chrono::steady_clock::now() < deadline) {
      nodes_still_running(ctx);
      try {
        missing = not_ready(ctx, since);
        if (missing.empty()) return;
      } catch (const Error&) {
        util::interrupt::check();
        missing = {"the API server"};  // still starting
      }
      ctx.steps.status("waiting for " + util::join(missing, ", "));
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    throw Error("timed out after " + std::to_string(ctx.config.wait_timeout().count()) + "s (DIND_WAIT) waiting for " +
                util::join(missing, ", ") + crash_reasons(ctx, missing));
  }
};

} // namespace

std::unique_ptr<Action> wait_ready() { return std::make_unique<WaitReady>(); }

} // namespace dind::cluster
