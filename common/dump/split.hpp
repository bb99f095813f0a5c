#pragma once
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace dind::dump {

struct SplitOptions {
  std::string out_dir = "cluster-dump";
  bool base64 = false;  // split64: blobs between %%% markers; split: text dumps
  int index = 0;        // 1-based: only that dump; 0: all (several go to dump-N/)
  bool force = false;   // replace existing files of the same name
  // Bounds whatever the input holds (hostile logs, decompression bombs).
  uint64_t max_bytes = uint64_t(1) << 30;      // bytes written, all dumps together
  uint64_t max_files = 100000;                  // files written, all dumps together
  uint64_t max_line = uint64_t(16) << 20;       // one line of the log or of a dump
  uint64_t xz_memlimit = uint64_t(256) << 20;   // xz/lzma decoder memory
};

struct DumpResult {
  int index = 0;
  std::string dir;
  uint64_t files = 0, bytes = 0;
  std::string codec;
  std::string verified;  // "sha256 ok", "no checksum (old format)", or the problem
  std::string partial;   // the last file, when the dump was cut inside it
  std::vector<std::string> errors;
};

// Reads any CI log (prefixes, escape sequences, CRLF, several dumps) and
// writes the files out, sanitising names so nothing lands outside out_dir and
// never replacing what is there (unless force). Keeps every file it could
// recover; problems are in the results.
std::vector<DumpResult> split(std::istream& in, const SplitOptions& options);

// The default output directory: ./cluster-dump, or the first free
// cluster-dump-N beside it, so a second dump never goes over the first.
std::string default_out_dir();

// A dump's file name made safe: relative, no "..", no empty parts.
std::string safe_name(const std::string& name, uint64_t n);

} // namespace dind::dump
