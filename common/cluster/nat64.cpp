#include "cluster/nat64.hpp"

#include "cluster/docker_provider.hpp"
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "image/build.hpp"
#include "image/derive.hpp"
#include "image/versions.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/tar.hpp"

#include <sstream>

namespace dind::cluster {

namespace {

// The seed's IPv6-only setup: a bind9 container answering with DNS64
// addresses and a tayga container translating them to IPv4, per cluster,
// kept across `down`, removed by `clean`. Built from Debian's packages on the
// node's base rootfs.
std::string helper_image(docker::Client& docker) {
  std::string base = image::built_base_image(docker);
  std::string dir = image::images_dir() + "/nat64";
  std::string key = util::Hasher().add(base).add_file(dir + "/dns64-start").add_file(dir + "/nat64-start").hex();
  std::string ref = "dind-nat64:" + key.substr(0, 12);
  if (docker::inspect_image(docker, ref)) return ref;
  image::derive_image(docker, base, ref, [&](const std::string& id) {
    docker::exec_check(docker, id, {"sh", "-c",
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "
        "bind9 tayga >/dev/null && rm -rf /var/lib/apt/lists/*"});
    std::ostringstream tar;
    util::tar::Writer w(tar);
    w.add_file("usr/local/bin/dns64-start", dir + "/dns64-start", 0755);
    w.add_file("usr/local/bin/nat64-start", dir + "/nat64-start", 0755);
    w.finish();
    docker::put_archive(docker, id, "/", tar.str());
  }, {"CMD []", "ENTRYPOINT []"});
  return ref;
}

} // namespace

void start_nat64_containers(docker::Client& docker, const Context& ctx) {
  std::string img = helper_image(docker);
  struct Helper {
    std::string name, role, ipv6, command;
    std::vector<std::string> env;
  };
  std::vector<Helper> helpers = {
      {"bind9" + ctx.layout.suffix, "dns64", ctx.layout.dns64_ip, "dns64-start", {"DNS64_PREFIX=" + ctx.layout.dns64_prefix}},
      {"tayga" + ctx.layout.suffix, "nat64", ctx.layout.nat64_ip, "nat64-start",
       {"NAT64_PREFIX=" + ctx.layout.dns64_prefix, "NAT64_V4_SUBNET=" + ctx.layout.nat64_v4_subnet}},
  };
  for (auto& h : helpers) {
    auto info = docker::inspect_container(docker, h.name);
    if (info && json::flag(*info, {"State", "Running"})) continue;
    if (!info) {
      docker::ContainerSpec spec;
      spec.name = h.name;
      spec.hostname = h.name;
      spec.image = img;
      spec.entrypoint = {h.command};
      spec.env = h.env;
      spec.labels = ctx.layout.labels;
      spec.labels[role_label] = h.role;
      spec.network = ctx.layout.network;
      spec.ipv6 = h.ipv6;
      spec.sysctls = {{"net.ipv6.conf.all.disable_ipv6", "0"}, {"net.ipv6.conf.all.forwarding", "1"},
                      {"net.ipv4.ip_forward", "1"}};
      spec.cap_add = {"NET_ADMIN"};
      spec.devices = {"/dev/net/tun"};
      spec.restart_policy = "unless-stopped";
      docker::create_container(docker, spec);
    }
    docker::start_container(docker, h.name);
  }
}

} // namespace dind::cluster
