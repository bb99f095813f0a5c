// The pod sandbox's first process: holds the namespaces, reaps zombies that
// get re-parented to it, and exits on SIGINT/SIGTERM. Statically linked so the
// image is this one file.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace {

volatile sig_atomic_t stop = 0;

void on_stop(int) { stop = 1; }

void on_child(int) {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "-v") == 0) {
    std::puts("dind-pause 1");
    return 0;
  }
  if (getpid() != 1) std::fputs("pause: not PID 1, zombies of others will not be reaped\n", stderr);
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_child;
  sa.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, nullptr);
  while (!stop) pause();
  return 0;
}
