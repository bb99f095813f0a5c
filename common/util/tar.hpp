#pragma once
#include <cstdint>
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

} // namespace dind::util::tar
