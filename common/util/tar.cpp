#include "util/tar.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dind::util::tar {

namespace {

constexpr size_t block = 512;
constexpr uint64_t max_octal_size = (uint64_t(1) << 33) - 1;  // 11 octal digits

// width-1 octal digits and a NUL, most significant first
void octal(char* field, size_t width, uint64_t value) {
  field[width - 1] = '\0';
  for (size_t i = width - 1; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
}

// An octal field (spaces and NULs around the digits), or GNU's base-256
// (high bit set) for large values; anything else is a corrupt header.
uint64_t parse_number(const char* field, size_t width, const char* what) {
  if (static_cast<unsigned char>(field[0]) & 0x80) {
    uint64_t v = static_cast<unsigned char>(field[0]) & 0x3f;
    for (size_t i = 1; i < width; ++i) {
      if (v >> 55) throw Error(std::string("tar: ") + what + " too large");
      v = v << 8 | static_cast<unsigned char>(field[i]);
    }
    return v;
  }
  uint64_t v = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v >> 60) throw Error(std::string("tar: ") + what + " too large");
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  for (; i < width; ++i) {
    if (field[i] != ' ' && field[i] != '\0') throw Error(std::string("tar: invalid ") + what + " in a header");
  }
  return v;
}

std::string field(const char* f, size_t width) { return std::string(f, strnlen(f, width)); }

// Sum of the header's bytes with the checksum field counted as spaces.
unsigned checksum(const char* h) {
  unsigned sum = 0;
  for (size_t i = 0; i < block; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
  return sum;
}

// One pax record: "<length> key=value\n", the length counting itself.
std::string pax_record(const std::string& key, const std::string& value) {
  size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t len = body + 1;
  while (std::to_string(len).size() + body != len) len = std::to_string(len).size() + body;
  return std::to_string(len) + " " + key + "=" + value + "\n";
}

// pax records of an 'x' header; throws when malformed.
void parse_pax(std::string_view data, std::string& path, std::string& linkpath, uint64_t& size, bool& has_size) {
  while (!data.empty()) {
    size_t sp = data.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp > 20) throw Error("tar: malformed pax record");
    uint64_t len = 0;
    for (size_t i = 0; i < sp; ++i) {
      if (data[i] < '0' || data[i] > '9') throw Error("tar: malformed pax record length");
      len = len * 10 + static_cast<uint64_t>(data[i] - '0');
    }
    if (len <= sp + 1 || len > data.size() || data[len - 1] != '\n') throw Error("tar: malformed pax record");
    std::string_view rec = data.substr(sp + 1, len - sp - 2);
    size_t eq = rec.find('=');
    if (eq == std::string_view::npos) throw Error("tar: malformed pax record");
    std::string_view key = rec.substr(0, eq), value = rec.substr(eq + 1);
    if (key == "path") path = std::string(value);
    if (key == "linkpath") linkpath = std::string(value);
    if (key == "size") {
      size = 0;
      if (value.empty() || value.size() > 19) throw Error("tar: invalid pax size");
      for (char c : value) {
        if (c < '0' || c > '9') throw Error("tar: invalid pax size");
        size = size * 10 + static_cast<uint64_t>(c - '0');
      }
      has_size = true;
    }
    data.remove_prefix(len);
  }
}

} // namespace

void Writer::pad(uint64_t size) {
  static const char zeros[block] = {};
  if (size % block) out_.write(zeros, static_cast<std::streamsize>(block - size % block));
}

void Writer::header(const std::string& name, char type, unsigned mode, uint64_t size, const std::string& link) {
  // what ustar cannot hold goes into a pax extended header before the entry
  std::string pax;
  if (name.size() >= 100) pax += pax_record("path", name);
  if (link.size() >= 100) pax += pax_record("linkpath", link);
  if (size > max_octal_size) pax += pax_record("size", std::to_string(size));
  if (!pax.empty()) {
    header("././@PaxHeader", 'x', 0644, pax.size());
    out_ << pax;
    pad(pax.size());
  }
  std::array<char, block> h{};
  std::strncpy(h.data(), name.substr(0, 99).c_str(), 100);
  octal(h.data() + 100, 8, mode);
  octal(h.data() + 108, 8, 0);
  octal(h.data() + 116, 8, 0);
  octal(h.data() + 124, 12, size > max_octal_size ? 0 : size);
  octal(h.data() + 136, 12, 0);
  h[156] = type;
  std::strncpy(h.data() + 157, link.substr(0, 99).c_str(), 100);
  std::memcpy(h.data() + 257, "ustar\0" "00", 8);
  octal(h.data() + 148, 7, checksum(h.data()));
  h[155] = ' ';
  out_.write(h.data(), block);
}

