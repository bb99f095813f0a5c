#include "util/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace dind::log {

namespace {
Verbosity current = Verbosity::normal;
}

void init(Verbosity v) {
  current = v;
  auto logger = spdlog::stderr_logger_st("dind");
  logger->set_pattern(v == Verbosity::verbose ? "%^%L%$ %v" : "%v");
  logger->set_level(v == Verbosity::verbose ? spdlog::level::debug
                    : v == Verbosity::quiet ? spdlog::level::err
                                            : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

Verbosity verbosity() { return current; }

} // namespace dind::log
