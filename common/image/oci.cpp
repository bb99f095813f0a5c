#include "image/oci.hpp"

#include "dump/codec.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/json.hpp"
#include "util/tar.hpp"

#include <algorithm>
#include <fstream>

namespace dind::image {

namespace {

std::string zstd(const std::string& data) {
  std::string out;
  dump::Compressor z(dump::Codec::zstd, [&](std::string_view d) { out.append(d); }, 9);
  z.write(data);
  z.finish();
  return out;
}

json::Writer& descriptor(json::Writer& w, const char* media_type, const std::string& digest, size_t size) {
  return w.kv("mediaType", media_type).kv("digest", digest).kv("size", static_cast<int64_t>(size));
}

} // namespace

std::string OciArchive::blob(std::string data) {
  std::string hex = util::sha256_hex(data);
  // an archive may not name a path twice
  if (std::none_of(blobs_.begin(), blobs_.end(), [&](auto& b) { return b.first == hex; })) blobs_.emplace_back(hex, std::move(data));
  return "sha256:" + hex;
}

void OciArchive::add(const OciImage& image) {
  std::string compressed = zstd(image.layer);
  size_t layer_size = compressed.size();
  std::string layer = blob(std::move(compressed));
  json::Writer config;
  config.begin_object().kv("architecture", "amd64").kv("os", "linux");
  config.key("config").begin_object().strings("Env", image.env);
  if (!image.entrypoint.empty()) config.strings("Entrypoint", image.entrypoint);
  config.end_object();
  config.key("rootfs").begin_object().kv("type", "layers").strings("diff_ids", {"sha256:" + util::sha256_hex(image.layer)});
  config.end_object().end_object();
  std::string config_json = config.str();
  size_t config_size = config_json.size();
  std::string config_digest = blob(std::move(config_json));

  json::Writer manifest;
  manifest.begin_object().kv("schemaVersion", 2).kv("mediaType", "application/vnd.oci.image.manifest.v1+json");
  descriptor(manifest.key("config").begin_object(), "application/vnd.oci.image.config.v1+json", config_digest, config_size).end_object();
  manifest.key("layers").begin_array().begin_object();
  descriptor(manifest, "application/vnd.oci.image.layer.v1.tar+zstd", layer, layer_size).end_object().end_array();
  manifest.end_object();
  std::string manifest_json = manifest.str();
  size_t manifest_size = manifest_json.size();
  std::string manifest_digest = blob(std::move(manifest_json));

  json::Writer entry;
  descriptor(entry.begin_object(), "application/vnd.oci.image.manifest.v1+json", manifest_digest, manifest_size);
  entry.key("platform").begin_object().kv("architecture", "amd64").kv("os", "linux").end_object();
  std::string tag = image.reference.substr(image.reference.rfind(':') + 1);
  entry.object("annotations", {{"io.containerd.image.name", image.reference}, {"org.opencontainers.image.ref.name", tag}});
  manifests_.push_back(entry.end_object().str());
}

void OciArchive::write(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write " + path);
  json::Writer index;
  index.begin_object().kv("schemaVersion", 2).key("manifests").begin_array();
  for (auto& m : manifests_) index.raw(m);
  index.end_array().end_object();
  util::tar::Writer w(out);
  w.add_data("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  w.add_data("index.json", index.str());
  w.add_dir("blobs");
  w.add_dir("blobs/sha256");
  for (auto& [hex, data] : blobs_) w.add_data("blobs/sha256/" + hex, data);
  w.finish();
  if (!out.flush()) throw Error("cannot write " + path);
}

} // namespace dind::image
