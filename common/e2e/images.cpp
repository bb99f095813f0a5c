#include "e2e/images.hpp"

#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "util/hash.hpp"
#include "util/json.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace dind::e2e {

namespace {

// busybox applets the e2e pods' shell commands use
const char* applets[] = {"sh", "ash", "cat", "echo", "sleep", "ls", "test", "[", "grep", "wc", "head", "tail", "mkdir",
                         "touch", "rm", "cp", "mv", "env", "hostname", "nslookup", "wget", "nc", "ping", "ping6", "ip",
                         "ifconfig", "date", "sed", "awk", "true", "false", "id", "mount", "ps", "kill", "seq", "tr",
                         "cut", "sort", "uniq", "stat", "find", "chmod", "dd", "md5sum", "sha256sum", "du", "df", "uname",
                         "printf", "expr", "timeout", "xargs", "which", "base64", "tee", "basename", "dirname", "readlink",
                         "ln", "chown", "stty", "vi", "less", "netstat", "route", "traceroute", "httpd"};

// busybox: Debian's busybox-static and its applets
void write_image(const std::string& path) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  util::tar::Writer w(f);
  for (auto d : {"bin", "etc", "tmp", "var", "root", "usr", "usr/bin"}) w.add_dir(d, d == std::string("tmp") ? 01777 : 0755);
  w.add_file("bin/busybox", "/bin/busybox", 0755);
  for (auto a : applets) w.add_symlink(std::string("bin/") + a, "busybox");
  w.add_data("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
  w.add_data("etc/group", "root:x:0:\nnogroup:x:65534:\n");
  w.add_data("etc/nsswitch.conf", "hosts: files dns\n");
  w.finish();
}

} // namespace

namespace {

// agnhost's own image is Alpine with netcat-openbsd, curl, dig, iproute2 and
// bash, which the tests call inside it; jessie-dnsutils is Debian with dig.
// Ours: the Debian base rootfs with those tools, plus the agnhost binary for
// agnhost.
void build_debian_image(docker::Client& docker, const std::string& ref, const std::string& agnhost, const std::string& key) {
  auto bases = docker::list_image_tags(docker, "dind-base");
  if (bases.empty()) throw Error("no dind-base image: run `kubectl dind build-image` first");
  docker::ContainerSpec spec;
  spec.image = bases.front();
  spec.entrypoint = {"sleep", "infinity"};
  spec.labels = {{"io.dind.build", "1"}};
  std::string id = docker::create_container(docker, spec);
  try {
    docker::start_container(docker, id);
    docker::exec_check(docker, id, {"sh", "-c",
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "
        "curl bind9-dnsutils iperf3 >/dev/null && rm -rf /var/lib/apt/lists/*"});
    std::vector<std::string> changes = {"CMD []", "LABEL io.dind.e2e-key=" + key};
    if (!agnhost.empty()) {
      std::ostringstream tar;
      util::tar::Writer w(tar);
      w.add_file("agnhost", agnhost, 0755);
      w.finish();
      docker::put_archive(docker, id, "/", tar.str());
      changes.push_back(R"(ENTRYPOINT ["/agnhost"])");
    } else {
      changes.push_back(R"(ENTRYPOINT [])");
    }
    docker::kill_container(docker, id);
    docker::commit_container(docker, id, ref, changes);
  } catch (...) {
    docker::remove_container(docker, id);
    throw;
  }
  docker::remove_container(docker, id);
}

} // namespace

std::vector<std::string> build_test_images(docker::Client& docker, util::Steps& steps, const std::string& e2e_test,
                                           const std::string& agnhost) {
  if (!std::filesystem::exists("/bin/busybox")) throw Error("/bin/busybox is missing: install Debian's busybox-static");
  auto listed = util::split(util::check({e2e_test, "--list-images"}).out, '\n');
  std::vector<std::string> refs;
  for (auto& ref : listed) {
    if (util::starts_with(ref, "registry.k8s.io/e2e-test-images/agnhost:") ||
        util::starts_with(ref, "registry.k8s.io/e2e-test-images/busybox:") ||
        util::starts_with(ref, "registry.k8s.io/e2e-test-images/jessie-dnsutils:")) {
      refs.push_back(ref);
    }
  }
  if (refs.empty()) throw Error(e2e_test + " --list-images names no agnhost or busybox image");
  auto bases = docker::list_image_tags(docker, "dind-base");
  std::string key = util::Hasher().add_file(agnhost).add(bases.empty() ? "" : bases.front()).hex().substr(0, 16);
  std::vector<std::string> missing;
  for (auto& r : refs) {
    auto img = docker::inspect_image(docker, r);
    bool debian = r.find("/busybox:") == std::string::npos;
    bool stale = img && debian && json::str(*img, {"Config", "Labels", "io.dind.e2e-key"}) != key;
    if (!img || stale) missing.push_back(r);
  }
  steps.run("e2e test images (" + util::join(refs, ", ") + ")" + (missing.empty() ? " (present)" : ""), [&] {
    std::string tmp = std::filesystem::temp_directory_path().string() + "/dind-e2e-image-" + std::to_string(::getpid()) + ".tar";
    for (auto& ref : missing) {
      if (ref.find("/busybox:") == std::string::npos) {
        build_debian_image(docker, ref, ref.find("/agnhost:") != std::string::npos ? agnhost : "", key);
        continue;
      }
      write_image(tmp);
      docker::import_image(docker, tmp, ref, {"ENV PATH=/bin:/usr/bin", R"(CMD ["sh"])"});
    }
    std::filesystem::remove(tmp);
  });
  return refs;
}

} // namespace dind::e2e
