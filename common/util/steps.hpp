#pragma once
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace dind::util {

// kind-like progress: one line per step, a check mark (or cross) and its
// duration. On a terminal the running step shows a live status after it;
// elsewhere (CI logs) the finished line, and the status at most once a
// minute while a step runs. Quiet prints nothing.
class Steps {
public:
  Steps(bool quiet, bool tty);
  // Runs f as one step; rethrows its exception after printing the ✗ line.
  void run(const std::string& title, const std::function<void()>& f);
  // Progress inside the running step ("2/3 nodes joined").
  void status(const std::string& text);
  // A line outside any step (summary, hints).
  void note(const std::string& text);

private:
  void draw(const std::string& line, bool final);
  bool quiet_;
  bool tty_;
  std::string title_;
  std::chrono::steady_clock::time_point last_log_;
  std::mutex mutex_;
};

} // namespace dind::util
