#include "util/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <pthread.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace dind::util::interrupt {

namespace {

std::atomic<int> g_requested{0};
std::mutex g_mutex;
int g_armed = 0;
int g_cleanup = 0;
std::set<int> g_sockets;
std::set<pid_t> g_groups;

const char* signal_name(int s) {
  switch (s) {
  case SIGINT: return "SIGINT";
  case SIGTERM: return "SIGTERM";
  case SIGHUP: return "SIGHUP";
  default: return "a signal";
  }
}

// Async-signal context is not needed here (this runs on an ordinary thread),
// but the message must reach the user even when stdio is busy elsewhere.
void say(const std::string& text) {
  std::string line = text + "\n";
  (void)!::write(2, line.data(), line.size());
}

void kill_groups(int signal) {
  for (pid_t g : g_groups) ::kill(-g, signal);
}

void on_signal(int s) {
  std::lock_guard<std::mutex> lock(g_mutex);
  bool first = g_requested.load() == 0;
  if (first) g_requested = s;
  if (!first || (g_armed == 0 && g_cleanup == 0)) {
    kill_groups(SIGKILL);
    say(std::string("interrupted by ") + signal_name(s) + (first ? "" : ": leaving without cleanup"));
    ::_exit(128 + s);
  }
  if (g_cleanup > 0) {
    say(std::string("interrupted by ") + signal_name(s) + ": cleaning up, send it again to leave at once");
    return;
  }
  say(std::string("interrupted by ") + signal_name(s) + ": stopping and cleaning up");
  for (int fd : g_sockets) ::shutdown(fd, SHUT_RDWR);
  kill_groups(SIGTERM);
  // what ignores SIGTERM gets SIGKILL a little later
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    std::lock_guard<std::mutex> later(g_mutex);
    kill_groups(SIGKILL);
  }).detach();
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

} // namespace

void install() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t set = stop_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      for (;;) {
        int s = 0;
        if (sigwait(&set, &s) == 0) on_signal(s);
      }
    }).detach();
  });
}

int requested() { return g_requested.load(); }

Interrupted::Interrupted(int signal)
  : Error(std::string("interrupted by ") + signal_name(signal), 128 + signal), signal_(signal) {}

void check() {
  int s = g_requested.load();
  if (s == 0) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_cleanup == 0) throw Interrupted(s);
}

Armed::Armed() {
  std::lock_guard<std::mutex> lock(g_mutex);
  ++g_armed;
}

Armed::~Armed() {
  std::lock_guard<std::mutex> lock(g_mutex);
  --g_armed;
}

Cleanup::Cleanup() {
  std::lock_guard<std::mutex> lock(g_mutex);
  ++g_cleanup;
}

Cleanup::~Cleanup() {
  std::lock_guard<std::mutex> lock(g_mutex);
  --g_cleanup;
}

Watch::Watch(int fd, pid_t pgid) : fd_(fd), pgid_(pgid) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (fd_ >= 0) g_sockets.insert(fd_);
  if (pgid_ > 0) g_groups.insert(pgid_);
}

Watch Watch::socket(int fd) { return Watch(fd, -1); }

Watch Watch::process_group(pid_t pgid) { return Watch(-1, pgid); }

Watch::Watch(Watch&& other) noexcept : fd_(other.fd_), pgid_(other.pgid_) { other.fd_ = -1, other.pgid_ = -1; }

Watch::~Watch() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (fd_ >= 0) g_sockets.erase(fd_);
  if (pgid_ > 0) g_groups.erase(pgid_);
}

} // namespace dind::util::interrupt
