// Against the real Docker engine: every resource carries the test label and
// is removed by a guard, also when an assertion fails.
#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "docker/networks.hpp"
#include "docker/volumes.hpp"
#include "image/derive.hpp"
#include "snapshot/changes.hpp"
#include "snapshot/store.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <istream>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace dind;

namespace {

const std::string test_label = "io.dind.test=docker-client";
const std::string test_image = "dind-test-busybox:1";

// Removes everything labelled by this test run, whatever happened.
struct Cleanup {
  docker::Client& c;
  ~Cleanup() {
    try {
      for (auto& ct : docker::list_containers(c, {test_label})) docker::remove_container(c, ct.id);
      for (auto& n : docker::list_networks(c, {test_label})) docker::remove_network(c, n.id);
      for (auto& v : docker::list_volumes(c, {test_label})) docker::remove_volume(c, v);
    } catch (...) {
    }
  }
};

// A registry-free image: Debian's busybox-static as the only file.
void ensure_image(docker::Client& c) {
  if (docker::inspect_image(c, test_image)) return;
  std::string path = "/tmp/dind-test-busybox-" + std::to_string(::getpid()) + ".tar";
  {
    std::ofstream f(path, std::ios::binary);
    util::tar::Writer w(f);
    w.add_dir("bin");
    w.add_file("bin/busybox", "/bin/busybox", 0755);
    for (auto tool : {"sh", "cat", "echo", "sleep", "ip", "ls", "hostname", "wget", "nc", "ping", "true", "false"}) {
      w.add_symlink(std::string("bin/") + tool, "busybox");
    }
    for (auto d : {"tmp", "etc", "data"}) w.add_dir(d);
    w.add_data("etc/passwd", "root:x:0:0:root:/:/bin/sh\n");
    w.finish();
  }
  docker::import_image(c, path, test_image, {"ENV PATH=/bin", R"(CMD ["sleep", "3600"])"});
  std::remove(path.c_str());
}

docker::ContainerSpec spec(const std::string& name) {
  docker::ContainerSpec s;
  s.name = name;
  s.image = test_image;
  s.labels = {{"io.dind.test", "docker-client"}};
  return s;
}

} // namespace

TEST_CASE("engine answers ping and version") {
  auto c = docker::Client::from_env();
  CHECK(std::stod(c.api_version()) >= 1.41);
}

TEST_CASE("a missing socket gives one line naming it") {
  docker::Client c(docker::parse_endpoint("unix:///nonexistent/docker.sock"));
  CHECK_THROWS_WITH(c.api_version(), Catch::StartsWith("cannot connect to the Docker daemon at unix:///nonexistent/docker.sock"));
}

TEST_CASE("daemon errors carry status and message") {
  auto c = docker::Client::from_env();
  docker::Request r;
  r.path = "/containers/no-such-container-dind/json";
  try {
    c.call(r);
    FAIL("no error");
  } catch (const docker::DockerError& e) {
    CHECK(e.status() == 404);
    CHECK(std::string(e.what()).find("No such container") != std::string::npos);
  }
}

