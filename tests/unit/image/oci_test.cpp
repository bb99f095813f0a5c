#include "image/oci.hpp"
#include "dump/codec.hpp"
#include "util/hash.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"
#include "util/tar.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace dind;
namespace fs = std::filesystem;

namespace {

std::string tar_of(const std::string& name, const std::string& content) {
  std::ostringstream out;
  util::tar::Writer w(out);
  w.add_data(name, content, 0755);
  w.finish();
  return out.str();
}

std::string unzstd(const std::string& data) {
  std::string out;
  dump::Decompressor d([&](std::string_view s) { out.append(s); });
  d.write(data);
  d.finish();
  return out;
}

} // namespace

TEST_CASE("an OCI archive names each image, and every blob is what its digest says") {
  std::string path = (fs::temp_directory_path() / ("dind-oci-test-" + std::to_string(::getpid()) + ".tar")).string();
  std::string pause = tar_of("pause", "sandbox"), proxy = tar_of("usr/local/bin/kube-proxy", std::string(100000, 'p'));
  image::OciArchive archive;
  archive.add({"registry.k8s.io/pause:3.10.1", pause, {"PATH=/bin"}, {"/pause"}});
  archive.add({"registry.k8s.io/kube-proxy:v1.34.4", proxy, {"PATH=/usr/local/bin"}, {}});
  archive.write(path);
  auto entries = util::tar::read_all(util::read_file(path));
  fs::remove(path);

  std::map<std::string, std::string> files;
  for (auto& e : entries) files[e.name] = e.content;
  CHECK(files.at("oci-layout") == R"({"imageLayoutVersion":"1.0.0"})");
  auto blob = [&](const std::string& digest) {
    REQUIRE(util::starts_with(digest, "sha256:"));
    const std::string& data = files.at("blobs/sha256/" + digest.substr(7));
    CHECK(util::sha256_hex(data) == digest.substr(7));
    return data;
  };
  auto index = json::parse(files.at("index.json"), "index.json");
  const auto& manifests = index["manifests"];
  REQUIRE(manifests.Size() == 2);
  std::map<std::string, std::string> layers = {{"registry.k8s.io/pause:3.10.1", pause},
                                               {"registry.k8s.io/kube-proxy:v1.34.4", proxy}};
  for (const auto& m : manifests.GetArray()) {
    std::string name = json::str(m, {"annotations", "io.containerd.image.name"});
    REQUIRE(layers.count(name));
    CHECK(json::str(m, {"annotations", "org.opencontainers.image.ref.name"}) == name.substr(name.rfind(':') + 1));
    CHECK(json::str(m, {"platform", "os"}) == "linux");
    std::string manifest_text = blob(json::str(m, {"digest"}));
    CHECK(json::num(m, {"size"}) == static_cast<int64_t>(manifest_text.size()));
    auto manifest = json::parse(manifest_text, "manifest");
    const auto& layer = manifest["layers"][0];
    CHECK(json::str(layer, {"mediaType"}) == "application/vnd.oci.image.layer.v1.tar+zstd");
    std::string compressed = blob(json::str(layer, {"digest"}));
    CHECK(compressed.size() < layers[name].size());
    CHECK(unzstd(compressed) == layers[name]);
    // containerd checks the unpacked layer against the config's diff_id
    auto config = json::parse(blob(json::str(manifest, {"config", "digest"})), "config");
    CHECK(json::str(config["rootfs"]["diff_ids"][0], {}) == "sha256:" + util::sha256_hex(layers[name]));
    bool is_pause = name.find("pause") != std::string::npos;
    CHECK((json::find(config, {"config", "Entrypoint"}) != nullptr) == is_pause);
  }
}
