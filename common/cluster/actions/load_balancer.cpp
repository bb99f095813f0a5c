#include "cluster/actions/action.hpp"

namespace dind::cluster {

namespace {

// Several control planes: haproxy in front of their API servers. up makes
// it; reup keeps a running one (its configuration is the plan's, which a
// cluster keeps) and starts or makes it again otherwise.
class LoadBalancer : public Action {
public:
  explicit LoadBalancer(std::string image) : image_(std::move(image)) {}

  std::string title(const Context& ctx) const override {
    return "Starting load balancer " + ctx.layout.lb->container + " (haproxy, " + std::to_string(ctx.layout.control_planes) +
           " API servers)";
  }

  void execute(Context& ctx) override {
    ctx.provider.start_load_balancer(ctx, image_);
  }

private:
  std::string image_;
};

} // namespace

std::unique_ptr<Action> load_balancer(const std::string& image) { return std::make_unique<LoadBalancer>(image); }

} // namespace dind::cluster
