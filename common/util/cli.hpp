#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace dind::util {

// What a tool's subcommand does once flags are parsed; returns the exit code.
using Action = std::function<int()>;

// The shared frame of every tool: -v/-q/--version, CLI11 parsing, one-line
// errors (exit 2 for usage, the Error's own code otherwise), logging set up
// before the action runs. configure adds subcommands and assigns `action`.
int tool_main(const std::string& name, const std::string& description, int argc, char** argv,
              const std::function<void(CLI::App& app, Action& action)>& configure);

} // namespace dind::util
