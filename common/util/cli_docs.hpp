#pragma once
#include <CLI/CLI.hpp>

#include <string>

namespace dind::util {

// Shell completion and a man page, derived from a tool's own CLI11 definition
// so they never drift from --help. Printed by the hidden --generate flag;
// `meson install` puts them where bash, zsh and man look.
std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);
std::string man_page(const CLI::App& app, const std::string& version);

} // namespace dind::util