TEST_CASE("import, create, start, exec, logs, archive, stop, remove") {
  auto c = docker::Client::from_env();
  Cleanup cleanup{c};
  ensure_image(c);
  REQUIRE(docker::inspect_image(c, test_image));
  auto s = spec("dind-test-c1");
  s.cmd = {"sh", "-c", "echo out-line; echo err-line >&2; exec sleep 600"};
  s.tmpfs = {{"/scratch", "rw"}};  // tmpfs works; archive put cannot reach it (engine limit)
  s.env = {"GREETING=hi"};
  std::string id = docker::create_container(c, s);
  docker::start_container(c, id);

  auto r = docker::exec(c, id, {"sh", "-c", "echo $GREETING; cat; echo to-err >&2; exit 7"}, {"from stdin", {}, {}});
  CHECK(r.exit_code == 7);
  CHECK(r.out == "hi\nfrom stdin");
  CHECK(r.err == "to-err\n");
  CHECK_THROWS_WITH(docker::exec_check(c, id, {"false"}), Catch::Contains("exit 1"));

  std::string big(300000, 'q');
  auto b = docker::exec(c, id, {"sh", "-c", "cat | wc -c"}, {big, {}, {}});
  CHECK(util::trim(b.out) == "300000");

  CHECK(docker::exec(c, id, {"sh", "-c", "grep -c ' /scratch tmpfs' /proc/mounts"}).out == "1\n");
  auto logs = docker::container_logs(c, id);
  CHECK(logs.out == "out-line\n");
  CHECK(logs.err == "err-line\n");

  std::ostringstream tar;
  util::tar::Writer w(tar);
  w.add_data("hello.txt", "archive content\n", 0640);
  w.finish();
  docker::put_archive(c, id, "/tmp", tar.str());
  CHECK(docker::exec(c, id, {"cat", "/tmp/hello.txt"}).out == "archive content\n");
  CHECK(docker::read_container_file(c, id, "/tmp/hello.txt") == "archive content\n");
  // links are followed, relative and absolute, through a linked directory
  // (the node's /usr/bin/kubectl -> /usr/local/share/dind/kubernetes/kubectl -> kube)
  docker::exec_check(c, id, {"sh", "-c", "mkdir /tmp/d && ln -s ../hello.txt /tmp/d/rel && ln -s /tmp/d /tmp/dl && "
                                         "ln -s /tmp/dl/rel /tmp/abs"});
  CHECK(docker::read_container_file(c, id, "/tmp/abs") == "archive content\n");
  CHECK_THROWS_WITH(docker::read_container_file(c, id, "/tmp/dl"), Catch::Contains("not a regular file"));

  auto listed = docker::list_containers(c, {test_label});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].name == "dind-test-c1");
  CHECK(listed[0].state == "running");

  docker::stop_container(c, id, 1);
  auto after = docker::inspect_container(c, id);
  REQUIRE(after);
  CHECK_FALSE(json::flag(*after, {"State", "Running"}, true));
  docker::remove_container(c, id);
  CHECK_FALSE(docker::inspect_container(c, id));
  docker::remove_container(c, id);  // twice is fine
}

TEST_CASE("wait returns the exit code") {
  auto c = docker::Client::from_env();
  Cleanup cleanup{c};
  ensure_image(c);
  auto s = spec("dind-test-wait");
  s.cmd = {"sh", "-c", "exit 42"};
  std::string id = docker::create_container(c, s);
  docker::start_container(c, id);
  CHECK(docker::wait_container(c, id) == 42);
}

TEST_CASE("dual-stack network with fixed addresses, volumes") {
  auto c = docker::Client::from_env();
  Cleanup cleanup{c};
  ensure_image(c);
  docker::NetworkSpec n;
  n.name = "dind-test-net";
  n.labels = {{"io.dind.test", "docker-client"}};
  n.ipv6 = true;
  n.subnets = {{"10.199.77.0/24", ""}, {"fd00:dd:77::/64", ""}};
  std::string net_id = docker::create_network(c, n);
  auto nets = docker::list_networks(c, {test_label});
  REQUIRE(nets.size() == 1);
  CHECK(nets[0].subnets.size() == 2);

  docker::create_volume(c, "dind-test-vol", {{"io.dind.test", "docker-client"}});
  CHECK(docker::list_volumes(c, {test_label}) == std::vector<std::string>{"dind-test-vol"});

  auto s = spec("dind-test-net-a");
  s.network = "dind-test-net";
  s.ipv4 = "10.199.77.10";
  s.ipv6 = "fd00:dd:77::10";
  s.sysctls = {{"net.ipv6.conf.all.disable_ipv6", "0"}};
  s.mounts = {{"volume", "dind-test-vol", "/data", false, ""}};
  s.cmd = {"sleep", "600"};
  std::string a = docker::create_container(c, s);
  docker::start_container(c, a);
  auto addrs = docker::exec(c, a, {"ip", "addr"}).out;
  CHECK(addrs.find("10.199.77.10/24") != std::string::npos);
  CHECK(addrs.find("fd00:dd:77::10/64") != std::string::npos);
  docker::exec_check(c, a, {"sh", "-c", "echo persisted > /data/f"});

  auto s2 = spec("dind-test-net-b");
  s2.network = "dind-test-net";
  s2.ipv4 = "10.199.77.11";
  s2.ipv6 = "fd00:dd:77::11";
  s2.sysctls = {{"net.ipv6.conf.all.disable_ipv6", "0"}};
  s2.mounts = {{"volume", "dind-test-vol", "/data", true, ""}};
  s2.cmd = {"sleep", "600"};
  std::string b = docker::create_container(c, s2);
  docker::start_container(c, b);
  CHECK(docker::exec(c, b, {"cat", "/data/f"}).out == "persisted\n");
  CHECK(docker::exec(c, b, {"ping", "-c", "1", "-W", "2", "fd00:dd:77::10"}).exit_code == 0);
  CHECK(docker::exec(c, b, {"ping", "-c", "1", "-W", "2", "10.199.77.10"}).exit_code == 0);

  auto insp = docker::inspect_network(c, net_id);
  REQUIRE(insp);
  CHECK(json::find(*insp, {"Containers"})->MemberCount() == 2);
  for (auto id : {a, b}) docker::remove_container(c, id);
  docker::remove_network(c, net_id);
  CHECK_FALSE(docker::inspect_network(c, net_id));
  docker::remove_volume(c, "dind-test-vol");
  CHECK(docker::list_volumes(c, {test_label}).empty());
}

