#pragma once
#include "docker/client.hpp"
#include "docker/containers.hpp"

#include <string>

namespace dind::cluster::store {

// A node image's preloaded images, imported once per engine into a volume on
// the host's file system (`dind-preload --store`) that every node of the
// image mounts read-only: a node copies containerd's records at boot
// (dind-preload) instead of importing, and its pods' overlays share the
// unpacked layers (not on the node's FUSE root: that deadlocked).
constexpr const char* mount_point = "/usr/local/share/dind/store";
constexpr const char* label = "io.dind.store";  // the node image's id, on the volume and its maker

// Makes node image `image`'s store on this engine unless it is there, and
// returns the read-only mount of it for a node. The exited container that
// made it stays as the mark that it is whole (and keeps the volume from a
// `docker volume prune`); stores of images the engine no longer has go.
docker::Mount ensure(docker::Client& docker, const std::string& image);

} // namespace dind::cluster::store
