#include "util/fanout.hpp"

#include <exception>

namespace dind::util {

Fanout::Fanout(std::vector<Sink> sinks, size_t capacity)
  : sinks_(std::move(sinks)), capacity_(capacity), lanes_(sinks_.size()) {
  for (size_t i = 0; i < sinks_.size(); ++i) threads_.emplace_back([this, i] { run(i); });
}

Fanout::~Fanout() { finish(); }

void Fanout::run(size_t i) {
  Lane& lane = lanes_[i];
  for (;;) {
    std::shared_ptr<const std::string> chunk;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return !lane.queue.empty() || done_; });
      if (lane.queue.empty()) return;
      chunk = lane.queue.front();
    }
    std::string failure;
    try {
      sinks_[i](*chunk);
    } catch (const std::exception& e) {
      failure = e.what();
      if (failure.empty()) failure = "failed";
    }
    std::lock_guard<std::mutex> lock(mutex_);
    lane.queue.pop_front();
    lane.queued -= chunk->size();
    if (!failure.empty()) {
      lane.failure = failure;
      lane.queue.clear();
      lane.queued = 0;
    }
    changed_.notify_all();
    if (!failure.empty()) return;
  }
}

bool Fanout::push(std::string_view data) {
  auto chunk = std::make_shared<const std::string>(data);
  std::unique_lock<std::mutex> lock(mutex_);
  auto live = [](const Lane& l) { return l.failure.empty(); };
  changed_.wait(lock, [&] {
    for (auto& l : lanes_) {
      if (live(l) && l.queued >= capacity_) return false;
    }
    return true;
  });
  bool any = false;
  for (auto& l : lanes_) {
    if (!live(l)) continue;
    l.queue.push_back(chunk);
    l.queued += chunk->size();
    any = true;
  }
  changed_.notify_all();
  return any;
}

std::vector<std::string> Fanout::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }
  changed_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  std::vector<std::string> out;
  for (auto& l : lanes_) out.push_back(l.failure);
  return out;
}

} // namespace dind::util
