#pragma once
#include "docker/client.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
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

// Runs cmd in a running container, attached: the exit code is in the result.
ExecResult exec(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                const ExecOptions& options = {});

// As exec(), but a non-zero exit throws dind::Error with the command and the
// last line of its stderr.
ExecResult exec_check(Client& c, const std::string& container, const std::vector<std::string>& cmd,
                      const ExecOptions& options = {});

} // namespace dind::docker
