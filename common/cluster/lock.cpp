#include "cluster/lock.hpp"

#include "cluster/layout.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"

namespace dind::cluster {

std::unique_ptr<util::FileLock> lock_cluster(const Provider& provider, const Config& config, const std::string& what,
                                             bool wait, util::Steps& steps) {
  auto plan = config.layout();
  std::string path = util::endpoint_lock_path(provider.endpoint(), plan.name);
  try {
    return std::make_unique<util::FileLock>(path, what + " " + plan.name, wait, [&](const std::string& holder) {
      steps.note("Waiting for " + holder + " (cluster " + plan.name + " is busy)");
    });
  } catch (const util::interrupt::Interrupted&) {
    throw;
  } catch (const Error& e) {
    throw Error("cluster " + plan.name + " is " + e.what());
  }
}

} // namespace dind::cluster
