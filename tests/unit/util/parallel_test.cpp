#include "util/error.hpp"
#include "util/parallel.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace dind;

TEST_CASE("parallel: every call runs, at once; the first failure comes back after all returned") {
  std::atomic<int> done{0}, running{0}, most{0};
  auto work = [&](size_t i) {
    int now = ++running;
    for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {}
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    --running;
    ++done;
    if (i == 2) throw Error("third failed");
  };
  CHECK_THROWS_WITH(util::parallel(5, work), "third failed");
  CHECK(done == 5);
  CHECK(most == 5);
  util::parallel(0, work);  // nothing to run: nothing runs
  CHECK(done == 5);
}
