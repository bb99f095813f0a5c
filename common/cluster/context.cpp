#include "cluster/context.hpp"

#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <exception>
#include <mutex>
#include <sstream>
#include <thread>

namespace dind::cluster {

std::string var_volume(const net::NodePlan& node) { return "kubeadm-dind-" + node.container; }
std::string etc_volume(const net::NodePlan& node) { return "kubeadm-dind-" + node.container + "-etc"; }
std::string cluster_filter(const net::Plan& plan) { return std::string(net::cluster_label) + "=" + plan.name; }

std::vector<docker::ContainerSummary> node_containers(docker::Client& docker, const net::Plan& plan, bool running_only) {
  std::vector<docker::ContainerSummary> out;
  for (auto& c : docker::list_containers(docker, {cluster_filter(plan)}, !running_only)) {
    auto role = c.labels.find("io.dind.role");
    if (role != c.labels.end() && (role->second == "master" || role->second == "worker")) out.push_back(c);
  }
  return out;
}

std::string node_exec(Context& ctx, const net::NodePlan& node, const std::vector<std::string>& cmd, const std::string& input) {
  docker::ExecOptions o;
  o.input = input;
  if (log::verbosity() == log::Verbosity::verbose) {
    o.on_output = [&node](int, std::string_view data) {
      std::string s(data);
      while (!s.empty() && s.back() == '\n') s.pop_back();
      if (!s.empty()) log::debug("[{}] {}", node.container, s);
    };
  }
  auto r = docker::exec(ctx.docker, node.container, cmd, o);
  if (r.exit_code == 0) return r.out;
  // kubeadm ends every failure with a hint: the error is the line before
  const std::string hint = "To see the stack trace of this error execute with --v=5 or higher";
  auto err = util::trim(r.err);
  if (util::ends_with(err, hint)) r.err = err.substr(0, err.size() - hint.size());
  throw docker::exec_error(node.container, cmd, r);
}

void node_write(Context& ctx, const net::NodePlan& node, const std::string& path, const std::string& content) {
  auto slash = path.rfind('/');
  std::ostringstream tar;
  util::tar::Writer w(tar);
  // root's only: kubeadm's configs carry the join token and the certificate key
  w.add_data(path.substr(slash + 1), content, 0600);
  w.finish();
  node_exec(ctx, node, {"mkdir", "-p", path.substr(0, slash)});
  docker::put_archive(ctx.docker, node.container, path.substr(0, slash), tar.str());
}

std::string master_kubectl(Context& ctx, const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> cmd = {"kubectl", "--kubeconfig", "/etc/kubernetes/admin.conf"};
  cmd.insert(cmd.end(), args.begin(), args.end());
  docker::ExecOptions o;
  o.input = input;
  return docker::exec_check(ctx.docker, ctx.plan.nodes.at(0).container, cmd, o).out;
}

void parallel(size_t n, const std::function<void(size_t)>& f) {
  std::vector<std::thread> threads;
  std::exception_ptr first;
  std::mutex m;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        f(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        if (!first) first = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

} // namespace dind::cluster
