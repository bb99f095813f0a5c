#include "dump/codec.hpp"

#include "util/error.hpp"

#include <lzma.h>
#include <zstd.h>

#include <vector>

namespace dind::dump {

Codec parse_codec(const std::string& name) {
  if (name == "zstd") return Codec::zstd;
  if (name == "xz") return Codec::xz;
  if (name == "lzma") return Codec::lzma;
  throw UsageError("--codec: '" + name + "' is not one of zstd, xz, lzma");
}

const char* codec_name(Codec c) { return c == Codec::zstd ? "zstd" : c == Codec::xz ? "xz" : "lzma"; }

namespace {

constexpr size_t chunk = 1 << 16;

// One liblzma stream, encoder or decoder, pumped the same way.
struct LzmaPump {
  lzma_stream s = LZMA_STREAM_INIT;
  std::vector<uint8_t> out = std::vector<uint8_t>(chunk);
  ~LzmaPump() { lzma_end(&s); }
  // Returns true at LZMA_STREAM_END.
  bool pump(std::string_view in, lzma_action action, const Sink& sink) {
    s.next_in = reinterpret_cast<const uint8_t*>(in.data());
    s.avail_in = in.size();
    for (;;) {
      s.next_out = out.data();
      s.avail_out = out.size();
      lzma_ret r = lzma_code(&s, action);
      size_t n = out.size() - s.avail_out;
      if (n) sink(std::string_view(reinterpret_cast<const char*>(out.data()), n));
      if (r == LZMA_STREAM_END) return true;
      if (r != LZMA_OK && r != LZMA_BUF_ERROR) throw Error("xz/lzma: " + problem(r));
      if (r == LZMA_BUF_ERROR && n == 0) return false;
      if (s.avail_in == 0 && s.avail_out != 0 && action == LZMA_RUN) return false;
    }
  }
  std::string problem(lzma_ret r) {
    if (r == LZMA_DATA_ERROR) return "corrupt data";
    if (r == LZMA_FORMAT_ERROR) return "not xz or lzma data";
    if (r == LZMA_MEMLIMIT_ERROR) return "the stream needs more than " + std::to_string(lzma_memlimit_get(&s) >> 20) + " MiB of memory (--xz-memlimit)";
    return "error " + std::to_string(r);
  }
};

} // namespace

struct Compressor::Impl {
  Codec codec = Codec::zstd;
  Sink sink;
  ZSTD_CCtx* zc = nullptr;
  LzmaPump lz;
  std::vector<char> out = std::vector<char>(chunk);
};

Compressor::Compressor(Codec codec, Sink sink, int level) : impl_(new Impl) {
  impl_->codec = codec;
  impl_->sink = std::move(sink);
  if (codec == Codec::zstd) {
    impl_->zc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(impl_->zc, ZSTD_c_compressionLevel, level ? level : 12);
    ZSTD_CCtx_setParameter(impl_->zc, ZSTD_c_checksumFlag, 1);
  } else if (codec == Codec::xz) {
    if (lzma_easy_encoder(&impl_->lz.s, level ? static_cast<uint32_t>(level) : 6, LZMA_CHECK_CRC64) != LZMA_OK) throw Error("xz: cannot start encoder");
  } else {
    lzma_options_lzma opt;
    lzma_lzma_preset(&opt, level ? static_cast<uint32_t>(level) : 6);
    if (lzma_alone_encoder(&impl_->lz.s, &opt) != LZMA_OK) throw Error("lzma: cannot start encoder");
  }
}

Compressor::~Compressor() {
  if (impl_->zc) ZSTD_freeCCtx(impl_->zc);
}

void Compressor::write(std::string_view data) {
  if (impl_->codec != Codec::zstd) {
    impl_->lz.pump(data, LZMA_RUN, impl_->sink);
    return;
  }
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (in.pos < in.size) {
    ZSTD_outBuffer out{impl_->out.data(), impl_->out.size(), 0};
    size_t r = ZSTD_compressStream2(impl_->zc, &out, &in, ZSTD_e_continue);
    if (ZSTD_isError(r)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(r));
    if (out.pos) impl_->sink(std::string_view(impl_->out.data(), out.pos));
  }
}

void Compressor::finish() {
  if (impl_->codec != Codec::zstd) {
    impl_->lz.pump({}, LZMA_FINISH, impl_->sink);
    return;
  }
  ZSTD_inBuffer in{nullptr, 0, 0};
  size_t left;
  do {
    ZSTD_outBuffer out{impl_->out.data(), impl_->out.size(), 0};
    left = ZSTD_compressStream2(impl_->zc, &out, &in, ZSTD_e_end);
    if (ZSTD_isError(left)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(left));
    if (out.pos) impl_->sink(std::string_view(impl_->out.data(), out.pos));
  } while (left != 0);
}

struct Decompressor::Impl {
  Sink sink;
  uint64_t memlimit = UINT64_MAX;
  std::string head;  // bytes kept until the magic is known
  std::string codec;
  ZSTD_DCtx* zd = nullptr;
  LzmaPump lz;
  bool ended = false;
  size_t zstd_hint = 1;
  std::vector<char> out = std::vector<char>(chunk);
};

Decompressor::Decompressor(Sink sink, uint64_t memlimit) : impl_(new Impl) {
  impl_->sink = std::move(sink);
  impl_->memlimit = memlimit;
}

Decompressor::~Decompressor() {
  if (impl_->zd) ZSTD_freeDCtx(impl_->zd);
}

std::string Decompressor::codec() const { return impl_->codec; }

void Decompressor::write(std::string_view data) {
  auto& d = *impl_;
  if (d.codec.empty()) {
    d.head.append(data);
    if (d.head.size() < 6) return;
    static const std::string zmagic("\x28\xb5\x2f\xfd", 4), xmagic("\xfd" "7zXZ\0", 6);
    if (d.head.compare(0, 4, zmagic) == 0) {
      d.codec = "zstd";
      d.zd = ZSTD_createDCtx();
    } else {
      d.codec = d.head.compare(0, 6, xmagic) == 0 ? "xz" : "lzma";
      // the auto decoder takes both .xz and legacy .lzma
      if (lzma_auto_decoder(&d.lz.s, d.memlimit, 0) != LZMA_OK) throw Error("lzma: cannot start decoder");
    }
    std::string head = std::move(d.head);
    d.head.clear();
    write(head);
    return;
  }
  if (d.ended) {
    if (data.find_first_not_of(std::string_view("\0", 1)) != std::string_view::npos) throw Error(d.codec + ": data after the end of the compressed stream");
    return;
  }
  if (d.codec != "zstd") {
    d.ended = d.lz.pump(data, LZMA_RUN, d.sink);
    return;
  }
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (in.pos < in.size) {
    ZSTD_outBuffer out{d.out.data(), d.out.size(), 0};
    d.zstd_hint = ZSTD_decompressStream(d.zd, &out, &in);
    if (ZSTD_isError(d.zstd_hint)) throw Error(std::string("zstd: corrupt data (") + ZSTD_getErrorName(d.zstd_hint) + ")");
    if (out.pos) d.sink(std::string_view(d.out.data(), out.pos));
    if (d.zstd_hint == 0) {
      d.ended = true;
      break;
    }
  }
}

void Decompressor::finish() {
  auto& d = *impl_;
  if (d.codec.empty()) {
    if (d.head.empty()) throw Error("no compressed data");
    throw Error("compressed data too short to recognise");
  }
  if (d.codec == "zstd") {
    // flush what is buffered
    ZSTD_inBuffer in{nullptr, 0, 0};
    while (!d.ended) {
      ZSTD_outBuffer out{d.out.data(), d.out.size(), 0};
      size_t r = ZSTD_decompressStream(d.zd, &out, &in);
      if (ZSTD_isError(r)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(r));
      if (out.pos) d.sink(std::string_view(d.out.data(), out.pos));
      if (r == 0) d.ended = true;
      else if (out.pos == 0) break;
    }
  } else if (!d.ended) {
    d.ended = d.lz.pump({}, LZMA_FINISH, d.sink);
  }
  if (!d.ended) throw Error(d.codec + ": the compressed stream is truncated");
}

} // namespace dind::dump