TEST_CASE("image tag, save, remove, load") {
  auto c = docker::Client::from_env();
  ensure_image(c);
  docker::tag_image(c, test_image, "dind-test-busybox:saved");
  std::string path = "/tmp/dind-test-save-" + std::to_string(::getpid()) + ".tar";
  docker::save_images(c, {"dind-test-busybox:saved"}, path);
  docker::remove_image(c, "dind-test-busybox:saved");
  CHECK_FALSE(docker::inspect_image(c, "dind-test-busybox:saved"));
  docker::load_images(c, path);
  CHECK(docker::inspect_image(c, "dind-test-busybox:saved"));
  docker::remove_image(c, "dind-test-busybox:saved");
  std::remove(path.c_str());
}

TEST_CASE("derived images keep the base's entrypoint, or having none") {
  auto c = docker::Client::from_env();
  Cleanup guard{c};
  ensure_image(c);  // no entrypoint, CMD sleep 3600
  auto config = [&](const std::string& ref, const char* key) {
    auto img = docker::inspect_image(c, ref);
    REQUIRE(img);
    const auto* v = json::find(*img, {"Config", key});
    return v && v->IsArray() && !v->Empty() ? json::dump(*v) : std::string("none");
  };
  auto put_file = [&](const std::string& id) { docker::exec_check(c, id, {"sh", "-c", "echo derived > /data/mark"}); };
  image::derive_image(c, test_image, "dind-test-derived:plain", put_file, {R"(CMD ["cat", "/data/mark"])"});
  CHECK(config("dind-test-derived:plain", "Entrypoint") == "none");
  CHECK(config("dind-test-derived:plain", "Cmd") == R"(["cat","/data/mark"])");
  image::derive_image(c, test_image, "dind-test-derived:entry", put_file, {R"(ENTRYPOINT ["cat"])", R"(CMD ["/data/mark"])"});
  image::derive_image(c, "dind-test-derived:entry", "dind-test-derived:child", put_file, {"LABEL x=1"});
  CHECK(config("dind-test-derived:child", "Entrypoint") == R"(["cat"])");
  CHECK(config("dind-test-derived:child", "Cmd") == R"(["/data/mark"])");
  // and they run as such: the file written while deriving is printed
  for (auto ref : {"dind-test-derived:plain", "dind-test-derived:child"}) {
    auto s = spec(std::string("dind-test-derived-run-") + (ref[18] == 'p' ? "p" : "c"));
    s.image = ref;
    std::string id = docker::create_container(c, s);
    docker::start_container(c, id);
    CHECK(docker::wait_container(c, id) == 0);
    CHECK(util::trim(docker::container_logs(c, id).out) == "derived");
    docker::remove_container(c, id);
  }
  for (auto ref : {"dind-test-derived:plain", "dind-test-derived:child", "dind-test-derived:entry"}) docker::remove_image(c, ref);
}

