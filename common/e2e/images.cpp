#include "e2e/images.hpp"

#include "recipe_keys.hpp"

#include "docker/containers.hpp"
#include "docker/exec.hpp"
#include "docker/images.hpp"
#include "image/build.hpp"
#include "image/derive.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/json.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <unistd.h>

namespace dind::e2e {

namespace {

namespace fs = std::filesystem;

// busybox with every applet it has, as upstream's image; web servers get a
// page and a command.
void busybox_image(docker::Client& docker, const std::string& busybox, const std::string& ref, const std::string& docroot,
                   const std::string& label) {
  std::string tmp = fs::temp_directory_path().string() + "/dind-e2e-image-" + std::to_string(::getpid()) + ".tar";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    util::tar::Writer w(f);
    for (auto d : {"bin", "etc", "var", "root", "usr", "usr/bin"}) w.add_dir(d);
    w.add_dir("tmp", 01777);
    w.add_file("bin/busybox", busybox, 0755);
    for (auto& a : util::split(util::check({busybox, "--list"}).out, '\n')) {
      if (a != "busybox") w.add_symlink("bin/" + a, "busybox");
    }
    w.add_data("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
    w.add_data("etc/group", "root:x:0:\nnogroup:x:65534:\n");
    if (!docroot.empty()) w.add_data(docroot + "/index.html", "<html><body><h1>It works!</h1></body></html>\n");
    w.finish();
  }
  // busybox httpd as PID 1 ignores SIGTERM (no handler), so every pod
  // deletion would wait out its grace period; Apache and nginx stop at once
  std::string cmd = docroot.empty() ? R"(CMD ["sh"])"
                                    : R"(CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 80 -h /)" + docroot + R"( & wait"])";
  // imported with everything set: a committed image cannot drop the
  // throwaway container's entrypoint again
  docker::import_image(docker, tmp, ref, {"ENV PATH=/bin:/usr/bin", cmd, label});
  fs::remove(tmp);
}

// A new image from `from`: exec setup in it, add files, commit with changes.
void derive(docker::Client& docker, const std::string& from, const std::string& ref, const std::string& setup,
            const std::function<void(util::tar::Writer&)>& files, const std::vector<std::string>& changes) {
  image::derive_image(docker, from, ref, [&](const std::string& id) {
    if (!setup.empty()) docker::exec_check(docker, id, {"sh", "-c", setup});
    std::ostringstream tar;
    util::tar::Writer w(tar);
    files(w);
    w.finish();
    docker::put_archive(docker, id, "/", tar.str());
  }, changes);
}

} // namespace

