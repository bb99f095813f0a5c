#pragma once
#include "dump/text.hpp"

#include <string>
#include <string_view>

namespace dind::dump {

// Streaming base64 with lines of `width` characters (the seed: base64 -w 100).
class Base64Encoder {
public:
  Base64Encoder(Sink sink, size_t width = 100) : sink_(std::move(sink)), width_(width) {}
  void write(std::string_view data);
  void finish();

private:
  void put(char c);
  Sink sink_;
  size_t width_, column_ = 0;
  std::string pending_, line_;
};

// Streaming decoder: whitespace is skipped; anything else outside the
// alphabet throws dind::Error.
class Base64Decoder {
public:
  explicit Base64Decoder(Sink sink) : sink_(std::move(sink)) {}
  void write(std::string_view text);
  // Throws when the input stopped inside a 4-character group.
  void finish();

private:
  Sink sink_;
  unsigned acc_ = 0;
  int bits_ = 0, chars_ = 0;
  bool padded_ = false;
};

} // namespace dind::dump
