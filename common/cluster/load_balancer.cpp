#include "cluster/load_balancer.hpp"

#include "cluster/docker_provider.hpp"
#include "cluster/kubeadm.hpp"
#include "cluster/node.hpp"
#include "image/build.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <sstream>

namespace dind::cluster {

std::string load_balancer_image(docker::Client& docker, util::Steps& steps) {
  return image::script_image(docker, steps, "lb", {},
                             {R"(ENTRYPOINT ["/usr/sbin/haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"])"},
                             "Load balancer root filesystem (Debian's haproxy)");
}

std::string haproxy_config(const Layout& plan) {
  std::ostringstream c;
  // no log target: haproxy in the foreground (-db) writes its warnings, a
  // server going DOWN or UP among them, to stderr, which `dump` collects
  // two descriptors per connection must fit the container's open-files
  // limit (20000 on some hosts: haproxy refuses to start above it)
  c << "global\n"
       "  maxconn 4096\n"
       "defaults\n"
       "  mode tcp\n"
       "  timeout connect 2s\n"
       // kubectl and kubelet hold watches open for minutes
       "  timeout client 1h\n"
       "  timeout server 1h\n"
       // a connection to a control plane that just stopped goes to another
       "  retries 3\n"
       "  option redispatch\n"
       "frontend kube-apiserver\n"
    << (plan.has_v6() ? "  bind :::6443 v4v6\n" : "  bind 0.0.0.0:6443\n")
    << "  default_backend control-planes\n"
       "backend control-planes\n"
       "  option httpchk\n"
       "  http-check send meth GET uri /healthz\n"
       "  http-check expect status 200\n"
       "  default-server check check-ssl verify none inter 1s fall 2 rise 1\n";
  for (size_t i = 0; plan.is_control_plane(i); ++i) {
    // haproxy takes the last colon of an IPv6 address as the port's
    c << "  server " << plan.nodes[i].name << " " << primary_ip(plan, plan.nodes[i]) << ":6443\n";
  }
  return c.str();
}

docker::ContainerSpec load_balancer_spec(const Context& ctx, const std::string& image) {
  const auto& lb = ctx.layout.lb.value();
  docker::ContainerSpec spec;
  spec.name = lb.container;
  spec.hostname = lb.container;
  spec.image = image;
  spec.labels = ctx.layout.labels;
  spec.labels[role_label] = "lb";
  spec.network = ctx.layout.network;
  spec.ipv4 = lb.ipv4;
  spec.ipv6 = lb.ipv6;
  if (ctx.layout.has_v6()) spec.sysctls = {{"net.ipv6.conf.all.disable_ipv6", "0"}};
  spec.ports.push_back(apiserver_binding(ctx));
  return spec;
}

void start_load_balancer_container(docker::Client& docker, Context& ctx, const std::string& image) {
  const std::string& name = ctx.layout.lb->container;
  auto info = docker::inspect_container(docker, name);
  refuse_foreign(ctx, "container", name, info);
  if (info && json::str(*info, {"Config", "Image"}) != image) {
    docker::remove_container(docker, name);  // made from an older image
    info.reset();
  }
  if (!info) {
    docker::create_container(docker, load_balancer_spec(ctx, image));
    docker::put_files(docker, name, {{"usr/local/etc/haproxy/haproxy.cfg", haproxy_config(ctx.layout)}});
  }
  if (!info || !json::flag(*info, {"State", "Running"})) docker::start_container(docker, name);
  ctx.apiserver_port = published_port(docker, ctx);
}

void check_load_balancer(Context& ctx) {
  const std::string& name = ctx.layout.lb->container;
  std::string why = "missing";
  for (auto& c : ctx.provider.list(ctx.layout)) {
    if (c.name == name) why = c.state;
  }
  if (why == "running") return;
  if (why != "missing") {
    auto lines = util::split(util::trim(ctx.provider.logs(name, 5)), '\n');
    if (!lines.empty() && !lines.back().empty()) why += ": " + lines.back();
  }
  throw Error("load balancer " + name + " is " + why);
}

} // namespace dind::cluster
