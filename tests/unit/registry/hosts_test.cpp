#include "registry/hosts.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using namespace dind;

namespace {

registry::Settings settings(std::map<std::string, std::string> values) { return registry::settings(values); }

// A file for one test, removed afterwards.
struct TempFile {
  std::string path = std::filesystem::temp_directory_path().string() + "/dind-hosts-test-" + std::to_string(::getpid());
  explicit TempFile(const std::string& content) { util::write_file(path, content); }
  ~TempFile() { std::filesystem::remove(path); }
};

const char* pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

} // namespace

TEST_CASE("hosts.toml: the local registry is always there, reached by its container name") {
  auto files = registry::hosts_files({});
  REQUIRE(files.size() == 1);
  CHECK(files.at("localhost:5001/hosts.toml") ==
        "# dind: the local registry (kubectl dind registry up) on the cluster's network\n"
        "\n[host.\"http://dind-registry:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
}

TEST_CASE("hosts.toml: DIND_REGISTRY_MIRROR is tried before Docker Hub") {
  auto files = registry::hosts_files(settings({{"DIND_REGISTRY_MIRROR", " https://mirror.corp:8443/v2/hub "}}));
  REQUIRE(files.size() == 2);
  CHECK(files.at("docker.io/hosts.toml") ==
        "# dind: DIND_REGISTRY_MIRROR, then Docker Hub\nserver = \"https://registry-1.docker.io\"\n"
        "\n[host.\"https://mirror.corp:8443/v2/hub\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
}

TEST_CASE("hosts.toml: DIND_INSECURE_REGISTRIES try HTTPS unverified, then plain HTTP") {
  auto s = settings({{"DIND_INSECURE_REGISTRIES", "reg.local:5000, 10.0.0.5 ,,[fd00::1]:5000,reg.local:5000"}});
  CHECK(s.insecure == std::vector<std::string>{"reg.local:5000", "10.0.0.5", "[fd00::1]:5000"});
  auto files = registry::hosts_files(s);
  REQUIRE(files.size() == 4);
  CHECK(files.at("reg.local:5000/hosts.toml") ==
        "# dind: DIND_INSECURE_REGISTRIES: HTTPS without verification, else plain HTTP\n"
        "server = \"http://reg.local:5000\"\n"
        "\n[host.\"https://reg.local:5000\"]\n  capabilities = [\"pull\", \"resolve\", \"push\"]\n  skip_verify = true\n");
  CHECK(files.count("10.0.0.5/hosts.toml"));
  CHECK(files.count("[fd00::1]:5000/hosts.toml"));
}

TEST_CASE("hosts.toml: a containerd patch's legacy mirrors, in their order, over dind's own") {
  registry::Settings s;
  s.mirrors["localhost:5001"] = {"http://kind-registry:5000", "https://other"};
  auto files = registry::hosts_files(s);
  REQUIRE(files.size() == 1);  // the local registry's file gave way to the user's
  CHECK(files.at("localhost:5001/hosts.toml") ==
        "# dind: registry.mirrors of a containerdConfigPatches entry\nserver = \"https://localhost:5001\"\n"
        "\n[host.\"http://kind-registry:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n"
        "\n[host.\"https://other\"]\n  capabilities = [\"pull\", \"resolve\"]\n");
}

TEST_CASE("registry variables: one line naming the variable for what is not a URL or host[:port]") {
  for (const char* good : {"http://mirror", "https://mirror:5000", "http://10.0.0.1:80/path/v2", "https://[fd00::1]:443"}) {
    CAPTURE(good);
    CHECK(settings({{"DIND_REGISTRY_MIRROR", good}}).mirror == good);
  }
  for (const char* bad : {"mirror:5000", "ftp://mirror", "http://", "http://mirror:0", "http://mirror:65536", "http://mir ror",
                          "http://mirror:5000/a\"b", "http://mirror/?q", "http://user@mirror", "https://-mirror", "http://mirror:"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(settings({{"DIND_REGISTRY_MIRROR", bad}}),
                      Catch::StartsWith("DIND_REGISTRY_MIRROR: '") && Catch::EndsWith("is not http(s)://host[:port][/path]"));
  }
  for (const char* bad : {"http://reg:5000", "reg:port", "reg/path", "[fd00::1", "reg.", "a b", "reg:5000:1", "[]:5000"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(settings({{"DIND_INSECURE_REGISTRIES", bad}}), Catch::StartsWith("DIND_INSECURE_REGISTRIES: '"));
  }
  CHECK_THROWS_WITH(settings({{"DIND_INSECURE_REGISTRIES", "localhost:5001"}}), Catch::Contains("the local registry"));
  CHECK_THROWS_WITH(settings({{"DIND_INSECURE_REGISTRIES", "docker.io"}, {"DIND_REGISTRY_MIRROR", "http://m"}}),
                    Catch::Contains("DIND_REGISTRY_MIRROR"));
  CHECK(settings({{"DIND_INSECURE_REGISTRIES", "docker.io"}}).insecure.size() == 1);
}

TEST_CASE("DIND_CA_CERT: a PEM certificate file, else one line") {
  {
    TempFile f(pem);
    CHECK(settings({{"DIND_CA_CERT", f.path}}).ca_cert == pem);
  }
  {
    TempFile f("not a certificate\n");
    CHECK_THROWS_AS(settings({{"DIND_CA_CERT", f.path}}), UsageError);
    CHECK_THROWS_WITH(settings({{"DIND_CA_CERT", f.path}}), Catch::Contains("holds no PEM certificate"));
  }
  {
    TempFile f("-----BEGIN CERTIFICATE-----\ncut short\n");
    CHECK_THROWS_WITH(settings({{"DIND_CA_CERT", f.path}}), Catch::Contains("holds no PEM certificate"));
  }
  CHECK_THROWS_WITH(settings({{"DIND_CA_CERT", "/nonexistent/ca.pem"}}), "DIND_CA_CERT: /nonexistent/ca.pem is not a file");
  CHECK_THROWS_WITH(settings({{"DIND_CA_CERT", "/"}}), "DIND_CA_CERT: / is not a file");
}

TEST_CASE("with_ca appends the CA on lines of its own") {
  CHECK(registry::with_ca("A\n", pem) == std::string("A\n") + pem);
  CHECK(registry::with_ca("A", "B") == "A\nB\n");
  CHECK(registry::with_ca("", pem) == pem);
}