void Writer::add_data(const std::string& name, std::string_view content, unsigned mode) {
  header(name, '0', mode, content.size());
  out_.write(content.data(), static_cast<std::streamsize>(content.size()));
  pad(content.size());
}

void Writer::add_file(const std::string& name, const std::string& disk_path, unsigned mode) {
  int fd = ::open(disk_path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) ::close(fd);
    throw Error("cannot read " + disk_path + (fd < 0 ? std::string(": ") + std::strerror(errno) : ": not a regular file"));
  }
  // exactly the size the header says: a file that shrinks meanwhile is an
  // error, one that grows is cut at its size
  uint64_t size = static_cast<uint64_t>(st.st_size), left = size;
  header(name, '0', mode, size);
  std::array<char, 1 << 16> buf;
  while (left > 0) {
    ssize_t n = ::read(fd, buf.data(), left < buf.size() ? left : buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw Error("cannot read " + disk_path + ": it changed while being archived (" + std::to_string(size - left) + " of " +
                  std::to_string(size) + " bytes)");
    }
    out_.write(buf.data(), n);
    left -= static_cast<uint64_t>(n);
  }
  ::close(fd);
  pad(size);
}

void Writer::add_dir(const std::string& name, unsigned mode) {
  std::string n = name;
  while (n.size() > 1 && n.back() == '/') n.pop_back();
  if (dirs_.insert(n).second) header(n + "/", '5', mode, 0);
}

void Writer::add_symlink(const std::string& name, const std::string& target) { header(name, '2', 0777, 0, target); }

void Writer::finish() {
  auto end = end_of_archive();
  out_.write(end.data(), static_cast<std::streamsize>(end.size()));
  out_.flush();
}

std::vector<Entry> read_all(std::string_view archive) {
  std::vector<Entry> out;
  size_t pos = 0;
  std::string long_name, long_link;
  uint64_t pax_size = 0;
  bool has_pax_size = false;
  while (pos + block <= archive.size()) {
    const char* h = archive.data() + pos;
    if (std::all_of(h, h + block, [](char c) { return c == '\0'; })) break;  // end-of-archive blocks
    unsigned want = static_cast<unsigned>(parse_number(h + 148, 8, "checksum"));
    if (want != checksum(h)) throw Error("tar: header checksum mismatch at offset " + std::to_string(pos));
    uint64_t size = parse_number(h + 124, 12, "size");
    if (has_pax_size) size = pax_size;
    has_pax_size = false;
    char type = h[156] ? h[156] : '0';
    pos += block;
    if (size > archive.size() - pos) throw Error("tar: entry '" + field(h, 100) + "' is truncated");
    std::string_view data = archive.substr(pos, size);
    pos += size % block ? size + (block - size % block) : size;
    if (pos > archive.size()) pos = archive.size();
    if (type == 'x') {
      parse_pax(data, long_name, long_link, pax_size, has_pax_size);
      continue;
    }
    if (type == 'L' || type == 'K') {  // GNU long name / long link
      (type == 'L' ? long_name : long_link) = std::string(data.substr(0, strnlen(data.data(), data.size())));
      continue;
    }
    if (type == 'g') continue;
    Entry e;
    std::string prefix = field(h + 345, 155);
    e.name = !long_name.empty() ? long_name : (prefix.empty() ? "" : prefix + "/") + field(h, 100);
    e.link = !long_link.empty() ? long_link : field(h + 157, 100);
    long_name.clear();
    long_link.clear();
    e.type = type;
    e.mode = static_cast<unsigned>(parse_number(h + 100, 8, "mode"));
    if (type == '0' || type == '7') e.content = std::string(data);
    out.push_back(std::move(e));
  }
  return out;
}

