#pragma once
#include "docker/client.hpp"
#include "util/json.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dind::docker {

// "repo/name:tag" -> {"repo/name", "tag"} ("latest" when untagged).
std::pair<std::string, std::string> split_reference(const std::string& reference);
// The full name containerd and kubelet use for a reference, as containerd's
// ParseDockerRef spells it: "myapp:v1" -> "docker.io/library/myapp:v1",
// "me/app" -> "docker.io/me/app:latest"; with a digest the tag is dropped
// ("app:v1@sha256:..." -> "docker.io/library/app@sha256:...").
std::string normalize_reference(const std::string& reference);
// Whether the reference pins a digest ("name@sha256:...").
bool has_digest(const std::string& reference);

std::optional<json::Document> inspect_image(Client& c, const std::string& reference);
// docker import: a root filesystem tar becomes an image; changes are Dockerfile
// instructions (ENTRYPOINT, ENV, ...). Returns the image id.
std::string import_image(Client& c, const std::string& tar_path, const std::string& reference,
                         const std::vector<std::string>& changes);
void tag_image(Client& c, const std::string& source, const std::string& reference);
void remove_image(Client& c, const std::string& reference, bool force = false);
// docker save of several images into one tar file; docker load of it.
void save_images(Client& c, const std::vector<std::string>& references, const std::string& out_path);
// docker save as a stream: the tar piece by piece, as the engine sends it.
void save_images_stream(Client& c, const std::vector<std::string>& references,
                        const std::function<void(std::string_view)>& on_data);
void load_images(Client& c, const std::string& tar_path);

// docker load fed piece by piece: another engine's docker save stream.
class ImageLoad {
public:
  explicit ImageLoad(Client& c);
  // Throws Error when the engine stopped reading (finish() says why).
  void write(std::string_view data);
  // Ends the archive; throws the engine's refusal, also one inside its 200 answer.
  void finish();

private:
  std::unique_ptr<Upload> upload_;
};

} // namespace dind::docker
