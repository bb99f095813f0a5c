#pragma once
#include <istream>
#include <string>
#include <vector>

namespace dind::dump {

struct SplitOptions {
  std::string out_dir = "cluster-dump";
  bool base64 = false;  // split64: blobs between %%% markers; split: text dumps
  int index = 0;        // 1-based: only that dump; 0: all (several go to dump-N/)
};

struct DumpResult {
  int index = 0;
  std::string dir;
  uint64_t files = 0, bytes = 0;
  std::string codec;
  std::string verified;  // "sha256 ok", "no checksum (old format)", or the problem
  std::vector<std::string> errors;
};

// Reads any CI log (prefixes, ANSI codes, CRLF, several dumps) and writes the
// files out, sanitising names so nothing lands outside out_dir. Keeps every
// file it could recover; problems are in the results.
std::vector<DumpResult> split(std::istream& in, const SplitOptions& options);

// A dump's file name made safe: relative, no "..", no empty parts.
std::string safe_name(const std::string& name, uint64_t n);

} // namespace dind::dump
