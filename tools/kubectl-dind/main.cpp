// kubectl-dind: multi-node kubeadm clusters in Docker (`kubectl dind ...`).
#include "dind_config.hpp"
#include "docker/client.hpp"
#include "cluster/config.hpp"
#include "cluster/engines.hpp"
#include "cluster/lifecycle.hpp"
#include "cluster/load.hpp"
#include "cluster/lock.hpp"
#include "cluster/snapshot.hpp"
#include "doctor/doctor.hpp"
#include "hosts/status.hpp"
#include "hosts/swarm.hpp"
#include "image/build.hpp"
#include "registry/local.hpp"
#include "report/source.hpp"
#include "util/cli.hpp"
#include "util/env.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <list>
#include <unistd.h>

using namespace dind;

namespace {

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
  cmd->add_option("--k8s-version", options.k8s_version, "Kubernetes minor version, e.g. v1.35 (DIND_K8S_VERSION, default: images/versions')");
  cmd->add_flag("--json", as_json, "print the result as JSON on stdout");
  cmd->footer("Example:\n  kubectl dind build-image\n  kubectl dind build-image --k8s-version v1.35\n"
              "  kubectl dind build-image --k8s-source ~/k8s/_output/bin");
  cmd->callback([&action] {
    action = [] {
      if (options.k8s_version.empty()) options.k8s_version = util::env("DIND_K8S_VERSION").value_or("");
      auto docker = docker::Client::from_env();
      auto steps = util::Steps::for_cli();
      util::interrupt::Armed armed;
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

// Flags shared by the cluster commands; each names the seed variable it sets.
struct ClusterFlags : util::ClusterSelection {
  bool retain = false;
  bool as_json = false;
  bool no_wait = false;

  void add(CLI::App* cmd, bool with_retain) {
    add_to(cmd);
    cmd->add_option("-n,--num-nodes", vars["NUM_NODES"], "workers (NUM_NODES, default 2)");
    cmd->add_option("--control-planes", vars["NUM_CONTROL_PLANES"], "control-plane nodes behind a load balancer, 1..7 (NUM_CONTROL_PLANES, default 1)");
    cmd->add_option("--ip-mode", vars["IP_MODE"], "ipv4, ipv6 or dual-stack (IP_MODE)");
    cmd->add_option("--image", vars["DIND_IMAGE"], "node image (DIND_IMAGE)");
    cmd->add_option("--k8s-version", vars["DIND_K8S_VERSION"], "Kubernetes minor version of the node image, e.g. v1.35 (DIND_K8S_VERSION)");
    cmd->add_option("--apiserver-port", vars["APISERVER_PORT"], "host port on 127.0.0.1 (APISERVER_PORT, default random)");
    cmd->add_option("--wait", vars["DIND_WAIT"], "seconds to wait for Ready nodes (DIND_WAIT, default 300)");
    cmd->add_option("--node-cpus", vars["NODE_CPUS"], "CPUs of each node, e.g. 1.5 (NODE_CPUS, default: the host's)");
    cmd->add_option("--node-memory", vars["NODE_MEMORY"], "memory of each node, e.g. 2g (NODE_MEMORY, default: the host's)");
    cmd->add_option("--master-cpus", vars["MASTER_CPUS"], "the master's CPUs instead (MASTER_CPUS)");
    cmd->add_option("--master-memory", vars["MASTER_MEMORY"], "the master's memory instead (MASTER_MEMORY)");
    cmd->add_option("--hosts", vars["DIND_HOSTS"], "the Docker engines the nodes are spread over: <endpoint>[=<address>],... (DIND_HOSTS)");
    if (with_retain) cmd->add_flag("--retain", retain, "keep a cluster that failed to come up (for debugging)");
  }
  void add_no_wait(CLI::App* cmd) {
    cmd->add_flag("--no-wait", no_wait, "fail at once when another dind command holds the cluster (default: wait)");
  }
  cluster::Config load() const { return cluster::load_config(vars, config_file); }
};

// A cluster command whose work is fn(engines, provider, steps, config, flags);
// the engines themselves are doctor's and the swarm's.
using ClusterFn = std::function<void(cluster::Engines&, cluster::Provider&, util::Steps&, const cluster::Config&, const ClusterFlags&)>;

CLI::App* cluster_command(CLI::App& app, util::Action& action, const std::string& name, const std::string& what,
                          bool with_retain, ClusterFn fn) {
  static std::list<ClusterFlags> all_flags;  // stable addresses for CLI11
  auto& flags = all_flags.emplace_back();
  auto* cmd = app.add_subcommand(name, what);
  flags.add(cmd, with_retain);
  flags.add_no_wait(cmd);
  cmd->callback([cmd, &action, &flags, fn, name] {
    if (!cmd->get_subcommands().empty()) return;  // `snapshot rm` and the like are actions of their own
    action = [&flags, fn, name] {
      auto config = flags.load();
      cluster::Engines engines(config);
      auto& provider = engines.provider();
      auto steps = util::Steps::for_cli();
      // a signal now unwinds through the command's failure path (cleanup)
      util::interrupt::Armed armed;
      auto lock = cluster::lock_cluster(provider, config, name, !flags.no_wait, steps);
      fn(engines, provider, steps, config, flags);
      return 0;
    };
  });
  return cmd;
}

// snapshot (with ls and rm) and restore.
void add_snapshot_commands(CLI::App& app, util::Action& action) {
  static cluster::SnapshotOptions snap;
  auto* snap_cmd = cluster_command(app, action, "snapshot", "save the cluster's nodes; `up` without a cluster restores them", false,
                                   [](auto&, auto& p, auto& s, auto& c, auto&) { cluster::snapshot(p, s, c, snap); });
  snap_cmd->add_option("name", snap.name, "snapshot name (default: the cluster's name)");
  snap_cmd->add_option("-o,--output", snap.output, "also write it to this one file (for a CI cache)");
  snap_cmd->footer("Examples:\n  kubectl dind snapshot\n  kubectl dind snapshot --output /cache/cluster.dind\n"
                   "  kubectl dind snapshot ls\n  kubectl dind snapshot rm default\n  kubectl dind snapshot rm --all");
  static bool ls_json = false;
  auto* ls = snap_cmd->add_subcommand("ls", "list the snapshots");
  ls->add_flag("--json", ls_json, "machine-readable output");
  ls->callback([&action] {
    action = [] {
      std::printf("%s", cluster::list_snapshots(ls_json).c_str());
      return 0;
    };
  });
  static std::vector<std::string> rm_names;
  static bool rm_all = false;
  auto* rm = snap_cmd->add_subcommand("rm", "remove snapshots (clean keeps them)");
  rm->add_option("names", rm_names, "snapshot names");
  rm->add_flag("--all", rm_all, "every snapshot");
  rm->callback([&action] {
    action = [] {
      auto steps = util::Steps::for_cli();
      util::interrupt::Armed armed;
      cluster::remove_snapshots(steps, rm_names, rm_all);
      return 0;
    };
  });
  static cluster::RestoreOptions restore;
  auto* restore_cmd = cluster_command(app, action, "restore", "bring a snapshot back as the cluster (which must not exist)", true,
                                      [](auto& e, auto& p, auto& s, auto& c, auto& f) {
                                        e.form_swarm(s);
                                        restore.retain = f.retain;
                                        cluster::restore(p, s, c, restore);
                                      });
  restore_cmd->add_option("name", restore.name, "snapshot name (default: the cluster's name)");
  restore_cmd->add_option("-i,--input", restore.input, "a file written by `snapshot --output`")->check(CLI::ExistingFile);
  restore_cmd->footer("Examples:\n  kubectl dind restore\n  kubectl dind restore --input /cache/cluster.dind");
}

void add_cluster_commands(CLI::App& app, util::Action& action) {
  static ClusterFlags status_flags, config_flags;
  cluster_command(app, action, "up", "create a cluster, or restart the existing one quickly", true,
                  [](auto& e, auto& p, auto& s, auto& c, auto& f) {
                    doctor::preflight(e.first(), c);  // fail early, in doctor's words
                    e.form_swarm(s);
                    cluster::up(p, s, c, f.retain);
                  })
      ->footer("Examples:\n  kubectl dind up\n  NUM_NODES=3 CLUSTER_ID=10 kubectl dind up\n  kubectl dind up --label foo --ip-mode dual-stack");
  // kubeadm's arguments follow `--`: dind's own flags (-v, --config) keep their meaning before it
  static std::vector<std::string> init_args, join_args;
  cluster_command(app, action, "init", "create the master alone and run kubeadm init with dind's config and your arguments", true,
                  [](auto& e, auto& p, auto& s, auto& c, auto& f) {
                    auto args = cluster::parse_kubeadm_args("init", init_args);
                    doctor::preflight(e.first(), cluster::master_only(c));
                    e.form_swarm(s);
                    cluster::init(p, s, c, args, f.retain);
                  })
      ->footer("kubeadm's arguments go after `--`; beside dind's config kubeadm takes --skip-phases, --ignore-preflight-errors,\n"
               "--upload-certs and -v (dind's variables set the rest). The master runs pods until workers join.\n"
               "Examples:\n  kubectl dind init\n  kubectl dind init -- --upload-certs -v=5\n"
               "  CLUSTER_ID=10 kubectl dind init -- --skip-phases=preflight")
      ->add_option("kubeadm-args", init_args, "kubeadm init's arguments, after --");
  cluster_command(app, action, "join", "add one worker node (the next index) and run kubeadm join with your arguments", true,
                  [](auto& e, auto& p, auto& s, auto& c, auto& f) {
                    auto args = cluster::parse_kubeadm_args("join", join_args);
                    e.form_swarm(s);
                    cluster::join(p, s, c, args, f.retain);
                  })
      ->footer("kubeadm's arguments go after `--`: the discovery ones init printed (--token, --discovery-token-ca-cert-hash,\n"
               "--discovery-token-unsafe-skip-ca-verification, --discovery-token, --tls-bootstrap-token, the API server endpoint)\n"
               "go into dind's JoinConfiguration; without them dind's token and its pin of the cluster's CA are used.\n"
               "--skip-phases, --ignore-preflight-errors and -v pass to kubeadm. A failed join removes its node.\n"
               "Examples:\n  kubectl dind join\n  kubectl dind join -- --token abcdef.0123456789abcdef "
               "--discovery-token-ca-cert-hash sha256:... 10.192.0.2:6443")
      ->add_option("kubeadm-args", join_args, "kubeadm join's arguments, after --");
  cluster_command(app, action, "reup", "restart an existing cluster without kubeadm init", true,
                  [](auto& e, auto& p, auto& s, auto& c, auto& f) {
                    e.form_swarm(s);
                    cluster::reup(p, s, c, f.retain);
                  });
  cluster_command(app, action, "down", "remove the node containers, keep volumes for a fast up", false,
                  [](auto&, auto& p, auto& s, auto& c, auto&) { cluster::down(p, s, c); });
  cluster_command(app, action, "clean", "remove the cluster: containers, volumes, network, kubectl context", false,
                  [](auto&, auto& p, auto& s, auto& c, auto&) { cluster::clean(p, s, c); });
  cluster_command(app, action, "pause", "freeze every node container (docker pause); unpause thaws them", false,
                  [](auto&, auto& p, auto& s, auto& c, auto&) { cluster::pause(p, s, c); });
  cluster_command(app, action, "unpause", "thaw the node containers of a paused cluster", false,
                  [](auto&, auto& p, auto& s, auto& c, auto&) { cluster::unpause(p, s, c); });
  static ClusterFlags port_flags;
  auto* port = app.add_subcommand("apiserver-port", "print the API server's host port (on 127.0.0.1); exit 3 when the master does not run");
  port_flags.add(port, false);
  port->callback([&action] {
    action = [] {
      auto config = port_flags.load();
      cluster::Engines engines(config);
      std::printf("%d\n", cluster::apiserver_port(engines.provider(), config));
      return 0;
    };
  });
  auto* status = app.add_subcommand("status", "nodes, their addresses, the API server endpoint; exit 3 when not up");
  status_flags.add(status, false);
  status->add_flag("--json", status_flags.as_json, "machine-readable output");
  status->callback([&action] {
    action = [] {
      auto config = status_flags.load();
      cluster::Engines engines(config);
      auto s = cluster::status(engines.provider(), config);
      std::printf("%s", status_flags.as_json ? (s.to_json() + "\n").c_str() : s.to_table().c_str());
      return s.up ? 0 : 3;
    };
  });
  static cluster::LoadOptions load;
  auto* load_cmd = cluster_command(app, action, "load", "copy images from the host's Docker (or an archive) into the nodes", false,
                                   [](auto&, auto& p, auto& s, auto& c, auto&) { cluster::load_into_nodes(p, s, c.layout(), load); });
  load_cmd->footer("Examples:\n  kubectl dind load myapp:dev other:v2\n  kubectl dind load --nodes kube-node-1 myapp@sha256:...\n"
                   "  kubectl dind load --archive myapp.tar");
  load_cmd->add_option("images", load.images, "image references (repo:tag or repo@sha256:...)");
  load_cmd->add_option("--archive", load.archive, "a docker-save or OCI archive instead")->check(CLI::ExistingFile);
  load_cmd->add_option("--nodes", load.nodes, "only these nodes (kube-master,kube-node-1,...)")->delimiter(',')->allow_extra_args(false);
  add_snapshot_commands(app, action);
  auto* config = app.add_subcommand("config", "print the effective configuration (flags, then env, then file)");
  config_flags.add(config, false);
  config->add_flag("--json", config_flags.as_json, "machine-readable output");
  config->callback([&action] {
    action = [] {
      auto c = config_flags.load();
      if (config_flags.as_json) {
        std::printf("%s\n", c.to_json().c_str());
      } else {
        for (auto& [k, v] : c.values) std::printf("%s=%s  # %s\n", k.c_str(), v.c_str(), c.sources.at(k).c_str());
      }
      return 0;
    };
  });
}

// doctor: the host against this configuration, one line per check; exit 1 when one blocks up.
void add_doctor(CLI::App& app, util::Action& action) {
  static ClusterFlags flags;
  auto* cmd = app.add_subcommand("doctor", "check the host before up: each problem with its fix; exit 1 if one blocks up");
  flags.add(cmd, false);
  cmd->add_option("--kube-proxy-mode", flags.vars["KUBE_PROXY_MODE"], "iptables or nftables (KUBE_PROXY_MODE)");
  cmd->add_flag("--json", flags.as_json, "machine-readable output");
  cmd->footer("Examples:\n  kubectl dind doctor\n  IP_MODE=ipv6 NUM_NODES=4 kubectl dind doctor --json");
  cmd->callback([&action] {
    action = [] {
      auto config = flags.load();
      auto docker = docker::Client::from_env();
      auto checks = doctor::run(docker, config);
      bool blocked = false;
      for (auto& c : checks) blocked = blocked || c.status == doctor::Status::fail;
      if (flags.as_json) {
        std::printf("%s\n", doctor::to_json(checks).c_str());
      } else {
        for (auto& c : checks) std::printf("%s\n", doctor::line(c).c_str());
      }
      return blocked ? 1 : 0;
    };
  });
}

// registry up|down|status: the local registry every cluster's nodes reach as localhost:5001.
void add_registry(CLI::App& app, util::Action& action) {
  auto* cmd = app.add_subcommand("registry", "the local registry: push localhost:5001/IMAGE here, pods pull it");
  cmd->require_subcommand(1);
  cmd->footer("Examples:\n  kubectl dind registry up\n  docker tag myapp:dev localhost:5001/myapp:dev && docker push localhost:5001/myapp:dev\n"
              "  kubectl --context dind run myapp --image localhost:5001/myapp:dev\n  kubectl dind registry status --json\n"
              "  kubectl dind registry down");
  for (bool starting : {true, false}) {
    cmd->add_subcommand(starting ? "up" : "down", starting ? "start it (127.0.0.1:5001) and join every cluster's network"
                                                           : "remove it and the images pushed to it")
        ->callback([&action, starting] {
          action = [starting] {
            auto docker = docker::Client::from_env();
            auto steps = util::Steps::for_cli();
            util::interrupt::Armed armed;
            if (starting) registry::up(docker, steps);
            else registry::down(docker, steps);
            return 0;
          };
        });
  }
  static bool as_json = false;
  auto* status = cmd->add_subcommand("status", "its state, address and cluster networks; exit 3 when it does not run");
  status->add_flag("--json", as_json, "machine-readable output");
  status->callback([&action] {
    action = [] {
      auto docker = docker::Client::from_env();
      auto s = registry::status(docker);
      std::printf("%s", as_json ? (s.to_json() + "\n").c_str() : s.to_table().c_str());
      return s.up() ? 0 : 3;
    };
  });
}

// hosts init|status|leave: the Docker engines of a cluster across hosts, in one swarm.
void add_hosts(CLI::App& app, util::Action& action) {
  static std::string list;
  auto* cmd = app.add_subcommand("hosts", "the Docker engines of a cluster across several hosts, joined in a Docker swarm");
  cmd->require_subcommand(1);
  cmd->footer("The engines come from --hosts or DIND_HOSTS: <endpoint>[=<address>],... with endpoints as DOCKER_HOST\n"
              "takes them (unix://, tcp://, ssh://); <address> is what the first engine advertises to the swarm\n"
              "(default: a tcp:// or ssh:// endpoint's IP, else Docker's pick).\n"
              "Examples:\n  export DIND_HOSTS=ssh://me@10.0.0.1,ssh://me@10.0.0.2\n  kubectl dind hosts init\n"
              "  kubectl dind hosts status --json\n  kubectl dind hosts leave");
  auto with_list = [](CLI::App* sub) {
    sub->add_option("--hosts", list, "the engines: <endpoint>[=<address>],... (DIND_HOSTS)");
    return sub;
  };
  for (bool forming : {true, false}) {
    with_list(cmd->add_subcommand(forming ? "init" : "leave",
                                  forming ? "form one swarm of the engines (the first creates it), or use the one they share"
                                          : "every engine leaves its swarm: workers first, then managers"))
        ->callback([&action, forming] {
          action = [forming] {
            auto hosts = hosts::hosts_from(list);
            auto steps = util::Steps::for_cli();
            util::interrupt::Armed armed;
            if (forming) hosts::form_swarm(hosts, steps);
            else hosts::leave_swarm(hosts, steps);
            return 0;
          };
        });
  }
  static bool as_json = false;
  auto* status = with_list(cmd->add_subcommand("status", "each engine: swarm role, reachable, memory, dind nodes; exit 3 when one is unreachable"));
  status->add_flag("--json", as_json, "machine-readable output");
  status->callback([&action] {
    action = [] {
      auto s = hosts::status(hosts::hosts_from(list));
      std::printf("%s", as_json ? (s.to_json() + "\n").c_str() : s.to_table().c_str());
      return s.all_reachable() ? 0 : 3;
    };
  });
}

// report on a live cluster: collected as `dump` does, rendered as `dind-dump report` does.
void add_report(CLI::App& app, util::Action& action) {
  static ClusterFlags flags;
  static std::string out = "report.html";
  static bool no_redact = false;
  auto* cmd = app.add_subcommand("report", "an HTML triage page of the cluster's state (see also dind-dump report)");
  flags.add(cmd, false);
  cmd->add_option("-o,--output", out, "the page (default report.html, - for stdout)");
  cmd->add_flag("--no-redact", no_redact, "keep Secret data and private keys (private reports only)");
  cmd->footer("Example:\n  kubectl dind report -o report.html");
  cmd->callback([&action] {
    action = [] {
      auto config = flags.load();
      cluster::Engines engines(config);
      util::interrupt::Armed armed;  // a signal unwinds: the temporary dump is removed
      auto dump = report::DumpDir::from_cluster(engines.provider(), config, !no_redact);
      auto r = report::write_report(dump, out, "live cluster " + config.layout().name);
      if (log::verbosity() != log::Verbosity::quiet) std::fprintf(stderr, "%s: %s\n", r.out.c_str(), r.verdict.c_str());
      return 0;
    };
  });
}

// dump, dump64, split, split64 are dind-dump's, e2e and e2e-serial dind-e2e's: the sibling binary runs with
// the same arguments, so both names share one implementation.
const std::map<std::string, std::string> delegated = {
    {"dump", "dind-dump"}, {"dump64", "dind-dump"}, {"split", "dind-dump"}, {"split64", "dind-dump"},
    {"e2e", "dind-e2e"}, {"e2e-serial", "dind-e2e"}};

[[noreturn]] void run_delegated(const std::string& tool, char** argv) {
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").parent_path().string() + "/" + tool;
  argv[0] = exe.data();
  ::execv(exe.c_str(), argv);
  std::fprintf(stderr, "kubectl-dind: cannot run %s: %s\n", exe.c_str(), std::strerror(errno));
  std::exit(1);
}

void add_delegated(CLI::App& app) {
  for (auto& [name, tool] : delegated) {
    app.add_subcommand(name, "see `" + tool + " " + name + " --help`")->allow_extras();
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    if (auto it = delegated.find(argv[1]); it != delegated.end()) run_delegated(it->second, argv);
  }
  return util::tool_main("kubectl-dind", "Multi-node Kubernetes clusters in Docker, joined with kubeadm", argc, argv,
                         [](CLI::App& app, util::Action& action) {
                           app.require_subcommand(0, 1);
                           add_version(app, action);
                           add_build_image(app, action);
                           add_cluster_commands(app, action);
                           add_doctor(app, action);
                           add_report(app, action);
                           add_registry(app, action);
                           add_hosts(app, action);
                           add_delegated(app);
                         });
}
