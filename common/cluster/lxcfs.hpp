#pragma once
#include "docker/client.hpp"
#include "docker/containers.hpp"
#include "util/lock.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dind::cluster::lxcfs {

// kubelet takes a node's capacity from /proc/meminfo (MemTotal) and from the
// CPUs /sys/devices/system/cpu/online lists; a container sees the host's. One
// lxcfs on the Docker host, run by dind, answers these files from the
// reader's cgroup limits; limited nodes bind-mount them.
constexpr const char* mount_point = "/var/lib/dind-lxcfs";
constexpr const char* label = "io.dind.lxcfs";  // on every container that mounts it

std::vector<docker::Mount> node_mounts();

// Why dind cannot run lxcfs for this engine: {what is missing, the fix}.
struct Problem {
  std::string what, fix;
};
std::optional<Problem> problem(const docker::Client& docker);
bool running();

// Held while limited nodes are created or started: lxcfs runs (started when it
// does not; Error with the fix when it cannot be) and no release() stops it meanwhile.
class Use {
public:
  explicit Use(const docker::Client& docker);

private:
  util::FileLock lock_;
};

// Stops dind's lxcfs (and its mount) once no container carries the label:
// after the last limited cluster's `down` or `clean`. Warns, never throws,
// when it cannot.
void release(docker::Client& docker);

} // namespace dind::cluster::lxcfs
