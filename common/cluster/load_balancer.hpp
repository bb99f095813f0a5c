#pragma once
#include "cluster/context.hpp"
#include "docker/containers.hpp"
#include "cluster/layout.hpp"

#include <string>

namespace dind::cluster {

// The image of the control planes' load balancer (Debian's haproxy, built by
// images/lb/build.sh on first use, then cached by content); its reference.
std::string load_balancer_image(docker::Client& docker, util::Steps& steps);

// haproxy's configuration: TCP on 6443 to every control plane's API server,
// each checked by GET /healthz every second, so a stopped one is out of the
// rotation within two seconds and back within one after it answers again.
std::string haproxy_config(const Layout& plan);

// The load balancer's container: on the management network at its planned
// addresses, the API server port published on the host as the master's is
// without one.
docker::ContainerSpec load_balancer_spec(const Context& ctx, const std::string& image);

// Makes (from image: one of another image is made again) or starts the
// load balancer's container, its configuration in place; reads the port it
// publishes.
void start_load_balancer_container(docker::Client& docker, Context& ctx, const std::string& image);

// Throws, with haproxy's last words, unless the load balancer runs: what a
// failed kubeadm step or wait checks first.
void check_load_balancer(Context& ctx);

} // namespace dind::cluster
