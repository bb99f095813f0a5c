#pragma once
#include <functional>
#include <string>

namespace dind::util {

// An exclusive lock on a file descriptor (flock): the kernel drops it when
// the holder exits, so a crashed holder never wedges the next run. The lock
// file keeps the holder's "pid what" for whoever waits.
class FileLock {
public:
  // Waits for the lock (checking for signals), calling on_wait(holder) once
  // when it has to; with wait false, a held lock throws Error naming the holder.
  FileLock(const std::string& path, const std::string& what, bool wait,
           const std::function<void(const std::string& holder)>& on_wait = {});
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  int fd_ = -1;
};

// The lock file for `name` (a cluster, the registry, an image store) on one
// Docker endpoint: ~/.cache/dind/locks/<endpoint hash>-<name>.lock.
std::string endpoint_lock_path(const std::string& endpoint, const std::string& name);

} // namespace dind::util
