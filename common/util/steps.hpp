#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace dind::util {

// kind-like progress: one line per step, a check mark (or cross) and its
// duration. On a terminal the running step has a live line: elapsed time,
// progress, status. Elsewhere (CI logs, a file) the running step prints that
// line every interval (30 s), so a long step is seen to move. Quiet prints
// nothing. Every method may be called from any thread.
class Steps {
public:
  // interval: how often a running step prints a line when out is not a terminal.
  Steps(bool quiet, bool tty, std::FILE* out = stderr, std::chrono::milliseconds interval = default_interval());
  Steps(const Steps&) = delete;
  Steps& operator=(const Steps&) = delete;
  ~Steps();
  // As the tools want it: silent with -q, live on a terminal unless -v (whose lines would tear the live line).
  static Steps for_cli();
  // 30 s, or DIND_STEPS_INTERVAL (seconds, fractions allowed: tests).
  static std::chrono::milliseconds default_interval();

  // Runs f as one step; rethrows its exception after printing the ✗ line.
  void run(const std::string& title, const std::function<void()>& f);
  // Free text about the running step ("2/3 nodes joined").
  void status(const std::string& text);
  // Counted progress of the running step: "images loaded 3/7" (total 0: unknown, "3").
  void progress(const std::string& what, uint64_t done, uint64_t total = 0);
  // Byte progress: "streamed 120.5/512.0 MiB, 45.2 MiB/s" (the rate since the first call).
  void progress_bytes(const std::string& what, uint64_t done, uint64_t total = 0);
  // A line outside any step (summary, hints).
  void note(const std::string& text);

private:
  std::string running_line() const;  // under mutex_
  void draw(const std::string& line, bool final);
  void tick();

  bool quiet_, tty_;
  std::FILE* out_;
  std::chrono::milliseconds interval_;
  std::string title_, status_, progress_;
  std::chrono::steady_clock::time_point start_, last_log_, bytes_start_;
  bool bytes_started_ = false;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread ticker_;
};

} // namespace dind::util
