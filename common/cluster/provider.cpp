#include "cluster/provider.hpp"

namespace dind::cluster {

std::vector<NodeInfo> cluster_nodes(Provider& provider, const Layout& plan, bool running_only) {
  std::vector<NodeInfo> out;
  for (auto& n : provider.list(plan)) {
    if ((n.role == "master" || n.role == "worker") && (!running_only || n.state == "running")) out.push_back(n);
  }
  return out;
}

std::string exec_checked(Provider& provider, const std::string& node, const std::vector<std::string>& cmd,
                         const std::string& input) {
  docker::ExecOptions o;
  o.input = input;
  auto r = provider.exec(node, cmd, o);
  if (r.exit_code != 0) throw docker::exec_error(node, cmd, r);
  return r.out;
}

std::vector<std::string> admin_kubectl(const std::vector<std::string>& args) {
  std::vector<std::string> cmd = {"kubectl", "--kubeconfig", admin_conf};
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

} // namespace dind::cluster
