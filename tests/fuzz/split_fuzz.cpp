// split/split64 on whole logs: whatever the log holds, no crash, no write
// outside the output directory, bounds hold. The first byte picks the mode.
#include "dump/split.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // one scratch directory per process, removed when it exits
  static const struct Scratch {
    std::string path = "/dev/shm/dind-fuzz-split-" + std::to_string(::getpid());
    ~Scratch() { fs::remove_all(path); }
  } scratch;
  const std::string& root = scratch.path;
  fs::remove_all(root);
  dind::dump::SplitOptions o;
  o.out_dir = root + "/out";
  o.base64 = data[0] & 1;
  o.max_bytes = 1 << 20;
  o.max_files = 200;
  o.max_line = 1 << 16;
  o.xz_memlimit = 16 << 20;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  try {
    dind::dump::split(in, o);
  } catch (const dind::Error&) {
  }
  if (fs::exists(root)) {
    uint64_t bytes = 0, files = 0;
    for (auto& e : fs::recursive_directory_iterator(root)) {
      if (e.is_symlink()) __builtin_trap();
      if (e.is_regular_file()) bytes += e.file_size(), ++files;
    }
    if (bytes > o.max_bytes || files > o.max_files) __builtin_trap();
  }
  return 0;
}
