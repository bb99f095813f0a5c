#include "dump/base64.hpp"

#include "util/error.hpp"

namespace dind::dump {

namespace {
const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
} // namespace

void Base64Encoder::put(char c) {
  line_ += c;
  if (++column_ == width_) {
    line_ += '\n';
    column_ = 0;
  }
  if (line_.size() >= 8192) {
    sink_(line_);
    line_.clear();
  }
}

void Base64Encoder::write(std::string_view data) {
  pending_.append(data);
  size_t full = pending_.size() / 3 * 3;
  for (size_t i = 0; i < full; i += 3) {
    unsigned v = static_cast<unsigned char>(pending_[i]) << 16 | static_cast<unsigned char>(pending_[i + 1]) << 8 |
                 static_cast<unsigned char>(pending_[i + 2]);
    for (int s = 18; s >= 0; s -= 6) put(alphabet[(v >> s) & 63]);
  }
  pending_.erase(0, full);
}

void Base64Encoder::finish() {
  if (!pending_.empty()) {
    unsigned v = static_cast<unsigned char>(pending_[0]) << 16;
    if (pending_.size() > 1) v |= static_cast<unsigned char>(pending_[1]) << 8;
    put(alphabet[(v >> 18) & 63]);
    put(alphabet[(v >> 12) & 63]);
    put(pending_.size() > 1 ? alphabet[(v >> 6) & 63] : '=');
    put('=');
    pending_.clear();
  }
  if (column_ != 0) line_ += '\n';
  column_ = 0;
  sink_(line_);
  line_.clear();
}

void Base64Decoder::write(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padded_ = true;
      ++chars_;
      continue;
    }
    int v = value(c);
    if (v < 0 || padded_) throw Error(std::string("base64: unexpected character '") + (v < 0 ? c : '=') + "'");
    acc_ = (acc_ << 6) | static_cast<unsigned>(v);
    bits_ += 6;
    ++chars_;
    if (bits_ >= 8) {
      bits_ -= 8;
      out += static_cast<char>((acc_ >> bits_) & 0xff);
    }
  }
  if (!out.empty()) sink_(out);
}

void Base64Decoder::finish() {
  if (chars_ % 4 != 0) throw Error("base64: input ends inside a group (truncated?)");
}

} // namespace dind::dump
