#pragma once
#include "docker/client.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace dind::docker {

struct ExecResult {
  int exit_code = -1;
  std::string out, err;
};

struct ExecOptions {
  std::string input;  // sent on stdin, then stdin is closed
  std::vector<std::string> env;
  std::function<void(int stream, std::string_view data)> on_output;  // live output
  // How long the command may stay silent (no output, stdin not taken) before
  // the exec fails: a hung node must not hang dind.
  std::chrono::seconds timeout{600};
};

// A command running in a container with stdin attached, for input that is
// streamed rather than known up front (image import). Its output is read on
// a thread of its own from the start, so a command that writes while it
// reads never blocks the writer. Not copyable; the destructor waits for it.
class ExecStream {
public:
  // with_stdin false: stdin is closed at once (exec() without input).
  ExecStream(Client& c, const std::string& container, const std::vector<std::string>& cmd,
             const ExecOptions& options, bool with_stdin = true);
  ~ExecStream();
  ExecStream(const ExecStream&) = delete;
  ExecStream& operator=(const ExecStream&) = delete;
  // Throws dind::Error when the command no longer reads (it exited).
  void write(std::string_view data);
  // Ends stdin, waits for the command to exit; the result has all its output.
  ExecResult finish();

private:
  Client& client_;
  std::chrono::seconds timeout_;
  std::string id_;
  std::unique_ptr<Hijacked> conn_;
  std::thread reader_;
  ExecResult result_;
  bool finished_ = false;
};

// Runs cmd in a running container, attached: the exit code is in the result.
ExecResult exec(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                const ExecOptions& options = {});

// As exec(), but a non-zero exit throws dind::Error with the command and the
// last line of its stderr.
ExecResult exec_check(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                      const ExecOptions& options = {});
// The exception exec_check throws for r.
Error exec_error(const std::string& container, const std::vector<std::string>& cmd, const ExecResult& r);

} // namespace dind::docker
