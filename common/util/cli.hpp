#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <string>

namespace dind::util {

// What a tool's subcommand does once flags are parsed; returns the exit code.
using Action = std::function<int()>;

// The shared frame of every tool: -v/-q/--version, CLI11 parsing, one-line
// errors (exit 2 for usage, the Error's own code otherwise), logging set up
// before the action runs. configure adds subcommands and assigns `action`.
int tool_main(const std::string& name, const std::string& description, int argc, char** argv,
              const std::function<void(CLI::App& app, Action& action)>& configure);

// The flags that pick a cluster, alike in every tool: --config, --cluster-id,
// --label. The ids land in vars under the seed's names (CLUSTER_ID,
// DIND_LABEL), as cluster::load_config takes them with a command's other flags.
struct ClusterSelection {
  std::string config_file;
  std::map<std::string, std::string> vars;

  void add_to(CLI::App* cmd);
};

} // namespace dind::util
