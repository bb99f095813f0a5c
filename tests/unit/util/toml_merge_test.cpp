#include "util/error.hpp"
#include "util/toml_merge.hpp"

#include <catch2/catch.hpp>

using namespace dind;

TEST_CASE("a containerd patch merges table by table") {
  std::string base = R"(version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
)";
  std::string patch = R"([plugins."io.containerd.grpc.v1.cri".registry.mirrors."localhost:5000"]
  endpoint = ["http://registry:5000"]
[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "native"
)";
  std::string out = util::toml::merge(base, patch, "p");
  CHECK(out.find("sandbox_image = 'registry.k8s.io/pause:3.10.1'") != std::string::npos);
  CHECK(out.find("snapshotter = 'native'") != std::string::npos);
  CHECK(out.find("overlayfs") == std::string::npos);
  CHECK(out.find("endpoint = [ 'http://registry:5000' ]") != std::string::npos);
  CHECK(out.find("version = 2") != std::string::npos);
  // merging the output again changes nothing: it is valid TOML
  CHECK(util::toml::merge(out, "", "p") == out);
}

TEST_CASE("a table's arrays are taken out of the text") {
  std::string text = R"([plugins."cri".registry]
  config_path = "/etc/containerd/certs.d"
  [plugins."cri".registry.mirrors."docker.io"]
    endpoint = ["http://a:5000", "https://b"]
  [plugins."cri".registry.mirrors."localhost:5000"]
    endpoint = ["http://c:5000"]
)";
  auto taken = util::toml::take_arrays(text, {"plugins", "cri", "registry", "mirrors"}, "endpoint", "p");
  REQUIRE(taken.size() == 2);
  CHECK(taken["docker.io"] == std::vector<std::string>{"http://a:5000", "https://b"});
  CHECK(taken["localhost:5000"] == std::vector<std::string>{"http://c:5000"});
  CHECK(text.find("mirrors") == std::string::npos);
  CHECK(text.find("config_path = '/etc/containerd/certs.d'") != std::string::npos);
  // nothing there: nothing taken, the text as it was
  std::string plain = "version = 2\n";
  CHECK(util::toml::take_arrays(plain, {"plugins", "cri", "registry", "mirrors"}, "endpoint", "p").empty());
}

TEST_CASE("TOML that does not parse is named") {
  CHECK_THROWS_WITH(util::toml::check("[plugins\n", "containerdConfigPatches[0]"),
                    Catch::Contains("containerdConfigPatches[0]: not valid TOML"));
}
