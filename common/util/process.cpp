#include "util/process.hpp"

#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace dind::util {

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw Error(std::string("cannot make a pipe: ") + std::strerror(errno));
  }
  ~Pipe() { close_both(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_both() { close_end(0), close_end(1); }
};

void drain(int fd, std::string& sink, const ProcessOptions& options, std::mutex& line_mutex) {
  std::string line;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::string_view chunk(buf, static_cast<size_t>(n));
    sink.append(chunk);
    if (!options.on_line) continue;
    for (char c : chunk) {
      if (c != '\n') { line += c; continue; }
      std::lock_guard<std::mutex> lock(line_mutex);
      options.on_line(line);
      line.clear();
    }
  }
  if (options.on_line && !line.empty()) {
    std::lock_guard<std::mutex> lock(line_mutex);
    options.on_line(line);
  }
}

std::vector<std::string> environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (!extra.count(kv.substr(0, kv.find('=')))) env.push_back(kv);
  }
  for (auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

} // namespace

std::string which(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  for (auto& dir : split(path ? path : "/usr/bin:/bin", ':')) {
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

void reset_child_signals(posix_spawnattr_t& attr) {
  // a child starts as if from a shell: nothing blocked, nothing ignored
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
}

int spawn_daemon(const std::vector<std::string>& argv, const std::string& log) {
  if (argv.empty()) throw Error("spawn: empty command");
  std::string exe = which(argv[0]);
  if (exe.empty()) throw Error(argv[0] + ": command not found on PATH");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  reset_child_signals(attr);
  // its own session: the terminal's ^C and dind's interrupt handling leave it alone
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  args.push_back(exe.data());
  for (size_t i = 1; i < argv.size(); ++i) args.push_back(const_cast<char*>(argv[i].c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, exe.c_str(), &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw Error("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw Error("run: empty command");
  interrupt::check();
  std::string exe = which(argv[0]);
  if (exe.empty()) throw Error(argv[0] + ": command not found on PATH");
  Pipe in, out, err;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, options.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // its own process group: a timeout or a signal stops the whole tree (sh -c's children too)
  posix_spawnattr_setpgroup(&attr, 0);
  reset_child_signals(attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> env_strings = environment(options.env);
  std::vector<char*> args, env;
  args.push_back(exe.data());
  for (size_t i = 1; i < argv.size(); ++i) args.push_back(const_cast<char*>(argv[i].c_str()));
  args.push_back(nullptr);
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, exe.c_str(), &fa, &attr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw Error("cannot start " + argv[0] + ": " + std::strerror(rc));
  auto watch = interrupt::Watch::process_group(pid);
  in.close_end(0), out.close_end(1), err.close_end(1);

  ProcessResult result;
  std::mutex line_mutex;
  std::thread out_thread([&] { drain(out.fd[0], result.out, options, line_mutex); });
  std::thread err_thread([&] { drain(err.fd[0], result.err, options, line_mutex); });
  std::thread in_thread([&] {
    std::string_view data = options.input;
    while (!data.empty()) {
      ssize_t n = ::write(in.fd[1], data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the child closed its stdin
      data.remove_prefix(static_cast<size_t>(n));
    }
    in.close_end(1);
  });

  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread watchdog;
  if (options.timeout.count() > 0) {
    watchdog = std::thread([&] {
      std::unique_lock<std::mutex> lock(m);
      if (!cv.wait_for(lock, options.timeout, [&] { return done; })) {
        result.timed_out = true;
        ::kill(-pid, SIGKILL);
      }
    });
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  {
    std::lock_guard<std::mutex> lock(m);
    done = true;
  }
  cv.notify_all();
  if (watchdog.joinable()) watchdog.join();
  in_thread.join();
  // a grandchild that keeps the pipes open must not hold us: the group goes with its leader
  if (result.timed_out || interrupt::requested()) ::kill(-pid, SIGKILL);
  out_thread.join();
  err_thread.join();
  interrupt::check();
  return result;
}

ProcessResult check(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult r = run(argv, options);
  if (r.timed_out) {
    throw Error(argv[0] + " timed out after " + format_duration(options.timeout));
  }
  if (r.exit_code != 0) {
    auto lines = split(r.err.empty() ? r.out : r.err, '\n');
    throw Error(join(argv, " ").substr(0, 120) + ": exit " + std::to_string(r.exit_code) +
                (lines.empty() ? "" : ": " + trim(lines.back())));
  }
  return r;
}

} // namespace dind::util
