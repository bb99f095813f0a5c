#include "cluster/context.hpp"

#include "docker/exec.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"


namespace dind::cluster {

std::string node_exec(Context& ctx, const NodeLayout& node, const std::vector<std::string>& cmd, const std::string& input) {
  docker::ExecOptions o;
  o.input = input;
  if (log::verbosity() == log::Verbosity::verbose) {
    o.on_output = [&node](int, std::string_view data) {
      std::string s(data);
      while (!s.empty() && s.back() == '\n') s.pop_back();
      if (!s.empty()) log::debug("[{}] {}", node.container, s);
    };
  }
  auto r = ctx.provider.exec(node.container, cmd, o);
  if (r.exit_code == 0) return r.out;
  // kubeadm ends every failure with a hint: the error is the line before
  const std::string hint = "To see the stack trace of this error execute with --v=5 or higher";
  auto err = util::trim(r.err);
  if (util::ends_with(err, hint)) r.err = err.substr(0, err.size() - hint.size());
  throw docker::exec_error(node.container, cmd, r);
}

void node_write(Context& ctx, const NodeLayout& node, const std::string& path, const std::string& content) {
  ctx.provider.write_file(node.container, path, content);
}

std::string master_kubectl(Context& ctx, const std::vector<std::string>& args, const std::string& input) {
  return exec_checked(ctx.provider, ctx.layout.nodes.at(0).container, admin_kubectl(args), input);
}

} // namespace dind::cluster
