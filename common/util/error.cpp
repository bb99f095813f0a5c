#include "util/error.hpp"

namespace dind {

Error::Error(const std::string& message, int exit_code)
  : std::runtime_error(message), exit_code_(exit_code) {}

} // namespace dind
