#include "dump/logscan.hpp"

#include <cstring>

namespace dind::dump {

namespace {

// Length of the escape sequence at line[i] (line[i] == ESC), at least 1.
size_t escape_length(std::string_view line, size_t i) {
  size_t n = line.size();
  if (i + 1 >= n) return 1;
  char kind = line[i + 1];
  size_t j = i + 2;
  if (kind == '[') {  // CSI: parameter and intermediate bytes, then a final byte 0x40-0x7e
    while (j < n && (static_cast<unsigned char>(line[j]) < 0x40 || static_cast<unsigned char>(line[j]) > 0x7e)) ++j;
    return (j < n ? j + 1 : n) - i;
  }
  if (kind == ']') {  // OSC: up to BEL or ST
    while (j < n && line[j] != '\a' && !(line[j] == '\x1b' && j + 1 < n && line[j + 1] == '\\')) ++j;
    if (j >= n) return n - i;
    return (line[j] == '\a' ? j + 1 : j + 2) - i;
  }
  return 2;
}

} // namespace

std::string strip_escapes(std::string_view line) {
  line = strip_leading_escapes(line);
  std::string out;
  out.reserve(line.size());
  for (size_t i = 0; i < line.size();) {
    if (line[i] == '\x1b') {
      i += escape_length(line, i);
    } else {
      out += line[i++];
    }
  }
  return out;
}

std::string_view strip_leading_escapes(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == '\r' || line[i] == '\x1b')) i += line[i] == '\r' ? 1 : escape_length(line, i);
  return line.substr(i < line.size() ? i : line.size());
}

bool LineReader::fill() {
  if (pos_ < end_) return true;
  if (!in_) return false;
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = static_cast<size_t>(in_.gcount());
  return end_ > 0;
}

bool LineReader::next(std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  bool any = false;
  while (fill()) {
    any = true;
    const char* start = buffer_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    size_t len = nl ? static_cast<size_t>(nl - start) : end_ - pos_;
    if (!too_long) {
      size_t room = max_ - line.size();
      if (len > room) too_long = true;
      line.append(start, len < room ? len : room);
    }
    pos_ += len;
    if (nl) {
      ++pos_;
      break;
    }
  }
  if (any) ++number_;
  return any;
}

} // namespace dind::dump
