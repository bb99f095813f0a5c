#include "util/parallel.hpp"

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace dind::util {

void parallel(size_t n, const std::function<void(size_t)>& f) {
  std::vector<std::thread> threads;
  std::exception_ptr first;
  std::mutex m;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        f(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        if (!first) first = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

} // namespace dind::util
