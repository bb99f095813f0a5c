#include "snapshot/changes.hpp"

#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace dind;

TEST_CASE("changed roots: each change once, volumes and per-container files left out") {
  std::vector<std::pair<std::string, int>> changes = {
      {"/etc", 0}, {"/etc/dind", 0}, {"/etc/dind/plan.json", 1}, {"/etc/dind/role", 1},
      {"/etc/cni", 1}, {"/etc/cni/net.d", 1}, {"/etc/cni/net.d/10-dind.conflist", 1},
      {"/etc/machine-id", 0}, {"/etc/resolv.conf.dind", 1}, {"/etc/kubernetes", 0}, {"/etc/kubernetes/admin.conf", 1},
      {"/var", 0}, {"/var/lib/etcd", 1}, {"/run", 0}, {"/run/x", 1}, {"/tmp", 0},
      {"/usr", 0}, {"/usr/share", 0}, {"/usr/share/doc", 0}, {"/usr/share/doc/gone", 2}, {"/usr/lib", 0}, {"/usr/lib/modules", 1}, {"/root", 0}, {"/root/.bash_history", 1},
      {"/etc/containerd", 0}, {"/etc/containerd/certs.d", 1}, {"/etc/containerd/certs.d/docker.io", 1},
      {"/etc/ssl", 0}, {"/etc/ssl/certs", 0}, {"/etc/ssl/certs/ca-certificates.crt", 0}};
  auto roots = snapshot::changed_roots(changes);
  CHECK(roots == std::vector<std::string>{"/etc/cni", "/etc/dind/plan.json", "/etc/dind/role", "/etc/machine-id",
                                          "/root/.bash_history"});
  CHECK(snapshot::changed_roots({}).empty());
}

TEST_CASE("changed roots: the user's mounts are the host's, never saved") {
  std::vector<std::pair<std::string, int>> changes = {{"/data", 1}, {"/data/f", 1}, {"/mnt", 0}, {"/mnt/shared", 1},
                                                      {"/mnt/other", 1}, {"/opt/x", 1}};
  CHECK(snapshot::changed_roots(changes, {"/data", "/mnt/shared"}) == std::vector<std::string>{"/mnt/other", "/opt/x"});
}

TEST_CASE("rerooting an archive get") {
  std::ostringstream got;
  dind::util::tar::Writer g(got);
  g.add_dir("cni", 0755);
  g.add_data("cni/net.d/10-dind.conflist", "{}", 0600);
  g.add_symlink("cni/link", "net.d");
  g.finish();
  std::ostringstream out;
  dind::util::tar::Writer w(out);
  snapshot::add_rerooted(w, "/etc/cni", got.str());
  w.finish();
  auto entries = dind::util::tar::read_all(out.str());
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].name == "etc/cni/");
  CHECK(entries[1].name == "etc/cni/net.d/10-dind.conflist");
  CHECK(entries[1].mode == 0600);
  CHECK(entries[2].link == "net.d");

  std::ostringstream bad;
  dind::util::tar::Writer b(bad);
  b.add_data("../escape", "x");
  b.finish();
  CHECK_THROWS_AS(snapshot::add_rerooted(w, "/etc/x", bad.str()), Error);
}
