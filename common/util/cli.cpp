#include "util/cli.hpp"

#include "dind_config.hpp"
#include "util/cli_docs.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"

#include <Poco/Exception.h>

#include <cstdio>

namespace dind::util {

int tool_main(const std::string& name, const std::string& description, int argc, char** argv,
              const std::function<void(CLI::App& app, Action& action)>& configure) {
  interrupt::install();
  CLI::App app(description, name);
  app.set_version_flag("--version", std::string(name) + " " + DIND_VERSION);
  app.fallthrough();  // -v/-q also after the subcommand
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "show Docker, kubeadm and process detail");
  app.add_flag("-q,--quiet", quiet, "print only errors");
  std::string generate;
  // hidden: what `meson install` puts in place (completion, man page)
  app.add_option("--generate", generate)->group("")->check(CLI::IsMember({"bash", "zsh", "man"}));
  Action action;
  try {
    configure(app, action);
    app.parse(argc, argv);
    if (!generate.empty()) {
      std::string text = generate == "bash" ? bash_completion(app) : generate == "zsh" ? zsh_completion(app)
                                                                                      : man_page(app, DIND_VERSION);
      std::fputs(text.c_str(), stdout);
      return 0;
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", name.c_str(), e.what());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), e.what());
    return e.exit_code();
  }
  log::init(verbose ? log::Verbosity::verbose : quiet ? log::Verbosity::quiet : log::Verbosity::normal);
  if (!action) {
    std::fprintf(stderr, "%s", app.help().c_str());
    return 2;
  }
  // every failure ends here as one line; a signal's exit code wins (130, 143)
  int code = 1;
  try {
    return action();
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), e.what());
    code = e.exit_code();
  } catch (const Poco::Exception& e) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), e.displayText().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), e.what());
  }
  if (int s = interrupt::requested()) return 128 + s;
  return code;
}

void ClusterSelection::add_to(CLI::App* cmd) {
  cmd->add_option("--config", config_file, "KEY=VALUE file (the seed's config.sh) or a kind cluster config (kind.x-k8s.io/v1alpha4)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--cluster-id", vars["CLUSTER_ID"], "1..254 for clusters side by side (CLUSTER_ID)");
  cmd->add_option("--label", vars["DIND_LABEL"], "name suffix instead of an id (DIND_LABEL)");
}

} // namespace dind::util
