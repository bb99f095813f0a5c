#pragma once
#include "cluster/context.hpp"
#include "cluster/provider.hpp"
#include "env_guard.hpp"
#include "util/error.hpp"
#include "util/steps.hpp"
#include "util/strings.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace dind::test {

// A Provider that runs nothing: every call that changes or runs something is
// recorded as one line ("provision kube-master kube-node-1", "exec kube-master
// kubeadm init ...", "write kube-node-1 /etc/dind/plan.json"); exec answers
// from a script; the first call that starts with fail_on throws.
class FakeProvider : public cluster::Provider {
public:
  std::string fail_on;
  // exec's answer; unset: exit 0, no output
  std::function<docker::ExecResult(const std::string& node, const std::vector<std::string>& cmd)> answer;
  // a streamed exec's answer, given what it was sent; unset: exit 0, no output
  std::function<docker::ExecResult(const std::string& node, const std::string& input)> stream_answer;
  std::map<std::string, std::string> files;  // "node:path": what read_file returns, write_file leaves
  std::map<std::string, std::string> logs_of;  // what logs() returns, by container
  std::vector<cluster::NodeInfo> nodes;      // what list() says; provision adds the plan's, running
  bool complete = false;
  std::map<std::string, cluster::Image> images;       // image(): by reference
  std::map<std::string, cluster::Image> node_images;  // node_image(): by node
  std::string saved;                                  // what save_images streams
  std::map<std::string, std::vector<std::string>> mounts_of;                  // by node
  std::map<std::string, std::vector<std::pair<std::string, int>>> changes_of;  // by node
  std::map<std::string, std::string> inputs;    // node -> the last exec's stdin
  std::map<std::string, std::string> archives;  // "node:path": what archive_from streams, archive_into left
  std::map<std::string, std::string> streamed;  // by node: what its streamed exec was sent

  std::vector<std::string> recorded() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  // The recorded calls that start with prefix.
  std::vector<std::string> recorded(const std::string& prefix) {
    std::vector<std::string> out;
    for (auto& c : recorded()) {
      if (util::starts_with(c, prefix)) out.push_back(c);
    }
    return out;
  }

