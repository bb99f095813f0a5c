// The parallel paths (dump's node collection, joins, load, clean) share one
// Docker client across threads: run the same pattern against the real engine,
// so the TSan build (tests/hostile/tsan.sh) sees any race in it.
#include "docker/containers.hpp"
#include "docker/networks.hpp"
#include "util/parallel.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace dind;

TEST_CASE("one Docker client used from several threads at once, from its first call") {
  auto docker = docker::Client::from_env();  // API version not known yet: the first calls race to fill it
  std::atomic<int> missing{0};
  util::parallel(6, [&](size_t i) {
    for (int k = 0; k < 4; ++k) {
      if (!docker::inspect_container(docker, "dind-parallel-test-none-" + std::to_string(i))) ++missing;
      docker::list_containers(docker, {"io.dind.test=parallel-none"});
      docker::list_networks(docker, {"io.dind.test=parallel-none"});
    }
  });
  CHECK(missing == 24);
}
