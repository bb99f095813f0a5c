#pragma once
#include <string>
#include <utility>
#include <vector>

namespace dind::image {

// One single-layer image.
struct OciImage {
  std::string reference;              // e.g. registry.k8s.io/pause:3.10.1
  std::string layer;                  // the layer as an uncompressed tar
  std::vector<std::string> env;       // KEY=value
  std::vector<std::string> entrypoint;
};

// An OCI image-layout archive (oci-layout, index.json, blobs/sha256/...) with
// zstd-compressed layers, each image named by its io.containerd.image.name
// annotation: what `ctr images import` reads. containerd then ingests a
// quarter of the bytes of a `docker save` tar (whose layers are uncompressed).
class OciArchive {
public:
  void add(const OciImage& image);  // compresses the layer at once
  void write(const std::string& path) const;

private:
  std::string blob(std::string data);  // -> its digest
  std::vector<std::pair<std::string, std::string>> blobs_;  // hex digest, content
  std::vector<std::string> manifests_;  // index.json's descriptors
};

} // namespace dind::image
