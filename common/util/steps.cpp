#include "util/steps.hpp"

#include "util/env.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <cmath>
#include <unistd.h>

namespace dind::util {

using Clock = std::chrono::steady_clock;

Steps::Steps(bool quiet, bool tty, std::FILE* out, std::chrono::milliseconds interval)
  : quiet_(quiet), tty_(tty), out_(out), interval_(interval) {
  if (!quiet_) ticker_ = std::thread([this] { tick(); });
}

Steps::~Steps() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

Steps Steps::for_cli() {
  bool quiet = log::verbosity() == log::Verbosity::quiet;
  return Steps(quiet, ::isatty(2) && log::verbosity() != log::Verbosity::verbose);
}

std::chrono::milliseconds Steps::default_interval() {
  if (auto v = env("DIND_STEPS_INTERVAL")) {
    char* end = nullptr;
    double s = std::strtod(v->c_str(), &end);
    if (end && *end == '\0' && s > 0) return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(s * 1000)));
  }
  return std::chrono::seconds(30);
}

void Steps::draw(const std::string& line, bool final) {
  if (quiet_) return;
  if (tty_) std::fprintf(out_, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
  else if (final) std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

std::string Steps::running_line() const {
  std::string line = " • " + title_ + " ... " + format_duration(Clock::now() - start_);
  if (!progress_.empty()) line += ", " + progress_;
  if (!status_.empty()) line += ", " + status_;
  return line;
}

void Steps::tick() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    // a terminal's line shows the seconds go by; a log gets a line per interval
    wake_.wait_for(lock, tty_ ? std::chrono::milliseconds(1000) : interval_);
    if (stop_ || title_.empty()) continue;
    auto now = Clock::now();
    if (tty_) {
      draw(running_line(), false);
    } else if (now - last_log_ >= interval_ - std::chrono::milliseconds(5)) {
      last_log_ = now;
      draw(running_line(), true);
    }
  }
}

void Steps::run(const std::string& title, const std::function<void()>& f) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    title_ = title;
    status_.clear();
    progress_.clear();
    bytes_started_ = false;
    start_ = last_log_ = Clock::now();
    draw(running_line(), false);
  }
  wake_.notify_all();  // the ticker's next interval starts with the step
  auto finish = [&](const char* mark) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string line = std::string(" ") + mark + " " + title + " (" + format_duration(Clock::now() - start_) + ")";
    title_.clear();
    draw(line, true);
  };
  try {
    f();
  } catch (...) {
    finish("✗");
    throw;
  }
  finish("✓");
}

void Steps::status(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (title_.empty()) return;
  status_ = text;
  if (tty_) draw(running_line(), false);
}

void Steps::progress(const std::string& what, uint64_t done, uint64_t total) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (title_.empty()) return;
  progress_ = what + " " + std::to_string(done) + (total ? "/" + std::to_string(total) : "");
  if (tty_) draw(running_line(), false);
}

void Steps::progress_bytes(const std::string& what, uint64_t done, uint64_t total) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (title_.empty()) return;
  auto now = Clock::now();
  if (!bytes_started_) {
    bytes_started_ = true;
    bytes_start_ = now;
  }
  auto mib = [](double b) { return b / (1 << 20); };
  char buf[96];
  if (total) std::snprintf(buf, sizeof buf, "%.1f/%.1f MiB", mib(static_cast<double>(done)), mib(static_cast<double>(total)));
  else std::snprintf(buf, sizeof buf, "%.1f MiB", mib(static_cast<double>(done)));
  progress_ = what + " " + buf;
  double seconds = std::chrono::duration<double>(now - bytes_start_).count();
  if (seconds >= 0.5) {
    std::snprintf(buf, sizeof buf, ", %.1f MiB/s", mib(static_cast<double>(done)) / seconds);
    progress_ += buf;
  }
  if (tty_) draw(running_line(), false);
}

void Steps::note(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  draw(text, true);
}

} // namespace dind::util