  std::string endpoint() const override { return "fake"; }
  std::optional<cluster::Image> image(const std::string& reference) override {
    record("image " + reference);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = images.find(reference);
    if (it == images.end()) return std::nullopt;
    return it->second;
  }
  cluster::Image node_image(const std::string& node) override {
    record("node_image " + node);
    std::lock_guard<std::mutex> lock(mutex_);
    return node_images.at(node);
  }
  std::string helper_image(cluster::Helper helper, util::Steps&) override {
    std::string name = helper == cluster::Helper::flannel ? "dind-flannel:fake" : "dind-lb:fake";
    record("helper_image " + name);
    return name;
  }
  void save_images(const std::vector<std::string>& references, const cluster::Sink& sink) override {
    record("save_images " + util::join(references, " "));
    sink(saved);
  }
  // Made, filled (each new node in turn), then started: "provision <nodes>",
  // what fill did, "start <nodes>".
  void provision(cluster::Context& ctx, const std::function<void(size_t)>& fill) override {
    std::string made;
    for (size_t i = ctx.first_new; i < ctx.layout.nodes.size(); ++i) made += " " + ctx.layout.nodes[i].container;
    record("provision" + made);
    for (size_t i = ctx.first_new; fill && i < ctx.layout.nodes.size(); ++i) fill(i);
    record("start" + made);
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = ctx.first_new; i < ctx.layout.nodes.size(); ++i) {
      nodes.push_back({ctx.layout.nodes[i].container, ctx.layout.is_control_plane(i) ? "master" : "worker", "running"});
    }
    ctx.apiserver_port = 16443;
  }
  void restart(cluster::Context& ctx) override {
    record("restart");
    ctx.since = std::chrono::system_clock::now();
  }
  void start_load_balancer(cluster::Context& ctx, const std::string& image) override {
    record("start_load_balancer " + image);
    std::lock_guard<std::mutex> lock(mutex_);
    nodes.push_back({ctx.layout.lb->container, "lb", "running"});
    ctx.apiserver_port = 16443;
  }
  void start_nat64(cluster::Context&) override { record("start_nat64"); }
  void check_state(const cluster::Layout& plan) override { record("check_state " + plan.name); }
  std::vector<cluster::NodeInfo> list(const cluster::Layout&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return nodes;
  }
  cluster::NodeAddresses addresses(const cluster::Layout&, const std::string&) override { return {}; }
  cluster::ApiServer apiserver(const cluster::Layout&) override { return {"running", "16443"}; }
  docker::ExecResult exec(const std::string& node, const std::vector<std::string>& cmd, const docker::ExecOptions& options) override {
    record("exec " + node + " " + util::join(cmd, " "));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      inputs[node] = options.input;
    }
    return answer ? answer(node, cmd) : docker::ExecResult{0, "", ""};
  }
  std::unique_ptr<cluster::NodeStream> exec_stream(const std::string& node, const std::vector<std::string>& cmd) override {
    record("exec_stream " + node + " " + util::join(cmd, " "));
    return std::make_unique<Stream>(*this, node);
  }
  std::string read_file(const std::string& node, const std::string& path) override {
    record("read " + node + " " + path);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = files.find(node + ":" + path);
    if (it == files.end()) throw Error("fake: no " + path + " in " + node);
    return it->second;
  }
  void write_file(const std::string& node, const std::string& path, const std::string& content) override {
    record("write " + node + " " + path);
    std::lock_guard<std::mutex> lock(mutex_);
    files[node + ":" + path] = content;
  }
  std::string logs(const std::string& container, int) override {
    record("logs " + container);
    std::lock_guard<std::mutex> lock(mutex_);
    return logs_of[container];
  }
  void set_paused(const std::string& node, bool paused) override { record((paused ? "pause " : "unpause ") + node); }
  void stop_nodes(const std::vector<std::string>& names) override { record("stop_nodes " + util::join(names, " ")); }
  std::vector<std::string> mounts(const std::string& node) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return mounts_of[node];
  }
  std::vector<std::pair<std::string, int>> changes(const std::string& node) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return changes_of[node];
  }
  void archive_from(const std::string& node, const std::string& path, const cluster::Sink& sink) override {
    record("archive_from " + node + " " + path);
    std::string data;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      data = archives[node + ":" + path];
    }
    sink(data);
  }
  void archive_into(const std::string& node, const std::string& dir, const cluster::Source& tar) override {
    std::string data;
    tar([&](std::string_view d) { data.append(d); });
    record("archive_into " + node + " " + dir + " " + std::to_string(data.size()));
    std::lock_guard<std::mutex> lock(mutex_);
    archives[node + ":" + dir] = data;
  }
  bool has_state(const cluster::Layout&) override { return !list({}).empty() || complete; }
  bool is_complete(const cluster::Layout&) override { return complete; }
  void mark_complete(const cluster::Layout& plan) override {
    record("mark_complete " + plan.name);
    complete = true;
  }
  void remove_nodes(const std::vector<std::string>& names) override { record("remove_nodes " + util::join(names, " ")); }
  void remove_node(const cluster::NodeLayout& node) override { record("remove_node " + node.container); }
  void remove_cluster(const cluster::Layout& plan) override {
    record("remove_cluster " + plan.name);
    std::lock_guard<std::mutex> lock(mutex_);
    nodes.clear();
    complete = false;
  }

private:
  // Keeps what it is sent in streamed[node]; its answer on finish.
  class Stream : public cluster::NodeStream {
  public:
    Stream(FakeProvider& fake, std::string node) : fake_(fake), node_(std::move(node)) {}
    void write(std::string_view data) override { input_.append(data); }
    docker::ExecResult finish() override {
      fake_.record("finish " + node_);
      std::lock_guard<std::mutex> lock(fake_.mutex_);
      fake_.streamed[node_] = input_;
      return fake_.stream_answer ? fake_.stream_answer(node_, input_) : docker::ExecResult{0, "", ""};
    }

  private:
    FakeProvider& fake_;
    std::string node_, input_;
  };

  void record(const std::string& call) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back(call);
    if (!fail_on.empty() && util::starts_with(call, fail_on)) throw Error("fake: " + call + " failed");
  }

  std::mutex mutex_;
  std::vector<std::string> calls_;
};

