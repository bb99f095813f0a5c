#include "util/steps.hpp"

#include "util/strings.hpp"

#include <cstdio>

namespace dind::util {

Steps::Steps(bool quiet, bool tty) : quiet_(quiet), tty_(tty) {}

void Steps::draw(const std::string& line, bool final) {
  if (quiet_) return;
  if (tty_) std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
  else if (final) std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void Steps::run(const std::string& title, const std::function<void()>& f) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    title_ = title;
    last_log_ = std::chrono::steady_clock::now();
    draw(" • " + title + " ...", false);
  }
  auto start = std::chrono::steady_clock::now();
  try {
    f();
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    draw(" ✗ " + title + " (" + format_duration(std::chrono::steady_clock::now() - start) + ")", true);
    title_.clear();
    throw;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  draw(" ✓ " + title + " (" + format_duration(std::chrono::steady_clock::now() - start) + ")", true);
  title_.clear();
}

void Steps::status(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (title_.empty()) return;
  if (tty_) {
    draw(" • " + title_ + " ... " + text, false);
    return;
  }
  // a CI log gets a line now and then, so a long step is seen to move
  auto now = std::chrono::steady_clock::now();
  if (now - last_log_ < std::chrono::seconds(60)) return;
  last_log_ = now;
  draw(" • " + title_ + " ... " + text, true);
}

void Steps::note(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  draw(text, true);
}

} // namespace dind::util
