#pragma once
#include <spdlog/spdlog.h>

namespace dind::log {

enum class Verbosity { quiet, normal, verbose };

// One logger for every tool: stderr, no timestamps (the step lines carry
// durations), debug detail (Docker and kubeadm) only with -v.
void init(Verbosity v);
Verbosity verbosity();

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::warn;

} // namespace dind::log