// kubectl's JSON List of the plan's nodes, each Ready (status "True") or not
// with a heartbeat at `heartbeat`; with `coredns_started`, also CoreDNS's
// Deployment of one replica and its pod, Ready, started then (as the
// nodes, deployments and pods wait_ready asks for in one call).
inline std::string cluster_json(const cluster::Layout& plan, const std::string& status, const std::string& heartbeat,
                                const std::string& coredns_started = "") {
  std::vector<std::string> items;
  for (auto& n : plan.nodes) {
    items.push_back(R"({"kind":"Node","metadata":{"name":")" + n.container + R"("},"status":{"conditions":[{"type":"Ready","status":")" +
                    status + R"(","lastHeartbeatTime":")" + heartbeat + R"("}]}})");
  }
  if (!coredns_started.empty()) {
    items.push_back(R"({"kind":"Deployment","metadata":{"name":"coredns","namespace":"kube-system"},"spec":{"replicas":1}})");
    items.push_back(R"({"kind":"Pod","metadata":{"name":"coredns-1","namespace":"kube-system","labels":{"k8s-app":"kube-dns"}},)"
                    R"("status":{"conditions":[{"type":"Ready","status":"True"}],)"
                    R"("containerStatuses":[{"ready":true,"state":{"running":{"startedAt":")" + coredns_started + R"("}}}]}})");
  }
  return R"({"kind":"List","items":[)" + util::join(items, ",") + "]}";
}
inline const std::string cluster_query = "get nodes,deployments,pods --all-namespaces -o json";

// What kubectl on the master asks: args after --kubeconfig, "" for any other command.
inline std::string kubectl_args(const std::vector<std::string>& cmd) {
  if (cmd.size() < 3 || cmd[0] != "kubectl") return "";
  return util::join(std::vector<std::string>(cmd.begin() + 3, cmd.end()), " ");
}

// A cluster whose every node is Ready and CoreDNS available (long after any `since`).
inline std::function<docker::ExecResult(const std::string&, const std::vector<std::string>&)> all_ready(const cluster::Layout& plan) {
  return [plan](const std::string&, const std::vector<std::string>& cmd) -> docker::ExecResult {
    std::string args = kubectl_args(cmd);
    if (args == "get nodes -o json") return {0, cluster_json(plan, "True", "2999-01-01T00:00:00Z"), ""};
    if (args == cluster_query) return {0, cluster_json(plan, "True", "2999-01-01T00:00:00Z", "2999-01-01T00:00:00Z"), ""};
    return {0, "", ""};
  };
}

// HOME and KUBECONFIG in a directory of the test's own: export_kubeconfig
// writes kubectl and the context there, a cleanup removes the context.
struct Home {
  std::string dir;
  EnvGuard env;
  Home() {
    char tmpl[] = "/tmp/dind-fake-home.XXXXXX";
    dir = ::mkdtemp(tmpl);
    env.set("HOME", dir.c_str());
    env.set("KUBECONFIG", (dir + "/kubeconfig").c_str());
  }
  ~Home() { std::filesystem::remove_all(dir); }
  std::string kubeconfig() const {
    std::ifstream in(dir + "/kubeconfig");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

// A Context on a FakeProvider, which has the node image dind-node:test.
struct FakeRun {
  FakeProvider provider;
  cluster::ClusterSpec spec;
  util::Steps steps{true, false};
  cluster::Layout layout;
  cluster::Context ctx{provider, steps, spec, layout, {}, {}, 0, std::chrono::system_clock::now()};

  explicit FakeRun(cluster::Layout p) : layout(std::move(p)) {
    spec.image = "dind-node:test";
    provider.images[spec.image] = {"sha256:0d", "v1.31.0", 0};
  }
};

} // namespace dind::test
