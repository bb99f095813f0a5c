#pragma once
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace dind::dump {

// A file written under a directory, never replacing or removing what is
// there: a name taken by a file of the other kind (`a` a file, then `a/b`), by
// a symlink, or by an earlier file of the same name moves the new file to the
// first free "name~N", and the move is reported.
class OutFile {
public:
  // Opens root/rel (rel already made safe) for writing.
  OutFile(const std::string& root, const std::string& rel);
  ~OutFile();
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  void write(std::string_view data);
  void close();
  const std::string& rel() const { return rel_; }  // where it went
  const std::string& conflict() const { return conflict_; }  // one line, or ""

private:
  std::FILE* file_ = nullptr;
  std::string rel_, conflict_;
};

// Moves everything under `from` into `to`, merging directories; an entry that
// exists in `to` stays in `from` (unless force replaces a file by a file).
// Returns the relative names of the files left behind; `from` is removed
// when nothing is.
std::vector<std::string> merge_into(const std::string& from, const std::string& to, bool force);

// `base` when free, else the first free "base-2", "base-3", ...
std::string free_dir_name(const std::string& base);

} // namespace dind::dump
