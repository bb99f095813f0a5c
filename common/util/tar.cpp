#include "util/tar.hpp"

#include "util/error.hpp"

#include <array>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace dind::util::tar {

namespace {

constexpr size_t block = 512;

// width-1 octal digits and a NUL, most significant first
void octal(char* field, size_t width, uint64_t value) {
  field[width - 1] = '\0';
  for (size_t i = width - 1; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
}

uint64_t parse_octal(const char* field, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width && field[i]; ++i) {
    if (field[i] == ' ') continue;
    if (field[i] < '0' || field[i] > '7') break;
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  return v;
}

std::string field(const char* f, size_t width) { return std::string(f, strnlen(f, width)); }

} // namespace

void Writer::pad(uint64_t size) {
  static const char zeros[block] = {};
  if (size % block) out_.write(zeros, static_cast<std::streamsize>(block - size % block));
}

void Writer::header(const std::string& name, char type, unsigned mode, uint64_t size, const std::string& link) {
  if (name.size() >= 100) {
    // pax extended header carrying the long path
    std::string rec = " path=" + name + "\n";
    size_t len = rec.size();
    while (std::to_string(len + std::to_string(len).size()).size() != std::to_string(len).size()) ++len;
    len += std::to_string(len).size();
    rec = std::to_string(len) + rec;
    header("././@PaxHeader", 'x', 0644, rec.size());
    out_ << rec;
    pad(rec.size());
  }
  std::array<char, block> h{};
  std::strncpy(h.data(), name.substr(0, 99).c_str(), 100);
  octal(h.data() + 100, 8, mode);
  octal(h.data() + 108, 8, 0);
  octal(h.data() + 116, 8, 0);
  octal(h.data() + 124, 12, size);
  octal(h.data() + 136, 12, 0);
  h[156] = type;
  std::strncpy(h.data() + 157, link.c_str(), 100);
  std::memcpy(h.data() + 257, "ustar\0" "00", 8);
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  octal(h.data() + 148, 7, sum);
  out_.write(h.data(), block);
}

void Writer::add_data(const std::string& name, std::string_view content, unsigned mode) {
  header(name, '0', mode, content.size());
  out_.write(content.data(), static_cast<std::streamsize>(content.size()));
  pad(content.size());
}

void Writer::add_file(const std::string& name, const std::string& disk_path, unsigned mode) {
  std::ifstream in(disk_path, std::ios::binary);
  struct stat st {};
  if (!in || ::stat(disk_path.c_str(), &st) != 0) throw Error("cannot read " + disk_path);
  header(name, '0', mode, static_cast<uint64_t>(st.st_size));
  out_ << in.rdbuf();
  pad(static_cast<uint64_t>(st.st_size));
}

void Writer::add_dir(const std::string& name, unsigned mode) {
  std::string n = name;
  while (n.size() > 1 && n.back() == '/') n.pop_back();
  if (dirs_.insert(n).second) header(n + "/", '5', mode, 0);
}

void Writer::add_symlink(const std::string& name, const std::string& target) { header(name, '2', 0777, 0, target); }

void Writer::finish() {
  static const char zeros[2 * block] = {};
  out_.write(zeros, sizeof zeros);
  out_.flush();
}

std::vector<Entry> read_all(std::string_view archive) {
  std::vector<Entry> out;
  size_t pos = 0;
  std::string long_name;
  while (pos + block <= archive.size()) {
    const char* h = archive.data() + pos;
    if (h[0] == '\0') break;  // end-of-archive blocks
    uint64_t size = parse_octal(h + 124, 12);
    char type = h[156] ? h[156] : '0';
    pos += block;
    if (pos + size > archive.size()) throw Error("tar: entry '" + field(h, 100) + "' is truncated");
    std::string_view data = archive.substr(pos, size);
    pos += (size + block - 1) / block * block;
    if (type == 'x') {  // pax: pick out "path="
      size_t p = data.find(" path=");
      if (p != std::string_view::npos) {
        size_t e = data.find('\n', p);
        long_name = std::string(data.substr(p + 6, e - p - 6));
      }
      continue;
    }
    if (type == 'L') {
      long_name = std::string(data.substr(0, strnlen(data.data(), data.size())));
      continue;
    }
    if (type == 'g') continue;
    Entry e;
    std::string prefix = field(h + 345, 155);
    e.name = !long_name.empty() ? long_name : (prefix.empty() ? "" : prefix + "/") + field(h, 100);
    long_name.clear();
    e.type = type;
    e.mode = static_cast<unsigned>(parse_octal(h + 100, 8));
    e.link = field(h + 157, 100);
    if (type == '0' || type == '7') e.content = std::string(data);
    out.push_back(std::move(e));
  }
  return out;
}

} // namespace dind::util::tar
