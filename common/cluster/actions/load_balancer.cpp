#include "cluster/actions/action.hpp"
#include "cluster/load_balancer.hpp"
#include "cluster/node.hpp"
#include "docker/containers.hpp"
#include "util/json.hpp"

namespace dind::cluster {

namespace {

// Several control planes: haproxy in front of their API servers. up makes
// it; reup keeps a running one (its configuration is the plan's, which a
// cluster keeps) and starts or makes it again otherwise.
class LoadBalancer : public Action {
public:
  explicit LoadBalancer(std::string image) : image_(std::move(image)) {}

  std::string title(const Context& ctx) const override {
    return "Starting load balancer " + ctx.plan.lb->container + " (haproxy, " + std::to_string(ctx.plan.control_planes) +
           " API servers)";
  }

  void execute(Context& ctx) override {
    const std::string& name = ctx.plan.lb->container;
    auto info = docker::inspect_container(ctx.docker, name);
    refuse_foreign(ctx, "container", name, info);
    if (info && json::str(*info, {"Config", "Image"}) != image_) {
      docker::remove_container(ctx.docker, name);  // made from an older image
      info.reset();
    }
    if (!info) {
      docker::create_container(ctx.docker, load_balancer_spec(ctx, image_));
      docker::put_files(ctx.docker, name, {{"usr/local/etc/haproxy/haproxy.cfg", haproxy_config(ctx.plan)}});
    }
    if (!info || !json::flag(*info, {"State", "Running"})) docker::start_container(ctx.docker, name);
    ctx.apiserver_port = published_port(ctx);
  }

private:
  std::string image_;
};

} // namespace

std::unique_ptr<Action> load_balancer(const std::string& image) { return std::make_unique<LoadBalancer>(image); }

} // namespace dind::cluster
