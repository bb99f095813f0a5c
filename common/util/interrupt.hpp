#pragma once
#include "util/error.hpp"

#include <sys/types.h>

namespace dind::util::interrupt {

// SIGINT, SIGTERM and SIGHUP are taken by a thread of their own (blocked in
// every other thread); SIGPIPE is ignored, so a closed connection is an error
// to report, not a silent death. Children get the default dispositions back.
void install();

// The signal that asked this process to stop, 0 while none did.
int requested();

// A stop asked for by a signal: exit 128 + the signal, after the same cleanup
// as any other failure.
class Interrupted : public Error {
public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }

private:
  int signal_;
};

// Throws Interrupted once a signal arrived while work was armed (and no
// cleanup is running).
void check();

// While an Armed lives, a signal does not end the process at once: blocked
// Docker connections and child processes are woken (shut down, killed) so the
// work unwinds through its failure path. Without one, a signal ends the
// process with one line, as the default action would.
class Armed {
public:
  Armed();
  ~Armed();
  Armed(const Armed&) = delete;
  Armed& operator=(const Armed&) = delete;
};

// Cleanup after a failure: connections opened now are not woken, check() does
// not throw; one more signal ends the process at once.
class Cleanup {
public:
  Cleanup();
  ~Cleanup();
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;
};

// A socket to shut down, or a child process group to kill, when a signal
// arrives while armed.
class Watch {
public:
  static Watch socket(int fd);
  static Watch process_group(pid_t pgid);
  Watch(Watch&& other) noexcept;
  ~Watch();
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;
  Watch& operator=(Watch&&) = delete;

private:
  Watch(int fd, pid_t pgid);
  int fd_;
  pid_t pgid_;
};

} // namespace dind::util::interrupt
