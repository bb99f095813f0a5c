#include "cluster/lock.hpp"

#include "cluster/layout.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/interrupt.hpp"

namespace dind::cluster {

std::unique_ptr<util::FileLock> lock_cluster(const Provider& provider, const Config& config, const std::string& what,
                                             bool wait, util::Steps& steps) {
  auto plan = config.layout();
  std::string path = util::cache_dir() + "/locks/" + util::sha256_hex(provider.endpoint()).substr(0, 12) + "-" +
                     plan.name + ".lock";
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
