#include "util/lock.hpp"

#include "util/env.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/interrupt.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace dind::util {

namespace {

std::string read_holder(int fd) {
  char buf[256];
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  return n > 0 ? trim(std::string(buf, static_cast<size_t>(n))) : "";
}

} // namespace

FileLock::FileLock(const std::string& path, const std::string& what, bool wait,
                   const std::function<void(const std::string&)>& on_wait) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot open lock " + path + ": " + std::strerror(errno));
  bool told = false;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int e = errno;
      ::close(fd_);
      throw Error("cannot lock " + path + ": " + std::strerror(e));
    }
    std::string holder = read_holder(fd_);
    if (!wait) {
      ::close(fd_);
      throw Error("busy: " + (holder.empty() ? std::string("another dind command") : holder) +
                  " holds it (run again without --no-wait to wait)");
    }
    if (!told && on_wait) on_wait(holder.empty() ? "another dind command" : holder);
    told = true;
    try {
      interrupt::check();
    } catch (...) {
      ::close(fd_);
      throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  // the holder's note is for people: failing to write it leaves the lock standing
  std::string me = "pid " + std::to_string(::getpid()) + ": " + what;
  (void)!::ftruncate(fd_, 0);
  (void)!::pwrite(fd_, me.data(), me.size(), 0);
}

FileLock::~FileLock() {
  if (fd_ < 0) return;
  // the file stays: removing it would let a waiter lock an unlinked inode
  (void)!::ftruncate(fd_, 0);
  ::close(fd_);
}

std::string endpoint_lock_path(const std::string& endpoint, const std::string& name) {
  return cache_dir() + "/locks/" + sha256_hex(endpoint).substr(0, 12) + "-" + name + ".lock";
}

} // namespace dind::util
