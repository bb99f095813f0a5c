#pragma once
#include "dump/text.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace dind::dump {

enum class Codec { zstd, xz, lzma };  // lzma: the legacy "lzma-alone" format the seed wrote

Codec parse_codec(const std::string& name);  // throws UsageError
const char* codec_name(Codec c);

// Streaming compression: write() any number of times, then finish().
// level 0 is the codec's default for dumps (zstd 12: small, for CI logs).
class Compressor {
public:
  Compressor(Codec codec, Sink sink, int level = 0);
  ~Compressor();
  void write(std::string_view data);
  void finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streaming decompression; the format is detected from the magic bytes
// (zstd, xz, or lzma-alone). finish() throws when the stream is cut short.
// xz/lzma refuse streams that need more than memlimit bytes of memory; zstd
// keeps its default window limit (128 MiB).
class Decompressor {
public:
  explicit Decompressor(Sink sink, uint64_t memlimit = UINT64_MAX);
  ~Decompressor();
  void write(std::string_view data);
  void finish();
  std::string codec() const;  // "" until detected

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace dind::dump