// What snapshot and restore do with a node: a stopped container's own layer
// changes and its volume, archived into the store, put into a created (not
// started) container with a fresh volume, which then starts with both.
TEST_CASE("a stopped container's changes and volume, saved and put into a created one") {
  auto c = docker::Client::from_env();
  Cleanup cleanup{c};
  ensure_image(c);
  char tmpl[] = "/tmp/dind-store-it.XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  struct RemoveDir {
    std::string d;
    ~RemoveDir() { std::filesystem::remove_all(d); }
  } remove_dir{dir};
  snapshot::Store store(dir);
  for (auto v : {"dind-test-snap-a", "dind-test-snap-b"}) docker::create_volume(c, v, {{"io.dind.test", "docker-client"}});
  auto s = spec("dind-test-snap-a");
  s.mounts = {{"volume", "dind-test-snap-a", "/data", false, ""}};
  std::string a = docker::create_container(c, s);
  docker::start_container(c, a);
  docker::exec_check(c, a, {"sh", "-c", "mkdir -p /etc/added/sub && echo one > /etc/added/sub/f && echo two > /etc/passwd2 && "
                                        "echo vol > /data/f && chown 1234:1234 /data/f && ln -s f /data/link && mkdir /data/d"});
  docker::stop_container(c, a, 0);

  std::ostringstream root;
  util::tar::Writer w(root);
  auto roots = snapshot::changed_roots(docker::container_changes(c, a));
  CHECK(roots == std::vector<std::string>{"/etc/added", "/etc/passwd2"});
  for (auto& p : roots) snapshot::add_rerooted(w, p, docker::get_archive(c, a, p));
  w.finish();
  snapshot::Store::BlobWriter rb(store);
  rb.write(root.str());
  auto root_layer = rb.finish("/");
  snapshot::Store::BlobWriter vb(store);
  docker::get_archive_stream(c, a, "/data", [&](std::string_view d) { vb.write(d); });
  auto vol_layer = vb.finish("/data");

  auto s2 = spec("dind-test-snap-b");
  s2.mounts = {{"volume", "dind-test-snap-b", "/data", false, ""}};
  std::string b = docker::create_container(c, s2);
  // both in one put, sent as it is read, as restore_nodes does
  docker::put_archive_chunked(c, b, "/", [&](const std::function<void(std::string_view)>& put) {
    for (auto& l : {root_layer, vol_layer}) {
      snapshot::Store::BlobStream blob(store, l);
      std::istream in(&blob);
      util::tar::copy_entries(in, put, [](const util::tar::Entry&) { return true; });
      blob.check();
    }
    put(util::tar::end_of_archive());
  });
  docker::start_container(c, b);
  CHECK(docker::exec(c, b, {"cat", "/etc/added/sub/f", "/etc/passwd2", "/data/f"}).out == "one\ntwo\nvol\n");
  CHECK(docker::exec(c, b, {"ls", "-ln", "/data/f"}).out.find("1234") != std::string::npos);
  CHECK(docker::exec(c, b, {"cat", "/data/link"}).out == "vol\n");
  CHECK(docker::exec(c, b, {"ls", "-d", "/data/d/"}).exit_code == 0);
  // the volume itself got the data, not the container's layer under it
  docker::remove_container(c, b);
  auto s3 = spec("dind-test-snap-c");
  s3.mounts = {{"volume", "dind-test-snap-b", "/data", true, ""}};
  std::string c3 = docker::create_container(c, s3);
  docker::start_container(c, c3);
  CHECK(docker::exec(c, c3, {"cat", "/data/f"}).out == "vol\n");
}

// What a restore creates its nodes with: volumes the engine does not fill
// from the image's files at their path, which the restore writes whole.
TEST_CASE("a new volume mounted with NoCopy starts empty; without, it gets the image's files") {
  auto c = docker::Client::from_env();
  Cleanup cleanup{c};
  ensure_image(c);
  auto files_in_etc = [&](const std::string& name, bool no_copy) {
    docker::create_volume(c, name, {{"io.dind.test", "docker-client"}});
    auto s = spec(name);
    s.mounts = {{"volume", name, "/etc", false, "", no_copy}};
    std::string id = docker::create_container(c, s);  // created, not started: what a restore puts into
    std::vector<std::string> names;
    for (auto& e : util::tar::read_all(docker::get_archive(c, id, "/etc"))) names.push_back(e.name);
    return names;
  };
  // (the engine's own hostname, hosts and resolv.conf show in either)
  auto has_passwd = [](const std::vector<std::string>& names) {
    return std::find(names.begin(), names.end(), "etc/passwd") != names.end();
  };
  CHECK(has_passwd(files_in_etc("dind-test-copy", false)));
  CHECK_FALSE(has_passwd(files_in_etc("dind-test-nocopy", true)));
}
