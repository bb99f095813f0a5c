#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace dind::util {

// Copies one stream to several consumers at once, each writing on its own
// thread. Every consumer has a bounded queue: push() waits while one of them
// is full, so a slow consumer slows the producer (back-pressure) instead of
// losing data or growing memory. A consumer that throws is dropped; the
// others go on.
class Fanout {
public:
  using Sink = std::function<void(std::string_view)>;
  // capacity: bytes queued for one sink before push() waits for it.
  Fanout(std::vector<Sink> sinks, size_t capacity);
  ~Fanout();
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;
  // Queues data for every live sink. False when none is left.
  bool push(std::string_view data);
  // Waits until every live sink wrote all it was given. Returns each sink's
  // failure, "" for those that did not fail.
  std::vector<std::string> finish();

private:
  struct Lane {
    std::deque<std::shared_ptr<const std::string>> queue;
    size_t queued = 0;
    std::string failure;
  };
  void run(size_t i);
  std::vector<Sink> sinks_;
  size_t capacity_;
  std::vector<Lane> lanes_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
};

} // namespace dind::util