void Reader::read_exact(char* buf, size_t n) {
  in_.read(buf, static_cast<std::streamsize>(n));
  if (static_cast<size_t>(in_.gcount()) != n) throw Error("tar: the archive is truncated");
  if (tap_) tap_(std::string_view(buf, n));
}

void Reader::skip_rest() {
  std::array<char, 1 << 16> buf;
  for (uint64_t left = left_ + padding_; left > 0;) {
    size_t n = left < buf.size() ? left : buf.size();
    read_exact(buf.data(), n);
    left -= n;
  }
  left_ = padding_ = 0;
}

bool Reader::next(Entry& entry, uint64_t& size) {
  skip_rest();
  std::string long_name, long_link;
  uint64_t pax_size = 0;
  bool has_pax_size = false;
  std::array<char, block> h;
  for (;;) {
    read_exact(h.data(), block);
    auto zero = [&] { return std::all_of(h.begin(), h.end(), [](char c) { return c == '\0'; }); };
    if (zero()) {
      // the end is two zero blocks: one alone is a file cut short
      read_exact(h.data(), block);
      if (!zero()) throw Error("tar: a zero block inside the archive");
      return false;
    }
    unsigned want = static_cast<unsigned>(parse_number(h.data() + 148, 8, "checksum"));
    if (want != checksum(h.data())) throw Error("tar: header checksum mismatch");
    uint64_t n = has_pax_size ? pax_size : parse_number(h.data() + 124, 12, "size");
    has_pax_size = false;
    char type = h[156] ? h[156] : '0';
    uint64_t pad = n % block ? block - n % block : 0;
    if (type == 'x' || type == 'L' || type == 'K') {
      if (n > (1 << 20)) throw Error("tar: extended header too large");
      std::string data(n, '\0');
      read_exact(data.data(), n);
      std::array<char, block> zeros;
      read_exact(zeros.data(), pad);
      if (type == 'x') {
        parse_pax(data, long_name, long_link, pax_size, has_pax_size);
      } else {
        (type == 'L' ? long_name : long_link) = data.substr(0, strnlen(data.data(), data.size()));
      }
      continue;
    }
    std::string prefix = field(h.data() + 345, 155);
    entry = Entry{};
    entry.name = !long_name.empty() ? long_name : (prefix.empty() ? "" : prefix + "/") + field(h.data(), 100);
    entry.link = !long_link.empty() ? long_link : field(h.data() + 157, 100);
    entry.type = type;
    entry.mode = static_cast<unsigned>(parse_number(h.data() + 100, 8, "mode"));
    // only regular files carry data in the archives read here
    left_ = (type == '0' || type == '7') ? n : 0;
    padding_ = (type == '0' || type == '7') ? pad : 0;
    if (type != '0' && type != '7' && n != 0) throw Error("tar: entry '" + entry.name + "' of type " + type + " has data");
    size = left_;
    return true;
  }
}

void Reader::data(const std::function<void(std::string_view)>& on_data) {
  std::array<char, 1 << 16> buf;
  while (left_ > 0) {
    size_t n = left_ < buf.size() ? left_ : buf.size();
    read_exact(buf.data(), n);
    left_ -= n;
    on_data(std::string_view(buf.data(), n));
  }
  skip_rest();
}

void copy_entries(std::istream& in, const std::function<void(std::string_view)>& out,
                  const std::function<bool(const Entry&)>& keep) {
  Reader r(in);
  // an entry's header blocks wait until keep() has seen its name
  std::string head;
  enum { hold, pass, drop } mode = hold;
  r.tap([&](std::string_view d) {
    if (mode == hold) head.append(d);
    else if (mode == pass) out(d);
  });
  Entry e;
  uint64_t size = 0;
  while (r.next(e, size)) {
    if (keep(e)) {
      out(head);
      mode = pass;
    } else {
      mode = drop;
    }
    r.data([](std::string_view) {});
    head.clear();
    mode = hold;
  }
  mode = drop;
  std::array<char, 1 << 16> buf;
  do in.read(buf.data(), buf.size());
  while (in.gcount() > 0);
}

std::string_view end_of_archive() {
  static const char zeros[2 * block] = {};
  return std::string_view(zeros, sizeof zeros);
}

} // namespace dind::util::tar
