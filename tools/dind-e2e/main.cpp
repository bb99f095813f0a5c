// dind-e2e: Kubernetes [Conformance] e2e tests against a dind cluster (or any
// kubeconfig), offline: e2e.test and its images are built here.
#include "cluster/config.hpp"
#include "docker/client.hpp"
#include "e2e/cluster.hpp"
#include "e2e/run.hpp"
#include "util/cli.hpp"
#include "util/interrupt.hpp"

#include <cstdio>

using namespace dind;

namespace {

struct Flags {
  e2e::RunOptions run;
  util::ClusterSelection selection;
  bool output_given = false;
};
Flags flags;

int report(const e2e::RunReport& r) {
  std::printf("e2e: %d passed, %d failed, %d skipped of %d specs in %.0fs\n", r.passed, r.failed, r.skipped, r.total, r.seconds);
  for (auto& f : r.failures) std::printf("  FAILED: %s\n", f.c_str());
  std::printf("log: %s\njunit: %s\n", r.log.c_str(), r.junit.empty() ? "(none written)" : r.junit.c_str());
  if (!r.verdict.empty()) std::fprintf(stderr, "dind-e2e: %s\n", r.verdict.c_str());
  return r.succeeded() ? 0 : 1;
}

void print_skips() {
  std::fprintf(stderr, "skipped by this environment:\n");
  for (auto& s : e2e::environment_skips()) std::fprintf(stderr, "  %-22s %s\n", s.pattern.c_str(), s.reason.c_str());
}

// Builds what the tests need and loads the images into the dind cluster first.
int dind_run(bool serial) {
  auto config = cluster::load_config(flags.selection.vars, flags.selection.config_file);
  auto steps = util::Steps::for_cli();
  e2e::prepare_dind_run(steps, config, flags.run, flags.output_given);
  flags.run.serial = serial;
  print_skips();
  return report(e2e::run(steps, flags.run));
}

void run_flags(CLI::App* cmd) {
  cmd->add_option("focus", flags.run.focus, "regular expression of test names (default: \\[Conformance\\])");
  cmd->add_option("-o,--output", flags.run.out_dir, "directory for e2e.log and junit XML (default E2E_REPORT_DIR, else ./e2e-results)")
      ->each([](const std::string&) { flags.output_given = true; });
  cmd->add_option("-p,--parallel", flags.run.parallel, "test processes (ginkgo -p); default 1")->check(CLI::Range(1, 32));
}

} // namespace

int main(int argc, char** argv) {
  return util::tool_main("dind-e2e", "Kubernetes conformance e2e tests for dind clusters, offline", argc, argv,
                         [](CLI::App& app, util::Action& action) {
    app.require_subcommand(0, 1);
    app.footer("Examples:\n  dind-e2e e2e 'should serve a basic endpoint from pods'\n  dind-e2e e2e-serial\n"
               "  dind-e2e build\n  dind-e2e run --kubeconfig ~/.kube/config --context dind\n\nExit codes: 0 all passed, 1 a test failed or the run failed, 2 usage.");
    auto* e2e_cmd = app.add_subcommand("e2e", "non-serial [Conformance] tests (or FOCUS) on a dind cluster, images loaded on demand");
    auto* serial = app.add_subcommand("e2e-serial", "[Serial] [Conformance] tests on a dind cluster");
    for (auto* c : {e2e_cmd, serial}) {
      run_flags(c);
      flags.selection.add_to(c);
    }
    auto* build = app.add_subcommand("build", "build e2e.test, ginkgo and the test images only (no cluster needed)");
    build->callback([&action] {
      action = [] {
        auto docker = docker::Client::from_env();
        auto steps = util::Steps::for_cli();
        util::interrupt::Armed armed;
        e2e::build_all(docker, steps);
        return 0;
      };
    });
    auto* run = app.add_subcommand("run", "run e2e.test against any kubeconfig (its images must be reachable)");
    run_flags(run);
    run->add_option("--kubeconfig", flags.run.kubeconfig, "kubeconfig file")->required()->check(CLI::ExistingFile);
    run->add_option("--context", flags.run.context, "kubeconfig context");
    run->add_option("--e2e-test", flags.run.e2e_test, "e2e.test binary (default: built from the pinned version)");
    run->add_flag("--serial", flags.run.serial, "[Serial] tests instead of the parallel-safe ones");
    run->add_option("--kubectl", flags.run.kubectl, "kubectl the tests run (default: kubectl on PATH)");
    e2e_cmd->callback([&action] { action = [] { return dind_run(false); }; });
    serial->callback([&action] { action = [] { return dind_run(true); }; });
    run->callback([&action] {
      action = [] {
        auto steps = util::Steps::for_cli();
        if (flags.run.e2e_test.empty()) flags.run.e2e_test = e2e::build_e2e_test(steps);
        print_skips();
        return report(e2e::run(steps, flags.run));
      };
    });
  });
}
