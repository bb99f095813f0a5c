#include "cluster/actions/action.hpp"
#include "cluster/api_client.hpp"
#include "cluster/load_balancer.hpp"
#include "cluster/readiness.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/parallel.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <ctime>
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

// A node container that stopped will not become Ready: say so now, not at DIND_WAIT.
void nodes_still_running(Context& ctx) {
  for (auto& c : cluster_nodes(ctx.provider, ctx.layout)) {
    if (c.state != "running") throw Error(c.name + " is " + c.state + ", not running");
  }
  if (ctx.layout.lb) check_load_balancer(ctx);
}

// kubelet retries a pod it set aside for want of the services at once when
// the pod changes, not after its 10-15 s back-off: after a restart that was
// most of the wait for kube-proxy, and for the users' pods.
void retry_waiting_for_services(Context& ctx, const std::string& state_json) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  for (auto& pod : cluster::waiting_for_services(state_json)) {
    auto slash = pod.find('/');
    log::debug("{} waits for kubelet to list the services: annotating it so that kubelet retries now", pod);
    try {
      master_kubectl(ctx, {"-n", pod.substr(0, slash), "annotate", "pod", pod.substr(slash + 1), "--overwrite",
                           "dind.io/retried-at=" + std::to_string(now.count())});
    } catch (const Error&) {
      // gone or replaced meanwhile: nothing to retry
    }
  }
}

// Asked directly when the engine that publishes the API server (the first)
// is this host's: the port is on 127.0.0.1. Otherwise (a remote engine, a
// port forwarder still to start) kubectl in the master answers.
std::unique_ptr<ApiClient> direct_api(Context& ctx) {
  if (ctx.apiserver_port <= 0 || !ctx.spec.port_forwarder.empty() || !util::starts_with(ctx.provider.endpoint(), "unix://")) {
    return nullptr;
  }
  try {
    auto creds = api_credentials(ctx.provider.read_file(ctx.layout.nodes.at(0).container, admin_conf));
    log::debug("waiting through the API server at 127.0.0.1:{}", ctx.apiserver_port);
    return std::make_unique<ApiClient>(creds, ctx.apiserver_port);
  } catch (const Error& e) {
    log::debug("waiting through kubectl in the master: {}", e.what());
    return nullptr;
  }
}

// Nodes, deployments and pods as kubectl's List of cluster_state_query;
// join's wait asks for the nodes alone.
std::string cluster_state(Context& ctx, const ApiClient* api) {
  bool nodes_only = ctx.first_new > 0;
  if (!api) return master_kubectl(ctx, nodes_only ? std::vector<std::string>{"get", "nodes", "-o", "json"} : cluster_state_query);
  std::vector<std::pair<std::string, std::string>> lists = {{"Node", api->get("/api/v1/nodes")}};
  if (!nodes_only) {
    lists.emplace_back("Deployment", api->get("/apis/apps/v1/deployments"));
    lists.emplace_back("Pod", api->get("/api/v1/pods"));
  }
  return merge_lists(lists);
}

std::vector<std::string> not_ready(Context& ctx, const ApiClient* api, const std::string& since) {
  std::string state = cluster_state(ctx, api);
  // join waits for its node alone: the others post their status only when
  // it changes (or every 5 minutes), and CoreDNS already runs
  if (ctx.first_new > 0) return cluster::not_ready(ctx.layout, ctx.first_new, state, since);
  retry_waiting_for_services(ctx, state);
  return cluster::not_ready(ctx.layout, 0, state, since);
}

// CoreDNS available is not DNS answering on every node: a node's kube-proxy
// refuses the service's port until it has CoreDNS's endpoints. Asked from
// each node as a pod there would; an image without the probe is not waited for.
std::vector<std::string> dns_not_answering(Context& ctx) {
  std::string server = ctx.layout.services.at(0).nth(10).str();
  std::vector<std::string> silent(ctx.layout.nodes.size());
  util::parallel(ctx.layout.nodes.size(), [&](size_t i) {
    const auto& node = ctx.layout.nodes[i].container;
    auto r = ctx.provider.exec(node, {"dind-net", "dns-probe", server, "kubernetes.default.svc.cluster.local"});
    if (r.exit_code == 1) silent[i] = "DNS from " + node;
  });
  silent.erase(std::remove(silent.begin(), silent.end(), ""), silent.end());
  return silent;
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
    if (ctx.first_new > 0) return "Waiting for " + ctx.layout.nodes[ctx.first_new].container + " Ready";
    return "Waiting for " + std::to_string(ctx.layout.nodes.size()) + " nodes Ready and DNS answering";
  }

  void execute(Context& ctx) override {
    auto deadline = std::chrono::steady_clock::now() + ctx.spec.wait;
    std::string since = rfc3339(ctx.since - std::chrono::seconds(2));
    std::vector<std::string> missing = {"the API server"};
    auto api = direct_api(ctx);
    std::string why_not;  // the API server's last refusal
    while (std::chrono::steady_clock::now() < deadline) {
      nodes_still_running(ctx);
      try {
        missing = not_ready(ctx, api.get(), since);
        if (missing.empty() && ctx.first_new == 0) missing = dns_not_answering(ctx);
        if (missing.empty()) return;
      } catch (const Error& e) {
        util::interrupt::check();
        missing = {"the API server"};  // still starting
        why_not = e.what();
      }
      ctx.steps.status("waiting for " + util::join(missing, ", "));
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    throw Error("timed out after " + std::to_string(ctx.spec.wait.count()) + "s (DIND_WAIT) waiting for " +
                util::join(missing, ", ") + (missing == std::vector<std::string>{"the API server"} && !why_not.empty() ? " (" + why_not + ")" : "") +
                crash_reasons(ctx, missing));
  }
};

} // namespace

std::unique_ptr<Action> wait_ready() { return std::make_unique<WaitReady>(); }

} // namespace dind::cluster
