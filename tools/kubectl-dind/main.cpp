// kubectl-dind: multi-node kubeadm clusters in Docker (`kubectl dind ...`).
#include "dind_config.hpp"
#include "docker/client.hpp"
#include "image/build.hpp"
#include "util/cli.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

#include <cstdio>
#include <unistd.h>

using namespace dind;

namespace {

util::Steps make_steps() { return util::Steps(log::verbosity() == log::Verbosity::quiet, ::isatty(2) && log::verbosity() != log::Verbosity::verbose); }

void add_version(CLI::App& app, util::Action& action) {
  static bool as_json = false;
  auto* cmd = app.add_subcommand("version", "print dind's version and the Docker engine's");
  cmd->add_flag("--json", as_json, "machine-readable output");
  cmd->callback([&action] {
    action = [] {
      auto docker = docker::Client::from_env();
      docker::Request r;
      r.path = "/version";
      auto v = json::parse(docker.call(r), "engine version");
      if (as_json) {
        json::Writer w;
        w.begin_object().kv("dind", DIND_VERSION).kv("engine", json::str(v, {"Version"}))
            .kv("engineApi", json::str(v, {"ApiVersion"})).kv("api", docker.api_version()).end_object();
        std::printf("%s\n", w.str().c_str());
      } else {
        std::printf("dind %s\nDocker engine %s (API %s, dind speaks %s)\n", DIND_VERSION, json::str(v, {"Version"}).c_str(),
                    json::str(v, {"ApiVersion"}).c_str(), docker.api_version().c_str());
      }
      return 0;
    };
  });
}

void add_build_image(CLI::App& app, util::Action& action) {
  static image::BuildOptions options;
  static bool as_json = false;
  auto* cmd = app.add_subcommand("build-image", "build the node image offline (cached by content hash)");
  cmd->add_option("--k8s-source", options.k8s_binaries, "use kubeadm, kubelet, ... from this directory instead of building them")
      ->check(CLI::ExistingDirectory);
  cmd->add_flag("--json", as_json, "print the result as JSON on stdout");
  cmd->footer("Example:\n  kubectl dind build-image\n  kubectl dind build-image --k8s-source ~/k8s/_output/bin");
  cmd->callback([&action] {
    action = [] {
      auto docker = docker::Client::from_env();
      auto steps = make_steps();
      auto r = image::build_node_image(docker, steps, options);
      if (as_json) {
        json::Writer w;
        w.begin_object().kv("image", r.image).kv("alias", r.alias).kv("kubernetesVersion", r.kubernetes_version)
            .kv("size", r.size).kv("cached", r.cached).strings("preloaded", r.preloaded).end_object();
        std::printf("%s\n", w.str().c_str());
      } else {
        std::printf("%s\n", r.alias.c_str());
      }
      return 0;
    };
  });
}

} // namespace

int main(int argc, char** argv) {
  return util::tool_main("kubectl-dind", "Multi-node Kubernetes clusters in Docker, joined with kubeadm", argc, argv,
                         [](CLI::App& app, util::Action& action) {
                           app.require_subcommand(0, 1);
                           add_version(app, action);
                           add_build_image(app, action);
                         });
}
