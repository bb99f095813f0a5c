#pragma once
#include "docker/client.hpp"
#include "util/json.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dind::docker {

// "repo/name:tag" -> {"repo/name", "tag"} ("latest" when untagged).
std::pair<std::string, std::string> split_reference(const std::string& reference);

std::optional<json::Document> inspect_image(Client& c, const std::string& reference);
// Tags of every image whose reference matches (Docker's "reference" filter).
std::vector<std::string> list_image_tags(Client& c, const std::string& reference_filter);
// docker import: a root filesystem tar becomes an image; changes are Dockerfile
// instructions (ENTRYPOINT, ENV, ...). Returns the image id.
std::string import_image(Client& c, const std::string& tar_path, const std::string& reference,
                         const std::vector<std::string>& changes);
void tag_image(Client& c, const std::string& source, const std::string& reference);
void remove_image(Client& c, const std::string& reference, bool force = false);
// docker save of several images into one tar file; docker load of it.
void save_images(Client& c, const std::vector<std::string>& references, const std::string& out_path);
void load_images(Client& c, const std::string& tar_path);

} // namespace dind::docker
