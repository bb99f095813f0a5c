#pragma once
#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dind::util::tar {

// A streaming ustar writer: what archive put and image import are fed with.
// Names and link targets of 100 bytes or more, and sizes of 8 GiB or more,
// go into a pax extended header.
class Writer {
public:
  explicit Writer(std::ostream& out) : out_(out) {}
  void add_data(const std::string& name, std::string_view content, unsigned mode = 0644);
  void add_file(const std::string& name, const std::string& disk_path, unsigned mode);
  // A directory already added (with or without trailing '/') is skipped:
  // the engine refuses archives with duplicate paths.
  void add_dir(const std::string& name, unsigned mode = 0755);
  void add_symlink(const std::string& name, const std::string& target);
  void finish();

private:
  void header(const std::string& name, char type, unsigned mode, uint64_t size, const std::string& link = "");
  void pad(uint64_t size);
  std::ostream& out_;
  std::set<std::string> dirs_;
};

struct Entry {
  std::string name;
  char type = '0';  // '0' file, '5' dir, '2' symlink
  unsigned mode = 0644;
  std::string content;
  std::string link;
};

// Reads an archive (ustar, pax path/linkpath/size records, GNU long names and
// links, base-256 sizes) into memory: used for archive get of small files.
// Throws dind::Error when malformed: a header checksum that does not match, a
// size past the end, a bad number or pax record.
std::vector<Entry> read_all(std::string_view archive);

// Reads an archive from a stream, entry by entry (ustar, pax path/linkpath/
// size records): for archives too large to hold in memory. Throws
// dind::Error when malformed or cut short, also when the end-of-archive
// blocks are missing (a file cut exactly between two entries).
class Reader {
public:
  explicit Reader(std::istream& in) : in_(in) {}
  // The next entry without its content (size: its data's length); false at
  // the end of the archive. Data not read with data() is skipped.
  bool next(Entry& entry, uint64_t& size);
  // The current entry's data, in pieces.
  void data(const std::function<void(std::string_view)>& on_data);
  // Every byte read from now on (headers, pax records, data, padding) is
  // also given to tap: what copy_entries passes on as it is.
  void tap(std::function<void(std::string_view)> to) { tap_ = std::move(to); }

private:
  void read_exact(char* buf, size_t n);
  void skip_rest();
  std::istream& in_;
  uint64_t left_ = 0, padding_ = 0;
  std::function<void(std::string_view)> tap_;
};

// Copies an archive's entries to out as they are (headers, pax records,
// owners, times, data), leaving out those keep() refuses, and without its
// end-of-archive blocks: archives copied one after another, then
// end_of_archive(), make one archive. Reads in to its very end, past those
// blocks (a checksumming stream checks there). Throws as Reader does.
void copy_entries(std::istream& in, const std::function<void(std::string_view)>& out,
                  const std::function<bool(const Entry&)>& keep);
std::string_view end_of_archive();

} // namespace dind::util::tar