std::vector<std::string> build_test_images(docker::Client& docker, util::Steps& steps, const TestImageInputs& in) {
  const std::string& assets = in.assets;
  std::string base = image::built_base_image(docker);
  std::string key = util::Hasher().add_tree(assets).add_file(in.coredns).add_file(in.etcd).add_file(in.busybox).add(base).add(DIND_E2E_RECIPE).hex().substr(0, 16);
  std::map<std::string, std::string> wanted;  // kind -> reference the framework uses
  const std::string e2e_repo = "registry.k8s.io/e2e-test-images/";
  for (auto& ref : util::split(util::check({in.e2e_test, "--list-images"}).out, '\n')) {
    if (util::starts_with(ref, "registry.k8s.io/etcd:")) wanted[ref] = "etcd";
    if (!util::starts_with(ref, e2e_repo)) continue;
    std::string kind = ref.substr(e2e_repo.size(), ref.find(':') - e2e_repo.size());
    for (auto k : {"agnhost", "busybox", "jessie-dnsutils", "kitten", "nautilus", "httpd", "nginx", "nonewprivs", "sample-apiserver"}) {
      if (kind == k) wanted[ref] = kind;
    }
  }
  std::vector<std::string> refs, missing;
  for (auto& [ref, kind] : wanted) {
    refs.push_back(ref);
    auto img = docker::inspect_image(docker, ref);
    if (!img || json::str(*img, {"Config", "Labels", "io.dind.e2e-key"}) != key) missing.push_back(ref);
  }
  steps.run("e2e test images (" + std::to_string(refs.size()) + ")" + (missing.empty() ? " (present)" : ""), [&] {
    if (missing.empty()) return;
    std::vector<std::string> label = {"LABEL io.dind.e2e-key=" + key};
    // agnhost's image is Alpine with these tools, users and files; ours is the Debian base rootfs with the same
    std::string debian = "dind-e2e-debian:" + key;
    if (!docker::inspect_image(docker, debian)) {
      derive(docker, base, debian,
             "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "
             "curl bind9-dnsutils iperf netcat-openbsd iproute2 >/dev/null && rm -rf /var/lib/apt/lists/* && ln -sf /usr/bin/iperf /usr/local/bin/iperf && "
             "useradd -u 1000 user-defined-in-image && groupadd -g 50000 group-defined-in-image && "
             "usermod -aG group-defined-in-image user-defined-in-image",
             [](util::tar::Writer&) {}, {"CMD []"});
    }
    std::string agnhost_ref;
    for (auto& [ref, kind] : wanted) {
      if (kind == "agnhost") agnhost_ref = ref;
    }
    for (auto& ref : missing) {
      const std::string& kind = wanted[ref];
      auto changes = label;
      if (kind == "agnhost") {
        changes.insert(changes.end(), {R"(ENTRYPOINT ["/agnhost"])", R"(CMD ["pause"])"});
        derive(docker, debian, ref, "", [&](util::tar::Writer& w) {
          w.add_file("agnhost", assets + "/agnhost", 0755);
          w.add_symlink("agnhost-2", "agnhost");
          w.add_file("coredns", in.coredns, 0755);
          w.add_file("localhost.crt", assets + "/localhost.crt", 0644);
          w.add_file("localhost.key", assets + "/localhost.key", 0600);
          w.add_dir("uploads");
        }, changes);
      } else if (kind == "jessie-dnsutils") {
        changes.push_back("CMD []");
        derive(docker, debian, ref, "", [](util::tar::Writer&) {}, changes);
      } else if (kind == "nonewprivs") {
        // setuid root: the test runs it as a user and expects uid 0 unless no_new_privs holds
        changes.push_back(R"(CMD ["nnp"])");
        derive(docker, debian, ref, "", [&](util::tar::Writer& w) { w.add_file("usr/local/bin/nnp", assets + "/nnp", 04755); }, changes);
      } else if (kind == "sample-apiserver") {
        changes.insert(changes.end(), {R"(ENTRYPOINT ["/sample-apiserver"])", "CMD []"});
        derive(docker, debian, ref, "", [&](util::tar::Writer& w) { w.add_file("sample-apiserver", assets + "/sample-apiserver", 0755); }, changes);
      } else if (kind == "etcd") {
        changes.push_back("CMD []");
        derive(docker, debian, ref, "", [&](util::tar::Writer& w) { w.add_file("usr/local/bin/etcd", in.etcd, 0755); }, changes);
      }
    }
    for (auto& ref : missing) {
      const std::string& kind = wanted[ref];
      if (kind == "kitten" || kind == "nautilus") {
        auto changes = label;
        changes.push_back(R"(CMD ["test-webserver"])");
        derive(docker, agnhost_ref, ref, "", [&](util::tar::Writer& w) {
          for (auto& e : fs::directory_iterator(assets + "/" + kind)) w.add_file(e.path().filename().string(), e.path().string(), 0644);
        }, changes);
      } else if (kind == "busybox" || kind == "httpd" || kind == "nginx") {
        busybox_image(docker, in.busybox, ref, kind == "httpd" ? "usr/local/apache2/htdocs" : kind == "nginx" ? "usr/share/nginx/html" : "",
                      label.front());
      }
    }
  });
  return refs;
}

} // namespace dind::e2e
