#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <spawn.h>
#include <string>
#include <vector>

namespace dind::util {

struct ProcessResult {
  int exit_code = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string input;                       // written to stdin, then closed
  std::chrono::milliseconds timeout{0};    // 0: none; on expiry the process is killed
  std::string cwd;
  std::map<std::string, std::string> env;  // added to the inherited environment
  std::function<void(const std::string&)> on_line;  // each stdout/stderr line as it comes
};

// Runs argv[0] (PATH lookup) to completion. Throws dind::Error only when it
// cannot be started; a non-zero exit is in the result.
ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// As run(), but a non-zero exit or a timeout throws dind::Error with the
// command and the last line it printed on stderr.
ProcessResult check(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Starts argv[0] (PATH lookup) in a session of its own, stdin from /dev/null,
// stdout and stderr appended to log, and does not wait: for daemons that stay
// in the foreground and must outlive this process. Returns its pid.
int spawn_daemon(const std::vector<std::string>& argv, const std::string& log);

// A spawned child starts with no signal blocked or ignored (this process
// blocks and ignores some, see interrupt.hpp).
void reset_child_signals(posix_spawnattr_t& attr);

// Absolute path of an executable found on PATH, or "".
std::string which(const std::string& name);

} // namespace dind::util
