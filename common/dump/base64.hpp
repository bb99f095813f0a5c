#pragma once
#include "dump/text.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace dind::dump {

// Streaming base64 with "\n"-ended lines of `width` characters (the seed:
// base64 -w 100), on Poco's encoder.
class Base64Encoder {
public:
  explicit Base64Encoder(Sink sink, size_t width = 100);
  ~Base64Encoder();
  void write(std::string_view data);
  void finish();

private:
  void drain(bool all);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streaming decoder on Poco's: whitespace is skipped, text may be cut
// anywhere; anything outside the alphabet throws dind::Error.
class Base64Decoder {
public:
  explicit Base64Decoder(Sink sink) : sink_(std::move(sink)) {}
  void write(std::string_view text);
  // Throws when the input stopped inside a 4-character group.
  void finish();

private:
  Sink sink_;
  std::string pending_;  // characters of an incomplete group
};

} // namespace dind::dump
