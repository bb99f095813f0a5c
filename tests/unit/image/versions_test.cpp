#include "image/versions.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace dind;
namespace fs = std::filesystem;

namespace {

// An images/ dir with a default release and two more in versions.d.
std::string images_fixture() {
  std::string root = (fs::temp_directory_path() / "dind-versions-test").string();
  fs::remove_all(root);
  fs::create_directories(root + "/versions.d");
  util::write_file(root + "/versions", "KUBERNETES_VERSION=v1.34.4\nETCD_VERSION=v3.6.5\nCRI_TOOLS_VERSION=v1.34.0\n");
  util::write_file(root + "/versions.d/v1.35", "KUBERNETES_VERSION=v1.35.4\nETCD_VERSION=v3.6.6\n");
  util::write_file(root + "/versions.d/v1.9", "KUBERNETES_VERSION=v1.9.1\n");
  util::write_file(root + "/versions.d/README", "not a release\n");
  return root;
}

int usage_exit(const std::string& images, const std::string& wanted) {
  try {
    image::kubernetes_release(images, wanted);
  } catch (const Error& e) {
    return e.exit_code();
  }
  return 0;
}

} // namespace

TEST_CASE("a Kubernetes release is images/versions with its versions.d file over it") {
  std::string images = images_fixture();
  CHECK(image::kubernetes_minors(images) == std::vector<std::string>{"v1.9", "v1.34", "v1.35"});

  auto def = image::kubernetes_release(images, "");
  CHECK(def.minor == "v1.34");
  CHECK(def.override_file.empty());
  CHECK(def.versions.at("ETCD_VERSION") == "v3.6.5");
  // the default asked for by name is the default, with its caches
  CHECK(image::kubernetes_release(images, "v1.34").override_file.empty());
  CHECK(image::kubernetes_release(images, "v1.34.4").override_file.empty());

  for (std::string wanted : {"v1.35", "1.35", "v1.35.4"}) {
    auto r = image::kubernetes_release(images, wanted);
    CHECK(r.minor == "v1.35");
    CHECK(r.override_file == images + "/versions.d/v1.35");
    CHECK(r.versions.at("KUBERNETES_VERSION") == "v1.35.4");
    CHECK(r.versions.at("ETCD_VERSION") == "v3.6.6");
    CHECK(r.versions.at("CRI_TOOLS_VERSION") == "v1.34.0");  // not overridden: inherited
  }
}

TEST_CASE("a Kubernetes version dind does not build is refused as a usage error") {
  std::string images = images_fixture();
  for (std::string wanted : {"v1.33", "v1.35.3", "v1.34.1", "latest", "v1", "v1.35/../v1.34", "README", "v1.35."}) {
    INFO(wanted);
    CHECK(usage_exit(images, wanted) == 2);
  }
  try {
    image::kubernetes_release(images, "v1.36");
    FAIL("v1.36 accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "Kubernetes v1.36 is not supported: dind builds v1.9, v1.34, v1.35 (images/versions.d)");
  }
}
