#pragma once
#include "util/tar.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dind::snapshot {

// What a node's root filesystem changed that a restore must bring back, from
// docker diff (path -> 0 modified, 1 added, 2 deleted): the fewest paths whose
// archives hold every added or modified file once. Left out: the volumes
// (/var, /etc/kubernetes: saved whole), what Docker or the entrypoint makes
// afresh in every container (/etc/hosts, /etc/hostname, resolv.conf, tmpfs
// /run and /tmp, /dev), the host's /lib/modules, `mounts` (the user's binds
// and volumes: the host's files, never the node's), and deletions: no step of
// dind deletes a file of the node image, and a restore starts from that image.
std::vector<std::string> changed_roots(const std::vector<std::pair<std::string, int>>& changes,
                                       const std::vector<std::string>& mounts = {});

// Adds an archive get of `path` (its entries named from path's last
// component, as the engine sends them) to w, named from "/" instead.
// Directories, files and symbolic links; anything else is refused.
void add_rerooted(util::tar::Writer& w, const std::string& path, std::string_view archive);

} // namespace dind::snapshot
