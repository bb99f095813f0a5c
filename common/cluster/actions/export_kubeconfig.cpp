#include "cluster/actions/action.hpp"
#include "cluster/kubeconfig.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

#include <filesystem>

namespace dind::cluster {

namespace {

class ExportKubeconfig : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "Setting kubectl context " + ctx.layout.context + " (127.0.0.1:" + std::to_string(ctx.apiserver_port) + ")";
  }

  void execute(Context& ctx) override {
    namespace fs = std::filesystem;
    const auto& master = ctx.layout.nodes.at(0);
    // the node image's kubectl, kept per Kubernetes version; `kubectl` is the
    // version of the cluster brought up last, as in the seed
    std::string dir = kubectl_dir();
    std::string versioned = dir + "/kubectl-" + ctx.kubernetes_version;
    if (!fs::exists(versioned)) {
      fs::create_directories(dir);
      util::write_file(versioned, ctx.provider.read_file(master.container, "/usr/bin/kubectl"), 0755);
    }
    std::string stamp = dir + "/.kubectl-version";
    if (!fs::exists(dir + "/kubectl") || !fs::exists(stamp) || util::read_file(stamp) != ctx.kubernetes_version) {
      util::write_file(dir + "/kubectl", util::read_file(versioned), 0755);
      util::write_file(stamp, ctx.kubernetes_version);
    }
    merge_context(ctx.layout.context, ctx.provider.read_file(master.container, admin_conf),
                  ctx.apiserver_port);
    if (!ctx.spec.port_forwarder.empty()) {
      util::check({ctx.spec.port_forwarder, std::to_string(ctx.apiserver_port)});
    }
  }
};

} // namespace

std::unique_ptr<Action> export_kubeconfig() { return std::make_unique<ExportKubeconfig>(); }

} // namespace dind::cluster
