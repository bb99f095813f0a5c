#pragma once
#include <stdexcept>
#include <string>

namespace dind {

// Every failure a user can cause ends as one of these: one line, one exit code.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message, int exit_code = 1);
  int exit_code() const { return exit_code_; }

private:
  int exit_code_;
};

// Bad flags, environment or configuration: exit 2, like CLI11's parse errors.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& message) : Error(message, 2) {}
};

} // namespace dind
