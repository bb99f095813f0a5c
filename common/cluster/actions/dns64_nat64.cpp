#include "cluster/actions/action.hpp"

namespace dind::cluster {

namespace {

// The seed's IPv6-only setup: DNS64 and NAT64 helpers per cluster, kept
// across `down`, removed by `clean`.
class Dns64Nat64 : public Action {
public:
  std::string title(const Context& ctx) const override {
    return "DNS64 and NAT64 (bind9" + ctx.layout.suffix + ", tayga" + ctx.layout.suffix + ")";
  }

  void execute(Context& ctx) override {
    ctx.provider.start_nat64(ctx);
  }
};

} // namespace

std::unique_ptr<Action> dns64_nat64() { return std::make_unique<Dns64Nat64>(); }

} // namespace dind::cluster
