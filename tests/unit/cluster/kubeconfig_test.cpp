#include "cluster/kubeconfig.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include "env_guard.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace dind;

namespace {

// KUBECONFIG pointed at a file of the test's own for its lifetime.
struct TempKubeconfig {
  std::string dir = std::filesystem::temp_directory_path().string() + "/dind-kc-" + std::to_string(::getpid());
  std::string path = dir + "/config";
  test::EnvGuard env;
  TempKubeconfig() {
    std::filesystem::create_directories(dir);
    env.set("KUBECONFIG", path.c_str());
  }
  ~TempKubeconfig() { std::filesystem::remove_all(dir); }
};

const char* admin_conf = R"(apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0E=
    server: https://10.192.0.2:6443
  name: dind
contexts:
- context: {cluster: dind, user: kubernetes-admin}
  name: kubernetes-admin@dind
current-context: kubernetes-admin@dind
kind: Config
users:
- name: kubernetes-admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
)";

const char* users_own = R"(apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: "https://prod.example:6443"}
contexts:
- name: prod
  context: {cluster: prod, user: prod}
current-context: prod
users:
- name: prod
  user: {token: keep-me}
)";

} // namespace

TEST_CASE("merge_context adds a context beside the user's own, once") {
  TempKubeconfig kc;
  util::write_file(kc.path, users_own);
  cluster::merge_context("dind-a.b", admin_conf, 34567);
  cluster::merge_context("dind-a.b", admin_conf, 34568);
  std::string merged = util::read_file(kc.path);
  CHECK_THAT(merged, Catch::Contains("keep-me"));
  CHECK_THAT(merged, Catch::Contains("https://prod.example:6443"));
  CHECK_THAT(merged, Catch::Contains("https://127.0.0.1:34568"));
  CHECK_THAT(merged, !Catch::Contains("34567"));
  CHECK_THAT(merged, Catch::Contains("client-key-data: S0VZ"));
  CHECK_THAT(merged, Catch::Contains("current-context: dind-a.b"));
  struct stat st{};
  ::stat(kc.path.c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(std::filesystem::exists(kc.path + ".lock"));

  cluster::remove_context("dind-a.b");
  std::string removed = util::read_file(kc.path);
  CHECK_THAT(removed, !Catch::Contains("dind-a.b"));
  CHECK_THAT(removed, Catch::Contains("keep-me"));
}

TEST_CASE("a kubeconfig that is not YAML is left alone") {
  TempKubeconfig kc;
  util::write_file(kc.path, "clusters: [unclosed\n");
  CHECK_THROWS_WITH(cluster::merge_context("dind", admin_conf, 1), Catch::Contains("not valid YAML"));
  CHECK(util::read_file(kc.path) == "clusters: [unclosed\n");
}

TEST_CASE("removing a context the kubeconfig does not have leaves the file as it was") {
  TempKubeconfig kc;
  util::write_file(kc.path, users_own);
  cluster::remove_context("dind");
  CHECK(util::read_file(kc.path) == users_own);
}
