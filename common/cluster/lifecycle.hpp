#pragma once
#include "cluster/config.hpp"
#include "cluster/kubeadm_args.hpp"
#include "cluster/provider.hpp"
#include "cluster/spec.hpp"
#include "util/steps.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dind::cluster {

// up: a new cluster, or (when its nodes or volumes exist) the existing one
// brought back like reup. On failure a new cluster is removed unless retain.
void up(Provider& provider, util::Steps& steps, const Config& config, bool retain);
// Restarts an existing cluster without kubeadm init; a missing one is created.
void reup(Provider& provider, util::Steps& steps, const Config& config, bool retain);
// The seed's manual bring-up. init: the master alone (NUM_NODES=0's plan, so
// it runs pods until workers join), made as `up` makes it, with the user's
// kubeadm init arguments; prints the kubeadm join arguments for `join`.
// join: one more worker, the next index, with the user's kubeadm join
// arguments (their discovery, else dind's token and CA pin); a failed join
// removes that node alone unless retain.
Config master_only(const Config& config);
void init(Provider& provider, util::Steps& steps, const Config& config, const KubeadmArgs& args, bool retain);
void join(Provider& provider, util::Steps& steps, const Config& config, const KubeadmArgs& args, bool retain);
// Removes the node containers, keeps volumes and network for a fast reup.
void down(Provider& provider, util::Steps& steps, const Config& config);
// Removes everything of this cluster: containers, volumes, networks, context.
void clean(Provider& provider, util::Steps& steps, const Config& config);

// docker pause / unpause of every node container: the cluster stops using
// CPU and keeps its state. A cluster without nodes, or with a node that is
// not running (pause) or not paused (unpause), is an error; what is already
// so is left alone.
void pause(Provider& provider, util::Steps& steps, const Config& config);
void unpause(Provider& provider, util::Steps& steps, const Config& config);

// The host port of the API server (on 127.0.0.1); exit 3 when the master
// does not run (absent, stopped or paused), as status says "not up".
int apiserver_port(Provider& provider, const Config& config);

struct NodeStatus {
  std::string name, role, state, ipv4, ipv6;
  std::string host = {};  // its engine, when the nodes are on several
};

struct Status {
  std::string name, context, endpoint;
  bool exists = false;  // containers or volumes are there
  bool up = false;      // every node runs and the API server is ready
  bool paused = false;  // every node is paused
  std::vector<NodeStatus> nodes;
  std::string to_json() const;
  std::string to_table() const;
};

Status status(Provider& provider, const Config& config);

// The parts snapshot.cpp shares.
class Action;
struct Context;
// Runs each action as a step; a failure names its step.
void run_actions(Context& ctx, const std::vector<std::unique_ptr<Action>>& actions);
// Runs the actions of a new cluster and marks it complete; on any failure
// (error, exception, signal) removes it unless retain.
void make_cluster(Context& ctx, const std::vector<std::unique_ptr<Action>>& actions, bool retain);
// up's actions for a new cluster, and reup's on existing containers, in
// order; lb_image: the load balancer's (several control planes); cni:
// CNI_PLUGIN (flannel has a step of its own after the joins).
std::vector<std::unique_ptr<Action>> create_actions(const Layout& plan, const std::string& lb_image, CniPlugin cni);
std::vector<std::unique_ptr<Action>> restart_actions(const Layout& plan, const std::string& lb_image);
// join's, for the node at ctx.first_new; dind's bootstrap token unless the user gives one.
std::vector<std::unique_ptr<Action>> join_actions(const KubeadmArgs& args, CniPlugin cni);
// Runs join's actions; on any failure removes the new node alone (its
// container, its state, its Node object) unless retain.
void add_node(Context& ctx, const std::vector<std::unique_ptr<Action>>& actions, bool retain);
// reup's actions on the existing containers.
void restart(Provider& provider, util::Steps& steps, const Config& config, const Layout& plan);

} // namespace dind::cluster
