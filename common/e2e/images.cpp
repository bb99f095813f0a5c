#include "e2e/images.hpp"

#include "docker/images.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <filesystem>
#include <fstream>
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

void write_image(const std::string& path, const std::string& agnhost) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  util::tar::Writer w(f);
  for (auto d : {"bin", "etc", "tmp", "var", "root", "usr", "usr/bin"}) w.add_dir(d, d == std::string("tmp") ? 01777 : 0755);
  w.add_file("bin/busybox", "/bin/busybox", 0755);
  for (auto a : applets) w.add_symlink(std::string("bin/") + a, "busybox");
  w.add_data("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
  w.add_data("etc/group", "root:x:0:\nnogroup:x:65534:\n");
  w.add_data("etc/nsswitch.conf", "hosts: files dns\n");
  if (!agnhost.empty()) w.add_file("agnhost", agnhost, 0755);
  w.finish();
}

} // namespace

std::vector<std::string> build_test_images(docker::Client& docker, util::Steps& steps, const std::string& e2e_test,
                                           const std::string& agnhost) {
  if (!std::filesystem::exists("/bin/busybox")) throw Error("/bin/busybox is missing: install Debian's busybox-static");
  auto listed = util::split(util::check({e2e_test, "--list-images"}).out, '\n');
  std::vector<std::string> refs;
  for (auto& ref : listed) {
    if (util::starts_with(ref, "registry.k8s.io/e2e-test-images/agnhost:") ||
        util::starts_with(ref, "registry.k8s.io/e2e-test-images/busybox:")) {
      refs.push_back(ref);
    }
  }
  if (refs.empty()) throw Error(e2e_test + " --list-images names no agnhost or busybox image");
  std::vector<std::string> missing;
  for (auto& r : refs) {
    if (!docker::inspect_image(docker, r)) missing.push_back(r);
  }
  steps.run("e2e test images (" + util::join(refs, ", ") + ")" + (missing.empty() ? " (present)" : ""), [&] {
    std::string tmp = std::filesystem::temp_directory_path().string() + "/dind-e2e-image-" + std::to_string(::getpid()) + ".tar";
    for (auto& ref : missing) {
      bool is_agnhost = ref.find("/agnhost:") != std::string::npos;
      write_image(tmp, is_agnhost ? agnhost : "");
      docker::import_image(docker, tmp, ref,
                           {"ENV PATH=/bin:/usr/bin", is_agnhost ? R"(ENTRYPOINT ["/agnhost"])" : R"(CMD ["sh"])"});
    }
    std::filesystem::remove(tmp);
  });
  return refs;
}

} // namespace dind::e2e
