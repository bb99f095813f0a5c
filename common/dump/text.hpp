#pragma once
#include "util/hash.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace dind::dump {

using Sink = std::function<void(std::string_view)>;

// The dump text format, compatible with kubeadm-dind-cluster's:
//   *** Dumping cluster state (dind-dump 1) ***
//   @@@ <name> @@@
//   <content>
// A content line that looks like a marker (starts with "@@@", after any
// backslashes) gets one more leading backslash. Each file's content is
// followed by one newline, so files without a final newline survive; old
// readers see one blank line more.
class TextWriter {
public:
  explicit TextWriter(Sink sink);
  void file(const std::string& name, std::string_view content);
  // Total uncompressed bytes, files written, SHA-256 of the text.
  uint64_t bytes() const { return bytes_; }
  uint64_t files() const { return files_; }
  std::string sha256();

private:
  void emit(std::string_view s);
  Sink sink_;
  util::Hasher hash_;
  uint64_t bytes_ = 0, files_ = 0;
};

// Parses the text format line by line; old dumps (no dind header) keep
// their content exactly as the lines came.
class TextReader {
public:
  struct Events {
    std::function<void(const std::string& name)> begin;
    std::function<void(std::string_view data)> data;
    std::function<void()> end;
  };
  explicit TextReader(Events events) : ev_(std::move(events)) {}
  // One line without its "\n".
  void line(std::string_view line);
  void finish();
  uint64_t files() const { return files_; }
  bool ours() const { return ours_; }  // our header: the dump ends with an end line

private:
  void close();
  Events ev_;
  bool ours_ = false, open_ = false, pending_newline_ = false;
  uint64_t files_ = 0;
};

// "@@@ name @@@" -> name; nullopt-like "" when the line is not a marker.
bool parse_marker(std::string_view line, std::string& name);
constexpr const char* header_line = "*** Dumping cluster state (dind-dump 1) ***";

} // namespace dind::dump
